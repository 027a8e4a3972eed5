/**
 * The lexicon file: words, unigram log-probabilities, a trie for lookup and bounded edit-distance search,
 * and a bigram table, as little-endian typed arrays behind a small header. Loading is a file read plus
 * typed-array views (no parsing), so the engine starts in a few milliseconds.
 *
 * Word ids are frequency ranks (0 = most frequent) for the counted words; the listed words (valid words
 * known from word lists, without a count) follow them, in their own trie that serves lookup only: they
 * are recognised as right but never proposed as corrections. Each word has a flags byte (WORD_*).
 * Bigrams are stored per first word (CSR layout), second-word ids sorted, so a lookup is a binary search
 * in a short range.
 */
import { TABLE, type ErrorTables } from "./errormodel.ts";


export interface LexiconSource {
  unigrams: Array<[string, number]>;
  bigrams: Array<[string, string, number]>;
  /** Valid words without a count (lower case), with their WORD_* flags. */
  listed?: Array<[string, number]>;
  /** Known misspellings (lower case) and the words they stand for. */
  misspellings?: Array<[string, string[]]>;
  /** The learned error model (errormodel.ts). */
  errors?: ErrorTables;
  /** Per word: ln(P(sentence ends after it) / P(a sentence ends after a word)), from a corpus; 0 where unknown. */
  endLogRatio?: Map<string, number>;
}

/** The word comes from a word list and has no count: its ln P is LISTED_LOGP. */
export const WORD_LISTED = 1;
/** The lists know the word only with a capital (a name): right when typed capitalised, unknown in lower case. */
export const WORD_NAME = 2;
/** Shorthand and technical words (idk, np, tmux): never changed. */
export const WORD_KEEP = 4;
/** A counted word the lists know only with a capital (alexander, zhang): a name, which names do not stand for. */
export const WORD_NAMELIKE = 8;
/** ln P given to listed words: rarer than any counted word, likelier than a word nobody lists. */
export const LISTED_LOGP = -17;

const MAGIC = 0x584c4654; // "TFLX"
const VERSION = 4;
/** Words with ln P above this go into the second, smaller trie used for the wide (distance-2) search. */
export const FREQUENT_LOGP = -14;
/** Words with ln P above this (a few hundred) form the third trie: what a common word may be mistyped for. */
export const COMMON_LOGP = -7.5;
const HEADER_BYTES = 256;

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
  /** A trie of the frequent words only (ln P > FREQUENT_LOGP). */
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
}

interface TrieNode {
  children: Map<number, TrieNode>;
  word: number;
}

