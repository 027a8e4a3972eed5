/**
 * Optimal string alignment distance (Damerau–Levenshtein where a swap of neighbours is one edit and no
 * substring is edited twice). O(|a|·|b|) time and memory; meant for words and short names. The guard
 * bounds a model's word changes with it, and "did you mean" (suggest.ts) picks the closest name.
 */

/** Optimal string alignment distance (adjacent swaps count one). */
export function osaDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => [i, ...new Array(m).fill(0)]);
  for (let j = 0; j <= m; j++) d[0]![j] = j;
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[n]![m]!;
}
