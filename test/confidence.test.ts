import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfidence } from "../src/config.ts";
import { CONFIDENCE_LEVELS } from "../src/types.ts";
import { spawnCli } from "./support/cli.ts";

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "typofix-confidence-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const env = () => ({ ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_CACHE_HOME: join(home, "cache"), NO_COLOR: "", TYPOFIX_NO_SERVER: "1" });
// "passed" → "past" before "the house" is a real-word swap the engine prefers without being sure of it
const TEXT = "she walked passed the house";

describe("--confidence and confidence: in config.yaml", () => {
  test("parseConfidence: the named levels, numbers from 0 to 1, and a message for anything else", () => {
    expect(parseConfidence("low")).toBe(CONFIDENCE_LEVELS.low);
    expect(parseConfidence("default")).toBe(CONFIDENCE_LEVELS.default);
    expect(parseConfidence("high")).toBe(CONFIDENCE_LEVELS.high);
    expect(parseConfidence("0.5")).toBe(0.5);
    expect(parseConfidence(1)).toBe(1);
    for (const bad of ["bold", "1.5", "-0.1", "", null]) expect(parseConfidence(bad)).toMatch(/low, default, high or a number/);
  });
  test("the flag chooses how bold the engine is; a bad value is a usage error", async () => {
    expect((await spawnCli(["--confidence", "high", TEXT], env())).stdout).toBe(`${TEXT}\n`);
    expect((await spawnCli(["--confidence", "low", TEXT], env())).stdout).toBe("she walked past the house\n");
    const json = JSON.parse((await spawnCli(["--confidence", "low", "--json", TEXT], env())).stdout);
    expect(json.edits[0].confidence).toBeGreaterThan(0);
    expect(json.edits[0].confidence).toBeLessThan(1);
    const bad = await spawnCli(["--confidence", "bold", TEXT], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("confidence must be");
  });
  test("the config file's confidence applies; a bad one is a config error", async () => {
    mkdirSync(join(home, "config/typofix"), { recursive: true });
    writeFileSync(join(home, "config/typofix/config.yaml"), "confidence: high\n");
    expect((await spawnCli([TEXT], env())).stdout).toBe(`${TEXT}\n`);
    writeFileSync(join(home, "config/typofix/config.yaml"), "confidence: 0\n");
    expect((await spawnCli([TEXT], env())).stdout).toBe("she walked past the house\n");
    // the flag wins over the file
    expect((await spawnCli(["--confidence", "high", TEXT], env())).stdout).toBe(`${TEXT}\n`);
    writeFileSync(join(home, "config/typofix/config.yaml"), "confidence: 7\n");
    const r = await spawnCli([TEXT], env());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("confidence must be");
    rmSync(join(home, "config/typofix/config.yaml"));
  });
});
