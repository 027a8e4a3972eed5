import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { applyCorruption, corruptLines, corruptText, mulberry32, parseMisspellings, summarize, CORRUPTION_TYPES } from "../src/corrupt/index.ts";
import { protectedSpans } from "../src/text/spans.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const SHERLOCK = join(import.meta.dir, "../bench/sample.txt");

describe("corruption", () => {
  test("golden: a fixed seed gives a fixed output", () => {
    const p = corruptText("The quick brown fox jumps over the lazy dog and their cat sleeps there.", { seed: 7, rate: 0.5 });
    expect(p).toEqual(corruptText("The quick brown fox jumps over the lazy dog and their cat sleeps there.", { seed: 7, rate: 0.5 }));
    expect({ corrupted: p.corrupted, types: p.edits.map((e) => e.type) }).toMatchSnapshot();
  });
  test("mulberry32 is the same integer sequence everywhere", () => {
    const r = mulberry32(1);
    // values from an independent Python implementation of mulberry32
    expect([r(), r(), r()].map((x) => Math.round(x * 2 ** 32))).toEqual([2693262067, 11749833, 2265367787]);
  });
  test("edits reproduce the corrupted text from the clean one (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.integer(), (s, seed) => {
        const p = corruptText(s, { seed, rate: 0.6 });
        expect(applyCorruption(s, p.edits)).toBe(p.corrupted);
        for (const e of p.edits) expect(s.slice(e.start, e.end)).toBe(e.from);
      }),
      { numRuns: 300 },
    );
  });
  test("the achieved rate is close to the asked rate over 10k words", () => {
    const text = readFileSync(SHERLOCK, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    const lines: string[] = [];
    while (lines.reduce((n, l) => n + l.split(" ").length, 0) < 10_000) lines.push(...text);
    const s = summarize(corruptLines(lines, { seed: 3 }));
    expect(s.words).toBeGreaterThan(9000);
    expect(Math.abs(s.rate - 0.15)).toBeLessThan(0.015);
    const t = summarize(corruptLines(lines, { seed: 3, rate: 0.05 }));
    expect(Math.abs(t.rate - 0.05)).toBeLessThan(0.01);
  });
  test("protected spans are never corrupted", () => {
    const s = "Visit https://example.com/path, mail bob@example.org, run `npm test` in ./src on 2024-01-02 with NASA and getValue.";
    const keep = protectedSpans(s).map((x) => s.slice(x.start, x.end));
    for (let seed = 0; seed < 50; seed++) {
      const p = corruptText(s, { seed, rate: 1 });
      for (const k of keep) expect(p.corrupted).toContain(k);
    }
  });
  test("types are switchable", () => {
    const s = "their friends were there with your sister and its owner then";
    for (const type of ["drop", "transpose", "homophone", "merge"] as const) {
      const p = corruptText(s, { seed: 5, rate: 1, types: [type] });
      expect(p.edits.length).toBeGreaterThan(0);
      expect(new Set(p.edits.map((e) => e.type))).toEqual(new Set([type]));
    }
    const none = corruptText(s, { seed: 5, rate: 1, weights: Object.fromEntries(CORRUPTION_TYPES.map((t) => [t, 0])) });
    expect(none.edits).toEqual([]);
  });
  test("realistic mode draws observed misspellings", () => {
    const m = parseMisspellings("received\trecieved\naccommodate\tacommodate accomodate\n");
    const p = corruptText("we received and accommodate", { seed: 1, rate: 1, types: ["real"], misspellings: m });
    // every word with an observed misspelling is replaced by one of them (the right spelling never stays)
    expect(p.corrupted).toMatch(/^we recieved and (acommodate|accomodate)$/);
    expect(p.edits.every((e) => e.type === "real")).toBe(true);
  });
});
