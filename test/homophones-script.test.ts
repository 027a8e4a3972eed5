import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();
const root = join(import.meta.dir, "..");

describe("scripts/homophones.ts", () => {
  test("counts a twin put back per word meant, and right words changed", () => {
    const dir = scratch("typofix-homophones-");
    const f = join(dir, "clean.txt");
    // "hear" replaced by "here" is put back ("Can you here me?"); "write" by "right" too; nothing right is changed
    writeFileSync(f, "Can you hear me?\nPlease write a test for this.\n");
    const r = Bun.spawnSync(["bun", join(root, "scripts/homophones.ts"), f], { stdout: "pipe", stderr: "pipe" });
    const out = r.stdout.toString();
    expect(r.exitCode).toBe(0);
    expect(out).toContain("2 lines");
    expect(out).toMatch(/here -> hear\s+1 \/ 1\s+0/);
    expect(out).toMatch(/right -> write\s+1 \/ 1\s+0/);
    expect(out).toMatch(/all\s+2 \/ 2 \(100\.0%\), right words changed 0/);
  }, 60_000);
  test("without files it says how to use it", () => {
    const r = Bun.spawnSync(["bun", join(root, "scripts/homophones.ts")], { stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.toString()).toContain("usage");
  });
});
