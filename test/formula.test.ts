import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { formula } from "../scripts/formula.ts";

const sums = { "darwin-arm64": "a".repeat(64), "darwin-x64": "b".repeat(64), "linux-x64": "c".repeat(64), "linux-arm64": "d".repeat(64) };

describe("Homebrew formula", () => {
  test("per-OS/CPU blocks with url + sha256, install with completions, a real test", () => {
    const rb = formula("1.2.3", sums, "https://example.com/dl");
    for (const [t, s] of Object.entries(sums)) {
      expect(rb).toContain(`url "https://example.com/dl/v1.2.3/typofix-${t}"`);
      expect(rb).toContain(`sha256 "${s}"`);
    }
    for (const k of ["on_macos do", "on_linux do", "on_arm do", "on_intel do", 'generate_completions_from_executable(bin/"typofix", "completions")', "test do", "Thi sis a tset"]) expect(rb).toContain(k);
    expect(() => formula("1.2.3", { "linux-x64": "c".repeat(64) })).toThrow(/missing checksum/);
  });
  const ruby = Bun.which("ruby");
  test("passes ruby -c", () => {
    if (!ruby) {
      console.log("skipped: ruby is not installed (apt-get install ruby)");
      return;
    }
    const f = join(mkdtempSync(join(tmpdir(), "typofix-rb-")), "typofix.rb");
    writeFileSync(f, formula("1.2.3", sums));
    const p = Bun.spawnSync([ruby, "-c", f]);
    expect(p.stdout.toString()).toContain("Syntax OK");
  });
});

describe("workflows", () => {
  const load = (name: string) => parse(require("node:fs").readFileSync(join(import.meta.dir, "../.github/workflows", name), "utf8"));
  test("release: on version tags, dylib on macOS, binaries + artefact tests + release + tap", () => {
    const w = load("release.yml");
    expect(w.on.push.tags).toEqual(["v*"]);
    expect(w.jobs.dylib["runs-on"]).toMatch(/macos/);
    const steps = w.jobs.binaries.steps.map((s: { run?: string; name?: string }) => `${s.name ?? ""} ${s.run ?? ""}`).join("\n");
    for (const k of ["bun run build", "--ane-dylib", "test/artefact.test.ts", "bun run formula", "gh release create", "Formula/typofix.rb"]) expect(steps).toContain(k);
    expect(w.jobs.binaries.needs).toBe("dylib");
  });
  test("macos: Swift build and test, dylib-embedded binary, model pull, seed cases, bench", () => {
    const w = load("macos.yml");
    const steps = w.jobs.ane.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    for (const k of ["swift build -c release", "swift test", "bun run build --target darwin-arm64", "model pull anemll-qwen3-0.6b-ctx512", "--engine ane", "bench --engine ane,onnx"]) expect(steps).toContain(k);
  });
});
