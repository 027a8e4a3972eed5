/**
 * Optimal string alignment distance (Damerau–Levenshtein where a swap of neighbours is one edit and no
 * substring is edited twice). O(|a|·|b|) time and memory; meant for words and short names. The guard
 * bounds a model's word changes with it, and "did you mean" (suggest.ts) picks the closest name.
 */

/**
 * The optimal string alignment table of `a` against `b`, row-major with rows of `W = b.length + 1` cells (cell (i, j) at i·W + j is the distance between a's first i letters and b's first
 * j): the distance is its last cell, and walking back through it gives the edits (the error model does).
 */
export function osaTable(a: string, b: string): { d: Int32Array; W: number } {
  const n = a.length;
  const m = b.length;
  const W = m + 1;
  const d = new Int32Array((n + 1) * W);
  for (let i = 0; i <= n; i++) d[i * W] = i;
  for (let j = 0; j <= m; j++) d[j] = j;
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      let v = Math.min(d[(i - 1) * W + j]! + 1, d[i * W + j - 1]! + 1, d[(i - 1) * W + j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * W + j - 2]! + 1);
      d[i * W + j] = v;
    }
  return { d, W };
}

/** Optimal string alignment distance (adjacent swaps count one). */
export function osaDistance(a: string, b: string): number {
  const { d, W } = osaTable(a, b);
  return d[a.length * W + b.length]!;
}
