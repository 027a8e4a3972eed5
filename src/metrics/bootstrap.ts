/**
 * Seeded bootstrap confidence intervals: resample the sentences with replacement B times, recompute the
 * metric from per-sentence statistics, take the 2.5th and 97.5th percentiles.
 */
import { mulberry32 } from "../corrupt/index.ts";

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export function bootstrap<T>(items: readonly T[], metric: (sample: readonly T[]) => number, options: { samples?: number; seed?: number } = {}): Interval {
  const value = metric(items);
  const n = items.length;
  if (n < 2) return { value, low: value, high: value };
  const rng = mulberry32(options.seed ?? 12345);
  const B = options.samples ?? 1000;
  const vals: number[] = [];
  const sample: T[] = new Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) sample[i] = items[Math.floor(rng() * n)]!;
    vals.push(metric(sample));
  }
  vals.sort((a, b) => a - b);
  const q = (p: number) => vals[Math.min(B - 1, Math.max(0, Math.round(p * (B - 1))))]!;
  return { value, low: q(0.025), high: q(0.975) };
}
