/**
 * The npm package works where package.json says it works (issue 15): it is declared Bun-only
 * (engines.bun), its `typofix` command is a Node shim that starts Bun with the sources (or says how to
 * get Bun), and importing it outside Bun is a clear error, not a syntax error in TypeScript. `npm pack`
 * is checked for what the package holds; a full `npm i -g` needs the registry and is left to the
 * release (docs: README, Install).
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pkg from "../package.json" with { type: "json" };

const root = join(import.meta.dir, "..");
const node = Bun.which("node");
const npm = Bun.which("npm");
const bunDir = dirname(process.execPath);

function runNode(args: string[], env: Record<string, string>, cwd = root) {
  const p = Bun.spawnSync([node!, ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
  return { stdout: p.stdout.toString(), stderr: p.stderr.toString(), code: p.exitCode };
}

describe("the npm package", () => {
  test("is declared Bun-only; bin and exports point at files that exist", () => {
    expect(pkg.engines).toEqual({ bun: ">=1.3.0" });
    expect(readFileSync(join(root, pkg.bin.typofix), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(pkg.exports["."].bun).toBe("./src/index.ts");
    expect(readFileSync(join(root, pkg.exports["."].default), "utf8")).toContain("runs on Bun");
  });
  test.skipIf(!npm)("npm pack holds the shim, the sources and the lexicon (needs npm)", () => {
    const p = Bun.spawnSync([npm!, "pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, stdout: "pipe", stderr: "pipe" });
    expect(p.exitCode).toBe(0);
    const files = (JSON.parse(p.stdout.toString())[0].files as Array<{ path: string }>).map((f) => f.path);
    for (const f of ["bin/typofix.cjs", "bin/library.cjs", "src/cli.ts", "src/index.ts", "models/en/lexicon.bin", "THIRD_PARTY_NOTICES.md", "LICENSE"]) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith("node_modules/") || f.startsWith("test/fixtures/models/"))).toBe(false);
  }, 60_000);
  test.skipIf(!node)("the typofix command runs under Node by starting Bun, -- included (needs node)", () => {
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TYPOFIX_"))), PATH: `${bunDir}:${process.env.PATH}`, TYPOFIX_NO_SERVER: "1" } as Record<string, string>;
    expect(runNode([pkg.bin.typofix, "teh cat"], env).stdout).toBe("the cat\n");
    expect(runNode([pkg.bin.typofix, "--", "--version"], env).stdout).toBe("--version\n");
    const bad = runNode([pkg.bin.typofix, "--chekc"], env);
    expect([bad.code, bad.stderr]).toEqual([2, "typofix: unknown option --chekc (did you mean --check?)\n"]);
  }, 30_000);
  test.skipIf(!node)("without Bun, the command says how to get it (exit 2) (needs node)", () => {
    const r = runNode([join(root, pkg.bin.typofix), "teh"], { PATH: dirname(node!), TYPOFIX_BUN: "no-such-bun-here" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("runs on Bun 1.3 or later");
  });
  test.skipIf(!node)('import "typofix" under Node is a clear error; under Bun it works (needs node)', async () => {
    const dir = mkdtempSync(join(tmpdir(), "typofix-pkg-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(root, join(dir, "node_modules/typofix"));
      const r = runNode(["--input-type=module", "-e", 'import("typofix").then(() => console.log("loaded"), (e) => console.log(e.message))'], { PATH: process.env.PATH! }, dir);
      expect(r.stdout).toContain("the library runs on Bun 1.3 or later");
      const b = Bun.spawnSync([process.execPath, "-e", 'import { fix } from "typofix"; console.log((await fix("teh cat")).output)'], { cwd: dir, stdout: "pipe", stderr: "pipe" });
      expect(b.stdout.toString()).toBe("the cat\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
