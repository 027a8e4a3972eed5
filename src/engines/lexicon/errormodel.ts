/**
 * The error model learned from real misspelling pairs, in the manner of Kernighan, Church and Gale (1990):
 * each (misspelling, intended word) pair is aligned by optimal string alignment and every edit is counted
 * with its context — a letter typed for another, a letter dropped or added after a given letter, two
 * letters swapped — then divided by how often that context occurs in the intended words. The build
 * (scripts/build-lexicon.ts) stores the four tables, as costs, in lexicon.bin; channel.ts reads them.
 * Cost: learning is O(pairs × word length²), about a second for 100,000 pairs; a lookup is one array read.
 */

import { osaTable } from "../../text/distance.ts";

/** Alphabet: 0 = start of word, 1..26 = a..z, 27 = apostrophe, 28 = anything else. */
export const ALPHA = 29;
export const TABLE = ALPHA * ALPHA;

export function charIndex(code: number): number {
  if (code >= 97 && code <= 122) return code - 96;
  if (code === 39) return 27;
  return 28;
}

/** Edit costs in units of one ordinary edit (1.0); a common slip costs less, a rare one more. */
export interface ErrorTables {
  /** sub[m·ALPHA + t]: t typed for the intended m. */
  sub: Float32Array;
  /** del[p·ALPHA + m]: the intended m dropped after p (p = 0 at the start of the word), inside the word (not its last letter). */
  del: Float32Array;
  /** ins[p·ALPHA + t]: t typed in addition, after the intended p. */
  ins: Float32Array;
  /** trans[x·ALPHA + y]: the intended xy typed yx. */
  trans: Float32Array;
  /** Substring edits (learnSubstringRules); none in a file built without them. */
  rules?: SubstringRules;
}

/** Cost of an edit as likely as the average observed one, and how steeply cost grows as the log probability falls
 * (chosen on the dev sets with the share below; the probabilities themselves come from the pairs only). */
const SLOPE = 0.2;
const BASE = 0.6;
const MIN_COST = 0.1;
const MAX_COST = 1.6;
const SMOOTHING = 50;

/** Count the edits of one aligned pair into the tables of counts. */
function countPair(meant: string, typed: string, c: { sub: Float64Array; del: Float64Array; ins: Float64Array; trans: Float64Array }): number {
  const n = meant.length;
  const m = typed.length;
  const { d, W } = osaTable(meant, typed);
  const dist = d[n * W + m]!;
  if (dist === 0 || dist > 2) return 0;
  // walk back along one optimal path (fixed preference order: the same pair always counts the same)
  let i = n;
  let j = m;
  const ci = (s: string, k: number) => (k < 0 ? 0 : charIndex(s.charCodeAt(k)));
  while (i > 0 || j > 0) {
    const here = d[i * W + j]!;
    if (i > 0 && j > 0 && meant[i - 1] === typed[j - 1] && d[(i - 1) * W + j - 1] === here) {
      i--;
      j--;
    } else if (i > 0 && j > 0 && d[(i - 1) * W + j - 1]! + 1 === here) {
      c.sub[ci(meant, i - 1) * ALPHA + ci(typed, j - 1)]++;
      i--;
      j--;
    } else if (i > 1 && j > 1 && meant[i - 1] === typed[j - 2] && meant[i - 2] === typed[j - 1] && d[(i - 2) * W + j - 2]! + 1 === here) {
      c.trans[ci(meant, i - 2) * ALPHA + ci(meant, i - 1)]++;
      i -= 2;
      j -= 2;
    } else if (i > 0 && d[(i - 1) * W + j]! + 1 === here) {
      // (a dropped last letter is not counted: the channel keeps its hand-set cost there, which tells a
      // silent e — "stor" for store — from other letters; a table by previous letter alone, tried, cannot,
      // and turned "the stor" into "the story")
      if (i < n) c.del[ci(meant, i - 2) * ALPHA + ci(meant, i - 1)]++;
      i--;
    } else {
      c.ins[ci(meant, i - 1) * ALPHA + ci(typed, j - 1)]++;
      j--;
    }
  }
  return dist;
}

