/**
 * Read access to the lexicon file (format.ts): word lookup, unigram and bigram log-probabilities, and
 * candidate search: all dictionary words within optimal-string-alignment distance k of a query. Searches
 * of the counted words (distance 1) and of the frequent words (distance 1 or 2) go through the file's
 * symmetric-delete index (deletes.ts: a few dozen bucket look-ups); any other (a small trie, distance 2
 * over the whole dictionary) by a depth-first walk of the trie that carries one row of the edit-distance
 * table per level and prunes branches whose row minimum exceeds k: O(visited nodes × k), a few thousand
 * nodes for k = 2. Both give the same hits in the same (word) order. Measured by `bun run bench`.
 */
import { decodeLexicon, layoutTrie, WORD_NAME, type LexiconData, type TrieArrays } from "./format.ts";
import { DeleteIndex } from "./deletes.ts";
import { hotPath } from "../../runtime/jit.ts";

export interface SearchHit {
  id: number;
  dist: number;
}

/** A trie in breadth-first typed arrays: children of a node are contiguous and sorted by character. */
export type Trie = TrieArrays;

/** Build a trie over some words (with their lexicon ids), in the same layout as the lexicon file's. */
export function buildTrie(words: Array<[string, number]>): Trie {
  const t = layoutTrie(words);
  return {
    nodeChildStart: Uint32Array.from(t.childStart),
    nodeChildCount: Uint8Array.from(t.childCount),
    nodeChar: Uint8Array.from(t.char),
    nodeWord: Int32Array.from(t.word),
    minLen: Uint8Array.from(t.minLen),
    maxLen: Uint8Array.from(t.maxLen),
  };
}

const MAX_LEN = 48;

/**
 * The nodes one and two characters below a trie's root. The characters found there (below 128) get slots
 * 1..k in `slot`; fan[s1 * w + s2] is the node of c1 c2 and fan[s1 * w] that of c1 alone (w = k + 1,
 * -1 where there is none). A few KB: a one-liner builds it in microseconds.
 */
interface FanOut {
  slot: Uint8Array;
  w: number;
  fan: Int32Array;
}

function fanOut(t: Trie): FanOut {
  const slot = new Uint8Array(128);
  let k = 0;
  const s = t.nodeChildStart[0]!;
  const each = (f: (a: number, c1: number, b: number, c2: number) => void) => {
    for (let a = s; a < s + t.nodeChildCount[0]!; a++) {
      const c1 = t.nodeChar[a]!;
      if (c1 === 0 || c1 >= 128) continue;
      f(a, c1, -1, 0);
      const s2 = t.nodeChildStart[a]!;
      for (let b = s2; b < s2 + t.nodeChildCount[a]!; b++) if (t.nodeChar[b]! !== 0 && t.nodeChar[b]! < 128) f(a, c1, b, t.nodeChar[b]!);
    }
  };
  each((_a, c1, _b, c2) => {
    if (!slot[c1]) slot[c1] = ++k;
    if (c2 && !slot[c2]) slot[c2] = ++k;
  });
  const w = k + 1;
  const fan = new Int32Array(w * w).fill(-1);
  each((a, c1, b, c2) => (fan[slot[c1]! * w + (c2 ? slot[c2]! : 0)] = b < 0 ? a : b));
  return { slot, w, fan };
}

/** Look-ups before the fan-out tables are built (see lookup). */
export const FAN_OUT_AFTER = 2000;

export class Lexicon {
  readonly data: LexiconData;
  private readonly dec = new TextDecoder();
  private readonly cache = new Map<number, string>();
  // scratch space for the trie walk: one row per depth
  private rows = new Int32Array((MAX_LEN + 3) * (MAX_LEN + 3));
  private path = new Uint8Array(MAX_LEN + 3);
  private q = new Int32Array(MAX_LEN + 3);
  private next = new Int32Array(MAX_LEN + 3);
  private end = new Int32Array(MAX_LEN + 3);

  constructor(bytes: Uint8Array) {
    this.data = decodeLexicon(bytes);
    this.deletes = this.data.deletes.ids.length ? new DeleteIndex(this.data) : null;
  }

