/**
 * Extracts the context model of the confusable pairs (its/it's, your/you're, to/too, affect/effect, the
 * homophones of confusable-lm.ts CMU_PAIRS, and the contractions of APOSTROPHE_PAIRS and CMU_TRIPLES) from
 * CMU Sphinx's generic US English trigram model (Debian package pocketsphinx-en-us, en-us.lm.bin, BSD-2:
 * models/en/src/LICENSE.cmusphinx-BSD.txt), which, unlike the Google Books bigrams, keeps contractions
 * as words: `it's going` and `its going` are told apart. Writes models/en/confusable-lm.bin: every n-gram of
 * the model that a swap within those pairs can change the score of (the n-grams containing one of the
 * words, the back-off weights of their histories, the bigrams a back-off from such a trigram falls to,
 * and every word's unigram probability and back-off weight), keyed by a 64-bit hash (confusable-lm.ts reads it).
 *
 * The model file is a reversed trie (sphinxbase lm_trie.c): the row of word w lists the words v before it
 * with ln P(w | v) quantised to 16 bits, and under each such v the words u with ln P(w | u v).
 *
 *   apt-get download pocketsphinx-en-us && dpkg-deb -x pocketsphinx-en-us_*.deb /tmp/ps
 *   bun scripts/lexicon/cmu-lm.ts /tmp/ps/usr/share/pocketsphinx/model/en-us/en-us.lm.bin
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cmuTargets, lmKey } from "../../src/engines/lexicon/confusable-lm.ts";

/** The model's arrays (order 3; sphinxbase ngram_model_trie.c, lm_trie.c, lm_trie_quant.c). */
function readTrie(path: string) {
  const buf = readFileSync(path);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.subarray(0, 19).toString("latin1") !== "Trie Language Model") throw new Error(`${path}: not a trie language model`);
  let o = 19;
  const order = buf[o++]!;
  if (order !== 3) throw new Error(`${path}: order ${order}, expected 3`);
  const counts: number[] = [];
  for (let i = 0; i < order; i++, o += 4) counts.push(dv.getUint32(o, true));
  o += 4;
  const floats = (n: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = dv.getFloat32(o + 4 * i, true);
    o += 4 * n;
    return a;
  };
  // quantisation bins: bigram probabilities, bigram back-offs, trigram probabilities
  const biProb = floats(65536);
  const biBo = floats(65536);
  const triProb = floats(65536);
  const n1 = counts[0]!;
  const uProb = new Float32Array(n1 + 1);
  const uBo = new Float32Array(n1 + 1);
  const uNext = new Uint32Array(n1 + 1);
  for (let i = 0; i <= n1; i++, o += 12) {
    uProb[i] = dv.getFloat32(o, true);
    uBo[i] = dv.getFloat32(o + 4, true);
    uNext[i] = dv.getUint32(o + 8, true);
  }
  const bits = (m: number) => (m ? Math.floor(Math.log2(m)) + 1 : 0);
  const wordBits = bits(n1);
  const nextBits = bits(counts[2]!);
  const midTotal = wordBits + 32 + nextBits;
  const midBase = o;
  o += Math.floor(((1 + counts[1]!) * midTotal + 7) / 8) + 8;
  const lonTotal = wordBits + 16;
  const lonBase = o;
  o += Math.floor(((1 + counts[2]!) * lonTotal + 7) / 8) + 8;
  const k = dv.getInt32(o, true);
  o += 4;
  const words = buf.subarray(o, o + k).toString("latin1").split("\0").slice(0, n1);
  if (o + k !== buf.length) throw new Error(`${path}: ${buf.length - o - k} bytes left over`);
  const read = (base: number, bitOff: number, len: number) => {
    const byte = base + Math.floor(bitOff / 8);
    const sh = bitOff % 8;
    let v = 0;
    for (let b = 0; b * 8 < len + sh; b++) v += buf[byte + b]! * 2 ** (8 * b);
    return Math.floor(v / 2 ** sh) % 2 ** len;
  };
  // (log base 1.0001 → natural log)
  const LN = Math.log(1.0001);
  /** The words v before w with ln P(w | v), the back-off of (v w), and the range of their trigrams. */
  function* before(w: number) {
    for (let i = uNext[w]!; i < uNext[w + 1]!; i++) {
      const off = i * midTotal + wordBits;
      yield {
        v: read(midBase, i * midTotal, wordBits),
        bo: biBo[read(midBase, off, 16)]! * LN,
        p: biProb[read(midBase, off + 16, 16)]! * LN,
        from: read(midBase, off + 32, nextBits),
        to: read(midBase, off + midTotal + 32, nextBits),
      };
    }
  }
  function* further(from: number, to: number) {
    for (let j = from; j < to; j++) yield { u: read(lonBase, j * lonTotal, wordBits), p: triProb[read(lonBase, j * lonTotal + wordBits, 16)]! * LN };
  }
  return { n1, words, uProb: Array.from(uProb, (x) => x * LN), uBo: Array.from(uBo, (x) => x * LN), before, further };
}

