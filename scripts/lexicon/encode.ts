/**
 * Build-time encoder of the lexicon file (src/engines/lexicon/format.ts describes the layout and decodes
 * it): counted words ordered by count, the listed words after them, four tries, the bigram table, known
 * misspellings, the error model and the sentence-end ratios, as little-endian typed arrays. Deterministic:
 * the same source gives the same bytes. Cost: a few seconds and a few hundred MB for the full sources, once
 * per build (scripts/build-lexicon.ts); never run by the engine.
 */
import { TABLE, type ErrorTables } from "../../src/engines/lexicon/errormodel.ts";
import {
  COMMON_LOGP,
  HEADER_BYTES,
  LISTED_LOGP,
  MAGIC,
  MAIN_TRIE,
  REAL_WORDS_MODEL,
  REAL_WORDS_SECTION,
  realWordCostsAt,
  realWordTableBytes,
  SECTIONS,
  sectionRun,
  VERSION,
  WORD_COMMON,
  WORD_KEEP,
  WORD_LISTED,
  WORD_NAME,
  WORD_NAMELIKE,
  WORD_PERSON,
  layoutTrie,
  type Laid,
} from "../../src/engines/lexicon/format.ts";
import { buildDeleteIndex, DELETE_BUCKET_BITS } from "../../src/engines/lexicon/deletes.ts";
import { Lexicon } from "../../src/engines/lexicon/lexicon.ts";
import { Candidates } from "../../src/engines/lexicon/candidates.ts";
import { PARAMS } from "../../src/engines/lexicon/params.ts";
import { channelState, restoreChannel, useErrorTables } from "../../src/engines/lexicon/channel.ts";

/** Words with ln P above this go into the second, smaller trie used for the wide (distance-2) search. */
export const FREQUENT_LOGP = -14;

/**
 * The most frequent words whose real-word neighbours the file stores (format.ts RealWordTable): what a
 * known word may have been typed for, searched at run time for any other word. All the counted words:
 * 114,856 neighbours of 83,563 words, 1.71 MB (6 % of the file; the 20,000 most frequent alone: 0.53 MB,
 * but 4 % of the known words of prose lie beyond them, and the one-liners' rare words with them).
 */
export const REAL_WORD_TABLE_WORDS = Infinity;

/** What the lexicon is built from. */
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
  /**
   * The count that ln P is taken against; by default the sum of the unigrams' counts. Given when words from
   * another source are added to the table (build-lexicon.ts cmuCounts), so that the others' probabilities
   * stay what their own corpus says.
   */
  total?: number;
  /** Words in the real-word table (REAL_WORD_TABLE_WORDS by default; at most the counted words). */
  realWordTable?: number;
}

