/**
 * The symmetric-delete index (src/engines/lexicon/deletes.ts) must give exactly what the trie walk gives:
 * the same words, the same distances, in the same order (the engine's ranking breaks ties by that order).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { applyLetterEdits } from "./support/letter-edits.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { FAN_OUT_AFTER, Lexicon } from "../src/engines/lexicon/lexicon.ts";
import { loadLexiconBytes } from "../src/engines/lexicon/data.ts";
import { decodeLexicon } from "../src/engines/lexicon/format.ts";
import { encodeLexicon } from "../scripts/lexicon/encode.ts";

const lex = LexiconEngine.shared().lex;

/** A dictionary word with up to three random edits (deletion, insertion, substitution, transposition). */
const typo = fc
  .tuple(fc.nat(lex.data.nCounted - 1), fc.array(fc.tuple(fc.constantFrom("del", "ins", "sub", "swap"), fc.nat(40), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz'é")), { maxLength: 3 }))
  .map(([id, edits]) => {
    const w = applyLetterEdits(lex.word(id), edits);
    return w;
  });

describe("symmetric-delete index", () => {
  test("the lexicon file carries the index", () => {
    expect(lex.deletes).not.toBeNull();
    expect(lex.data.deletes.ids.length).toBeGreaterThan(lex.data.nCounted);
  });

  test("property: the index returns the trie walk's hits, distances and order", () => {
    const d = lex.data;
    fc.assert(
      fc.property(typo, (q) => {
        for (const [trie, k] of [[d, 1], [d.frequent, 1], [d.frequent, 2]] as const) expect(lex.search(q, k, [], trie)).toEqual(lex.walk(q, k, [], trie));
      }),
      { numRuns: 400, seed: 20 },
    );
  });

  test("hits appended after earlier ones, short and long queries, and what the index does not cover", () => {
    const d = lex.data;
    for (const q of ["a", "'", "x", "teh", "thier", "misspeling", "acknowledgementss", "z".repeat(30), "z".repeat(31), "z".repeat(33), "pneumonoultramicroscopicsilicovolcanoconiosis", "pneumonoultramicroscopicsilicovolcanoconiosi".slice(0, 31)]) {
      const before = lex.walk(q, 1, [], d);
      expect(lex.search(q, 2, [...before], d.frequent)).toEqual(lex.walk(q, 2, [...before], d.frequent));
      expect(lex.search(q, 1, [], d)).toEqual(lex.walk(q, 1, [], d));
      // distance 2 over the whole dictionary is not indexed: the walk answers it
      expect(lex.search(q, 2, [], d)).toEqual(lex.walk(q, 2, [], d));
    }
  });

  test("a small lexicon's index agrees with its walk", () => {
    const small = new Lexicon(
      encodeLexicon({
        unigrams: [["the", 1000], ["then", 500], ["than", 400], ["cat", 10], ["cart", 6], ["car", 5], ["act", 3], ["q".repeat(33), 3]],
        bigrams: [["the", "cat", 4]],
      }),
    );
    expect(small.deletes).not.toBeNull();
    // (a word too long for the index is still found from a query two letters shorter: the walk answers)
    expect(small.search("q".repeat(31), 2, [], small.data.frequent).map((h) => h.dist)).toEqual([2]);
    for (const q of ["teh", "tha", "ca", "cta", "catr", "thena", "x", "q".repeat(31), "q".repeat(32)])
      for (const [trie, k] of [[small.data, 1], [small.data.frequent, 1], [small.data.frequent, 2]] as const) expect(small.search(q, k, [], trie)).toEqual(small.walk(q, k, [], trie));
    expect(small.search("cta", 1).map((h) => small.word(h.id))).toEqual(["cat"]);
    expect(small.search("ca", 1).map((h) => small.word(h.id))).toEqual(["car", "cat"]);
  });

  test("property: word lookup (two levels from a table, then binary search) finds what a plain trie walk finds", () => {
    const d = lex.data;
    // reference: follow the children by a linear scan
    const walk = (t: typeof d.listed, w: string) => {
      let node = 0;
      for (let i = 0; i < w.length && node >= 0; i++) {
        let next = -1;
        const s = t.nodeChildStart[node]!;
        for (let c = s; c < s + t.nodeChildCount[node]!; c++) if (t.nodeChar[c] === w.charCodeAt(i)) next = c;
        node = next;
      }
      return node < 0 ? -1 : t.nodeWord[node]!;
    };
    const ref = (w: string) => (walk(d, w) >= 0 ? walk(d, w) : walk(d.listed, w));
    const listed = fc.nat(d.nWords - d.nCounted - 1).map((k) => lex.word(d.nCounted + k));
    fc.assert(
      fc.property(fc.oneof(typo, listed, fc.string({ maxLength: 4 }), fc.constantFrom("", "a", "i", "\u0000a", "a\u0000", "é", "ab\u0161")), (w) => {
        expect(lex.id(w)).toBe(ref(w));
      }),
      { numRuns: 2000, seed: 21 },
    );
  });

  test("property: the distance-1 check without a table (osa1) agrees with the table (osa) on words and typos", () => {
    const x = lex.deletes as unknown as { q: Uint16Array; osa(o: number, m: number, n: number, k: number): number; osa1(o: number, m: number, n: number): number };
    const d = lex.data;
    let ones = 0;
    fc.assert(
      fc.property(typo, fc.nat(d.nCounted - 1), fc.boolean(), (q, other, near) => {
        if (q.length === 0 || q.length > 32) return;
        // a word near the query (its own source, often) or any word
        const id = near ? Math.max(0, lex.id(q.slice(0, -1)), lex.id(q)) : other;
        for (let i = 0; i < q.length; i++) x.q[i] = q.charCodeAt(i);
        const o = d.wordOffsets[id]!;
        const m = d.wordOffsets[id + 1]! - o;
        const want = x.osa(o, m, q.length, 1);
        expect(x.osa1(o, m, q.length)).toBe(want);
        if (want === 1) ones++;
      }),
      { numRuns: 3000, seed: 22 },
    );
    expect(ones).toBeGreaterThan(50);
  });

  test("the encoder is deterministic", () => {
    const src = { unigrams: [["b", 2], ["a", 2], ["ab", 1]] as Array<[string, number]>, bigrams: [] };
    expect(Buffer.from(encodeLexicon(src)).equals(Buffer.from(encodeLexicon(src)))).toBe(true);
    expect(decodeLexicon(encodeLexicon(src)).deletes.nFrequent).toBe(3);
  });
});

describe("fan-out tables of the first two trie levels", () => {
  test("look-ups give the same ids with the tables (built after FAN_OUT_AFTER look-ups) as by the walk from the root", () => {
    const bytes = loadLexiconBytes();
    const walk = new Lexicon(bytes);
    walk.lookups = -1e9; // never reaches the tables
    const tables = new Lexicon(bytes);
    tables.lookups = FAN_OUT_AFTER; // the tables at once
    const words = [...fc.sample(typo, 3000), "", "a", "i", "é", "x'", "don't", "naïve", "zzzz", "Ab"];
    for (let id = 0; id < lex.size; id += 97) words.push(lex.word(id));
    let known = 0;
    for (const w of words) {
      expect(tables.id(w)).toBe(walk.id(w));
      expect(tables.corrections(w)).toEqual(walk.corrections(w));
      if (walk.id(w) >= 0) known++;
    }
    expect(known).toBeGreaterThan(1000);
    expect(walk.lookups).toBeLessThan(0);
  });

  test("prefixIdsOf(a, b) gives prefixIds(a + b) up to the prefixes it reached, with the tables and without", () => {
    const bytes = loadLexiconBytes();
    const walk = new Lexicon(bytes);
    walk.lookups = -1e9;
    const tables = new Lexicon(bytes);
    tables.lookups = FAN_OUT_AFTER;
    tables.id("the"); // builds the tables
    // (and neighbours that join for certain, some + thing, any + way, in + to: a random sample may hold none,
    // and the last expectation failed about once in 25 runs)
    const words = [...fc.sample(typo, 1500), "a", "i", "é", "x'", "don't", "naïve", "zz", "some", "thing", "any", "way", "in", "to"];
    for (let id = 0; id < lex.size; id += 211) words.push(lex.word(id));
    let joins = 0;
    for (let k = 0; k + 1 < words.length; k++) {
      const a = words[k]!;
      const b = words[k + 1]!;
      const want = walk.prefixIds(a + b);
      for (const l of [walk, tables]) {
        const out = new Int32Array(a.length + b.length + 1).fill(-7);
        const reached = l.prefixIdsOf(a, b, out);
        expect(reached).toBeGreaterThanOrEqual(0);
        expect(reached).toBeLessThanOrEqual(a.length + b.length);
        for (let i = 1; i <= a.length + b.length; i++) expect(i <= reached ? out[i] : -1).toBe(want[i]!);
        // (no node past `reached`: no longer prefix is a word)
        if (reached < a.length + b.length) expect(walk.prefixIds((a + b).slice(0, reached + 1))[reached + 1]).toBe(-1);
      }
      if (want[a.length + b.length]! >= 0) joins++;
    }
    expect(joins).toBeGreaterThan(0);
  });
});
