import { describe, expect, test } from "bun:test";
import { CMU_PAIRS, known, lmKey, logP, seen, windowScore } from "../src/engines/lexicon/confusable-lm.ts";

/** How much likelier the trigram model finds the sentence with the word at `at` swapped for its twin. */
const gain = (sentence: string, at: number) => {
  const ws = ["<s>", ...sentence.split(" "), "</s>"];
  const swapped = ws.slice();
  swapped[at + 1] = CMU_PAIRS.get(ws[at + 1]!)!;
  return windowScore(swapped, at + 1) - windowScore(ws, at + 1);
};

describe("the trigram model of the confusable pairs", () => {
  test("every word of the pairs has its twin, and the model knows them", () => {
    for (const [a, b] of CMU_PAIRS) {
      expect(CMU_PAIRS.get(b)).toBe(a);
      expect(known(a)).toBe(true);
    }
    expect(known("qqqxz")).toBe(false);
  });
  test("Katz back-off: a seen bigram is its own probability, an unseen one backs off to the unigram", () => {
    expect(seen("too", "much")).toBe(true);
    expect(logP("", "too", "much")).toBeGreaterThan(logP("", "to", "much") + 3);
    // (no history: the unigram)
    expect(logP("", "", "to")).toBeLessThan(0);
    expect(logP("", "", "to")).toBeGreaterThan(logP("", "", "too"));
  });
  test("it tells the pairs apart where the bigrams cannot", () => {
    expect(gain("its going to rain", 0)).toBeGreaterThan(3);
    expect(gain("your welcome", 0)).toBeGreaterThan(3);
    expect(gain("that is to much", 2)).toBeGreaterThan(3);
    expect(gain("this will effect everyone", 2)).toBeGreaterThan(3);
    expect(gain("the company and its staff", 3)).toBeLessThan(0);
    expect(gain("is this your bag", 2)).toBeLessThan(0);
    expect(gain("i want to go", 2)).toBeLessThan(0);
    expect(gain("the effect was large", 1)).toBeLessThan(0);
  });
  test("the key is two FNV-1a hashes of the n-gram's bytes, with different offset bases", () => {
    expect(lmKey("")).toEqual([0x811c9dc5, 0x050c5d1f]);
    expect(lmKey("a")[0]).toBe(0xe40c292c);
    expect(lmKey("T a b c")).not.toEqual(lmKey("T a b d"));
  });
});