export function encodeLexicon(src: LexiconSource): Uint8Array {
  // dedupe words (keep the largest count), order by count desc then word
  const counts = new Map<string, number>();
  for (const [w, c] of src.unigrams) {
    if (!/^[a-z']+$/.test(w)) continue;
    counts.set(w, Math.max(counts.get(w) ?? 0, c));
  }
  const words = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  const total = words.reduce((s, w) => s + counts.get(w)!, 0);
  const nCounted = words.length;
  // listed words: flags merged per word; a counted word keeps its count and takes only the KEEP flag
  const listedFlags = new Map<string, number>();
  for (const [w, f] of src.listed ?? []) {
    if (!/^[a-z']+$/.test(w)) continue;
    const old = listedFlags.get(w);
    // a word listed both with and without a capital is no name-only word
    listedFlags.set(w, old === undefined ? f : ((old | f) & ~WORD_NAME) | (old & f & WORD_NAME));
  }
  const flagOf = new Map<string, number>();
  for (const [w, f] of listedFlags) {
    if (counts.has(w)) {
      const g = (f & WORD_KEEP) | (f & WORD_NAME ? WORD_NAMELIKE : 0);
      if (g) flagOf.set(w, g);
    } else flagOf.set(w, f | WORD_LISTED);
  }
  words.push(...[...listedFlags.keys()].filter((w) => !counts.has(w)).sort());
  const ids = new Map(words.map((w, i) => [w, i]));
  // known misspellings: a counted word is never one (the lists hold some real words); every target must be known
  const missMap = new Map<string, number[]>();
  for (const [typo, rights] of src.misspellings ?? []) {
    if (!/^[a-z']+$/.test(typo) || (ids.get(typo) ?? Infinity) < nCounted) continue;
    const t = missMap.get(typo) ?? [];
    for (const r of rights) {
      const id = ids.get(r);
      if (id !== undefined && !t.includes(id)) t.push(id);
    }
    if (t.length) missMap.set(typo, t);
  }
  const missWords = [...missMap.keys()].sort();
  const missed = layoutTrie(missWords.map((w, k) => [w, k] as [string, number]));
  const mNodes = missed.word.length;
  const nMissTargets = missWords.reduce((s, w) => s + missMap.get(w)!.length, 0);

  // bigrams: P(b|a) = c(ab) / (S · c(a)), S = ratio of the two tables' totals (they come from corpora of different size)
  const bigramTotal = src.bigrams.reduce((s, [, , c]) => s + c, 0);
  const scale = bigramTotal / total;
  const perFirst = new Map<number, Map<number, number>>();
  for (const [a, b, c] of src.bigrams) {
    const ia = ids.get(a);
    const ib = ids.get(b);
    if (ia === undefined || ib === undefined) continue;
    let m = perFirst.get(ia);
    if (!m) perFirst.set(ia, (m = new Map()));
    m.set(ib, Math.max(m.get(ib) ?? 0, c));
  }

  const nWords = words.length;
  const main = layoutTrie(words.slice(0, nCounted).map((w, id) => [w, id] as [string, number]));
  const listed = layoutTrie(words.slice(nCounted).map((w, k) => [w, nCounted + k] as [string, number]));
  const lNodes = listed.word.length;
  let nFrequent = 0;
  while (nFrequent < nWords && Math.log(counts.get(words[nFrequent]!)! / total) > FREQUENT_LOGP) nFrequent++;
  const freq = layoutTrie(words.slice(0, nFrequent).map((w, id) => [w, id] as [string, number]));
  let nCommon = 0;
  while (nCommon < nWords && Math.log(counts.get(words[nCommon]!)! / total) > COMMON_LOGP) nCommon++;
  const common = layoutTrie(words.slice(0, nCommon).map((w, id) => [w, id] as [string, number]));
  const cNodes = common.word.length;
  const nNodes = main.word.length;
  const fNodes = freq.word.length;
  const enc = new TextEncoder();
  const wordBytesList = words.map((w) => enc.encode(w));
  const wordBytesLen = wordBytesList.reduce((s, b) => s + b.length, 0);
  let nBigrams = 0;
  for (const m of perFirst.values()) nBigrams += m.size;

  const sizes = [
    (nWords + 1) * 4, // 0 wordOffsets
    nWords * 4, // 1 logProb
    nNodes * 4, // 2 nodeChildStart
    nNodes * 4, // 3 nodeWord
    (nWords + 1) * 4, // 4 bigramStart
    nBigrams * 4, // 5 bigramNext
    nBigrams * 4, // 6 bigramLogProb
    wordBytesLen, // 7 wordBytes
    nNodes, // 8 nodeChar
    nNodes, // 9 nodeChildCount
    nNodes, // 10 minLen
    nNodes, // 11 maxLen
    fNodes * 4, // 12 frequent childStart
    fNodes * 4, // 13 frequent word
    fNodes, // 14 frequent char
    fNodes, // 15 frequent childCount
    fNodes, // 16 frequent minLen
    fNodes, // 17 frequent maxLen
    cNodes * 4, // 18 common childStart
    cNodes * 4, // 19 common word
    cNodes, // 20 common char
    cNodes, // 21 common childCount
    cNodes, // 22 common minLen
    cNodes, // 23 common maxLen
    lNodes * 4, // 24 listed childStart
    lNodes * 4, // 25 listed word
    lNodes, // 26 listed char
    lNodes, // 27 listed childCount
    lNodes, // 28 listed minLen
    lNodes, // 29 listed maxLen
    nWords, // 30 flags
    mNodes * 4, // 31 misspelling childStart
    mNodes * 4, // 32 misspelling word (entry)
    mNodes, // 33 misspelling char
    mNodes, // 34 misspelling childCount
    mNodes, // 35 misspelling minLen
    mNodes, // 36 misspelling maxLen
    (missWords.length + 1) * 4, // 37 missStart
    nMissTargets * 4, // 38 missTarget
    TABLE * 4, // 39 error model: substitution
    TABLE * 4, // 40 deletion
    TABLE * 4, // 41 insertion
    TABLE * 4, // 42 transposition
    nWords * 4, // 43 endLogRatio
  ];
  const offsets: number[] = [];
  let pos = HEADER_BYTES;
  for (const s of sizes) {
    offsets.push(pos);
    pos += Math.ceil(s / 8) * 8;
  }
  const buf = new ArrayBuffer(pos);
  const dv = new DataView(buf);
  [MAGIC, VERSION, nWords, nNodes, nBigrams, wordBytesLen, fNodes, cNodes, lNodes, nCounted, mNodes, missWords.length, nMissTargets, ...offsets].forEach((v, i) => dv.setUint32(i * 4, v, true));

  const wordOffsets = new Uint32Array(buf, offsets[0], nWords + 1);
  const logProb = new Float32Array(buf, offsets[1], nWords);
  const bigramStart = new Uint32Array(buf, offsets[4], nWords + 1);
  const bigramNext = new Uint32Array(buf, offsets[5], nBigrams);
  const bigramLogProb = new Float32Array(buf, offsets[6], nBigrams);
  const wordBytes = new Uint8Array(buf, offsets[7], wordBytesLen);
  const put = (t: Laid, o: number[]) => {
    new Uint32Array(buf, o[0], t.word.length).set(t.childStart);
    new Int32Array(buf, o[1], t.word.length).set(t.word);
    new Uint8Array(buf, o[2], t.word.length).set(t.char);
    new Uint8Array(buf, o[3], t.word.length).set(t.childCount);
    new Uint8Array(buf, o[4], t.word.length).set(t.minLen);
    new Uint8Array(buf, o[5], t.word.length).set(t.maxLen);
  };
  put(main, [offsets[2]!, offsets[3]!, offsets[8]!, offsets[9]!, offsets[10]!, offsets[11]!]);
  put(freq, offsets.slice(12, 18));
  put(common, offsets.slice(18, 24));
  put(listed, offsets.slice(24, 30));
  const flags = new Uint8Array(buf, offsets[30], nWords);
  put(missed, offsets.slice(31, 37));
  const missStart = new Uint32Array(buf, offsets[37], missWords.length + 1);
  const missTarget = new Uint32Array(buf, offsets[38], nMissTargets);
  let mp = 0;
  missWords.forEach((w, k) => {
    missStart[k] = mp;
    for (const id of missMap.get(w)!) missTarget[mp++] = id;
  });
  missStart[missWords.length] = mp;
  if (src.errors) {
    new Float32Array(buf, offsets[39], TABLE).set(src.errors.sub);
    new Float32Array(buf, offsets[40], TABLE).set(src.errors.del);
    new Float32Array(buf, offsets[41], TABLE).set(src.errors.ins);
    new Float32Array(buf, offsets[42], TABLE).set(src.errors.trans);
  }
  const endLogRatio = new Float32Array(buf, offsets[43], nWords);
  for (const [w, r] of src.endLogRatio ?? []) {
    const id = ids.get(w);
    if (id !== undefined) endLogRatio[id] = r;
  }
  let wp = 0;
  wordBytesList.forEach((b, i) => {
    wordOffsets[i] = wp;
    wordBytes.set(b, wp);
    wp += b.length;
    logProb[i] = i < nCounted ? Math.log(counts.get(words[i]!)! / total) : LISTED_LOGP;
    flags[i] = flagOf.get(words[i]!) ?? 0;
  });
  wordOffsets[nWords] = wp;
  let bp = 0;
  for (let a = 0; a < nWords; a++) {
    bigramStart[a] = bp;
    const m = perFirst.get(a);
    if (!m || a >= nCounted) continue;
    const ca = counts.get(words[a]!)!;
    for (const b of [...m.keys()].sort((x, y) => x - y)) {
      bigramNext[bp] = b;
      bigramLogProb[bp] = Math.min(Math.log(0.95), Math.log(m.get(b)! / (scale * ca)));
      bp++;
    }
  }
  bigramStart[nWords] = bp;
  return new Uint8Array(buf);
}

export function decodeLexicon(bytes: Uint8Array): LexiconData {
  // typed-array views need aligned offsets: copy if the buffer is not 8-byte aligned
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || dv.getUint32(0, true) !== MAGIC)
    throw new Error("lexicon data is corrupt (bad magic number)");
  if (dv.getUint32(4, true) !== VERSION) throw new Error(`lexicon data has unsupported version ${dv.getUint32(4, true)}`);
  const [nWords, nNodes, nBigrams, wordBytesLen, fNodes, cNodes, lNodes, nCounted, mNodes, nMiss, nMissTargets] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) =>
    dv.getUint32(i * 4, true),
  ) as number[] as [number, number, number, number, number, number, number, number, number, number, number];
  const off = Array.from({ length: 44 }, (_, i) => bytes.byteOffset + dv.getUint32((13 + i) * 4, true));
  const end = off[43]! + nWords * 4;
  if (end > bytes.byteOffset + bytes.byteLength) throw new Error("lexicon data is truncated");
  const b = bytes.buffer;
  return {
    nWords,
    nNodes,
    nBigrams,
    wordOffsets: new Uint32Array(b, off[0], nWords + 1),
    logProb: new Float32Array(b, off[1], nWords),
    nodeChildStart: new Uint32Array(b, off[2], nNodes),
    nodeWord: new Int32Array(b, off[3], nNodes),
    bigramStart: new Uint32Array(b, off[4], nWords + 1),
    bigramNext: new Uint32Array(b, off[5], nBigrams),
    bigramLogProb: new Float32Array(b, off[6], nBigrams),
    wordBytes: new Uint8Array(b, off[7], wordBytesLen),
    nodeChar: new Uint8Array(b, off[8], nNodes),
    nodeChildCount: new Uint8Array(b, off[9], nNodes),
    minLen: new Uint8Array(b, off[10], nNodes),
    maxLen: new Uint8Array(b, off[11], nNodes),
    frequent: {
      nodeChildStart: new Uint32Array(b, off[12], fNodes),
      nodeWord: new Int32Array(b, off[13], fNodes),
      nodeChar: new Uint8Array(b, off[14], fNodes),
      nodeChildCount: new Uint8Array(b, off[15], fNodes),
      minLen: new Uint8Array(b, off[16], fNodes),
      maxLen: new Uint8Array(b, off[17], fNodes),
    },
    common: {
      nodeChildStart: new Uint32Array(b, off[18], cNodes),
      nodeWord: new Int32Array(b, off[19], cNodes),
      nodeChar: new Uint8Array(b, off[20], cNodes),
      nodeChildCount: new Uint8Array(b, off[21], cNodes),
      minLen: new Uint8Array(b, off[22], cNodes),
      maxLen: new Uint8Array(b, off[23], cNodes),
    },
    listed: {
      nodeChildStart: new Uint32Array(b, off[24], lNodes),
      nodeWord: new Int32Array(b, off[25], lNodes),
      nodeChar: new Uint8Array(b, off[26], lNodes),
      nodeChildCount: new Uint8Array(b, off[27], lNodes),
      minLen: new Uint8Array(b, off[28], lNodes),
      maxLen: new Uint8Array(b, off[29], lNodes),
    },
    nCounted,
    flags: new Uint8Array(b, off[30], nWords),
    missed: {
      nodeChildStart: new Uint32Array(b, off[31], mNodes),
      nodeWord: new Int32Array(b, off[32], mNodes),
      nodeChar: new Uint8Array(b, off[33], mNodes),
      nodeChildCount: new Uint8Array(b, off[34], mNodes),
      minLen: new Uint8Array(b, off[35], mNodes),
      maxLen: new Uint8Array(b, off[36], mNodes),
    },
    missStart: new Uint32Array(b, off[37], nMiss + 1),
    missTarget: new Uint32Array(b, off[38], nMissTargets),
    errors: {
      sub: new Float32Array(b, off[39], TABLE),
      del: new Float32Array(b, off[40], TABLE),
      ins: new Float32Array(b, off[41], TABLE),
      trans: new Float32Array(b, off[42], TABLE),
    },
    endLogRatio: new Float32Array(b, off[43], nWords),
  };
}

export interface Laid {
  childStart: number[];
  word: number[];
  char: number[];
  childCount: number[];
  minLen: number[];
  maxLen: number[];
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
