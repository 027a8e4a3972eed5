/**
 * The lexicon file: words, unigram log-probabilities, a trie for lookup and bounded edit-distance search,
 * and a bigram table, as little-endian typed arrays behind a small header. Loading is a file read plus
 * typed-array views (no parsing), so the engine starts in a few milliseconds.
 *
 * Word ids are frequency ranks (0 = most frequent) for the counted words; the listed words (valid words
 * known from word lists, without a count) follow them, in their own trie that serves lookup only: they
 * are recognised as right but never proposed as corrections. Each word has a flags byte (WORD_*).
 * Bigrams are stored per first word (CSR layout), second-word ids sorted, so a lookup is a binary search
 * in a short range. Version 5 adds the symmetric-delete candidate index (deletes.ts) of the counted words;
 * version 6 the error model's substring rules (section 49) and a 512-byte header; version 7 the real-word
 * neighbours of the most frequent words (section 70, RealWordTable; sections 50–69 are reserved, empty).
 * This module is what the runtime needs: the layout, the decoder (views, no copies) and
 * layoutTrie (also used for the user's words); the build-time encoder is scripts/lexicon/encode.ts.
 */
import { TABLE, type ErrorTables } from "./errormodel.ts";
import { DELETE_BUCKET_BITS, type DeleteArrays } from "./deletes.ts";

/** The word comes from a word list and has no count: its ln P is LISTED_LOGP. */
export const WORD_LISTED = 1;
/** The lists know the word only with a capital (a name): right when typed capitalised, unknown in lower case. */
export const WORD_NAME = 2;
/** Shorthand and technical words (idk, np, tmux): never changed. */
export const WORD_KEEP = 4;
/** A counted word the lists know only with a capital (alexander, zhang): a name, which names do not stand for. */
export const WORD_NAMELIKE = 8;
/**
 * In SCOWL's common sizes (up to 50: Debian's default wamerican and wbritish): a word of today's English,
 * however rare the old books' counts make it (typo, tuned, halve).
 */
export const WORD_COMMON = 16;
/**
 * Listed only as a person's name (cspell's people names: Mei, Moring, Houde), by no list of words or of
 * technical terms: in lower case no name of code either, but a slip (index.ts listedTerm).
 */
export const WORD_PERSON = 32;
/** ln P given to listed words: rarer than any counted word, likelier than a word nobody lists. */
export const LISTED_LOGP = -17;

export const MAGIC = 0x584c4654; // "TFLX"
export const VERSION = 7;
/** Words with ln P above this (a few hundred) form the third trie: what a common word may be mistyped for. */
export const COMMON_LOGP = -7.5;
export const HEADER_BYTES = 512;
/**
 * Number of array sections after the header (their byte offsets follow the 13 header counts; two more
 * counts, the frequent words and the delete-index entries, follow the offsets).
 */
export const SECTIONS = 71;
/** The section of the real-word neighbours (RealWordTable): the last, filled once the rest of the file is made. */
export const REAL_WORDS_SECTION = 70;
/**
 * What the real-word table's costs depend on besides the file, in its order: the channel's learned share
 * (channel.ts), PARAMS.typoCost, editCost, commonLogP, rareKnownLogP and maxCandidates. The table holds
 * only while they are these values (Candidates.realWordNeighbours).
 */
export const REAL_WORDS_MODEL = ["share", "typoCost", "editCost", "commonLogP", "rareKnownLogP", "maxCandidates"] as const;

/**
 * The real-word neighbours of words 0 .. n - 1 (the most frequent), as Candidates.realWords finds them at
 * run time: word ids in that order, with their channel costs and whether each is an inflection of the word.
 * Section 70: n and the number of entries (u32), the model (f64 per REAL_WORDS_MODEL), start (n + 1 u32),
 * the entries' ids (u32, the top bit set for an inflection), then, 8-byte aligned, their costs (f64: exactly
 * the run-time search's numbers).
 */
export interface RealWordTable {
  n: number;
  model: Float64Array;
  start: Uint32Array;
  ids: Uint32Array;
  costs: Float64Array;
}

/** Bytes of a real-word table of n words and e entries. */
export function realWordTableBytes(n: number, e: number): number {
  return realWordCostsAt(n, e) + e * 8;
}
/** Byte offset of the costs inside the section. */
export function realWordCostsAt(n: number, e: number): number {
  return Math.ceil((8 + REAL_WORDS_MODEL.length * 8 + (n + 1) * 4 + e * 4) / 8) * 8;
}

