/**
 * Candidate corrections of one word, memoised: dictionary words within a small edit distance with their
 * error-model cost (nearest: distance 1, then 2 among frequent words when nothing close is likely;
 * nearestCommon: distance 1 among the few hundred commonest words), the contraction a word is without
 * its apostrophe, a contraction's two-word expansion, the other (US/UK) spelling of a word, and what a
 * known word may stand for as a real-word error (realWords; read from lexicon.bin for the counted words).
 * Cost: one bounded trie walk per new word (lexicon.ts), a map lookup for a word seen before.
 */
import { Lexicon, buildTrie, type Trie } from "./lexicon.ts";
import { COMMON_LOGP, WORD_COMMON, type RealWordTable } from "./format.ts";
import { channelDistance, channelShare, channelTables } from "./channel.ts";
import { phoneticKey } from "../../text/phonetic.ts";
import { expand } from "./contractions.ts";
import { PARAMS } from "./params.ts";
import { isInflection, LOANWORDS, VARIANTS } from "./wordlists.ts";
import { hotPath } from "../../runtime/jit.ts";

/**
 * Plurals and third persons, the regular inflections a word list may lack: -s, -es after a sibilant,
 * -ies for a consonant and y; and -ed, -ing of a word of today's English only (the third field: SCOWL's common
 * sizes), for of a rarer word too many typos look like them (compoted, recepted). -er is left out: swimer.
 */
const INFLECTIONS: Array<[string, (stem: string) => string[], boolean]> = [
  ["ies", (s) => (/[^aeiou]$/.test(s) ? [s + "y"] : []), false],
  ["es", (s) => (/(s|x|z|ch|sh)$/.test(s) ? [s] : []), false],
  ["s", (s) => (/[su]$/.test(s) ? [] : [s]), false],
  // (a noun of the lists made a verb, as technical writing does: vendored, vendoring, versioned; only of a
  // word of today's English, the third field: "compoted", "recepted" are slips)
  ["ed", (s) => (/[^e]$/.test(s) ? [s, s + "e"] : []), true],
  ["ing", (s) => [s, s + "e"], true],
];

/** A word a known word may have been typed for (Candidates.realWords). */
export interface RealWord {
  id: number;
  /** The channel cost, as nearest or nearestCommon gives it. */
  cost: number;
  /** Whether the two are forms of one word (isInflection: PARAMS.inflectionCost more). */
  inflection: boolean;
}

/** Ids asked of Candidates.expansion before its byte table is made. */
const EXPANSION_TABLE_AFTER = 2000;

export class Candidates {
  constructor(readonly lex: Lexicon) {}

  /**
   * American and British spellings are both right: a word the dictionary lacks counts as known when a
   * regular spelling variant of it is listed (color/colour, analyze/analyse, center/centre, traveled/travelled).
   */
  variantId(w: string): number {
    let id = this.variantCache.get(w);
    if (id === undefined) {
      if (this.variantCache.size >= 50_000) this.variantCache.clear();
      this.variantCache.set(w, (id = this.searchVariant(w)));
    }
    return id;
  }

  /** Memoised variantId (the real-word check asks it of every candidate of every known word). */
  private readonly variantCache = new Map<string, number>();

