/**
 * A symmetric-delete candidate index (in the manner of SymSpell) over the lexicon's counted words, stored
 * in lexicon.bin: every string made by deleting up to two characters of a frequent word (up to one of a
 * rarer counted word) is hashed into a bucket that lists the word (a string made by deleting two of the
 * word's characters into a second bucket of its hash, read by searches to distance 2 only). Two words within optimal-string-
 * alignment distance k share a string made by at most k deletions from each (a substitution or a
 * transposition is one deletion on each side, an insertion or deletion one on one side), so the words
 * within distance k of a query are among those listed under the buckets of the query's own ≤ k-deletion
 * strings. Each candidate is checked by an exact OSA distance and the hits are returned in word order,
 * the order of Lexicon.walk's depth-first trie walk: a search gives exactly what the walk gives, faster.
 *
 * buildDeleteIndex (scripts/lexicon/encode.ts) makes the arrays; DeleteIndex reads them in place.
 * Size: ~1.6 M entries of 5 bytes, 2 MB of bucket starts, two rank arrays (~10 MB of the file; a
 * search touches a few pages of it). Cost of a distance-2 query: 1 + n + n(n−1)/2 bucket look-ups and a
 * short DP per candidate, against a walk over thousands of trie nodes.
 */
import type { LexiconData } from "./format.ts";
import { hotPath } from "../../runtime/jit.ts";

/** Buckets: the top DELETE_BUCKET_BITS bits of a deletion string's hash. */
export const DELETE_BUCKET_BITS = 19;
const BUCKET_BITS = DELETE_BUCKET_BITS;
const BUCKETS = 1 << BUCKET_BITS;
/**
 * The bucket of a string made by deleting two characters of a word (its second bucket): its hash mixed
 * again. Only a search to distance 2 can need such an entry (see probe), and a short string lists
 * hundreds of longer words that way ("is": this, list, wish, …): a search to distance 1 skips them
 * unread instead of reading each one's length (5 to 8 times fewer entries read for a word of three or four
 * letters).
 */
const secondBucket = (h: number): number => Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> (32 - BUCKET_BITS);
/** Longest word indexed, and longest query answered here (the walk answers longer ones). */
const MAX_N = 32;

const P = 0x01000193;
/** P^k mod 2^32. */
const POW = new Int32Array(MAX_N + 1);
POW[0] = 1;
for (let k = 1; k <= MAX_N; k++) POW[k] = Math.imul(POW[k - 1]!, P);

/**
 * Hashes of a string with characters deleted, O(1) each: a polynomial hash mod 2^32 of the prefixes
 * (pre[i] = hash of s[0, i)) lets the hash of s without positions a < b be put together from three
 * pieces; a final mix spreads it over the bucket bits (top) and the fingerprint (low byte).
 */
