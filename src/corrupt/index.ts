/**
 * Synthetic typo generation (the seed taxonomy): keyboard-neighbour substitution, character drop,
 * doubling, adjacent transposition, a space inserted inside a word, two words merged, homophone /
 * confusable swaps, and — in realistic mode — real observed misspellings. Each type is switchable and
 * weighted; by default 15% of eligible words are corrupted. Protected spans (URLs, numbers, code, …)
 * are never touched. Deterministic: a seeded 32-bit PRNG (mulberry32, integer arithmetic only) gives
 * the same output for the same seed and input on every platform. Linear in the text.
 */
import { tokenize, type Token } from "../text/tokenize.ts";
import { applyEdits } from "../text/edits.ts";
import { CONFUSABLES } from "../text/confusables.ts";
import { keyNeighboursMap } from "../text/keyboard.ts";

export type CorruptionType = "keyboard" | "drop" | "double" | "transpose" | "split" | "merge" | "homophone" | "real";

export const CORRUPTION_TYPES: readonly CorruptionType[] = ["keyboard", "drop", "double", "transpose", "split", "merge", "homophone", "real"];

/** One change made to the clean text. Offsets are UTF-16 indices into the clean text; applying every
 * edit (in order) to the clean text gives the corrupted text. */
export interface CorruptionEdit {
  type: CorruptionType;
  start: number;
  end: number;
  from: string;
  to: string;
}

export interface CorruptedPair {
  corrupted: string;
  clean: string;
  edits: CorruptionEdit[];
}

export interface CorruptOptions {
  /** Share of eligible words to corrupt (default 0.15). */
  rate?: number;
  seed?: number;
  /** Relative weight per type; a type with weight 0 (or absent from `types`) is off. */
  weights?: Partial<Record<CorruptionType, number>>;
  /** Enabled types (default: all but "real", plus "real" when misspellings are given). */
  types?: readonly CorruptionType[];
  /** right word → observed misspellings (realistic mode). */
  misspellings?: ReadonlyMap<string, readonly string[]>;
}

export const DEFAULT_WEIGHTS: Record<CorruptionType, number> = {
  keyboard: 3,
  drop: 3,
  double: 1.5,
  transpose: 2,
  split: 1,
  merge: 1,
  homophone: 1,
  real: 4,
};

/** mulberry32: a small, fast, seeded PRNG; the same integers on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matchCase(like: string, word: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return word.toUpperCase();
  if (like[0] && like[0] !== like[0].toLowerCase()) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** Apply one corruption of `type` to a word; null when the type does not apply to it. */
function corruptWord(type: CorruptionType, w: string, rng: Rng, opts: CorruptOptions): string | null {
  const n = w.length;
  const letters = [...w.matchAll(/[a-z]/gi)].map((m) => m.index!);
  switch (type) {
    case "keyboard": {
      const pos = letters.filter((i) => keyNeighboursMap().has(w[i]!.toLowerCase()));
      if (!pos.length) return null;
      const i = pick(rng, pos);
      const ch = w[i]!;
      let rep = pick(rng, [...keyNeighboursMap().get(ch.toLowerCase())!]);
      if (ch !== ch.toLowerCase()) rep = rep.toUpperCase();
      return w.slice(0, i) + rep + w.slice(i + 1);
    }
    case "drop": {
      if (n < 3) return null;
      const i = Math.floor(rng() * n);
      return w.slice(0, i) + w.slice(i + 1);
    }
    case "double": {
      if (!letters.length) return null;
      const i = pick(rng, letters);
      return w.slice(0, i + 1) + w[i] + w.slice(i + 1);
    }
    case "transpose": {
      const pos: number[] = [];
      for (let i = 0; i + 1 < n; i++) if (w[i] !== w[i + 1]) pos.push(i);
      if (!pos.length) return null;
      const i = pick(rng, pos);
      return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    }
    case "split": {
      if (n < 4) return null;
      const i = 1 + Math.floor(rng() * (n - 1));
      return w.slice(0, i) + " " + w.slice(i);
    }
    case "homophone": {
      const alts = CONFUSABLES.get(w.toLowerCase());
      return alts ? matchCase(w, pick(rng, alts)) : null;
    }
    case "real": {
      const alts = opts.misspellings?.get(w.toLowerCase());
      return alts?.length ? matchCase(w, pick(rng, alts)) : null;
    }
    default:
      return null;
  }
}

