/**
 * Metrics for typo correction, all in TypeScript: word error rates and the reduction / clean-change
 * scores of ../shared/DESIGN.md §6, sacreBLEU-compatible BLEU, rouge-score-compatible ROUGE-L, character
 * edit similarity and CER, correction precision/recall/F0.5 with over-correction, per-type recall, and
 * seeded bootstrap confidence intervals. `evaluate()` computes the whole report for one system.
 */
import { levenshtein, werScores, words, type WerScores } from "./wer.ts";
import { bleuFromStats, bleuStats, cer, editSimilarity, mean, rougeL, type BleuStats } from "./generative.ts";
import { addCounts, correctionCounts, perTypeRecall, prf, ZERO_COUNTS, type CorrectionCounts } from "./corrections.ts";
import { bootstrap, type Interval } from "./bootstrap.ts";
import type { CorruptionEdit } from "../corrupt/index.ts";

export * from "./wer.ts";
export * from "./generative.ts";
export * from "./corrections.ts";
export * from "./bootstrap.ts";

export interface EvalItem {
  source: string;
  reference: string;
  output: string;
  /** The system's output on the reference itself (for the clean-text change rate). */
  outputOnClean?: string;
  /** Corruption edits, when the pairs came from `typofix corrupt`. */
  edits?: readonly CorruptionEdit[];
}

export interface EvalReport extends WerScores {
  bleu: number;
  rouge_l: number;
  edit_similarity: number;
  cer_in: number;
  cer_out: number;
  precision: number;
  recall: number;
  f05: number;
  over_correction: number;
  counts: CorrectionCounts;
  per_type?: Record<string, { total: number; fixed: number; recall: number }>;
  ci: Record<string, Interval>;
}

interface Row {
  it: EvalItem;
  weIn: number;
  weOut: number;
  refWords: number;
  exact: number;
  cleanChanged: number;
  bleu: BleuStats;
  rouge: number;
  sim: number;
  counts: CorrectionCounts;
}

export function evaluate(items: readonly EvalItem[], options: { bootstrapSamples?: number; seed?: number } = {}): EvalReport {
  const rows: Row[] = items.map((it) => {
    const r = words(it.reference);
    return {
      it,
      weIn: levenshtein(words(it.source), r),
      weOut: levenshtein(words(it.output), r),
      refWords: r.length,
      exact: it.output === it.reference ? 1 : 0,
      cleanChanged: it.outputOnClean === undefined ? 0 : levenshtein(words(it.outputOnClean), r),
      bleu: bleuStats(it.output, it.reference),
      rouge: rougeL(it.output, it.reference),
      sim: editSimilarity(it.output, it.reference),
      counts: correctionCounts(it.source, it.output, it.reference),
    };
  });
  const hasClean = items.every((it) => it.outputOnClean !== undefined);
  const wer = werScores(
    items.map((i) => i.source),
    items.map((i) => i.reference),
    items.map((i) => i.output),
    hasClean ? items.map((i) => i.outputOnClean!) : undefined,
  );
  const counts = rows.reduce((a, r) => addCounts(a, r.counts), ZERO_COUNTS);
  const p = prf(counts);
  const sum = (rs: readonly Row[], f: (r: Row) => number) => rs.reduce((a, r) => a + f(r), 0);
  const metrics: Record<string, (rs: readonly Row[]) => number> = {
    exact: (rs) => sum(rs, (r) => r.exact) / rs.length,
    wer_out: (rs) => sum(rs, (r) => r.weOut) / Math.max(1, sum(rs, (r) => r.refWords)),
    reduction: (rs) => {
      const i = sum(rs, (r) => r.weIn);
      return i ? 1 - sum(rs, (r) => r.weOut) / i : 0;
    },
    bleu: (rs) => bleuFromStats(rs.map((r) => r.bleu)),
    rouge_l: (rs) => sum(rs, (r) => r.rouge) / rs.length,
    edit_similarity: (rs) => sum(rs, (r) => r.sim) / rs.length,
    f05: (rs) => prf(rs.reduce((a, r) => addCounts(a, r.counts), ZERO_COUNTS)).f,
  };
  if (hasClean) metrics.clean_change = (rs) => sum(rs, (r) => r.cleanChanged) / Math.max(1, sum(rs, (r) => r.refWords));
  const ci: Record<string, Interval> = {};
  for (const [k, f] of Object.entries(metrics)) ci[k] = bootstrap(rows, f, { samples: options.bootstrapSamples ?? 1000, seed: options.seed ?? 1 });
  const report: EvalReport = {
    ...wer,
    bleu: metrics.bleu!(rows),
    rouge_l: mean(rows.map((r) => r.rouge)),
    edit_similarity: mean(rows.map((r) => r.sim)),
    cer_in: cer(items.map((i) => i.source), items.map((i) => i.reference)),
    cer_out: cer(items.map((i) => i.output), items.map((i) => i.reference)),
    precision: p.precision,
    recall: p.recall,
    f05: p.f,
    over_correction: p.overCorrectionRate,
    counts,
    ci,
  };
  if (items.some((i) => i.edits?.length))
    report.per_type = perTypeRecall(items.filter((i) => i.edits).map((i) => ({ clean: i.reference, output: i.output, edits: i.edits! })));
  return report;
}
