/** Summary statistics, least-squares slopes and regression checks for benchmark samples. */

export interface Summary {
  n: number;
  mean: number;
  sd: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

export function summarize(xs: readonly number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return { n: 0, mean: NaN, sd: NaN, min: NaN, p50: NaN, p95: NaN, max: NaN };
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  // nearest-rank percentiles
  const q = (p: number) => s[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  return { n, mean, sd, min: s[0]!, p50: q(0.5), p95: q(0.95), max: s[n - 1]! };
}

/** Least-squares line y = a + b·x: the slope b (e.g. ms per extra token). */
export function slope(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const n = xs.length;
  if (n < 2) return { slope: NaN, intercept: NaN };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const b = sxx ? sxy / sxx : NaN;
  return { slope: b, intercept: my - b * mx };
}

/**
 * Did `now` get slower than `before` beyond the noise? The difference of means must exceed twice its
 * standard error (from both runs' spreads) and 5% of the old mean.
 */
export function regression(before: Summary, now: Summary): { change: number; significant: boolean; worse: boolean } {
  const diff = now.mean - before.mean;
  const se = Math.sqrt(before.sd ** 2 / Math.max(1, before.n) + now.sd ** 2 / Math.max(1, now.n));
  const significant = Math.abs(diff) > 2 * se && Math.abs(diff) > 0.05 * before.mean;
  return { change: before.mean ? diff / before.mean : 0, significant, worse: significant && diff > 0 };
}
