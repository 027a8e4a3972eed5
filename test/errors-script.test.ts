import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyse, diffTokens } from "../scripts/errors.ts";
import { rankingClasses } from "../scripts/ranking.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

describe("scripts/errors.ts", () => {
  test("aligns tokens into the stretches that differ", () => {
    expect(diffTokens(["a", "b", "c"], ["a", "x", "c"])).toEqual([[["b"], ["x"], 1, 1]]);
    expect(diffTokens(["ofthe", "end"], ["of", "the", "end"])).toEqual([[["ofthe"], ["of", "the"], 0, 0]]);
  });

  test("classes each word error by what the engine made of it, and counts changes to clean text", () => {
    const dir = scratch("typofix-errors-");
    // teh: fixed; qxzvbw (for yellow): an unknown word left; form for from: a real word left
    writeFileSync(join(dir, "corrupt.txt"), "I saw teh cat.\nHe came form the qxzvbw house.\n");
    writeFileSync(join(dir, "correct.txt"), "I saw the cat.\nHe came from the yellow house.\n");
    const a = analyse(dir);
    expect(a.errors).toBe(3);
    expect(a.counts["fixed"]).toBe(1);
    expect(a.counts["missed/real-word"]).toBe(1);
    expect(a.counts["missed/unknown"]).toBe(1);
    expect(a.examples["fixed"]![0]).toContain("[teh → the | the]");
    expect(a.counts["over/clean"] ?? 0).toBe(0);
  });

  test("scripts/ranking.ts splits the wrong words by edit distance and by what prefers each word", () => {
    const dir = scratch("typofix-ranking-");
    // crief (for cried) becomes grief: both one edit away, the channel and the prior favour grief
    writeFileSync(join(dir, "corrupt.txt"), "the wind crief and sobbed\n");
    writeFileSync(join(dir, "correct.txt"), "the wind cried and sobbed\n");
    const cls = rankingClasses(dir);
    expect(cls.length).toBe(1);
    expect(cls[0]!.count).toBe(1);
    expect(cls[0]!.key).toStartWith("correct 1 edit(s), output 1 | ");
    expect(cls[0]!.examples).toEqual(["crief → grief (cried)"]);
  });
});