/**
 * Learn the tables from (misspelling, intended word) pairs, lower case. P(edit | context) = (count + ½) /
 * (occurrences of the context in the intended words + 1), smoothed; its cost is BASE + SLOPE · (mean ln P − ln P),
 * the mean taken over the observed edits, clamped to [MIN_COST, MAX_COST].
 */
export function learnErrorTables(pairs: ReadonlyArray<[typed: string, meant: string]>): ErrorTables {
  const c = { sub: new Float64Array(TABLE), del: new Float64Array(TABLE), ins: new Float64Array(TABLE), trans: new Float64Array(TABLE) };
  const uni = new Float64Array(ALPHA);
  const bi = new Float64Array(TABLE);
  let letters = 0;
  for (const [typed, meant] of pairs) {
    const k = countPair(meant, typed, c);
    if (!k) continue;
    letters += meant.length;
    let prev = 0;
    uni[0]++;
    for (let i = 0; i < meant.length; i++) {
      const x = charIndex(meant.charCodeAt(i));
      uni[x]++;
      bi[prev * ALPHA + x]++;
      prev = x;
    }
  }
  // P(edit | context) = (count + A·P0) / (occurrences of the context + A), P0 the table's overall rate: a
  // context seen rarely in the intended words borrows from the average instead of jumping to 0 or 1
  const tables = [
    [c.sub, (x: number) => uni[x]!, "sub"],
    [c.del, (k: number) => bi[k]!, "del"],
    [c.ins, (x: number) => uni[x]!, "ins"],
    [c.trans, (k: number) => bi[k]!, "trans"],
  ] as const;
  const lnP: Float64Array[] = [];
  let sum = 0;
  let weight = 0;
  for (const [counts, normOf, kind] of tables) {
    const perRow = kind === "sub" || kind === "ins";
    let total = 0;
    for (const v of counts) total += v;
    const p0 = total / (perRow ? letters * ALPHA : letters);
    const out = new Float64Array(TABLE);
    for (let k = 0; k < TABLE; k++) {
      const norm = perRow ? normOf(Math.floor(k / ALPHA)) : normOf(k);
      out[k] = Math.log((counts[k]! + SMOOTHING * p0) / (norm + SMOOTHING));
      sum += counts[k]! * out[k]!;
      weight += counts[k]!;
    }
    lnP.push(out);
  }
  // cost 1.0 for an edit as likely as the average observed edit
  const mean = sum / Math.max(1, weight);
  const cost = (v: number) => Math.fround(Math.min(MAX_COST, Math.max(MIN_COST, BASE + SLOPE * (mean - v))));
  const t: ErrorTables = { sub: new Float32Array(TABLE), del: new Float32Array(TABLE), ins: new Float32Array(TABLE), trans: new Float32Array(TABLE) };
  for (let k = 0; k < TABLE; k++) {
    t.sub[k] = cost(lnP[0]![k]!);
    t.del[k] = cost(lnP[1]![k]!);
    t.ins[k] = cost(lnP[2]![k]!);
    t.trans[k] = cost(lnP[3]![k]!);
  }
  t.rules = learnSubstringRules(pairs, cost);
  return t;
}

/**
 * Substring edits in the manner of Brill and Moore (2000): each aligned pair's edits, widened by up to one
 * letter of context on either side (or the start of the word), give rules α → β with |α|, |β| ≤ 2 (ie → ei,
 * ph → f, an → en, ss → s): P(β | α) = count(α → β) / occurrences of α in the intended words. Single-letter
 * edits without context are left to the tables above. Rules seen fewer than MIN_RULE_COUNT times are dropped.
 * Key of a rule: ruleKey(α, β); a string of 0–2 letters has a code below 1024 (0 = empty, start of word = 0's
 * index, codes 1..29 one letter, 30·(x+1)+(y+1) two).
 */
export const MIN_RULE_COUNT = 4;

export interface SubstringRules {
  /** ruleKey(α, β), ascending. */
  keys: Uint32Array;
  /** Cost of each rule, in the units of ErrorTables. */
  costs: Float32Array;
}

