/**
 * Faults, continued from faults.test.ts: an installed model damaged after install (truncated, emptied, a
 * flipped weight byte even with its modification time set back, the tokenizer edited, a file removed) is
 * detected when an engine loads it, by name and by path, explicit engine and auto, CLI and library; once
 * repaired it loads again. (docs/guarantees.md links each test here.)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { home, quiet, record, runCli } from "./support.ts";
import { SLOW, slow } from "../support/skip.ts";

describe("damaged models are detected on load", () => {
  let store: string;
  let modelDir: string;
  let original: Map<string, Buffer>;
  const e = () => ({ TYPOFIX_HOME: store });
  beforeAll(async () => {
    const { ensureModel } = await import("../../scripts/fixtures.ts");
    const { importModel } = await import("../../src/models/index.ts");
    store = mkdtempSync(join(home, "store-"));
    await importModel(ensureModel("tiny"), "tiny", { env: { ...process.env, TYPOFIX_HOME: store } });
    modelDir = join(store, "models/tiny");
    original = new Map(["onnx/model.onnx", "tokenizer.json", "config.json"].map((f) => [f, readFileSync(join(modelDir, f))]));
  });
  const restore = () => {
    for (const [f, b] of original) writeFileSync(join(modelDir, f), b);
  };

  const damages: Array<[string, () => void, RegExp]> = [
    ["the model file truncated to half", () => truncateSync(join(modelDir, "onnx/model.onnx"), Math.floor(original.get("onnx/model.onnx")!.length / 2)), /onnx\/model\.onnx: \d+ bytes, \d+ when installed \(truncated or replaced\)/],
    ["the model file truncated to nothing", () => truncateSync(join(modelDir, "onnx/model.onnx"), 0), /onnx\/model\.onnx: 0 bytes/],
    [
      "one byte of the weights flipped (same size)",
      () => {
        const b = Buffer.from(original.get("onnx/model.onnx")!);
        b[Math.floor(b.length / 2)]! ^= 0x40;
        writeFileSync(join(modelDir, "onnx/model.onnx"), b);
      },
      /onnx\/model\.onnx: sha256 differs from the one recorded at install \(modified\)/,
    ],
    [
      "one byte flipped and the modification time set back",
      () => {
        const f = join(modelDir, "onnx/model.onnx");
        const { atime, mtime } = statSync(f);
        const b = Buffer.from(original.get("onnx/model.onnx")!);
        b[100]! ^= 1;
        writeFileSync(f, b);
        utimesSync(f, atime, mtime);
      },
      /onnx\/model\.onnx: sha256 differs/,
    ],
    ["the tokenizer edited (still valid JSON, same size)", () => writeFileSync(join(modelDir, "tokenizer.json"), original.get("tokenizer.json")!.toString("utf8").replace(/"<\|im_end\|>"/, '"<|im_END|>"')), /tokenizer\.json: sha256 differs/],
    ["the config removed", () => rmSync(join(modelDir, "config.json")), /config\.json: missing/],
  ];

  test("the intact model loads; what was hashed is remembered in .verified.json (size, inode, times)", async () => {
    const r = await runCli(["--engine", "onnx", "-q", "teh cat"], { env: e() });
    expect([r.code, r.stdout]).toEqual([0, "the cat\n"]);
    const stamp = JSON.parse(readFileSync(join(modelDir, ".verified.json"), "utf8"));
    const manifest = JSON.parse(readFileSync(join(modelDir, "manifest.json"), "utf8"));
    for (const f of manifest.files) expect([f.path, stamp[f.path]?.sha256, stamp[f.path]?.size]).toEqual([f.path, f.sha256, f.size]);
  });

  let ran = 0;
  const check = async (_: string, damage: () => void, why: RegExp) => {
    ran++;
    damage();
    try {
      const explicit = await runCli(["--engine", "onnx", "teh cat"], { env: e() });
      expect(explicit.code).toBe(3); // a damaged model counts as missing (src/cli/exit.ts)
      expect(explicit.stderr).toMatch(why);
      expect(explicit.stderr).toContain("model tiny is damaged");
      expect(explicit.stderr).toContain("typofix model rm tiny");
      expect(quiet(explicit.stderr)).toBe(true);
      const byPath = await runCli(["--engine", "onnx", "--model", modelDir, "teh cat"], { env: e() });
      expect(byPath.code).toBe(3);
      expect(byPath.stderr).toMatch(why);
      const byPathAuto = await runCli(["--model", modelDir, "teh cat"], { env: e() });
      expect([byPathAuto.code, byPathAuto.stdout]).toEqual([0, "the cat\n"]);
      expect(byPathAuto.stderr).toMatch(/using lexicon \(onnx: model tiny is damaged/);
      const auto = await runCli(["teh cat"], { env: e() });
      expect([auto.code, auto.stdout]).toEqual([0, "the cat\n"]);
      expect(auto.stderr).toMatch(/using lexicon \(onnx: model tiny is damaged/);
      const { createEngine } = await import("../../src/engines/index.ts");
      await expect(createEngine({ engine: "onnx", model: modelDir })).rejects.toThrow(why);
    } finally {
      restore();
    }
    const again = await runCli(["--engine", "onnx", "-q", "teh cat"], { env: e() });
    expect([again.code, again.stdout]).toEqual([0, "the cat\n"]);
  };
  // the size check and the hash check behind a set-back modification time every time; the other damages in the slow run
  const everyday = ([name]: [string, unknown, unknown]) => name === "the model file truncated to half" || name === "one byte flipped and the modification time set back";
  const title = "%s: a clear error with --engine onnx, the lexicon with --engine auto; fine again once repaired";
  test.each(damages.filter(everyday))(title, check, 60_000);
  test.skipIf(!SLOW).each(damages.filter((d) => !everyday(d)))(slow(title), check, 60_000);

  afterAll(() => record("damaged-model cases (explicit engine and auto, by name and by path, library)", ran * 5));
});