function prefixes(s: Uint16Array, n: number, pre: Int32Array): void {
  pre[0] = 0;
  for (let i = 0; i < n; i++) pre[i + 1] = (Math.imul(pre[i]!, P) + s[i]!) | 0;
}
/** Hash of s[l, r). */
const piece = (pre: Int32Array, l: number, r: number): number => (pre[r]! - Math.imul(pre[l]!, POW[r - l]!)) | 0;
/** Mixed hash of s without positions a and b (a < b; -1 for none; b = -1 with a ≥ 0 deletes a only). */
function deleted(pre: Int32Array, n: number, a: number, b: number): number {
  let h: number;
  if (a < 0) h = pre[n]!;
  else if (b < 0) h = (Math.imul(pre[a]!, POW[n - a - 1]!) + piece(pre, a + 1, n)) | 0;
  else h = (Math.imul((Math.imul(pre[a]!, POW[b - a - 1]!) + piece(pre, a + 1, b)) | 0, POW[n - b - 1]!) + piece(pre, b + 1, n)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface DeleteArrays {
  /** Entries of bucket b: ids[start[b] .. start[b + 1]). */
  start: Uint32Array;
  ids: Uint32Array;
  /** Low byte of each entry's hash: most other strings of a bucket are skipped without a look at the word. */
  tags: Uint8Array;
  /** Word-order (trie walk order) rank of each counted word id, and the id of each rank. */
  rank: Uint32Array;
  byRank: Uint32Array;
  /** Words with ids below nFrequent are indexed to distance 2, the other counted words to distance 1. */
  nFrequent: number;
}

/** Deletions of a word of length n that the index lists (distance 2 for frequent words). */
const deletions = (n: number, frequent: boolean): number => (n > MAX_N ? 0 : 1 + n + (frequent ? (n * (n - 1)) / 2 : 0));

/** The index of the counted words (in id order; ids below nFrequent to distance 2). Build time only. */
export function buildDeleteIndex(words: readonly string[], nFrequent: number): DeleteArrays {
  let total = 0;
  for (let id = 0; id < words.length; id++) total += deletions(words[id]!.length, id < nFrequent);
  const hashes = new Uint32Array(total);
  const owner = new Uint32Array(total);
  // (1 where the entry's string has two characters of its word deleted: it goes to its second bucket)
  const two = new Uint8Array(total);
  const s = new Uint16Array(MAX_N);
  const pre = new Int32Array(MAX_N + 1);
  let e = 0;
  for (let id = 0; id < words.length; id++) {
    const w = words[id]!;
    const n = w.length;
    if (n > MAX_N) continue;
    for (let i = 0; i < n; i++) s[i] = w.charCodeAt(i);
    prefixes(s, n, pre);
    owner.fill(id, e, e + deletions(n, id < nFrequent));
    hashes[e++] = deleted(pre, n, -1, -1);
    for (let a = 0; a < n; a++) hashes[e++] = deleted(pre, n, a, -1);
    if (id < nFrequent) for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) (two[e] = 1), (hashes[e++] = deleted(pre, n, a, b));
  }
  // a counting sort by bucket; within a bucket, entries stay in word id order (deterministic)
  const count = new Uint32Array(BUCKETS + 1);
  const bucketOf = (i: number) => (two[i] ? secondBucket(hashes[i]!) : hashes[i]! >>> (32 - BUCKET_BITS));
  for (let i = 0; i < total; i++) count[bucketOf(i) + 1]!++;
  for (let b = 0; b < BUCKETS; b++) count[b + 1]! += count[b]!;
  const start = count.slice();
  const ids = new Uint32Array(total);
  const tags = new Uint8Array(total);
  for (let i = 0; i < total; i++) {
    const h = hashes[i]!;
    const at = count[bucketOf(i)]!++;
    ids[at] = owner[i]!;
    tags[at] = h & 0xff;
  }
  // word order: what a depth-first walk of a trie with sorted children meets ([a-z'] words: code units)
  const byRank = Uint32Array.from(words.keys()).sort((a, b) => (words[a]! < words[b]! ? -1 : words[a]! > words[b]! ? 1 : 0));
  const rank = new Uint32Array(words.length);
  byRank.forEach((id, r) => (rank[id] = r));
  return { start, ids, tags, rank, byRank, nFrequent };
}

export interface IndexHit {
  id: number;
  dist: number;
}

/** Searches of the lexicon file's index (see the top of this file). */
export class DeleteIndex {
  private readonly x: DeleteArrays;
  /** The candidates a search has seen: an open-addressing set of ids (slot = id + 1), cleared per search. */
  private seen = new Int32Array(1024);
  private seenCount = 0;
  private readonly q = new Uint16Array(MAX_N);
  private readonly pre = new Int32Array(MAX_N + 1);
  private readonly prev2 = new Int32Array(MAX_N + 3);
  private readonly prev = new Int32Array(MAX_N + 3);
  private readonly cur = new Int32Array(MAX_N + 3);
  private readonly found: number[] = [];

  constructor(private readonly d: LexiconData) {
    this.x = d.deletes;
  }

  /** Add an id to the seen set; false when it was there. */
  private firstSight(id: number): boolean {
    let seen = this.seen;
    if (this.seenCount * 2 >= seen.length) {
      // grow: re-insert what is there into a table twice the size
      const old = seen;
      seen = this.seen = new Int32Array(old.length * 2);
      this.seenCount = 0;
      for (const v of old) if (v) this.firstSight(v - 1);
    }
    const mask = seen.length - 1;
    for (let h = Math.imul(id, 0x9e3779b1) >>> 0; ; h++) {
      const v = seen[h & mask]!;
      if (v === id + 1) return false;
      if (v === 0) {
        seen[h & mask] = id + 1;
        this.seenCount++;
        return true;
      }
    }
  }

  /** Whether a search of this trie at this distance is answered here (else the caller walks the trie). */
  covers(query: string, maxDist: number, frequentOnly: boolean): boolean {
    // (every word within maxDist of the query must be short enough to be indexed)
    return query.length > 0 && query.length + maxDist <= MAX_N && (maxDist === 1 || (maxDist === 2 && frequentOnly));
  }

  /**
   * Words within OSA distance `maxDist` of `query` among the counted words (ids below nFrequent with
   * `frequentOnly`), appended to `out` in word order, as the trie walk finds them.
   */
  search(query: string, maxDist: number, frequentOnly: boolean, out: IndexHit[]): IndexHit[] {
    const n = query.length;
    const q = this.q;
    for (let i = 0; i < n; i++) q[i] = query.charCodeAt(i);
    // (a table grown by a short query's many candidates goes back to its small size)
    if (this.seen.length > 4096) this.seen = new Int32Array(1024);
    else this.seen.fill(0);
    this.seenCount = 0;
    const limit = frequentOnly ? this.x.nFrequent : this.d.nCounted;
    const found = this.found;
    found.length = 0;
    const pre = this.pre;
    prefixes(q, n, pre);
    // (the query itself first, then with one deletion, then two: see probe's length bound)
    this.probe(deleted(pre, n, -1, -1), n, maxDist, limit, n + maxDist);
    for (let a = 0; a < n; a++) this.probe(deleted(pre, n, a, -1), n, maxDist, limit, n + maxDist - 1);
    if (maxDist >= 2) for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) this.probe(deleted(pre, n, a, b), n, maxDist, limit, n + maxDist - 2);
    // found holds rank * 4 + dist: sorting it gives word order
    found.sort((x, y) => x - y);
    const byRank = this.x.byRank;
    for (const f of found) out.push({ id: byRank[f >>> 2]!, dist: f & 3 });
    return out;
  }

  /**
   * The entries of one bucket: the string made by deleting q characters from the query (q = 0, 1, 2)
   * lists words of length m made by deleting m - (n - q) of theirs, which must be at most k for the word
   * to be reached through this string: `longest` = n + k - q. A longer word in the bucket (listed under
   * the same string through more deletions, or by a hash collision) is skipped without being marked seen:
   * if it is within distance k, a string made by at most k deletions from each side reaches it too (the
   * index's premise), so the search still finds it; the hits and their order do not change, as they are
   * sorted by rank at the end. The words listed through two deletions of theirs are in the string's second
   * bucket (secondBucket), read only when k is 2: at k = 1 they are all longer than `longest`.
   */
  private probe(hash: number, n: number, k: number, limit: number, longest: number): void {
    this.scan(hash, hash >>> (32 - BUCKET_BITS), n, k, limit, longest);
    // (the words listed under the string through two deletions of theirs: only within reach at distance 2)
    if (k >= 2) this.scan(hash, secondBucket(hash), n, k, limit, longest);
  }

  /** probe's look at one bucket. */
  private scan(hash: number, bucket: number, n: number, k: number, limit: number, longest: number): void {
    const d = this.d;
    const low = hash & 0xff;
    const { tags, ids, start, rank } = this.x;
    const offsets = d.wordOffsets;
    for (let e = start[bucket]!, end = start[bucket + 1]!; e < end; e++) {
      if (tags[e] !== low) continue;
      const id = ids[e]!;
      if (id >= limit) continue;
      const o = offsets[id]!;
      const m = offsets[id + 1]! - o;
      if (m > longest || m < n - k || !this.firstSight(id)) continue;
      const dist = k === 1 ? this.osa1(o, m, n) : this.osa(o, m, n, k);
      if (dist <= k) this.found.push(rank[id]! * 4 + dist);
    }
  }

  /**
   * osa(o, m, n, 1) without the table: 0 when the word bytes [o, o + m) are the query, 1 when one
   * substitution, insertion, deletion or swap of neighbours makes them the query, else 2. After the common
   * prefix, the rest must match with one character skipped on the longer side, one replaced, or two swapped.
   * (The same units as osa compares: the word's bytes against the query's UTF-16 code units.)
   */
  private osa1(o: number, m: number, n: number): number {
    const wb = this.d.wordBytes;
    const q = this.q;
    const short = m < n ? m : n;
    let p = 0;
    while (p < short && wb[o + p] === q[p]) p++;
    if (m === n) {
      if (p === n) return 0;
      // replaced at p, or p and p + 1 swapped: the rest after them equal
      let i = p + 1;
      while (i < n && wb[o + i] === q[i]) i++;
      if (i === n) return 1;
      if (p + 1 < n && wb[o + p] === q[p + 1] && wb[o + p + 1] === q[p]) {
        i = p + 2;
        while (i < n && wb[o + i] === q[i]) i++;
        if (i === n) return 1;
      }
      return 2;
    }
    if (m === n + 1) {
      // the word has one more: skip its character at p
      for (let i = p; i < n; i++) if (wb[o + i + 1] !== q[i]) return 2;
      return 1;
    }
    if (n === m + 1) {
      for (let i = p; i < m; i++) if (wb[o + i] !== q[i + 1]) return 2;
      return 1;
    }
    return 2;
  }

  /** OSA distance between word bytes [o, o + m) and the query, or k + 1 when above k. */
  private osa(o: number, m: number, n: number, k: number): number {
    const wb = this.d.wordBytes;
    const q = this.q;
    let prev2 = this.prev2;
    let prev = this.prev;
    let cur = this.cur;
    for (let j = 0; j <= n; j++) prev[j] = j;
    let prevCh = -1;
    for (let i = 1; i <= m; i++) {
      const ch = wb[o + i - 1]!;
      cur[0] = i;
      let rowMin = i;
      for (let j = 1; j <= n; j++) {
        let v = prev[j - 1]! + (q[j - 1] === ch ? 0 : 1);
        const del = prev[j]! + 1;
        const ins = cur[j - 1]! + 1;
        if (del < v) v = del;
        if (ins < v) v = ins;
        if (i > 1 && j > 1 && prevCh === q[j - 1] && ch === q[j - 2]) {
          const t = prev2[j - 2]! + 1;
          if (t < v) v = t;
        }
        cur[j] = v;
        if (v < rowMin) rowMin = v;
      }
      if (rowMin > k) return k + 1;
      const t = prev2;
      prev2 = prev;
      prev = cur;
      cur = t;
      prevCh = ch;
    }
    return prev[n]! <= k ? prev[n]! : k + 1;
  }
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [secondBucket, prefixes, piece, deleted, DeleteIndex.prototype]);
