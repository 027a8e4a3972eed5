/**
 * The lexicon file: words, unigram log-probabilities, a trie for lookup and bounded edit-distance search,
 * and a bigram table, as little-endian typed arrays behind a small header. Loading is a file read plus
 * typed-array views (no parsing), so the engine starts in a few milliseconds.
 *
 * Word ids are frequency ranks (0 = most frequent). Bigrams are stored per first word (CSR layout),
 * second-word ids sorted, so a lookup is a binary search in a short range.
 */

export interface LexiconSource {
  unigrams: Array<[string, number]>;
  bigrams: Array<[string, string, number]>;
}

const MAGIC = 0x584c4654; // "TFLX"
const VERSION = 1;
const HEADER_BYTES = 128;

export interface LexiconData {
  nWords: number;
  nNodes: number;
  nBigrams: number;
  wordOffsets: Uint32Array;
  wordBytes: Uint8Array;
  logProb: Float32Array;
  nodeChildStart: Uint32Array;
  nodeWord: Int32Array;
  nodeChar: Uint8Array;
  nodeChildCount: Uint8Array;
  bigramStart: Uint32Array;
  bigramNext: Uint32Array;
  bigramLogProb: Float32Array;
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
  const ids = new Map(words.map((w, i) => [w, i]));
  const total = words.reduce((s, w) => s + counts.get(w)!, 0);

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

  // trie
  const root: TrieNode = { children: new Map(), word: -1 };
  words.forEach((w, id) => {
    let n = root;
    for (let i = 0; i < w.length; i++) {
      const ch = w.charCodeAt(i);
      let next = n.children.get(ch);
      if (!next) n.children.set(ch, (next = { children: new Map(), word: -1 }));
      n = next;
    }
    n.word = id;
  });
  // breadth-first layout: children of a node are contiguous and sorted by character
  const order: TrieNode[] = [root];
  const chars: number[] = [0];
  const childStart: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const n = order[i]!;
    childStart.push(order.length);
    for (const ch of [...n.children.keys()].sort((a, b) => a - b)) {
      order.push(n.children.get(ch)!);
      chars.push(ch);
    }
  }
  const nNodes = order.length;
  const nWords = words.length;
  const enc = new TextEncoder();
  const wordBytesList = words.map((w) => enc.encode(w));
  const wordBytesLen = wordBytesList.reduce((s, b) => s + b.length, 0);
  let nBigrams = 0;
  for (const m of perFirst.values()) nBigrams += m.size;

  const sizes = [
    (nWords + 1) * 4, // wordOffsets
    nWords * 4, // logProb
    nNodes * 4, // nodeChildStart
    nNodes * 4, // nodeWord
    (nWords + 1) * 4, // bigramStart
    nBigrams * 4, // bigramNext
    nBigrams * 4, // bigramLogProb
    wordBytesLen, // wordBytes
    nNodes, // nodeChar
    nNodes, // nodeChildCount
  ];
  const offsets: number[] = [];
  let pos = HEADER_BYTES;
  for (const s of sizes) {
    offsets.push(pos);
    pos += Math.ceil(s / 8) * 8;
  }
  const buf = new ArrayBuffer(pos);
  const dv = new DataView(buf);
  [MAGIC, VERSION, nWords, nNodes, nBigrams, wordBytesLen, ...offsets].forEach((v, i) => dv.setUint32(i * 4, v, true));

  const wordOffsets = new Uint32Array(buf, offsets[0], nWords + 1);
  const logProb = new Float32Array(buf, offsets[1], nWords);
  const nodeChildStart = new Uint32Array(buf, offsets[2], nNodes);
  const nodeWord = new Int32Array(buf, offsets[3], nNodes);
  const bigramStart = new Uint32Array(buf, offsets[4], nWords + 1);
  const bigramNext = new Uint32Array(buf, offsets[5], nBigrams);
  const bigramLogProb = new Float32Array(buf, offsets[6], nBigrams);
  const wordBytes = new Uint8Array(buf, offsets[7], wordBytesLen);
  const nodeChar = new Uint8Array(buf, offsets[8], nNodes);
  const nodeChildCount = new Uint8Array(buf, offsets[9], nNodes);

  let wp = 0;
  wordBytesList.forEach((b, i) => {
    wordOffsets[i] = wp;
    wordBytes.set(b, wp);
    wp += b.length;
    logProb[i] = Math.log(counts.get(words[i]!)! / total);
  });
  wordOffsets[nWords] = wp;
  order.forEach((n, i) => {
    nodeChildStart[i] = childStart[i]!;
    nodeChildCount[i] = n.children.size;
    nodeChar[i] = chars[i]!;
    nodeWord[i] = n.word;
  });
  let bp = 0;
  for (let a = 0; a < nWords; a++) {
    bigramStart[a] = bp;
    const m = perFirst.get(a);
    if (!m) continue;
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
  const [nWords, nNodes, nBigrams, wordBytesLen] = [2, 3, 4, 5].map((i) => dv.getUint32(i * 4, true)) as [
    number,
    number,
    number,
    number,
  ];
  const off = Array.from({ length: 10 }, (_, i) => bytes.byteOffset + dv.getUint32((6 + i) * 4, true));
  const end = off[9]! + nNodes;
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
  };
}
