import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { APOSTROPHE_PAIRS, CMU_PAIRS, known, lmKey, logP, seen, windowScore } from "../src/engines/lexicon/confusable-lm.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

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
  test("the bare contractions are the lexicon's words that are a counted contraction without its apostrophe, and the model tells them apart in context", () => {
    // derived from the lexicon, as the list's comment says: a changed lexicon shows here
    const e = LexiconEngine.shared();
    const derived = new Map<string, string>();
    for (let i = 0; i < e.lex.data.nCounted; i++) {
      const c = e.lex.word(i);
      if (!c.includes("'")) continue;
      const w = c.replace(/'/g, "");
      const id = e.lex.id(w);
      if (id >= 0 && !CMU_PAIRS.has(w) && e.cand.contraction(w) === i) derived.set(w, c);
    }
    expect([...APOSTROPHE_PAIRS].sort()).toEqual([...derived].sort());
    const score = (s: string, at: number, w: string) => {
      const ws = ["<s>", ...s.split(" "), "</s>"];
      const swapped = ws.slice();
      swapped[at + 1] = w;
      return windowScore(swapped, at + 1) - windowScore(ws, at + 1);
    };
    expect(score("i cant do it", 1, "can't")).toBeGreaterThan(3);
    expect(score("whats up", 0, "what's")).toBeGreaterThan(3);
    expect(score("the cant of the thieves", 1, "can't")).toBeLessThan(0);
  });
  test("the key is two FNV-1a hashes of the n-gram's bytes, with different offset bases", () => {
    expect(lmKey("")).toEqual([0x811c9dc5, 0x050c5d1f]);
    expect(lmKey("a")[0]).toBe(0xe40c292c);
    expect(lmKey("T a b c")).not.toEqual(lmKey("T a b d"));
  });
  test("the model answers what the file holds under lmKey of the n-gram's text (keys hashed from their words, never joined)", () => {
    const b = readFileSync(join(import.meta.dir, "../models/en/confusable-lm.bin"));
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const n = dv.getUint32(0, true);
    const value = (key: string): number => {
      const [h, g] = lmKey(key);
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const a = dv.getUint32(4 + 4 * mid, true);
        const c = dv.getUint32(4 + 4 * n + 4 * mid, true);
        if (a === h && c === g) return dv.getFloat32(4 + 8 * n + 4 * mid, true);
        if (a < h || (a === h && c < g)) lo = mid + 1;
        else hi = mid - 1;
      }
      return NaN;
    };
    const words = ["to", "too", "much", "its", "it's", "going", "the", "i", "want", "your", "welcome", "café", "naïve", "x", "", "qqqxz", "<s>", "</s>"];
    let trigrams = 0;
    for (const u of words)
      for (const v of words)
        for (const w of words) {
          expect(seen(v, w)).toBe(!Number.isNaN(value(`B ${v} ${w}`)));
          const t = value(`T ${u} ${v} ${w}`);
          if (u && v && !Number.isNaN(t)) {
            trigrams++;
            expect(logP(u, v, w)).toBe(t);
          }
        }
    for (const w of words) expect(known(w)).toBe(!Number.isNaN(value(`U ${w}`)));
    expect(trigrams).toBeGreaterThan(5);
  });
  test("the shipped file: a count, then the keys' two hashes sorted without a repeat, then the values", () => {
    const b = readFileSync(join(import.meta.dir, "../models/en/confusable-lm.bin"));
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const n = dv.getUint32(0, true);
    expect(b.byteLength).toBe(4 + 12 * n);
    expect(n).toBeGreaterThan(400_000);
    for (let i = 1; i < n; i++) {
      const [h0, h1] = [dv.getUint32(4 + 4 * (i - 1), true), dv.getUint32(4 + 4 * i, true)];
      const [g0, g1] = [dv.getUint32(4 + 4 * n + 4 * (i - 1), true), dv.getUint32(4 + 4 * n + 4 * i, true)];
      if (!(h0 < h1 || (h0 === h1 && g0 < g1))) throw new Error(`keys out of order at ${i}`);
    }
    // every value is a log-probability or a back-off weight: finite, and no probability above 1
    for (let i = 0; i < n; i++) {
      const v = dv.getFloat32(4 + 8 * n + 4 * i, true);
      if (!Number.isFinite(v) || v > 3) throw new Error(`value ${v} at ${i}`);
    }
  });
});
