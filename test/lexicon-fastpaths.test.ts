/**
 * Fast paths of the lexicon engine's word lists that stand in for regular expressions (a one-liner compiles
 * fewer of them, a stream runs fewer): they must give the same answers.
 */
import { describe, expect, test } from "bun:test";
import { isInflection, VARIANTS } from "../src/engines/lexicon/wordlists.ts";

describe("word-list fast paths", () => {
  test("every match of a spelling-variant pattern contains the part the search checks for first", () => {
    const letters = "aeioulrsyzgntbvcmd";
    let seed = 5;
    const rand = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const words = ["colour", "color", "analyze", "analyse", "center", "centre", "catalog", "defense", "traveled", "travelled", "paediatric", "foetus", "jewelry", "jewellery"];
    for (let k = 0; k < 20000; k++) words.push(Array.from({ length: 2 + rand(10) }, () => letters[rand(letters.length)]).join(""));
    let matched = 0;
    for (const [g, , part] of VARIANTS)
      for (const w of words) {
        g.lastIndex = 0;
        for (let m = g.exec(w); m; m = g.exec(w)) {
          expect(m[0]).toContain(part);
          matched++;
          if (m[0].length === 0) g.lastIndex++;
        }
      }
    expect(matched).toBeGreaterThan(1000);
  });
  test("isInflection's string tests agree with the regular expressions they replace", () => {
    const ref = (a: string, b: string) => {
      const [s, l] = a.length <= b.length ? [a, b] : [b, a];
      if (!l.startsWith(s.replace(/e$/, ""))) return false;
      return /^(s|es|d|ed|ing|r|er|st|est|ly|n)$/.test(l.slice(s.length)) || (s.endsWith("e") && /^(ing|ed|er|est)$/.test(l.slice(s.length - 1)));
    };
    const stems = ["", "e", "hope", "walk", "make", "see", "free", "bee", "lie", "tree"];
    const ends = ["", "e", "s", "es", "d", "ed", "ing", "r", "er", "st", "est", "ly", "n", "x", "eing", "ee", "\n"];
    for (const a of stems) for (const x of ends) for (const y of ends) {
      expect(isInflection(a + x, a + y)).toBe(ref(a + x, a + y));
      expect(isInflection(a + x, a.slice(0, -1) + y)).toBe(ref(a + x, a.slice(0, -1) + y));
    }
  });
});