if (import.meta.main) {
  const path = process.argv[2];
  if (!path) {
    console.error("usage: bun scripts/lexicon/cmu-lm.ts PATH/en-us.lm.bin");
    process.exit(2);
  }
  const m = readTrie(path);
  const W = m.words;
  const wanted = cmuTargets();
  const targets = new Set(W.map((w, i) => (wanted.has(w) ? i : -1)).filter((i) => i >= 0));
  const out = new Map<string, number>();
  const put = (key: string, v: number) => out.set(key, Math.round(v * 1000) / 1000);
  for (let w = 0; w < m.n1; w++) {
    if (W[w]!.startsWith("<") && W[w] !== "<s>" && W[w] !== "</s>") continue;
    put(`U ${W[w]}`, m.uProb[w]!);
    if (m.uBo[w]) put(`O ${W[w]}`, m.uBo[w]!);
  }
  for (let w = 0; w < m.n1; w++) {
    for (const b of m.before(w)) {
      const pair = targets.has(w) || targets.has(b.v);
      if (pair) put(`B ${W[b.v]} ${W[w]}`, b.p);
      for (const t of m.further(b.from, b.to)) {
        // (u v w): kept when one of its words is a target; with it the back-off of its history (u v), and
        // for a target u, the bigram (v w) a back-off from (u v w) falls to
        if (!pair && !targets.has(t.u)) continue;
        put(`T ${W[t.u]} ${W[b.v]} ${W[w]}`, t.p);
        if (targets.has(t.u)) put(`B ${W[b.v]} ${W[w]}`, b.p);
      }
    }
  }
  // back-off weights of the histories (u v) of the kept trigrams: the bigram (u v)'s own entry
  const hist = new Set<string>();
  for (let w = 0; w < m.n1; w++) for (const b of m.before(w)) for (const t of m.further(b.from, b.to)) if (targets.has(t.u) || targets.has(b.v) || targets.has(w)) hist.add(`${t.u} ${b.v}`);
  for (let w = 0; w < m.n1; w++) for (const b of m.before(w)) if (hist.has(`${b.v} ${w}`) && b.bo) put(`C ${W[b.v]} ${W[w]}`, b.bo);
  // sorted by the key's two hashes (`lmKey` of confusable-lm.ts); no two n-grams may share them
  const rows = [...out].map(([k, v]) => [...lmKey(k), v] as [number, number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < rows.length; i++) if (rows[i]![0] === rows[i - 1]![0] && rows[i]![1] === rows[i - 1]![1]) throw new Error("two n-grams share a key: change lmKey's offset bases");
  const n = rows.length;
  const bytes = new Uint8Array(4 + 12 * n);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, n, true);
  rows.forEach(([h, g, v], i) => {
    dv.setUint32(4 + 4 * i, h, true);
    dv.setUint32(4 + 4 * n + 4 * i, g, true);
    dv.setFloat32(4 + 8 * n + 4 * i, v, true);
  });
  const file = join(import.meta.dir, "../../models/en/confusable-lm.bin");
  writeFileSync(file, bytes);
  console.error(`wrote ${file}: ${n} n-grams (${(bytes.length / 1e6).toFixed(2)} MB)`);
}