/** The real-word table of section 70 at byte `at` of `b` (null: an empty section, a file made before the table). */
function decodeRealWords(b: ArrayBufferLike, at: number, end: number): RealWordTable | null {
  if (at + 8 > end) return null;
  const dv = new DataView(b, at, 8);
  const n = dv.getUint32(0, true);
  const e = dv.getUint32(4, true);
  if (at + realWordTableBytes(n, e) > end) throw new Error("lexicon data is truncated");
  const m = REAL_WORDS_MODEL.length;
  return {
    n,
    model: new Float64Array(b, at + 8, m),
    start: new Uint32Array(b, at + 8 + m * 8, n + 1),
    ids: new Uint32Array(b, at + 8 + m * 8 + (n + 1) * 4, e),
    costs: new Float64Array(b, at + realWordCostsAt(n, e), e),
  };
}

export interface TrieArrays {
  nodeChildStart: Uint32Array;
  nodeWord: Int32Array;
  nodeChar: Uint8Array;
  nodeChildCount: Uint8Array;
  /** Shortest and longest word length below each node (search pruning). */
  minLen: Uint8Array;
  maxLen: Uint8Array;
}

export interface LexiconData extends TrieArrays {
  nWords: number;
  nNodes: number;
  nBigrams: number;
  wordOffsets: Uint32Array;
  wordBytes: Uint8Array;
  logProb: Float32Array;
  bigramStart: Uint32Array;
  bigramNext: Uint32Array;
  bigramLogProb: Float32Array;
  /** A trie of the frequent words only (the wide, distance-2 search; see scripts/lexicon/encode.ts). */
  frequent: TrieArrays;
  /** A trie of the most common words (ln P > COMMON_LOGP). */
  common: TrieArrays;
  /** A trie of the listed words (ids from nCounted on), for lookup only. */
  listed: TrieArrays;
  /** Number of counted words: ids below it have a count, ids from it on are listed words. */
  nCounted: number;
  /** WORD_* flags per word id. */
  flags: Uint8Array;
  /** A trie of known misspellings; its nodeWord is an entry index into missStart. */
  missed: TrieArrays;
  /** Entry k's corrections are the word ids missTarget[missStart[k] .. missStart[k + 1]). */
  missStart: Uint32Array;
  missTarget: Uint32Array;
  /** The learned error model; tables of zeros when the file was built without one. */
  errors: ErrorTables;
  /** ln(P(a sentence ends after this word) / P(a sentence ends after any word)), per word id. */
  endLogRatio: Float32Array;
  /** The symmetric-delete candidate index of the counted words (deletes.ts). */
  deletes: DeleteArrays;
  /** The real-word neighbours of the most frequent words (null: none in the file). */
  realWords: RealWordTable | null;
}