/** Corrupt one line (or paragraph) of clean text. */
export function corruptText(clean: string, options: CorruptOptions = {}, rng: Rng = mulberry32(options.seed ?? 0)): CorruptedPair {
  const rate = options.rate ?? 0.15;
  const enabled = new Set(options.types ?? CORRUPTION_TYPES.filter((t) => t !== "real" || options.misspellings));
  const weights = CORRUPTION_TYPES.map((t) => (enabled.has(t) ? (options.weights?.[t] ?? DEFAULT_WEIGHTS[t]) : 0));
  const tokens = tokenize(clean);
  const edits: CorruptionEdit[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (!eligible(t)) continue;
    if (rng() >= rate) continue;
    // the types that apply to this word, by weight
    const next = mergePartner(tokens, k);
    const candidates: Array<[CorruptionType, number]> = [];
    CORRUPTION_TYPES.forEach((type, i) => {
      if (!weights[i]) return;
      if (type === "merge" && !next) return;
      if (type === "homophone" && !CONFUSABLES.has(t.text.toLowerCase())) return;
      if (type === "real" && !options.misspellings?.get(t.text.toLowerCase())?.length) return;
      candidates.push([type, weights[i]!]);
    });
    // a word only one specific type fits (a homophone, a listed misspelling) would otherwise dominate
    let total = candidates.reduce((s, [, w]) => s + w, 0);
    while (total > 0 && candidates.length) {
      let r = rng() * total;
      let idx = 0;
      while (idx < candidates.length - 1 && r >= candidates[idx]![1]) r -= candidates[idx++]![1];
      const [type] = candidates[idx]!;
      if (type === "merge") {
        const space = tokens[k + 1]!;
        edits.push({ type, start: space.start, end: space.end, from: space.text, to: "" });
        k += 2; // the merged word is not corrupted again
        break;
      }
      const to = corruptWord(type, t.text, rng, options);
      if (to !== null && to !== t.text) {
        edits.push({ type, start: t.start, end: t.end, from: t.text, to });
        break;
      }
      total -= candidates[idx]![1];
      candidates.splice(idx, 1);
    }
  }
  return { corrupted: applyCorruption(clean, edits), clean, edits };
}

function eligible(t: Token): boolean {
  return t.kind === "word" && /^[\p{L}']+$/u.test(t.text) && /[a-z]/i.test(t.text);
}

function mergePartner(tokens: Token[], k: number): Token | null {
  const space = tokens[k + 1];
  const next = tokens[k + 2];
  return space?.kind === "space" && space.text === " " && next && eligible(next) ? next : null;
}

export function applyCorruption(clean: string, edits: readonly CorruptionEdit[]): string {
  return applyEdits(clean, edits);
}

/** Corrupt many lines with one seeded stream (line order matters for reproducibility). */
export function corruptLines(lines: Iterable<string>, options: CorruptOptions = {}): CorruptedPair[] {
  const rng = mulberry32(options.seed ?? 0);
  const out: CorruptedPair[] = [];
  for (const l of lines) out.push(corruptText(l, options, rng));
  return out;
}

/** Summary of a corruption run: pairs, edits by type, achieved word rate. */
export function summarize(pairs: readonly CorruptedPair[]): { pairs: number; words: number; edits: number; rate: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {};
  let words = 0;
  let edits = 0;
  for (const p of pairs) {
    words += tokenize(p.clean).filter(eligible).length;
    for (const e of p.edits) {
      byType[e.type] = (byType[e.type] ?? 0) + 1;
      edits++;
    }
  }
  return { pairs: pairs.length, words, edits, rate: words ? edits / words : 0, byType };
}

/** Parse a misspelling list: `right<TAB>wrong1 wrong2` lines (# comments), as models/misspellings/*.tsv
 * and Norvig's test sets use. */
export function parseMisspellings(text: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith("#")) continue;
    const [right, wrongs] = line.split("\t");
    if (!right || !wrongs) continue;
    const list = wrongs.split(/\s+/).filter(Boolean);
    if (list.length) m.set(right.trim().toLowerCase(), list);
  }
  return m;
}
