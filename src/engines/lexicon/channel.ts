/**
 * Error model: how likely a typed word is, given the word the writer meant. A weighted optimal-string-
 * alignment distance. Its operation costs are learned from real misspelling pairs (errormodel.ts, stored in
 * lexicon.bin and set here by the engine with useErrorTables); without tables, hand-set costs that reflect
 * how people mistype on a QWERTY keyboard are used: a neighbouring key, a doubled or dropped double letter
 * and a swapped pair are cheaper than an arbitrary edit. Either way an accent typed on a plain letter and a
 * dropped apostrophe are cheap, and the first letter is rarely wrong. O(|a|·|b|) per pair; run only on
 * the few candidates a word has.
 */
import { ALPHA, charIndex, type ErrorTables, type SubstringRules } from "./errormodel.ts";
import { ADJ, isKeyboardNeighbour } from "../../text/keyboard.ts";
import { hotPath } from "../../runtime/jit.ts";

let tables: ErrorTables | null = null;
/**
 * Share of the learned cost in each operation's cost; the rest is the hand-set cost. Half and half beats either
 * alone on both dev sets and the isolated words (realistic 0.5088 vs 0.5055 hand-set, 0.4953 learned only).
 * TYPOFIX_LEARNED_SHARE overrides it for measurements.
 */
let learnedShare = Number(process.env.TYPOFIX_LEARNED_SHARE ?? 0.5);

/**
 * Substring rules: the sorted keys and costs as stored (views into lexicon.bin, no copy). Keys are
 * α·1024 + β, so the rules of one left side (α code) are contiguous and sorted by β. The range of each α
 * is found the first time the distance needs it (two binary searches) and kept: ruleLo[α] .. ruleHi[α],
 * ruleLo[α] = -1 while unknown. A lookup is then a binary search in that short range. (Building a Map of
 * the 5,839 rules, or a table of all the ranges, cost a one-liner 2–5 ms of start-up in the interpreter.)
 */
let rules: SubstringRules | null = null;
const ruleLo = new Int32Array(1024).fill(-1);
const ruleHi = new Int32Array(1024);
/**
 * Weight of a substring rule's learned cost: 1.5 against 1 and 2 (chosen on the dev sets and the isolated words;
 * 1 raised the clean-text change of the dev sets from 0.0020 to 0.0028). TYPOFIX_RULE_SCALE overrides it for measurements.
 */
const RULE_SCALE = Number(process.env.TYPOFIX_RULE_SCALE ?? 1.5);
let ruleScale = RULE_SCALE;

/** Use learned edit costs (null: the hand-set ones). Tables of zeros (a file built without them) count as none. */
export function useErrorTables(t: ErrorTables | null, share = learnedShare): void {
  // (a loop, not some: start-up code runs in the interpreter, where a builtin's first call compiles it)
  let learned = false;
  if (t) for (let i = 0; i < t.sub.length && !learned; i++) learned = t.sub[i]! > 0;
  tables = learned ? t : null;
  learnedShare = share;
  useSubstringRules(tables?.rules ?? null);
}

/** Use learned substring rules (null or empty: none). Their keys must be ascending (errormodel.ts). */
export function useSubstringRules(r: SubstringRules | null, scale = RULE_SCALE): void {
  ruleLo.fill(-1);
  ruleScale = scale;
  rules = r && r.keys.length ? r : null;
}

/** The learned tables the distance uses now (null: the hand-set costs), and their share (candidates.ts: a stored distance holds only under the model it was made with). */
export function channelTables(): ErrorTables | null {
  return tables;
}
export function channelShare(): number {
  return learnedShare;
}

/** What the distance uses, to be put back (scripts/lexicon/encode.ts scores a file's real-word neighbours with its own model). */
export interface ChannelState {
  tables: ErrorTables | null;
  share: number;
  rules: SubstringRules | null;
  ruleScale: number;
}
export function channelState(): ChannelState {
  return { tables, share: learnedShare, rules, ruleScale };
}
export function restoreChannel(s: ChannelState): void {
  tables = s.tables;
  learnedShare = s.share;
  useSubstringRules(s.rules, s.ruleScale);
}