  get size(): number {
    return this.data.nWords;
  }

  /** The child of `node` along character `ch` (children are sorted: binary search), or -1. */
  private child(node: number, ch: number, d: Trie = this.data): number {
    let lo = d.nodeChildStart[node]!;
    const count = d.nodeChildCount[node]!;
    // (below the first two levels most nodes have a few children: a scan that stops at the first
    // character past ch costs less than the search)
    if (count <= 6) {
      const chars = d.nodeChar;
      for (const end = lo + count; lo < end; lo++) {
        const c = chars[lo]!;
        if (c >= ch) return c === ch ? lo : -1;
      }
      return -1;
    }
    let hi = lo + count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = d.nodeChar[mid]!;
      if (c === ch) return mid;
      if (c < ch) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Id of a lower-case word (a counted word, or else a listed one), or -1. */
  id(word: string): number {
    const id = this.lookup(word, this.data);
    return id >= 0 ? id : this.lookup(word, this.data.listed);
  }

  /** Id of a lower-case word that the vocabulary has other than as a name only (WORD_NAME: Petre, Ima, perro), or -1. */
  wordId(word: string): number {
    const id = this.id(word);
    return id >= 0 && !(this.flags(id) & WORD_NAME) ? id : -1;
  }

  /** Id of a lower-case word among the listed words only (id() asks the counted words first: prefixIds has their answer). */
  listedId(word: string): number {
    return this.lookup(word, this.data.listed);
  }

  private lookup(word: string, trie: Trie): number {
    if (!trie.nodeWord.length) return -1;
    let node = 0;
    let i = 0;
    const n = word.length;
    // the first two levels of the two big tries from a table (the widest binary searches), built once the
    // lexicon has answered FAN_OUT_AFTER look-ups: a one-liner's few dozen walk from the root instead of
    // building two tables (~1 ms in the interpreter); the table leads to the same node as the walk
    const f =
      this.lookups < FAN_OUT_AFTER && ++this.lookups < FAN_OUT_AFTER
        ? null
        : trie === this.data
          ? (this.fanMain ??= fanOut(trie))
          : trie === this.data.listed
            ? (this.fanListed ??= fanOut(trie))
            : null;
    if (f && n > 0) {
      const c1 = word.charCodeAt(0);
      const c2 = n > 1 ? word.charCodeAt(1) : 0;
      if (c1 < 128 && c2 < 128 && (n === 1 || c2 !== 0)) {
        // a character without a slot is at neither level: no word starts so
        const s1 = f.slot[c1]!;
        const s2 = n > 1 ? f.slot[c2]! : 0;
        if (!s1 || (n > 1 && !s2)) return -1;
        node = f.fan[s1 * f.w + s2]!;
        if (node < 0) return -1;
        i = n > 1 ? 2 : 1;
      }
    }
    for (; i < n && node >= 0; i++) node = this.child(node, word.charCodeAt(i), trie);
    return node < 0 ? -1 : trie.nodeWord[node]!;
  }

  /** Look-ups so far, up to FAN_OUT_AFTER (set it there to use the tables at once). */
  lookups = 0;
  private fanMain: FanOut | undefined;
  private fanListed: FanOut | undefined;

  /** Ids of the words a known misspelling stands for (seperate → separate), or none. */
  corrections(word: string): number[] {
    const k = this.lookup(word, this.data.missed);
    if (k < 0) return [];
    const d = this.data;
    // (a loop: Array.from over a typed array runs the iteration protocol in the interpreter, and its first
    // call compiles the builtin: a one-liner paid ~0.3 M instructions for it)
    const out: number[] = [];
    for (let i = d.missStart[k]!, end = d.missStart[k + 1]!; i < end; i++) out.push(d.missTarget[i]!);
    return out;
  }

  /** WORD_* flags of a word id (format.ts). */
  flags(id: number): number {
    return this.data.flags[id]!;
  }

  /** ids[k] = id of word.slice(0, k) (or -1), for every prefix, in one walk down the trie. */
  prefixIds(word: string): Int32Array {
    const out = new Int32Array(word.length + 1).fill(-1);
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      node = this.child(node, word.charCodeAt(i));
      if (node < 0) break;
      out[i + 1] = this.data.nodeWord[node]!;
    }
    return out;
  }

