/**
 * channelDistance (src/engines/lexicon/channel.ts) computes per column and per row what depends on one
 * side only, and reuses one table: it must give exactly, bit for bit, what the plain cell-by-cell
 * recurrence below gives (the error model as it was written first), with and without the substring rules,
 * with the shipped tables and with none.
 */
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { applyLetterEdits } from "./support/letter-edits.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { channelDistance, ruleCost, useErrorTables } from "../src/engines/lexicon/channel.ts";
import { ALPHA, charIndex, type ErrorTables } from "../src/engines/lexicon/errormodel.ts";
import { isKeyboardNeighbour } from "../src/text/keyboard.ts";

const engine = LexiconEngine.shared();
afterAll(() => useErrorTables(engine.lex.data.errors));

const VOWELS = new Set("aeiouy");
const baseLetter = (ch: string) => ch.normalize("NFD").replace(/\p{M}/gu, "");
function subCost(meant: string, typed: string): number {
  if (meant === typed) return 0;
  if (typed.charCodeAt(0) > 127 && baseLetter(typed) === meant) return 0.35;
  if (isKeyboardNeighbour(meant, typed)) return 0.75;
  if (VOWELS.has(meant) && VOWELS.has(typed)) return 0.85;
  return 1.0;
}
const SHAPES: ReadonlyArray<readonly [number, number]> = [
  [2, 2],
  [2, 1],
  [1, 2],
  [2, 0],
];

/** The recurrence cell by cell, every cost computed in the cell (learned share 0.5, rule scale 1.5: the defaults). */
function reference(meant: string, typed: string, substrings: boolean, T: ErrorTables | null): number {
  const n = meant.length;
  const m = typed.length;
  const W = m + 1;
  const d = new Float64Array((n + 1) * W);
  for (let i = 1; i <= n; i++) d[i * W] = i * 0.95 + 0.3;
  for (let j = 1; j <= m; j++) d[j] = j + 0.3;
  const R = substrings && !!T?.rules?.keys.length && n < 63 && m < 63;
  const mc = [0, ...Array.from(meant, (c) => charIndex(c.charCodeAt(0)))];
  const tc = [0, ...Array.from(typed, (c) => charIndex(c.charCodeAt(0)))];
  const L = 0.5;
  const H = 1 - L;
  for (let i = 1; i <= n; i++) {
    const a = meant[i - 1]!;
    const ai = charIndex(meant.charCodeAt(i - 1));
    const before = i > 1 ? charIndex(meant.charCodeAt(i - 2)) : 0;
    for (let j = 1; j <= m; j++) {
      const b = typed[j - 1]!;
      let dropCost = a === "'" ? 0.1 : (i > 1 && meant[i - 2] === a) || (i < n && meant[i] === a) ? 0.45 : i === n && a === "e" ? 0.15 : 0.95;
      const prevTyped = j > 1 ? typed[j - 2]! : "";
      let insCost = b === prevTyped || (j < m && typed[j] === b) ? 0.5 : isKeyboardNeighbour(prevTyped, b) || (j < m && isKeyboardNeighbour(typed[j]!, b)) ? 0.8 : 1;
      let sub = subCost(a, b);
      if (T) {
        const bi = charIndex(typed.charCodeAt(j - 1));
        if (a !== "'" && i < n) dropCost = L * T.del[before * ALPHA + ai]! + H * dropCost;
        insCost = L * T.ins[ai * ALPHA + bi]! + H * insCost;
        if (sub > 0 && bi !== 28) sub = L * T.sub[ai * ALPHA + bi]! + H * sub;
      }
      let v = d[(i - 1) * W + j - 1]! + sub;
      const del = d[(i - 1) * W + j]! + dropCost + (i === 1 ? 0.3 : 0);
      const ins = d[i * W + j - 1]! + insCost + (j === 1 ? 0.3 : 0);
      if (del < v) v = del;
      if (ins < v) v = ins;
      if (i > 1 && j > 1 && a === typed[j - 2] && meant[i - 2] === b) {
        const t = d[(i - 2) * W + j - 2]! + (T ? L * T.trans[before * ALPHA + ai]! + H * 0.55 : 0.55);
        if (t < v) v = t;
      }
      if (R) {
        let best = Infinity;
        for (const [la, lb] of SHAPES) {
          const pi = i - la;
          const pj = j - lb;
          if (pi < -1 || pj < -1 || (pi === -1) !== (pj === -1)) continue;
          const alpha = la === 0 ? 0 : la === 1 ? mc[i]! + 1 : 30 * (mc[i - 1]! + 1) + mc[i]! + 1;
          const beta = lb === 0 ? 0 : lb === 1 ? tc[j]! + 1 : 30 * (tc[j - 1]! + 1) + tc[j]! + 1;
          const c = ruleCost(alpha, beta);
          if (c === undefined) continue;
          const r = (pi === -1 ? 0 : d[pi * W + pj]!) + 1.5 * c;
          if (r < best) best = r;
        }
        if (best < v) v = best;
      }
      d[i * W + j] = v;
    }
  }
  return d[n * W + m]!;
}

const lex = engine.lex;
/** A dictionary word, and the same word with up to three random slips (letters, an apostrophe, accents). */
const pair = fc
  .tuple(fc.nat(lex.data.nCounted - 1), fc.array(fc.tuple(fc.constantFrom("del", "ins", "sub", "swap"), fc.nat(40), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz'éü")), { maxLength: 3 }))
  .map(([id, edits]) => {
    const meant = lex.word(id);
    const w = applyLetterEdits(meant, edits);
    return [meant, w] as const;
  });

describe("channelDistance", () => {
  test("property: bit-identical to the cell-by-cell recurrence, shipped tables, with and without substring rules", () => {
    useErrorTables(engine.lex.data.errors);
    const T = engine.lex.data.errors;
    expect(T?.rules?.keys.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(pair, fc.boolean(), ([meant, typed], substrings) => {
        expect(channelDistance(meant, typed, substrings)).toBe(reference(meant, typed, substrings, T));
        expect(channelDistance(typed, meant, substrings)).toBe(reference(typed, meant, substrings, T));
      }),
      { numRuns: 3000, seed: 23 },
    );
    // long words (a table grown past its first size), empty ones, doubled letters, a final e, apostrophes
    for (const [a, b] of [["", "abc"], ["abc", ""], ["", ""], ["x".repeat(70), "x".repeat(69) + "y"], ["pneumonoultramicroscopicsilicovolcanoconiosis", "pnuemonoultramicroscopicsilicovolcanoconiosis"], ["letter", "leter"], ["store", "stor"], ["don't", "dont"], ["believe", "beleive"], ["phase", "fase"]] as const)
      for (const s of [false, true]) expect(channelDistance(a, b, s)).toBe(reference(a, b, s, T));
  });

  test("property: the same without learned tables (hand-set costs only)", () => {
    useErrorTables(null);
    try {
      fc.assert(
        fc.property(pair, fc.boolean(), ([meant, typed], substrings) => {
          expect(channelDistance(meant, typed, substrings)).toBe(reference(meant, typed, substrings, null));
        }),
        { numRuns: 1000, seed: 24 },
      );
    } finally {
      useErrorTables(engine.lex.data.errors);
    }
  });
});
