/**
 * Correction-level scores from a three-way alignment of source, output and reference, word by word:
 * the gold edits (source → reference) and the system edits (source → output) are aligned on the source.
 *   fixed      a system edit equal to a gold edit (same source span, same replacement)
 *   wrong fix  a system edit on a span the gold also changes, with another replacement
 *   missed     a gold edit with no system edit on its span
 *   over-correction  a system edit where the gold changes nothing
 * precision = fixed / system edits, recall = fixed / gold edits, F0.5 weighs precision twice as much.
 * Per-type recall: for pairs that carry corruption edits, the share of each type the output undid.
 */
import { diffEdits } from "../text/edits.ts";
import type { CorruptionEdit } from "../corrupt/index.ts";

export interface CorrectionCounts {
  fixed: number;
  wrongFix: number;
  missed: number;
  overCorrection: number;
  goldEdits: number;
  systemEdits: number;
  /** Source words that needed no change (denominator of the over-correction rate). */
  cleanWords: number;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end || (a.start === a.end && b.start <= a.start && a.start <= b.end) || (b.start === b.end && a.start <= b.start && b.start <= a.end);

export function correctionCounts(source: string, output: string, reference: string): CorrectionCounts {
  const gold = diffEdits(source, reference);
  const sys = diffEdits(source, output);
  const c: CorrectionCounts = { fixed: 0, wrongFix: 0, missed: 0, overCorrection: 0, goldEdits: gold.length, systemEdits: sys.length, cleanWords: 0 };
  const goldHit = new Set<number>();
  for (const s of sys) {
    const gi = gold.findIndex((g) => overlaps(g, s));
    if (gi < 0) {
      c.overCorrection++;
      continue;
    }
    const g = gold[gi]!;
    if (g.start === s.start && g.end === s.end && g.to === s.to) {
      c.fixed++;
      goldHit.add(gi);
    } else {
      c.wrongFix++;
      goldHit.add(gi);
    }
  }
  c.missed = gold.length - goldHit.size;
  // words of the source outside every gold edit
  const words = [...source.matchAll(/\S+/g)];
  c.cleanWords = words.filter((m) => !gold.some((g) => overlaps(g, { start: m.index!, end: m.index! + m[0].length }))).length;
  return c;
}

export function addCounts(a: CorrectionCounts, b: CorrectionCounts): CorrectionCounts {
  return {
    fixed: a.fixed + b.fixed,
    wrongFix: a.wrongFix + b.wrongFix,
    missed: a.missed + b.missed,
    overCorrection: a.overCorrection + b.overCorrection,
    goldEdits: a.goldEdits + b.goldEdits,
    systemEdits: a.systemEdits + b.systemEdits,
    cleanWords: a.cleanWords + b.cleanWords,
  };
}

export const ZERO_COUNTS: CorrectionCounts = { fixed: 0, wrongFix: 0, missed: 0, overCorrection: 0, goldEdits: 0, systemEdits: 0, cleanWords: 0 };

export function prf(c: CorrectionCounts, beta = 0.5): { precision: number; recall: number; f: number; overCorrectionRate: number } {
  const precision = c.systemEdits ? c.fixed / c.systemEdits : 1;
  const recall = c.goldEdits ? c.fixed / c.goldEdits : 1;
  const b2 = beta * beta;
  const f = precision + recall > 0 ? ((1 + b2) * precision * recall) / (b2 * precision + recall) : 0;
  return { precision, recall, f, overCorrectionRate: c.cleanWords ? c.overCorrection / c.cleanWords : 0 };
}

/**
 * Per corruption type: how many of the edits the output undid. An edit counts as undone when no
 * difference between output and clean text touches its span of the clean text.
 */
export function perTypeRecall(items: ReadonlyArray<{ clean: string; output: string; edits: readonly CorruptionEdit[] }>): Record<string, { total: number; fixed: number; recall: number }> {
  const out: Record<string, { total: number; fixed: number; recall: number }> = {};
  for (const it of items) {
    const diffs = diffEdits(it.clean, it.output);
    for (const e of it.edits) {
      const r = (out[e.type] ??= { total: 0, fixed: 0, recall: 0 });
      r.total++;
      // the clean-side region of the corruption, widened to the words it touches
      const region = wordSpan(it.clean, e.start, e.end);
      if (!diffs.some((d) => overlaps(d, region))) r.fixed++;
    }
  }
  for (const r of Object.values(out)) r.recall = r.total ? r.fixed / r.total : 0;
  return out;
}

function wordSpan(s: string, start: number, end: number): { start: number; end: number } {
  let a = start;
  let b = end;
  while (a > 0 && !/\s/.test(s[a - 1]!)) a--;
  while (b < s.length && !/\s/.test(s[b]!)) b++;
  if (a === b) b = Math.min(s.length, b + 1);
  return { start: a, end: b };
}
