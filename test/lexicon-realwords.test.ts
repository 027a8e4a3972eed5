/**
 * The real-word table of lexicon.bin (format.ts RealWordTable, made by scripts/lexicon/encode.ts) must hold
 * exactly what the run-time search finds (Candidates.realWords): the same neighbours, in the same order,
 * with the same costs to the last bit. A change of the error model, of PARAMS or of the word lists that the
 * search reads makes the committed table stale: the comparison below fails until the file is rebuilt
 * (bun scripts/build-lexicon.ts; its --check fails too).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { LexiconEngine, PARAMS } from "../src/engines/lexicon/index.ts";
import { Candidates, type RealWord } from "../src/engines/lexicon/candidates.ts";
import { Lexicon } from "../src/engines/lexicon/lexicon.ts";
import { channelShare, channelTables, useErrorTables } from "../src/engines/lexicon/channel.ts";
import { singleHyps, type Slot } from "../src/engines/lexicon/hypotheses.ts";
import { encodeLexicon } from "../scripts/lexicon/encode.ts";

const engine = LexiconEngine.shared();
const lex = engine.lex;
const saved = { ...PARAMS };

afterEach(() => {
  Object.assign(PARAMS, saved);
  useErrorTables(lex.data.errors);
});

/** The table's entries of word `id`, as realWordNeighbours reads them. */
function stored(id: number): RealWord[] {
  const t = lex.data.realWords!;
  const out: RealWord[] = [];
  for (let k = t.start[id]!; k < t.start[id + 1]!; k++) out.push({ id: t.ids[k]! & 0x7fffffff, cost: t.costs[k]!, inflection: t.ids[k]! >= 0x80000000 });
  return out;
}

describe("real-word table", () => {
  test("the file holds every counted word's neighbours, made under the engine's model", () => {
    const t = lex.data.realWords!;
    expect(t).not.toBeNull();
    expect(t.n).toBe(lex.data.nCounted);
    expect([...t.model]).toEqual([channelShare(), PARAMS.typoCost, PARAMS.editCost, PARAMS.commonLogP, PARAMS.rareKnownLogP, PARAMS.maxCandidates]);
    expect(channelTables()).toBe(lex.data.errors);
    // (the common word "is" and the rare "sis" of the one-liner)
    expect(stored(lex.id("is")).map((h) => lex.word(h.id))).toContain("in");
    expect(stored(lex.id("sis")).map((h) => lex.word(h.id))).toContain("is");
  });

  test(
    "every word's stored neighbours, order and costs are what the search finds now",
    () => {
      // (a fresh Candidates: no memo of the engine's; the distances are recomputed for all 83,563 words)
      const cand = new Candidates(lex);
      const t = lex.data.realWords!;
      const wrong: string[] = [];
      for (let id = 0; id < t.n; id++) {
        const live = cand.realWords(id, lex.word(id));
        const have = stored(id);
        const same = live.length === have.length && live.every((h, k) => h.id === have[k]!.id && Object.is(h.cost, have[k]!.cost) && h.inflection === have[k]!.inflection);
        if (!same && wrong.length < 10) wrong.push(`${lex.word(id)}: stored ${JSON.stringify(have)}, found ${JSON.stringify(live)}`);
      }
      expect(wrong).toEqual([]);
      // (most words have some: the table is no list of empty ranges)
      expect(t.ids.length).toBeGreaterThan(t.n);
    },
    120_000,
  );

  test("realWordNeighbours reads the table, and searches when PARAMS or the channel's model differ from the table's", () => {
    // (a fresh Candidates for each model: its memo of searches holds for one model)
    const is = lex.id("is");
    expect(new Candidates(lex).realWordNeighbours(is, "is")).toEqual(stored(is));
    expect(new Candidates(lex).realWordNeighbours(is, "is")).toEqual(new Candidates(lex).realWords(is, "is"));
    // (an id that does not spell the word: searched for the word)
    expect(new Candidates(lex).realWordNeighbours(is, "sis")).toEqual(new Candidates(lex).realWords(is, "sis"));
    PARAMS.editCost = 4;
    const wider = new Candidates(lex).realWordNeighbours(is, "is");
    expect(wider).toEqual(new Candidates(lex).realWords(is, "is"));
    expect(wider.map((h) => h.cost)).not.toEqual(stored(is).map((h) => h.cost));
    PARAMS.editCost = saved.editCost;
    useErrorTables(null);
    const handSet = new Candidates(lex).realWordNeighbours(is, "is");
    expect(handSet).toEqual(new Candidates(lex).realWords(is, "is"));
    expect(handSet.map((h) => h.cost)).not.toEqual(stored(is).map((h) => h.cost));
  });

  test("a known word's real-word hypotheses run no search: no trie walk, no distance", () => {
    const cand = new Candidates(lex);
    const proto = Candidates.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const calls: string[] = [];
    const orig = { nearest: proto.nearest!, nearestCommon: proto.nearestCommon! };
    proto.nearest = function (this: Candidates, ...a: unknown[]) {
      calls.push(`nearest ${a[0]}`);
      return orig.nearest.apply(this, a);
    };
    proto.nearestCommon = function (this: Candidates, ...a: unknown[]) {
      calls.push(`nearestCommon ${a[0]}`);
      return orig.nearestCommon.apply(this, a);
    };
    try {
      for (const w of ["is", "sis", "whit"]) {
        const id = lex.id(w);
        const slot: Slot = { tok: { kind: "word", text: w, start: 0, end: w.length } as Slot["tok"], lower: w, id, suffix: "", stem: w, sentenceStart: false, capital: false, editable: true, gapAfter: " ", afterWord: true };
        const hyps = singleHyps({ lex, cand }, slot);
        expect(hyps.length).toBeGreaterThan(1);
      }
    } finally {
      proto.nearest = orig.nearest;
      proto.nearestCommon = orig.nearestCommon;
    }
    expect(calls).toEqual([]);
  });

  test("a lexicon built from other sources gets its own table, made under its own model; the caller's model is left as it was", () => {
    const before = channelTables();
    const small = new Lexicon(
      encodeLexicon({
        unigrams: [["the", 100000], ["then", 50000], ["than", 40000], ["cat", 10], ["cart", 6], ["car", 5], ["act", 3]],
        bigrams: [["the", "cat", 4]],
      }),
    );
    expect(channelTables()).toBe(before);
    const t = small.data.realWords!;
    expect(t.n).toBe(small.data.nCounted);
    // (the small file has no learned tables: its table was made with the hand-set costs)
    useErrorTables(small.data.errors);
    const cand = new Candidates(small);
    for (let id = 0; id < t.n; id++) {
      const have: RealWord[] = [];
      for (let k = t.start[id]!; k < t.start[id + 1]!; k++) have.push({ id: t.ids[k]! & 0x7fffffff, cost: t.costs[k]!, inflection: t.ids[k]! >= 0x80000000 });
      expect(have).toEqual(cand.realWords(id, small.word(id)));
    }
    expect(t.ids.length).toBeGreaterThan(0);
  });
});