export function decodeLexicon(bytes: Uint8Array): LexiconData {
  // typed-array views need aligned offsets: copy if the buffer is not 8-byte aligned
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || dv.getUint32(0, true) !== MAGIC)
    throw new Error("lexicon data is corrupt (bad magic number)");
  if (dv.getUint32(4, true) !== VERSION) throw new Error(`lexicon data has unsupported version ${dv.getUint32(4, true)}`);
  // (header fields read one by one, not by map() and destructuring: builtins and the iteration protocol
  // cost more where start-up code is interpreted)
  const u32 = (i: number) => dv.getUint32(i * 4, true);
  const nWords = u32(2);
  const nNodes = u32(3);
  const nBigrams = u32(4);
  const wordBytesLen = u32(5);
  const fNodes = u32(6);
  const cNodes = u32(7);
  const lNodes = u32(8);
  const nCounted = u32(9);
  const mNodes = u32(10);
  const nMiss = u32(11);
  const nMissTargets = u32(12);
  const off: number[] = [];
  // (the reserved sections, 50–69, are empty: not read)
  for (let i = 0; i < 50; i++) off.push(bytes.byteOffset + u32(13 + i));
  const nFrequent = u32(13 + SECTIONS);
  const nDeletes = u32(14 + SECTIONS);
  // section 49, the substring rules of the error model: their number, then the keys, then the costs
  if (off[49]! - bytes.byteOffset + 4 > bytes.byteLength) throw new Error("lexicon data is truncated");
  const nRules = dv.getUint32(off[49]! - bytes.byteOffset, true);
  const end = off[49]! + 4 + nRules * 8;
  if (end > bytes.byteOffset + bytes.byteLength) throw new Error("lexicon data is truncated");
  const b = bytes.buffer;
  // a trie's six arrays (childStart, word, char, childCount, minLen, maxLen) at these sections
  const trie = (s: readonly number[], n: number): TrieArrays => ({
    nodeChildStart: new Uint32Array(b, off[s[0]!], n),
    nodeWord: new Int32Array(b, off[s[1]!], n),
    nodeChar: new Uint8Array(b, off[s[2]!], n),
    nodeChildCount: new Uint8Array(b, off[s[3]!], n),
    minLen: new Uint8Array(b, off[s[4]!], n),
    maxLen: new Uint8Array(b, off[s[5]!], n),
  });
  return {
    nWords,
    nNodes,
    nBigrams,
    wordOffsets: new Uint32Array(b, off[0], nWords + 1),
    logProb: new Float32Array(b, off[1], nWords),
    ...trie(MAIN_TRIE, nNodes),
    bigramStart: new Uint32Array(b, off[4], nWords + 1),
    bigramNext: new Uint32Array(b, off[5], nBigrams),
    bigramLogProb: new Float32Array(b, off[6], nBigrams),
    wordBytes: new Uint8Array(b, off[7], wordBytesLen),
    frequent: trie(sectionRun(12), fNodes),
    common: trie(sectionRun(18), cNodes),
    listed: trie(sectionRun(24), lNodes),
    nCounted,
    flags: new Uint8Array(b, off[30], nWords),
    missed: trie(sectionRun(31), mNodes),
    missStart: new Uint32Array(b, off[37], nMiss + 1),
    missTarget: new Uint32Array(b, off[38], nMissTargets),
    errors: {
      sub: new Float32Array(b, off[39], TABLE),
      del: new Float32Array(b, off[40], TABLE),
      ins: new Float32Array(b, off[41], TABLE),
      trans: new Float32Array(b, off[42], TABLE),
      rules: { keys: new Uint32Array(b, off[49]! + 4, nRules), costs: new Float32Array(b, off[49]! + 4 + nRules * 4, nRules) },
    },
    endLogRatio: new Float32Array(b, off[43], nWords),
    realWords: decodeRealWords(b, bytes.byteOffset + u32(13 + REAL_WORDS_SECTION), bytes.byteOffset + bytes.byteLength),
    deletes: {
      start: new Uint32Array(b, off[44], (1 << DELETE_BUCKET_BITS) + 1),
      ids: new Uint32Array(b, off[45], nDeletes),
      tags: new Uint8Array(b, off[46], nDeletes),
      rank: new Uint32Array(b, off[47], nCounted),
      byRank: new Uint32Array(b, off[48], nCounted),
      nFrequent,
    },
  };
}

/** The sections of the main trie's arrays (its two 32-bit arrays come before the bigrams, the rest after the word bytes). */
export const MAIN_TRIE: readonly number[] = [2, 3, 8, 9, 10, 11];
/** The six sections of a trie stored in a run from `first`. */
export const sectionRun = (first: number): number[] => [first, first + 1, first + 2, first + 3, first + 4, first + 5];

export interface Laid {
  childStart: number[];
  word: number[];
  char: number[];
  childCount: number[];
  minLen: number[];
  maxLen: number[];
}

interface TrieNode {
  children: Map<number, TrieNode>;
  word: number;
}

/** Breadth-first trie layout: the children of a node are contiguous and sorted by character. */
export function layoutTrie(words: Array<[string, number]>): Laid {
  const root: TrieNode = { children: new Map(), word: -1 };
  for (const [w, id] of words) {
    let n = root;
    for (let i = 0; i < w.length; i++) {
      const ch = w.charCodeAt(i);
      let next = n.children.get(ch);
      if (!next) n.children.set(ch, (next = { children: new Map(), word: -1 }));
      n = next;
    }
    n.word = id;
  }
  const order: TrieNode[] = [root];
  const depth: number[] = [0];
  const t: Laid = { childStart: [], word: [], char: [0], childCount: [], minLen: [], maxLen: [] };
  for (let i = 0; i < order.length; i++) {
    const n = order[i]!;
    t.childStart.push(order.length);
    t.childCount.push(n.children.size);
    t.word.push(n.word);
    for (const ch of [...n.children.keys()].sort((a, b) => a - b)) {
      order.push(n.children.get(ch)!);
      t.char.push(ch);
      depth.push(depth[i]! + 1);
    }
  }
  t.minLen = order.map(() => 255);
  t.maxLen = order.map(() => 0);
  for (let i = order.length - 1; i >= 0; i--) {
    if (t.word[i]! >= 0) {
      t.minLen[i] = Math.min(t.minLen[i]!, depth[i]!);
      t.maxLen[i] = Math.max(t.maxLen[i]!, depth[i]!);
    }
    for (let c = t.childStart[i]!; c < t.childStart[i]! + t.childCount[i]!; c++) {
      t.minLen[i] = Math.min(t.minLen[i]!, t.minLen[c]!);
      t.maxLen[i] = Math.max(t.maxLen[i]!, t.maxLen[c]!);
    }
  }
  return t;
}