  /**
   * prefixIds of the two strings a + b read as one (no joined string made), into `out`, which must hold
   * a.length + b.length + 1 ids: out[k] = id of the first k characters (or -1) for k = 1 … the returned
   * count of prefixes the trie has nodes for; out[k] above it is not written (no word begins so). The
   * first two levels come from the fan-out table once lookup has built it (the same nodes as the walk).
   */
  prefixIdsOf(a: string, b: string, out: Int32Array): number {
    const na = a.length;
    const n = na + b.length;
    const d = this.data;
    const words = d.nodeWord;
    let node = 0;
    let i = 0;
    const f = this.fanMain;
    if (f && n >= 2) {
      const c1 = na > 0 ? a.charCodeAt(0) : b.charCodeAt(0);
      const c2 = na > 1 ? a.charCodeAt(1) : b.charCodeAt(1 - na);
      if (c1 < 128 && c2 < 128 && c2 !== 0) {
        const s1 = f.slot[c1]!;
        const n1 = s1 ? f.fan[s1 * f.w]! : -1;
        if (n1 < 0) return 0;
        out[1] = words[n1]!;
        const s2 = f.slot[c2]!;
        const n2 = s2 ? f.fan[s1 * f.w + s2]! : -1;
        if (n2 < 0) return 1;
        out[2] = words[n2]!;
        node = n2;
        i = 2;
      }
    }
    for (; i < na; i++) {
      node = this.child(node, a.charCodeAt(i));
      if (node < 0) return i;
      out[i + 1] = words[node]!;
    }
    for (; i < n; i++) {
      node = this.child(node, b.charCodeAt(i - na));
      if (node < 0) return i;
      out[i + 1] = words[node]!;
    }
    return n;
  }

