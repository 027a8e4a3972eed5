/**
 * Edits: applying them, and deriving them by aligning an output text with its input word by word
 * (used for engines such as LLMs that return whole text). Alignment is a Levenshtein alignment over
 * whitespace-separated tokens: exact (O(n·m)) for short texts, block by block between sync points (linear) for
 * long ones. Substituted words are one edit each;
 * a run that adds or removes words (a split, a join) is one edit. mergeResults puts the results of a
 * text's pieces back together as one result (linear in the edits).
 */
import type { Edit, EditKind, FixResult, RejectedEdit } from "../types.ts";
import { hotPath } from "../runtime/jit.ts";

/** Apply non-overlapping edits (any order) to `input`: an engine's edits, a check's findings, a corruption's changes. */
export function applyEdits<E extends { start: number; end: number; to: string }>(input: string, edits: readonly E[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = "";
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`overlapping edits at ${e.start}`);
    out += input.slice(pos, e.start) + e.to;
    pos = e.end;
  }
  return out + input.slice(pos);
}

/** One piece's result, and where the piece starts in the whole text. */
export interface PieceResult {
  base: number;
  result: FixResult;
  /** A warning about this piece that comes before the result's own (an engine failure, say). */
  warning?: string;
}

/** Edits of a piece moved to the offsets of the text the piece starts at `base` in. */
export function shiftEdits<E extends { start: number; end: number }>(edits: readonly E[], base: number): E[] {
  // (a loop, not map: a one-liner runs this in the interpreter, where a builtin's first call compiles it)
  const out: E[] = [];
  for (const e of edits) out.push({ ...e, start: e.start + base, end: e.end + base });
  return out;
}

/**
 * One result for `input` from its pieces' results: edits and rejected edits moved by each piece's base,
 * warnings once each in order of first appearance, joined by "; ". The output is `output` when given (the
 * pieces' outputs put together), else `input` with the edits applied.
 */
export function mergeResults(input: string, parts: Iterable<PieceResult>, engine: string, output?: string): FixResult {
  const edits: Edit[] = [];
  const rejected: RejectedEdit[] = [];
  const warnings = new Set<string>();
  for (const { base, result: r, warning } of parts) {
    for (const e of shiftEdits(r.edits, base)) edits.push(e);
    for (const e of shiftEdits(r.rejected ?? [], base)) rejected.push(e);
    if (warning) warnings.add(warning);
    if (r.warning) warnings.add(r.warning);
  }
  const result: FixResult = { input, output: output ?? applyEdits(input, edits), edits, engine };
  if (rejected.length) result.rejected = rejected;
  if (warnings.size) result.warning = [...warnings].join("; ");
  return result;
}

interface Piece {
  text: string;
  start: number;
  end: number;
}

function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** Classify a replacement of `from` by `to`. */
export function classifyEdit(from: string, to: string): EditKind {
  const fs = from.split(/\s+/).filter(Boolean).length;
  const ts = to.split(/\s+/).filter(Boolean).length;
  if (from.toLowerCase() === to.toLowerCase()) return "case";
  const letters = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, "").toLowerCase();
  if (letters(from) === letters(to)) {
    if (fs < ts) return "split";
    if (fs > ts) return "join";
    if (from.replace(/\s+/g, "") === to.replace(/\s+/g, "")) return "respace";
    return "punctuation";
  }
  if (fs !== ts) return fs < ts ? "split" : "join";
  return "spelling";
}

type Op = { ai: number; bj: number; kind: "eq" | "sub" | "del" | "ins" };

/** Beyond this many DP cells (4 MB) the alignment is done block by block between sync points. */
const EXACT_CELLS = 1 << 20;
/** Tokens that must agree on both sides for the block-wise alignment to call them in sync again. */
const SYNC = 3;
/** How far (tokens on both sides together) the block-wise alignment looks for the next sync point. */
const MAX_SKEW = 512;

/** Levenshtein alignment of a[a0..a1) with b[b0..b1) (word tokens), with backtrace, as ops in order. */
function exactOps(a: Piece[], a0: number, a1: number, b: Piece[], b0: number, b1: number, ops: Op[]): void {
  const n = a1 - a0;
  const m = b1 - b0;
  const dp = new Uint32Array((n + 1) * (m + 1));
  const W = m + 1;
  for (let i = 0; i <= n; i++) dp[i * W] = i;
  for (let j = 0; j <= m; j++) dp[j] = j;
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      const sub = dp[(i - 1) * W + j - 1]! + (a[a0 + i - 1]!.text === b[b0 + j - 1]!.text ? 0 : 1);
      dp[i * W + j] = Math.min(sub, dp[(i - 1) * W + j]! + 1, dp[i * W + j - 1]! + 1);
    }
  const out: Op[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && a[a0 + i - 1]!.text === b[b0 + j - 1]!.text && dp[i * W + j] === dp[(i - 1) * W + j - 1]) {
      out.push({ ai: a0 + i - 1, bj: b0 + j - 1, kind: "eq" });
      i--;
      j--;
    } else if (i > 0 && j > 0 && dp[i * W + j] === dp[(i - 1) * W + j - 1]! + 1) {
      out.push({ ai: a0 + i - 1, bj: b0 + j - 1, kind: "sub" });
      i--;
      j--;
    } else if (i > 0 && dp[i * W + j] === dp[(i - 1) * W + j]! + 1) {
      out.push({ ai: a0 + i - 1, bj: b0 + j, kind: "del" });
      i--;
    } else {
      out.push({ ai: a0 + i, bj: b0 + j - 1, kind: "ins" });
      j--;
    }
  }
  for (let k = out.length - 1; k >= 0; k--) ops.push(out[k]!);
}