/** First index in the sorted keys whose value is at least `key`. */
function lowerBound(keys: Uint32Array, key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether any rule has the left side α (finds and keeps its range of keys on first use). */
function hasAlpha(alpha: number): boolean {
  let lo = ruleLo[alpha]!;
  if (lo < 0) {
    const keys = rules!.keys;
    lo = ruleLo[alpha] = lowerBound(keys, alpha * 1024);
    ruleHi[alpha] = lowerBound(keys, (alpha + 1) * 1024);
  }
  return ruleHi[alpha]! > lo;
}

/** Cost of the rule α → β, or undefined when there is none. */
export function ruleCost(alpha: number, beta: number): number | undefined {
  if (!rules || !hasAlpha(alpha)) return undefined;
  const keys = rules.keys;
  const key = alpha * 1024 + beta;
  let lo = ruleLo[alpha]!;
  let hi = ruleHi[alpha]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid]!;
    if (k === key) return rules.costs[mid]!;
    if (k < key) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

// (left, right) lengths of the substring rules the distance tries: the others are single-letter edits
// (two flat arrays read by index: the distance's innermost loop, where destructuring each pair through the
// iterator protocol cost a one-liner's interpreter more than the look-ups)
const RULE_LEFT: readonly number[] = [2, 2, 1, 2];
const RULE_RIGHT: readonly number[] = [2, 1, 2, 0];
const mcode = new Int32Array(64);
const tcode = new Int32Array(64);

const VOWELS = new Set("aeiouy");
/** 1 at the ASCII codes of VOWELS (the distance's inner loop compares codes). */
const VOWEL_CODE = new Uint8Array(128);
for (let k = 0; k < 6; k++) VOWEL_CODE["aeiouy".charCodeAt(k)] = 1;
const FIRST_LETTER_COST = 0.3;
// leaving out a silent final e ("stor", "som", "hav") is among the commonest English misspellings
const SILENT_E_COST = 0.15;
// so is leaving out the apostrophe of a contraction ("dont", "theyre"): phone keyboards hide it
const APOSTROPHE_COST = 0.1;

function baseLetter(ch: string): string {
  return ch.normalize("NFD").replace(/\p{M}/gu, "");
}

/** Cost of typing `typed` where `meant` was intended (substitution). */
function subCost(meant: string, typed: string): number {
  if (meant === typed) return 0;
  if (typed.charCodeAt(0) > 127 && baseLetter(typed) === meant) return 0.35; // accent typed on the plain letter
  if (isKeyboardNeighbour(meant, typed)) return 0.75;
  if (VOWELS.has(meant) && VOWELS.has(typed)) return 0.85;
  return 1.0;
}

/**
 * Weighted distance from the intended word `meant` to the typed word `typed` (both lower case).
 * 1.0 is one ordinary edit; common slips cost less. With `substrings`, the learned substring rules
 * (ie → ei, ph → f) apply too: for a typed word the dictionary lacks. A real word typed for another keeps the
 * letter-by-letter model: cheaper real-word swaps changed right words (parsed → passed, path → faith).
 */
export function channelDistance(meant: string, typed: string, substrings = false): number {
  const n = meant.length;
  const m = typed.length;
  const W = m + 1;
  // (module constants and tables read into locals once: where the code is interpreted, as in a one-liner,
  // each read of a module's binding costs a scope look-up, and the cells read them dozens of times)
  const FL = FIRST_LETTER_COST;
  const A = ALPHA;
  // (one table for every call, grown when needed: a Float64Array per call cost more than the distance
  // itself where the code is interpreted, as in a one-liner; every cell read is written first but d[0])
  if (table.length < (n + 1) * W) table = new Float64Array(Math.max(2 * table.length, (n + 1) * W));
  if (tcodes.length < m + 2) {
    growColumns(m + 2);
    columnsOf = null;
  }
  // the intended word's codes, once (mc[i] is the code of meant[i - 1]; 0 past the end)
  if (meantCodes.length < n + 2) meantCodes = new Int32Array(2 * (n + 2));
  const mc = meantCodes;
  for (let i = 1; i <= n; i++) mc[i] = meant.charCodeAt(i - 1);
  mc[n + 1] = 0;
  const d = table;
  d[0] = 0;
  for (let i = 1; i <= n; i++) d[i * W] = i * 0.95 + FL;
  for (let j = 1; j <= m; j++) d[j] = j + FL;
  const T = tables;
  const Tdel = T === null ? EMPTY_COSTS : T.del;
  const Ttrans = T === null ? EMPTY_COSTS : T.trans;
  const Tins = T === null ? EMPTY_COSTS : T.ins;
  const Tsub = T === null ? EMPTY_COSTS : T.sub;
  const R = substrings && rules !== null && n < 63 && m < 63;
  const keys = R ? rules!.keys : EMPTY_KEYS;
  const costs = R ? rules!.costs : EMPTY_COSTS;
  const mcd = mcode;
  const tcd = tcode;
  const lo0 = ruleLo;
  const hi0 = ruleHi;
  const rAlpha = ruleAlpha;
  const rLeft = RULE_LEFT;
  const rRight = RULE_RIGHT;
  const scale = ruleScale;
  if (R) {
    // letter codes with the start of the word at index 0 (code 0)
    mcd[0] = 0;
    tcd[0] = 0;
    for (let i = 1; i <= n; i++) mcd[i] = charIndex(mc[i]!);
  }
  const L = learnedShare;
  const H = 1 - L;
  const adj = ADJ;
  const vowel = VOWEL_CODE;
  // what depends on the typed letter alone, once per column rather than once per cell: its code, its
  // letter index (and its code for the substring rules), and the hand-set cost of typing it in addition
  // (cheaper when it doubles its neighbour or is next to it on the keyboard); kept for the next call with
  // the same typed word (a word's candidates are scored one after another)
  const tc = tcodes;
  const ti = tindex;
  const insHand = insHandCost;
  if (typed !== columnsOf) {
    for (let j = 1; j <= m; j++) {
      const b = typed[j - 1]!;
      tc[j] = typed.charCodeAt(j - 1);
      ti[j] = charIndex(tc[j]!);
      if (j < 64) tcd[j] = ti[j]!;
      const prevTyped = j > 1 ? typed[j - 2]! : "";
      insHand[j] = b === prevTyped || (j < m && typed[j] === b) ? 0.5 : isKeyboardNeighbour(prevTyped, b) || (j < m && isKeyboardNeighbour(typed[j]!, b)) ? 0.8 : 1;
    }
    columnsOf = typed;
  }
  // (the letter before, its code and index, carried from the row before: no string calls per row)
  let prevMeant = -1;
  let before = 0;
  for (let i = 1; i <= n; i++) {
    const ac = mc[i]!;
    // (charIndex, inlined)
    const ai = ac >= 97 && ac <= 122 ? ac - 96 : ac === 39 ? 27 : 28;
    // context of a dropped or added letter: the intended letter before it (0 at the start; its code, -1)
    // meant letter dropped in typing; cheaper when it was one of a double letter
    let dropCost = ac === 39 ? APOSTROPHE_COST : (i > 1 && prevMeant === ac) || (i < n && mc[i + 1] === ac) ? 0.45 : i === n && ac === 101 ? SILENT_E_COST : 0.95;
    // (the last letter keeps the hand-set cost, silent e included: the tables do not count it)
    if (T && ac !== 39 && i < n) dropCost = L * Tdel[before * A + ai]! + H * dropCost;
    const transCost = T ? L * Ttrans[before * A + ai]! + H * 0.55 : 0.55;
    // people rarely add or drop the first letter of a word
    const delFirst = i === 1 ? FL : 0;
    // the substring rules whose left side ends at this letter (their α depends on i alone)
    let shapes = 0;
    if (R)
      for (let r = 0; r < 4; r++) {
        const la = rLeft[r]!;
        if (i - la < -1) continue;
        const alpha = la === 0 ? 0 : la === 1 ? mcd[i]! + 1 : 30 * (mcd[i - 1]! + 1) + mcd[i]! + 1;
        if (!hasAlpha(alpha)) continue;
        rAlpha[r] = alpha;
        shapes |= 1 << r;
      }
    const row = i * W;
    const up = row - W;
    const ai128 = ac * 128;
    const aiA = ai * A;
    const vowelA = ac < 128 && vowel[ac] === 1;
    for (let j = 1; j <= m; j++) {
      const bc = tc[j]!;
      let insCost = insHand[j]!;
      // (subCost, inlined for ASCII: calls cost the interpreted one-liner more than the work)
      let sub = ac === bc ? 0 : bc > 127 ? subCost(meant[i - 1]!, typed[j - 1]!) : ac < 128 && adj[ai128 + bc] === 1 ? 0.75 : vowelA && vowel[bc] === 1 ? 0.85 : 1.0;
      if (T) {
        const bi = ti[j]!;
        insCost = L * Tins[aiA + bi]! + H * insCost;
        // (an accent typed on a plain letter keeps its own cost: the pairs are ASCII)
        if (sub > 0 && bi !== 28) sub = L * Tsub[aiA + bi]! + H * sub;
      }
      let v = d[up + j - 1]! + sub;
      const del = d[up + j]! + dropCost + delFirst;
      const ins = d[row + j - 1]! + insCost + (j === 1 ? FL : 0);
      if (del < v) v = del;
      if (ins < v) v = ins;
      if (i > 1 && j > 1 && ac === tc[j - 1] && prevMeant === bc) {
        const t = d[up - W + j - 2]! + transCost;
        if (t < v) v = t;
      }
      if (shapes) {
        // the cheapest way to reach this cell by one substring rule ending here (inlined, with the rule's
        // binary search in its α's range of keys: calls cost the interpreted one-liner more than the work)
        let best = Infinity;
        for (let r = 0; r < 4; r++) {
          if (!(shapes & (1 << r))) continue;
          const lb = rRight[r]!;
          // a rule may reach back to the start of the word (index 0), which both sides must then include
          const pi = i - rLeft[r]!;
          const pj = j - lb;
          if (pj < -1 || (pi === -1) !== (pj === -1)) continue;
          const alpha = rAlpha[r]!;
          const key = alpha * 1024 + (lb === 0 ? 0 : lb === 1 ? tcd[j]! + 1 : 30 * (tcd[j - 1]! + 1) + tcd[j]! + 1);
          let lo = lo0[alpha]!;
          let hi = hi0[alpha]!;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            const k = keys[mid]!;
            if (k === key) {
              const c = (pi === -1 ? 0 : d[pi * W + pj]!) + scale * costs[mid]!;
              if (c < best) best = c;
              break;
            }
            if (k < key) lo = mid + 1;
            else hi = mid;
          }
        }
        if (best < v) v = best;
      }
      d[row + j] = v;
    }
    prevMeant = ac;
    before = ai;
  }
  return d[n * W + m]!;
}

/** The distance's table, reused by every call (channelDistance never calls itself). */
let table = new Float64Array(1024);
/** Per typed letter (index j from 1): its code, its letter index (charIndex), its hand-set insertion cost. */
let tcodes = new Int32Array(64);
let tindex = new Int32Array(64);
let insHandCost = new Float64Array(64);
/** The codes of the intended word's letters (channelDistance: mc[i] for meant[i - 1]). */
let meantCodes = new Int32Array(64);
/** The typed word whose columns tcodes, tindex, insHandCost and tcode hold (null: none). */
let columnsOf: string | null = null;
function growColumns(size: number): void {
  tcodes = new Int32Array(size);
  tindex = new Int32Array(size);
  insHandCost = new Float64Array(size);
}
const EMPTY_KEYS = new Uint32Array(0);
const EMPTY_COSTS = new Float32Array(0);
/** α of each rule shape at the current row (set where the row's `shapes` bit is). */
const ruleAlpha = new Int32Array(4);

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [lowerBound, hasAlpha, ruleCost, baseLetter, subCost, channelDistance]);
