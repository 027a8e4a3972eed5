/**
 * Generative metrics as the seed pipeline reported them, computed in TypeScript:
 *  - corpus BLEU compatible with sacreBLEU's defaults (13a tokenisation, 1–4-grams, brevity penalty,
 *    'exp' smoothing), on a 0–1 scale;
 *  - ROUGE-L F1 compatible with Google's rouge-score (lower-case, non-alphanumerics as spaces, no
 *    stemming), averaged over sentences;
 *  - character edit similarity 1 − Levenshtein / max(length), averaged over sentences;
 *  - character error rate (corpus).
 */
import { levenshtein } from "./wer.ts";

/** sacreBLEU's 13a tokenizer (the mteval-v13a rules). */
export function tokenize13a(line: string): string[] {
  let s = line.replace(/<skipped>/g, "").replace(/-\n/g, "").replace(/\n/g, " ");
  if (s.includes("&")) s = s.replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  s = ` ${s} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, " $1 ");
  s = s.replace(/([^0-9])([.,])/g, "$1 $2 ");
  s = s.replace(/([.,])([^0-9])/g, " $1 $2");
  s = s.replace(/([0-9])(-)/g, "$1 $2 ");
  return s.split(/\s+/).filter(Boolean);
}

function ngrams(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = tokens.slice(i, i + n).join("\u0001");
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Sufficient statistics of one sentence for corpus BLEU. */
export interface BleuStats {
  correct: number[];
  total: number[];
  sysLen: number;
  refLen: number;
}

export function bleuStats(hyp: string, ref: string, maxOrder = 4): BleuStats {
  const h = tokenize13a(hyp);
  const r = tokenize13a(ref);
  const correct: number[] = [];
  const total: number[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const hn = ngrams(h, n);
    const rn = ngrams(r, n);
    let c = 0;
    let t = 0;
    for (const [k, v] of hn) {
      t += v;
      c += Math.min(v, rn.get(k) ?? 0);
    }
    correct.push(c);
    total.push(t);
  }
  return { correct, total, sysLen: h.length, refLen: r.length };
}

/** Sentence BLEU as sacreBLEU's sentence_bleu (exp smoothing, effective order), 0–1. */
export function sentenceBleu(hyp: string, ref: string): number {
  return bleuFromStats([bleuStats(hyp, ref)], 4, true);
}

/** Corpus BLEU from summed statistics, as sacreBLEU computes it (0–1). */
export function bleuFromStats(stats: readonly BleuStats[], maxOrder = 4, effectiveOrder = false, nltkCompat = false): number {
  const correct = new Array(maxOrder).fill(0);
  const total = new Array(maxOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  for (const s of stats) {
    for (let n = 0; n < maxOrder; n++) {
      correct[n] += s.correct[n]!;
      // NLTK counts at least one n-gram per sentence, even one shorter than n (sacreBLEU counts none)
      total[n] += nltkCompat ? Math.max(1, s.total[n]!) : s.total[n]!;
    }
    sysLen += s.sysLen;
    refLen += s.refLen;
  }
  if (!correct.some((c) => c > 0)) return 0;
  const precisions = new Array(maxOrder).fill(0);
  let smooth = 1;
  let order = maxOrder;
  for (let n = 0; n < maxOrder; n++) {
    if (total[n] === 0) break;
    if (effectiveOrder) order = n + 1;
    if (correct[n] === 0) {
      smooth *= 2;
      precisions[n] = 100 / (smooth * total[n]);
    } else precisions[n] = (100 * correct[n]) / total[n];
  }
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const logs = precisions.map((p) => (p === 0 ? -9999999999 : Math.log(p)));
  return (bp * Math.exp(logs.slice(0, order).reduce((a, b) => a + b, 0) / order)) / 100;
}

export function corpusBleu(hyps: readonly string[], refs: readonly string[]): number {
  return bleuFromStats(hyps.map((h, i) => bleuStats(h, refs[i]!)));
}

/** rouge-score's default tokenizer: lower-case, anything not a-z0-9 becomes a space. */
export function tokenizeRouge(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);
}

function lcs(a: string[], b: string[]): number {
  if (!a.length || !b.length) return 0;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** ROUGE-L F1 of one sentence pair (rouge-score: target = reference, prediction = output). */
export function rougeL(hyp: string, ref: string): number {
  const h = tokenizeRouge(hyp);
  const r = tokenizeRouge(ref);
  if (!h.length || !r.length) return 0;
  const l = lcs(r, h);
  const p = l / h.length;
  const rec = l / r.length;
  return p + rec > 0 ? (2 * p * rec) / (p + rec) : 0;
}

/** 1 − Levenshtein(hyp, ref) / max(|hyp|, |ref|) over characters (code points). */
export function editSimilarity(hyp: string, ref: string): number {
  const a = [...hyp];
  const b = [...ref];
  const m = Math.max(a.length, b.length);
  return m ? 1 - levenshtein(a, b) / m : 1;
}

/** Corpus character error rate: Σ Lev(chars) / Σ |ref chars|. */
export function cer(hyps: readonly string[], refs: readonly string[]): number {
  let e = 0;
  let n = 0;
  hyps.forEach((h, i) => {
    const r = [...refs[i]!];
    e += levenshtein([...h], r);
    n += r.length;
  });
  return n ? e / n : 0;
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