/**
 * Align two token lists. Small ones (the lines an LLM returns, a sentence) get the exact O(n·m)
 * Levenshtein alignment. Long ones — a 64 K piece of a line that the lexicon corrected twice has ~13,000
 * words, and the exact table would take 680 MB and seconds — are walked in step: equal tokens are matched
 * as they come, and at a difference the nearest point where SYNC tokens agree again (at most MAX_SKEW
 * tokens ahead on both sides together) closes a small block that gets the exact alignment. Cost and
 * memory are then linear in the text (a block's table is at most MAX_SKEW² cells). Where no sync point
 * is found that near, the block is taken as replaced whole: the edits are coarser, never wrong.
 */
function align(a: Piece[], b: Piece[]): Op[] {
  const n = a.length;
  const m = b.length;
  const ops: Op[] = [];
  if (n * m <= EXACT_CELLS) {
    exactOps(a, 0, n, b, 0, m, ops);
    return ops;
  }
  const same = (i: number, j: number) => {
    for (let t = 0; t < SYNC; t++) {
      if (i + t >= n || j + t >= m) return i + t >= n && j + t >= m;
      if (a[i + t]!.text !== b[j + t]!.text) return false;
    }
    return true;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i]!.text === b[j]!.text) {
      ops.push({ ai: i, bj: j, kind: "eq" });
      i++;
      j++;
      continue;
    }
    // the nearest sync point: smallest skew `di + dj` first
    let di = -1;
    let dj = -1;
    search: for (let k = 1; k <= MAX_SKEW; k++)
      for (let x = 0; x <= k; x++) {
        if (i + x > n || j + k - x > m) continue;
        if (same(i + x, j + k - x)) {
          di = x;
          dj = k - x;
          break search;
        }
      }
    if (di < 0) {
      di = Math.min(n - i, MAX_SKEW >> 1);
      dj = Math.min(m - j, MAX_SKEW >> 1);
      if (i + di < n && j + dj < m) {
        // replaced whole (no alignment inside): one substitution per token pair, the rest deleted or inserted
        const k = Math.min(di, dj);
        for (let t = 0; t < k; t++) ops.push({ ai: i + t, bj: j + t, kind: "sub" });
        for (let t = k; t < di; t++) ops.push({ ai: i + t, bj: j + k, kind: "del" });
        for (let t = k; t < dj; t++) ops.push({ ai: i + k, bj: j + t, kind: "ins" });
        i += di;
        j += dj;
        continue;
      }
      di = n - i;
      dj = m - j;
    }
    exactOps(a, i, i + di, b, j, j + dj, ops);
    i += di;
    j += dj;
  }
  return ops;
}

/**
 * Word-level edits that turn `input` into `output`. Unchanged words (and the whitespace between them)
 * are left out of every edit, so text outside edits stays byte for byte. Adjacent changed words are merged
 * into one edit that covers the whitespace between them.
 */
export function diffEdits(input: string, output: string): Edit[] {
  if (input === output) return [];
  const a = pieces(input);
  const b = pieces(output);
  const n = a.length;
  const m = b.length;
  const ops = align(a, b);
  // group runs of ops other than `eq` into edits
  const edits: Edit[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === "eq") {
      k++;
      continue;
    }
    let e = k;
    while (e < ops.length && ops[e]!.kind !== "eq") e++;
    // a run of plain substitutions is one edit per word; runs with insertions or deletions stay whole
    if (ops.slice(k, e).every((o) => o.kind === "sub") && e - k > 1) e = k + 1;
    const run = ops.slice(k, e);
    const aIdx = run.filter((o) => o.kind !== "ins").map((o) => o.ai);
    const bIdx = run.filter((o) => o.kind !== "del").map((o) => o.bj);
    // input range: covered words, or an insertion point between neighbours
    let start: number;
    let end: number;
    if (aIdx.length) {
      start = a[aIdx[0]!]!.start;
      end = a[aIdx[aIdx.length - 1]!]!.end;
    } else {
      const before = k > 0 ? a[ops[k - 1]!.ai] : undefined;
      start = end = before ? before.end : 0;
    }
    let to: string;
    if (bIdx.length) {
      const bs = b[bIdx[0]!]!.start;
      const be = b[bIdx[bIdx.length - 1]!]!.end;
      to = output.slice(bs, be);
      if (!aIdx.length) to = (start > 0 ? " " : "") + to + (start === 0 && n > 0 ? " " : "");
    } else {
      to = "";
      // deleting words: also take the whitespace before them (or after, at the start)
      const prevEnd = aIdx[0]! > 0 ? a[aIdx[0]! - 1]!.end : -1;
      if (prevEnd >= 0) start = prevEnd;
      else if (aIdx[aIdx.length - 1]! + 1 < n) end = a[aIdx[aIdx.length - 1]! + 1]!.start;
    }
    const from = input.slice(start, end);
    edits.push({ start, end, from, to, kind: classifyEdit(from, to) });
    k = e;
  }
  return edits;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [applyEdits, shiftEdits]);
