import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { levenshtein, werScores } from "../src/metrics/wer.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { named } from "./support/skip.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

describe("word error rate", () => {
  test("levenshtein by hand", () => {
    expect(levenshtein([], ["a"])).toBe(1);
    expect(levenshtein(["a", "b", "c"], ["a", "c"])).toBe(1);
    expect(levenshtein(["kitten"], ["sitting"])).toBe(1);
    expect(levenshtein([..."kitten"], [..."sitting"])).toBe(3);
  });
  test("scores worked by hand", () => {
    const s = werScores(["teh cat sat", "a b"], ["the cat sat", "a b"], ["the cat sat", "a c"], ["the cat sat", "a b"]);
    expect(s.lines).toBe(2);
    expect(s.exact).toBe(0.5);
    expect(s.wer_in).toBeCloseTo(1 / 5, 12);
    expect(s.wer_out).toBeCloseTo(1 / 5, 12);
    expect(s.reduction).toBeCloseTo(0, 12);
    expect(s.clean_change).toBe(0);
  });
  test("line count mismatch is an error", () => {
    expect(() => werScores(["a"], ["a", "b"], ["a"])).toThrow(/mismatch/);
  });

  const score = join(import.meta.dir, "../../shared/tools/score.py");
  const data = join(import.meta.dir, "../../shared/data/dev/wikidump.realistic");
  const python = Bun.which("python3");
  const why = !python ? "python3 is not installed" : !existsSync(score) ? `no reference scorer at ${score}` : !existsSync(data) ? `no dev data at ${data}` : null;
  test.skipIf(Boolean(why))(named("agrees with the reference score.py to three decimals", why), () => {
    const corrupt = readFileSync(join(data, "corrupt.txt"), "utf8").split("\n").slice(0, 200);
    const correct = readFileSync(join(data, "correct.txt"), "utf8").split("\n").slice(0, 200);
    const engine = LexiconEngine.shared();
    const out = corrupt.map((l) => engine.fixSync(l).output);
    const clean = correct.map((l) => engine.fixSync(l).output);
    const dir = scratch("typofix-score-");
    const files = { corrupt, correct, out, clean };
    for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, k), v.join("\n") + "\n");
    const p = Bun.spawnSync([python!, score, ...["corrupt", "correct", "out", "clean"].map((k) => join(dir, k))]);
    const ref = JSON.parse(p.stdout.toString());
    const ours = werScores(corrupt, correct, out, clean);
    expect(ours.lines).toBe(ref.lines);
    for (const [k, r] of [["exact", "exact"], ["wer_in", "wer_in"], ["wer_out", "wer_out"], ["reduction", "reduction"], ["clean_change", "clean_word_changes"]] as const)
      expect(Math.abs((ours[k] as number) - ref[r])).toBeLessThan(0.0005);
  });
});