  searchVariant(w: string): number {
    // accented spellings of English loanwords (café, naïve, résumé) are right too
    if (LOANWORDS.has(w)) return this.lex.id(w.normalize("NFD").replace(/\p{M}/gu, ""));
    // (indexed, not destructured: see text/spans.ts protectedSpans)
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[k]!;
      if (w.length < variant[3] || !w.includes(variant[2])) continue;
      const g = variant[0];
      const rep = variant[1];
      g.lastIndex = 0;
      for (let m = g.exec(w); m; m = g.exec(w)) {
        const found = m;
        // (only a replacement with a group in it, $1, is expanded: most have none)
        const v = w.slice(0, m.index) + (rep.includes("$") ? rep.replace(/\$(\d)/g, (_, k) => found[+k] ?? "") : rep) + w.slice(m.index + m[0].length);
        // (a word's variant, not a name's: "poetre" is no spelling of Petre)
        const id = this.lex.wordId(v);
        if (id >= 0) return id;
        if (m[0].length === 0) g.lastIndex++;
      }
    }
    return -1;
  }

  /**
   * A plural or third person of a word the vocabulary knows is right too, though the lists lack it
   * (checksums, matchers, encodings, reinstalls), and so is a common word with -ed or -ing (vendored):
   * the id of that word, or -1 (INFLECTIONS). The base must be a counted
   * word of five letters or more, or a listed one of seven or more (the big lists hold rare words that
   * typos hit: nasion), so that short typos (thes, wors) stay unknown. Not memoised: at most three trie
   * look-ups, only for a word nothing else knows (a cache would grow with every new word of a stream).
   */
  inflectionId(w: string): number {
    if (w.length < 6 || !/^[a-z]+$/.test(w)) return -1;
    for (const [suffix, bases, common] of INFLECTIONS) {
      if (!w.endsWith(suffix)) continue;
      const stem = w.slice(0, -suffix.length);
      for (const base of bases(stem)) {
        if (base.length < 5) continue;
        const id = this.lex.id(base);
        if (id >= 0 && (id < this.lex.data.nCounted || base.length >= 7) && (!common || this.lex.flags(id) & WORD_COMMON)) return id;
      }
    }
    return -1;
  }

  /** Ids of the two words a contraction stands for (they're → they, are), or null. Memoised. */
  expansion(id: number): [number, number] | null {
    // (a long run keeps per id a byte: 0 not asked yet, 1 no contraction, 2 one, its pair in `expansions`; a
    // Map of every id asked held ~17,000 entries over 172,762 words, nearly all of them null, ~3 MB of heap.
    // The table is made once EXPANSION_TABLE_AFTER ids have been asked: a one-liner's few dozen stay in the
    // Map, where making the table cost it ~7 M instructions)
    const seen = this.expanded;
    if (seen && id >= 0 && id < seen.length) {
      const k = seen[id];
      if (k === 1) return null;
      if (k === 2) return this.expansions.get(id)!;
    } else if (!seen) {
      const ex = this.expansions.get(id);
      if (ex !== undefined) return ex;
    }
    const parts = expand(this.lex.word(id));
    const a = parts ? this.lex.id(parts[0]) : -1;
    const b = parts ? this.lex.id(parts[1]) : -1;
    const ex: [number, number] | null = a >= 0 && b >= 0 ? [a, b] : null;
    if (seen) {
      // (an id past the table, if any, is simply not memoised)
      if (id >= 0 && id < seen.length) {
        seen[id] = ex ? 2 : 1;
        if (ex) this.expansions.set(id, ex);
      }
    } else if (this.expansions.size < EXPANSION_TABLE_AFTER) this.expansions.set(id, ex);
    else {
      // (the table, from what the Map holds; the Map keeps the pairs only)
      const table = (this.expanded = new Uint8Array(this.lex.size));
      for (const [k, v] of this.expansions) {
        if (k >= 0 && k < table.length) table[k] = v ? 2 : 1;
        if (!v) this.expansions.delete(k);
      }
      if (id >= 0 && id < table.length) {
        table[id] = ex ? 2 : 1;
        if (ex) this.expansions.set(id, ex);
      }
    }
    return ex;
  }

  private expanded: Uint8Array | undefined;
  /** Before the table: each id asked, with its pair or null; after it: the contractions' pairs only. */
  private readonly expansions = new Map<number, [number, number] | null>();

  /** Id of the contraction that `word` is without its apostrophe (dont → don't, im → i'm), or -1. */
  contraction(word: string): number {
    if (word.length < 2 || word.length > 8 || word.includes("'")) return -1;
    for (let i = word.length - 1; i >= 1 && i >= word.length - 3; i--) {
      const id = this.lex.id(word.slice(0, i) + "'" + word.slice(i));
      if (id >= 0 && id < this.lex.data.nCounted) return id;
    }
    return -1;
  }

  /**
   * Nearest dictionary words with their channel cost (typo cost + weighted distance), best first.
   * Cached per word: text repeats its words (Zipf), so most look-ups are free.
   */
  nearest(word: string, maxDist: number, frequentOnly = false, substrings = !frequentOnly, phonetic = false): Array<{ id: number; cost: number }> {
    const key = (frequentOnly ? "f" : "") + (substrings ? "s" : "") + (phonetic ? "p" : "") + maxDist + word;
    let hit = this.nearCache.get(key);
    if (!hit) {
      if (this.nearCache.size >= 20_000) this.nearCache.clear();
      this.nearCache.set(key, (hit = this.searchNearest(word, maxDist, frequentOnly, substrings, phonetic)));
    }
    return hit;
  }

  private readonly nearCache = new Map<string, Array<{ id: number; cost: number }>>();
  commonTrie: Trie | undefined;

  /** Distance-1 neighbours among the most common words only (a few hundred: a tiny trie, a fast walk). */
  nearestCommon(word: string): Array<{ id: number; cost: number }> {
    const key = "c" + word;
    let hit = this.nearCache.get(key);
    if (!hit) {
      if (!this.commonTrie && PARAMS.commonLogP === COMMON_LOGP) this.commonTrie = this.lex.data.common;
      if (!this.commonTrie) {
        const top: Array<[string, number]> = [];
        for (let id = 0; id < this.lex.size && this.lex.logP(id) > PARAMS.commonLogP; id++) top.push([this.lex.word(id), id]);
        this.commonTrie = buildTrie(top);
      }
      const lex = this.lex;
      // (a loop, not map: see searchNearest)
      hit = [];
      for (const h of lex.search(word, 1, [], this.commonTrie)) hit.push({ id: h.id, cost: PARAMS.typoCost + PARAMS.editCost * channelDistance(lex.word(h.id), word) });
      if (this.nearCache.size >= 20_000) this.nearCache.clear();
      this.nearCache.set(key, hit);
    }
    return hit;
  }

  /**
   * (substrings: whether the error model's substring rules apply, channel.ts; for unknown words that are no
   * names. phonetic: whether a candidate that sounds like the word (text/phonetic.ts) earns PARAMS.phoneticBonus;
   * for a lone word asked about, which is more often spelt by ear than slipped on a keyboard: in prose, on
   * the dev sets' keyboard slips, the bonus lost as much as it won)
   */
  searchNearest(word: string, maxDist: number, frequentOnly: boolean, substrings = !frequentOnly, phonetic = false): Array<{ id: number; cost: number }> {
    const lex = this.lex;
    const P = PARAMS;
    // distance 2 only when nothing is within distance 1: a second edit costs more than any
    // frequency difference usually buys, and the wider walk is the engine's main cost
    const hits = lex.search(word, 1, [], frequentOnly ? lex.data.frequent : lex.data);
    // the distances of the first search's hits, computed for `best` and kept for the scores below
    let near: Map<number, number> | null = null;
    if (maxDist > 1) {
      let best = -Infinity;
      near = new Map();
      for (const h of hits) {
        const dist = channelDistance(lex.word(h.id), word, substrings);
        near.set(h.id, dist);
        best = Math.max(best, lex.logP(h.id) - P.editCost * dist);
      }
      // the wide search looks only among frequent words: a rare word two edits away cannot beat keeping
      // the unknown word (its prior plus two edits cost more than an unknown word's)
      if (best < P.dist2Below) lex.search(word, maxDist, hits, lex.data.frequent);
    }
    // (loops, not filter and map: a one-liner runs this in the interpreter, where a builtin's first call
    // compiles it; the same hits in the same order)
    const unique = new Set<number>();
    const key = phonetic && P.phoneticBonus ? phoneticKey(word) : "";
    const scored: Array<{ id: number; cost: number; score: number }> = [];
    for (const h of hits) {
      if (unique.has(h.id)) continue;
      unique.add(h.id);
      const meant = lex.word(h.id);
      const dist = near?.get(h.id) ?? channelDistance(meant, word, substrings);
      // (a lone word spelt by ear, sounding like the candidate through a spelling confusion that a learned
      // substring rule explains, elefant for elephant by ph → f, made one mistake, not two slips)
      const alike = key !== "" && phoneticKey(meant) === key;
      const byEar = alike && dist < channelDistance(meant, word) - 1e-9;
      const cost = P.typoCost + P.editCost * dist + (h.dist >= 2 && !byEar ? P.secondEditCost : 0) - (alike ? P.phoneticBonus : 0);
      scored.push({ id: h.id, cost, score: lex.logP(h.id) - cost });
    }
    byScore(scored);
    return scored.slice(0, P.maxCandidates);
  }

  /**
   * The words that the known word `word` (id `id`) may stand for as a real-word error, best first: a rare
   * word (below PARAMS.rareKnownLogP) any frequent word one edit away (nearest), another only the most
   * common words one edit away (nearestCommon); neither the word's other spelling nor a word whose other
   * spelling it is (favor ↔ favour). The search, run each time; realWordNeighbours reads the same from the
   * file where it can.
   */
  realWords(id: number, word: string): RealWord[] {
    const lex = this.lex;
    const other = this.variantId(word);
    const out: RealWord[] = [];
    for (const h of lex.logP(id) < PARAMS.rareKnownLogP ? this.nearest(word, 1, true) : this.nearestCommon(word)) {
      // a different form of the same word (plural, tense) is grammar, not a typo
      if (h.id === other || this.variantId(lex.word(h.id)) === id) continue;
      out.push({ id: h.id, cost: h.cost, inflection: isInflection(word, lex.word(h.id)) });
    }
    return out;
  }

  /**
   * realWords, read from the lexicon file's table for the most frequent words (RealWordTable, made by
   * realWords at build time: no trie walk, no distance, no variant look-up), searched for any other word, or
   * while the channel's model or PARAMS differ from the ones the table was made with.
   */
  realWordNeighbours(id: number, word: string): RealWord[] {
    const t = this.lex.data.realWords;
    if (t === null || id >= t.n || !this.tableHolds(t) || !this.lex.spells(id, word)) return this.realWords(id, word);
    const out: RealWord[] = [];
    for (let k = t.start[id]!, end = t.start[id + 1]!; k < end; k++) {
      const v = t.ids[k]!;
      out.push({ id: v & 0x7fffffff, cost: t.costs[k]!, inflection: v >= 0x80000000 });
    }
    return out;
  }

  /** Whether the channel's model and PARAMS are those the file's real-word table was made with (format.ts REAL_WORDS_MODEL). */
  private tableHolds(t: RealWordTable): boolean {
    const m = t.model;
    const P = PARAMS;
    return channelTables() === this.lex.data.errors && m[0] === channelShare() && m[1] === P.typoCost && m[2] === P.editCost && m[3] === P.commonLogP && m[4] === P.rareKnownLogP && m[5] === P.maxCandidates;
  }

  /** Forget the memoised searches (benchmarks measure cold calls on repeated text). */
  clear(): void {
    this.nearCache.clear();
    this.variantCache.clear();
  }
}

/**
 * Sort by score, best first, keeping the order of equal scores: what `sort((a, b) => b.score - a.score)`
 * gives (a stable sort), by insertion (a few dozen hits at most). The builtin sort, inlined into
 * searchNearest, left the optimised code at an overflow check some 1,500 times over 172,762 words of prose.
 */
function byScore(a: Array<{ score: number }>): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]!.score < x.score) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [byScore, Candidates.prototype]);
