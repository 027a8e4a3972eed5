/**
 * Edits: applying them, and deriving them by aligning an output text with its input word by word
 * (used for engines such as LLMs that return whole text). Alignment is a Levenshtein alignment over
 * whitespace-separated tokens, O(n·m) in words, done per line. Substituted words are one edit each;
 * a run that adds or removes words (a split, a join) is one edit.
 */
import type { Edit, EditKind } from "../types.ts";
import { caseShape } from "./case.ts";

/** Apply non-overlapping edits (any order) to `input`. */
export function applyEdits(input: string, edits: readonly Edit[]): string {
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
  void caseShape;
  return "spelling";
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
  // Levenshtein over word tokens with backtrace
  const dp = new Uint32Array((n + 1) * (m + 1));
  const W = m + 1;
  for (let i = 0; i <= n; i++) dp[i * W] = i;
  for (let j = 0; j <= m; j++) dp[j] = j;
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      const sub = dp[(i - 1) * W + j - 1]! + (a[i - 1]!.text === b[j - 1]!.text ? 0 : 1);
      dp[i * W + j] = Math.min(sub, dp[(i - 1) * W + j]! + 1, dp[i * W + j - 1]! + 1);
    }
  // backtrace into a list of ops
  type Op = { ai: number; bj: number; kind: "eq" | "sub" | "del" | "ins" };
  const ops: Op[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && a[i - 1]!.text === b[j - 1]!.text && dp[i * W + j] === dp[(i - 1) * W + j - 1]) {
      ops.push({ ai: i - 1, bj: j - 1, kind: "eq" });
      i--;
      j--;
    } else if (i > 0 && j > 0 && dp[i * W + j] === dp[(i - 1) * W + j - 1]! + 1) {
      ops.push({ ai: i - 1, bj: j - 1, kind: "sub" });
      i--;
      j--;
    } else if (i > 0 && dp[i * W + j] === dp[(i - 1) * W + j]! + 1) {
      ops.push({ ai: i - 1, bj: j, kind: "del" });
      i--;
    } else {
      ops.push({ ai: i, bj: j - 1, kind: "ins" });
      j--;
    }
  }
  ops.reverse();
  // group runs of non-eq ops into edits
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