export function encodeLexicon(src: LexiconSource): Uint8Array {
  // dedupe words (keep the largest count), order by count desc then word
  const counts = new Map<string, number>();
  for (const [w, c] of src.unigrams) {
    if (!/^[a-z']+$/.test(w)) continue;
    counts.set(w, Math.max(counts.get(w) ?? 0, c));
  }
  const words = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  const total = src.total ?? words.reduce((s, w) => s + counts.get(w)!, 0);
  const nCounted = words.length;
  // listed words: flags merged per word; a counted word keeps its count and takes only the KEEP and COMMON flags
  const listedFlags = new Map<string, number>();
  for (const [w, f] of src.listed ?? []) {
    if (!/^[a-z']+$/.test(w)) continue;
    const old = listedFlags.get(w);
    // a word listed both with and without a capital is no name-only word, nor one another list has a person's only
    listedFlags.set(w, old === undefined ? f : ((old | f) & ~(WORD_NAME | WORD_PERSON)) | (old & f & (WORD_NAME | WORD_PERSON)));
  }
  const flagOf = new Map<string, number>();
  for (const [w, f] of listedFlags) {
    if (counts.has(w)) {
      const g = (f & (WORD_KEEP | WORD_COMMON)) | (f & WORD_NAME ? WORD_NAMELIKE : 0);
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

  // bigrams: `P(b|a) = c(ab) / (S · c(a))`, S = ratio of the two tables' totals (they come from corpora of different size)
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
  const deletes = buildDeleteIndex(words.slice(0, nCounted), nFrequent);
  const nDeletes = deletes.ids.length;
  const enc = new TextEncoder();
  const wordBytesList = words.map((w) => enc.encode(w));
  const wordBytesLen = wordBytesList.reduce((s, b) => s + b.length, 0);
  let nBigrams = 0;
  for (const m of perFirst.values()) nBigrams += m.size;

  // a trie's six arrays: childStart, word (32-bit), char, childCount, minLen, maxLen (bytes)
  const trie = (n: number) => [n * 4, n * 4, n, n, n, n];
  const nRules = src.errors?.rules?.keys.length ?? 0;
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
    ...trie(fNodes), // 12–17 frequent
    ...trie(cNodes), // 18–23 common
    ...trie(lNodes), // 24–29 listed
    nWords, // 30 flags
    ...trie(mNodes), // 31–36 misspellings (node word: entry)
    (missWords.length + 1) * 4, // 37 missStart
    nMissTargets * 4, // 38 missTarget
    TABLE * 4, // 39 error model: substitution
    TABLE * 4, // 40 deletion
    TABLE * 4, // 41 insertion
    TABLE * 4, // 42 transposition
    nWords * 4, // 43 endLogRatio
    ((1 << DELETE_BUCKET_BITS) + 1) * 4, // 44 delete index: bucket starts
    nDeletes * 4, // 45 word ids
    nDeletes, // 46 hash tags
    nCounted * 4, // 47 word-order rank per id
    nCounted * 4, // 48 id per rank
    4 + nRules * 8, // 49 substring rules: count, keys, costs
    ...new Array<number>(REAL_WORDS_SECTION - 50).fill(0), // 50–69 reserved
    0, // 70 the real-word table: made from the rest of the file, appended below
  ];
  if (sizes.length !== SECTIONS) throw new Error(`${sizes.length} sections, the format has ${SECTIONS}`);
  const offsets: number[] = [];
  let pos = HEADER_BYTES;
  for (const s of sizes) {
    offsets.push(pos);
    pos += Math.ceil(s / 8) * 8;
  }
  const buf = new ArrayBuffer(pos);
  const dv = new DataView(buf);
  [MAGIC, VERSION, nWords, nNodes, nBigrams, wordBytesLen, fNodes, cNodes, lNodes, nCounted, mNodes, missWords.length, nMissTargets, ...offsets, nFrequent, nDeletes].forEach((v, i) => dv.setUint32(i * 4, v, true));

  const wordOffsets = new Uint32Array(buf, offsets[0], nWords + 1);
  const logProb = new Float32Array(buf, offsets[1], nWords);
  const bigramStart = new Uint32Array(buf, offsets[4], nWords + 1);
  const bigramNext = new Uint32Array(buf, offsets[5], nBigrams);
  const bigramLogProb = new Float32Array(buf, offsets[6], nBigrams);
  const wordBytes = new Uint8Array(buf, offsets[7], wordBytesLen);
  const put = (t: Laid, s: readonly number[]) => {
    const o = s.map((i) => offsets[i]!);
    new Uint32Array(buf, o[0], t.word.length).set(t.childStart);
    new Int32Array(buf, o[1], t.word.length).set(t.word);
    new Uint8Array(buf, o[2], t.word.length).set(t.char);
    new Uint8Array(buf, o[3], t.word.length).set(t.childCount);
    new Uint8Array(buf, o[4], t.word.length).set(t.minLen);
    new Uint8Array(buf, o[5], t.word.length).set(t.maxLen);
  };
  put(main, MAIN_TRIE);
  put(freq, sectionRun(12));
  put(common, sectionRun(18));
  put(listed, sectionRun(24));
  const flags = new Uint8Array(buf, offsets[30], nWords);
  put(missed, sectionRun(31));
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
  new Uint32Array(buf, offsets[44], deletes.start.length).set(deletes.start);
  new Uint32Array(buf, offsets[45], nDeletes).set(deletes.ids);
  new Uint8Array(buf, offsets[46], nDeletes).set(deletes.tags);
  new Uint32Array(buf, offsets[47], nCounted).set(deletes.rank);
  new Uint32Array(buf, offsets[48], nCounted).set(deletes.byRank);
  dv.setUint32(offsets[49]!, nRules, true);
  if (src.errors?.rules) {
    new Uint32Array(buf, offsets[49]! + 4, nRules).set(src.errors.rules.keys);
    new Float32Array(buf, offsets[49]! + 4 + nRules * 4, nRules).set(src.errors.rules.costs);
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
  return withRealWords(new Uint8Array(buf), Math.min(nCounted, src.realWordTable ?? REAL_WORD_TABLE_WORDS));
}

/**
 * The file with its real-word table (section 70, the last, empty in `file`) appended: the neighbours of
 * words 0 .. n - 1 as Candidates.realWords finds them in the file itself, under its own error model.
 */
function withRealWords(file: Uint8Array, n: number): Uint8Array {
  const lex = new Lexicon(file);
  const cand = new Candidates(lex);
  const saved = channelState();
  const lists = [];
  try {
    useErrorTables(lex.data.errors, saved.share);
    for (let id = 0; id < n; id++) lists.push(cand.realWords(id, lex.word(id)));
  } finally {
    restoreChannel(saved);
  }
  const e = lists.reduce((sum, l) => sum + l.length, 0);
  const out = new Uint8Array(file.byteLength + realWordTableBytes(n, e));
  out.set(file);
  const at = file.byteLength;
  const b = out.buffer;
  const dv = new DataView(b);
  dv.setUint32(at, n, true);
  dv.setUint32(at + 4, e, true);
  const m = REAL_WORDS_MODEL.length;
  const model: Record<(typeof REAL_WORDS_MODEL)[number], number> = { share: saved.share, typoCost: PARAMS.typoCost, editCost: PARAMS.editCost, commonLogP: PARAMS.commonLogP, rareKnownLogP: PARAMS.rareKnownLogP, maxCandidates: PARAMS.maxCandidates };
  new Float64Array(b, at + 8, m).set(REAL_WORDS_MODEL.map((k) => model[k]));
  const start = new Uint32Array(b, at + 8 + m * 8, n + 1);
  const ids = new Uint32Array(b, at + 8 + m * 8 + (n + 1) * 4, e);
  const costs = new Float64Array(b, at + realWordCostsAt(n, e), e);
  let k = 0;
  lists.forEach((l, id) => {
    start[id] = k;
    for (const h of l) {
      ids[k] = (h.id | (h.inflection ? 0x80000000 : 0)) >>> 0;
      costs[k++] = h.cost;
    }
  });
  start[n] = k;
  return out;
}
