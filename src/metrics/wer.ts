/**
 * Word-level scores of a correction run, defined as in ../shared/DESIGN.md §6 (and its reference
 * implementation score.py): whitespace tokens, word-level Levenshtein distance, totals over the corpus.
 *   wer_in   = Σ lev(corrupt, correct) / Σ |correct|
 *   wer_out  = Σ lev(output, correct)  / Σ |correct|
 *   reduction = 1 − wer_out / wer_in (share of the errors removed; negative means harm)
 *   clean change rate = Σ lev(output on correct.txt, correct) / Σ |correct| (every change there is damage)
 *   exact = share of output lines equal to their reference
 */

/** Levenshtein distance between two sequences (O(n·m) time, O(m) memory). */
export function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const x = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (x === b[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Whitespace tokens, as Python's str.split(). */
export function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

export interface WerScores {
  lines: number;
  exact: number;
  wer_in: number;
  wer_out: number;
  reduction: number;
  /** Present when outputs on the clean reference were given. */
  clean_change?: number;
}

export function werScores(corrupt: readonly string[], correct: readonly string[], output: readonly string[], outputOnClean?: readonly string[]): WerScores {
  const n = correct.length;
  if (corrupt.length !== n || output.length !== n || (outputOnClean && outputOnClean.length !== n))
    throw new Error(`line count mismatch: correct=${n} corrupt=${corrupt.length} output=${output.length}${outputOnClean ? ` clean=${outputOnClean.length}` : ""}`);
  let weIn = 0;
  let weOut = 0;
  let wn = 0;
  let exact = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const r = words(correct[i]!);
    weIn += levenshtein(words(corrupt[i]!), r);
    weOut += levenshtein(words(output[i]!), r);
    wn += r.length;
    if (output[i] === correct[i]) exact++;
    if (outputOnClean) changed += levenshtein(words(outputOnClean[i]!), r);
  }
  const s: WerScores = {
    lines: n,
    exact: n ? exact / n : 0,
    wer_in: wn ? weIn / wn : 0,
    wer_out: wn ? weOut / wn : 0,
    reduction: weIn ? 1 - weOut / weIn : 0,
  };
  if (outputOnClean) s.clean_change = wn ? changed / wn : 0;
  return s;
}