  /** Whether `text` is word(id) as the dictionary spells it (ASCII only: false for a text with any other character). */
  spells(id: number, text: string): boolean {
    const d = this.data;
    const o = d.wordOffsets[id]!;
    const n = text.length;
    if (d.wordOffsets[id + 1]! - o !== n) return false;
    const bytes = d.wordBytes;
    for (let k = 0; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c >= 128 || bytes[o + k] !== c) return false;
    }
    return true;
  }

  word(id: number): string {
    let s = this.cache.get(id);
    if (s === undefined) {
      const d = this.data;
      s = this.dec.decode(d.wordBytes.subarray(d.wordOffsets[id]!, d.wordOffsets[id + 1]!));
      if (this.cache.size < 50_000) this.cache.set(id, s);
    }
    return s;
  }

  logP(id: number): number {
    return this.data.logProb[id]!;
  }

  /** ln P(b | a) from the bigram table, or NaN when the pair is not listed. */
  bigram(a: number, b: number): number {
    const d = this.data;
    let lo = d.bigramStart[a]!;
    let hi = d.bigramStart[a + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = d.bigramNext[mid]!;
      if (v === b) return d.bigramLogProb[mid]!;
      if (v < b) lo = mid + 1;
      else hi = mid - 1;
    }
    return NaN;
  }

  /**
   * All words within OSA distance `maxDist` of `query` (lower case), appended to `out`. Searches the
   * whole dictionary, or a smaller trie built with `buildTrie`; with `sameStart`, only words whose first
   * letter is the query's first or second letter (a tenth of the trie).
   */
  search(query: string, maxDist: number, out: SearchHit[] = [], trie: Trie = this.data, sameStart = false): SearchHit[] {
    const n = query.length;
    if (n === 0 || n > MAX_LEN) return out;
    // the whole dictionary or its frequent words: the symmetric-delete index (the same hits, in the same order)
    const d = this.data;
    if (this.deletes && !sameStart && (trie === d || trie === d.frequent) && this.deletes.covers(query, maxDist, trie === d.frequent))
      return this.deletes.search(query, maxDist, trie === d.frequent, out);
    return this.walk(query, maxDist, out, trie, sameStart);
  }

  /** The lexicon file's symmetric-delete index (deletes.ts); null: always walk the trie (tests compare the two). */
  deletes: DeleteIndex | null;

  /** The same search by a bounded walk of the trie (any trie, any distance). */
  walk(query: string, maxDist: number, out: SearchHit[] = [], trie: Trie = this.data, sameStart = false): SearchHit[] {
    const n = query.length;
    if (n === 0 || n > MAX_LEN) return out;
    const W = n + 1;
    if (this.rows.length < (MAX_LEN + 3) * W) this.rows = new Int32Array((MAX_LEN + 3) * W);
    const rows = this.rows;
    for (let j = 0; j <= n; j++) rows[j] = j;
    const q = this.q;
    for (let j = 0; j < n; j++) q[j] = query.charCodeAt(j);
    const q0 = q[0]!;
    const q1 = n > 1 ? q[1]! : -1;
    const maxDepth = n + maxDist;
    const path = this.path;
    const next = this.next;
    const end = this.end;
    const { nodeChildStart, nodeChildCount, nodeChar, nodeWord, minLen, maxLen } = trie;
    const lenLo = n - maxDist;
    const lenHi = n + maxDist;
    const BIG = maxDist + 1;
    // An iterative depth-first walk (children in character order, so hits come in word order): next[d] is
    // the next child to visit at depth d, end[d] the end of that node's children. Only cells within maxDist
    // of the diagonal can stay within maxDist (Ukkonen's band); the cells just outside the band hold BIG so
    // the next row reads a bound, not stale values.
    let depth = 0;
    next[0] = nodeChildStart[0]!;
    end[0] = next[0]! + nodeChildCount[0]!;
    while (depth >= 0) {
      const child = next[depth]!;
      if (child >= end[depth]!) {
        depth--;
        continue;
      }
      next[depth] = child + 1;
      // no word below this node has a length within maxDist of the query's
      if (minLen[child]! > lenHi || maxLen[child]! < lenLo) continue;
      const ch = nodeChar[child]!;
      // sameStart: only words that begin with the query's first or second letter
      if (sameStart && depth === 0 && ch !== q0 && ch !== q1) continue;
      const i = depth + 1;
      const r = i * W;
      const p = depth * W;
      const pp = p - W;
      const jlo = i - maxDist > 1 ? i - maxDist : 1;
      const jhi = i + maxDist < n ? i + maxDist : n;
      const prevCh = depth > 0 ? path[depth - 1]! : -1;
      rows[r] = i <= maxDist ? i : BIG;
      if (jlo > 1) rows[r + jlo - 1] = BIG;
      let rowMin = jlo === 1 ? rows[r]! : BIG;
      let left = rows[r + jlo - 1]!;
      for (let j = jlo; j <= jhi; j++) {
        let v = rows[p + j - 1]! + (q[j - 1] === ch ? 0 : 1);
        const del = rows[p + j]! + 1;
        const ins = left + 1;
        if (del < v) v = del;
        if (ins < v) v = ins;
        if (j > 1 && prevCh === q[j - 1] && ch === q[j - 2]) {
          const t = rows[pp + j - 2]! + 1;
          if (t < v) v = t;
        }
        rows[r + j] = v;
        left = v;
        if (v < rowMin) rowMin = v;
      }
      if (jhi < n) rows[r + jhi + 1] = BIG;
      if (rowMin > maxDist) continue;
      path[depth] = ch;
      const w = nodeWord[child]!;
      if (w >= 0 && jhi === n && rows[r + n]! <= maxDist) out.push({ id: w, dist: rows[r + n]! });
      if (i < maxDepth) {
        depth = i;
        next[i] = nodeChildStart[child]!;
        end[i] = next[i]! + nodeChildCount[child]!;
      }
    }
    return out;
  }
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [Lexicon.prototype]);