/** Code of a string of 0–2 letter indices (charIndex, 0 = start of word). */
export const subCode = (x: number[]): number => (x.length === 0 ? 0 : x.length === 1 ? x[0]! + 1 : 30 * (x[0]! + 1) + (x[1]! + 1));
export const ruleKey = (alpha: number, beta: number): number => alpha * 1024 + beta;

/** The aligned operations of one pair (meant, typed) as [meant letters, typed letters] (a start-of-word match first), or null. */
function alignOps(meant: string, typed: string): Array<[number[], number[]]> | null {
  const n = meant.length;
  const m = typed.length;
  const { d, W } = osaTable(meant, typed);
  const dist = d[n * W + m]!;
  if (dist === 0 || dist > 3) return null;
  const ops: Array<[number[], number[]]> = [];
  const c = (s: string, k: number) => charIndex(s.charCodeAt(k));
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = d[i * W + j]!;
    if (i > 0 && j > 0 && meant[i - 1] === typed[j - 1] && d[(i - 1) * W + j - 1] === here) {
      ops.push([[c(meant, i - 1)], [c(typed, j - 1)]]);
      i--;
      j--;
    } else if (i > 0 && j > 0 && d[(i - 1) * W + j - 1]! + 1 === here) {
      ops.push([[c(meant, i - 1)], [c(typed, j - 1)]]);
      i--;
      j--;
    } else if (i > 1 && j > 1 && meant[i - 1] === typed[j - 2] && meant[i - 2] === typed[j - 1] && d[(i - 2) * W + j - 2]! + 1 === here) {
      ops.push([[c(meant, i - 2), c(meant, i - 1)], [c(typed, j - 2), c(typed, j - 1)]]);
      i -= 2;
      j -= 2;
    } else if (i > 0 && d[(i - 1) * W + j]! + 1 === here) {
      ops.push([[c(meant, i - 1)], []]);
      i--;
    } else {
      ops.push([[], [c(typed, j - 1)]]);
      j--;
    }
  }
  ops.push([[0], [0]]);
  return ops.reverse();
}

/** Learn the substring rules from (misspelling, intended word) pairs, lower case; `cost` maps ln P to a cost. */
export function learnSubstringRules(pairs: Iterable<[typed: string, meant: string]>, cost: (lnP: number) => number): SubstringRules {
  const counts = new Map<number, number>();
  const alphas = new Set<number>();
  const meantWords: string[] = [];
  for (const [typed, meant] of pairs) {
    const ops = alignOps(meant, typed);
    if (!ops) continue;
    meantWords.push(meant);
    for (let k = 0; k < ops.length; k++) {
      const a: number[] = [];
      const b: number[] = [];
      let edited = false;
      for (let l = k; l < ops.length && l < k + 3; l++) {
        const [x, y] = ops[l]!;
        a.push(...x);
        b.push(...y);
        if (a.length > 2 || b.length > 2) break;
        edited ||= x.length !== y.length || x.some((v, q) => v !== y[q]);
        if (!edited || a.length === 0 || (a.length <= 1 && b.length <= 1)) continue;
        const key = ruleKey(subCode(a), subCode(b));
        counts.set(key, (counts.get(key) ?? 0) + 1);
        alphas.add(subCode(a));
      }
    }
  }
  // occurrences of each α in the intended words (with the start of the word as a letter)
  const occ = new Map<number, number>();
  for (const w of meantWords) {
    const x = [0, ...Array.from(w, (ch) => charIndex(ch.charCodeAt(0)))];
    for (let p = 0; p < x.length; p++) {
      for (const code of [subCode([x[p]!]), p + 1 < x.length ? subCode([x[p]!, x[p + 1]!]) : -1]) if (alphas.has(code)) occ.set(code, (occ.get(code) ?? 0) + 1);
    }
  }
  const kept = [...counts].filter(([, n]) => n >= MIN_RULE_COUNT).sort((x, y) => x[0] - y[0]);
  const keys = new Uint32Array(kept.length);
  const costs = new Float32Array(kept.length);
  kept.forEach(([key, n], r) => {
    keys[r] = key;
    costs[r] = cost(Math.log(n / Math.max(n, occ.get(Math.floor(key / 1024)) ?? n)));
  });
  return { keys, costs };
}
