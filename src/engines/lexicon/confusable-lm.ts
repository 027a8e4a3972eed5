/**
 * A trigram context model for the real-word errors between a word and its confusable twin that the
 * Google Books bigrams cannot tell apart: its/it's and your/you're (those counts dropped the apostrophe,
 * so "its going" and "your welcome" are counted as often as any possessive), to/too and affect/effect
 * (one word of context each side is too little: "is to much", "will effect everyone"), and the common
 * homophones of text/confusables.ts whose bigrams decided too little ("Can you here me?", "a peace of
 * paper"). The n-grams come
 * from CMU Sphinx's generic US English trigram model (BSD-2), which keeps contractions as words; the part
 * of it a swap within these pairs can change is extracted to models/en/confusable-lm.bin by
 * scripts/lexicon/cmu-lm.ts: ln P of unigrams (U), bigrams (B) and trigrams (T), and back-off weights of
 * one-word (O) and two-word (C) histories, under a 64-bit hash of the n-gram.
 *
 * Cost: the file (8.9 MB) is mapped on the first question about one of these words; each question is
 * three Katz back-off look-ups per alternative, each a few binary searches of the sorted hashes.
 */
// (no node:fs nor node:path at start-up: a one-liner without these words never loads them for this module)
import { version as pkgVersion } from "../../../package.json" with { type: "json" };
import { mapDataFile } from "../../runtime/mapped.ts";
import { extractOnce } from "../../runtime/native.ts";
import { hotPath } from "../../runtime/jit.ts";
// @ts-ignore: Bun's file import gives a path (a $bunfs path inside a compiled binary)
import modelPath from "../../../models/en/confusable-lm.bin" with { type: "file" };

/** Each word of the pairs and its twin. */
export const CMU_PAIRS: ReadonlyMap<string, string> = new Map([
  ["its", "it's"],
  ["it's", "its"],
  ["your", "you're"],
  ["you're", "your"],
  ["to", "too"],
  ["too", "to"],
  ["affect", "effect"],
  ["effect", "affect"],
  // (then/than, lose/loose: the seed taxonomy's homophones, one way only: ONE_WAY)
  ["then", "than"],
  ["than", "then"],
  ["lose", "loose"],
  ["loose", "lose"],
  // the homophones of text/confusables.ts that the bigrams judged too rarely: on 353,253 words of clean
  // text (the novel, the dev sets' clean side, node_modules READMEs, ripgrep's, bat's and fzf's commit
  // messages, this repository's docs; scripts/homophones.ts), each of their words replaced in turn by its
  // twin was put back 1,424 times in 4,369 with these pairs against 630 with the bigrams alone (1,502 with
  // the clause ends of search.ts trigramSwaps), and one right word was changed against none ("and quite
  // time that we started", an old idiom). Not know/no, whose swap adds or drops a negation, nor of/off:
  // "a write of at most", "asks it of every" in code comments became "off"
  ["hear", "here"],
  ["here", "hear"],
  ["whose", "who's"],
  ["who's", "whose"],
  ["accept", "except"],
  ["except", "accept"],
  ["weather", "whether"],
  ["whether", "weather"],
  ["peace", "piece"],
  ["piece", "peace"],
  ["brake", "break"],
  ["break", "brake"],
  ["write", "right"],
  ["right", "write"],
  ["principal", "principle"],
  ["principle", "principal"],
  ["quiet", "quite"],
  ["quite", "quiet"],
  ["week", "weak"],
  ["weak", "week"],
  ["knew", "new"],
  ["new", "knew"],
  ["buy", "by"],
  ["by", "buy"],
  ["advice", "advise"],
  ["advise", "advice"],
  ["passed", "past"],
  ["past", "passed"],
]);

/**
 * Contractions typed without their apostrophe that are also words (cant, whats, lets, were, ill): every
 * word of the lexicon that is a counted contraction without its apostrophe, but its/your (CMU_PAIRS).
 * The bigram counts dropped apostrophes and cannot judge such a pair ("cant" has mostly the rows of
 * "can't"): this model does, with the odds of the two words in the lexicon as a prior (search.ts). The
 * list is what test/confusable-lm.test.ts derives from the lexicon.
 */
export const APOSTROPHE_PAIRS: ReadonlyMap<string, string> = new Map([
  ["cant", "can't"],
  ["wont", "won't"],
  ["were", "we're"],
  ["whore", "who're"],
  ["well", "we'll"],
  ["whats", "what's"],
  ["hes", "he's"],
  ["shes", "she's"],
  ["wed", "we'd"],
  ["heres", "here's"],
  ["hell", "he'll"],
  ["lets", "let's"],
  ["shed", "she'd"],
  ["shell", "she'll"],
  ["id", "i'd"],
  ["ill", "i'll"],
  ["whys", "why's"],
  ["wheres", "where's"],
  ["someones", "someone's"],
  ["hows", "how's"],
  ["whens", "when's"],
]);

/** their, there and they're: each word's two twins. */
export const CMU_TRIPLES: ReadonlyMap<string, readonly string[]> = new Map([
  ["their", ["there", "they're"]],
  ["there", ["their", "they're"]],
  ["they're", ["their", "there"]],
]);

/** Every word whose n-grams scripts/lexicon/cmu-lm.ts extracts. */
export function cmuTargets(): Set<string> {
  const out = new Set<string>();
  for (const w of CMU_PAIRS.keys()) out.add(w);
  for (const [a, b] of APOSTROPHE_PAIRS) out.add(a).add(b);
  for (const w of CMU_TRIPLES.keys()) out.add(w);
  return out;
}

/**
 * The pairs' words that the trigram model never swaps for their twin (too → to, than → then, lose →
 * loose): the slip goes the other way (a letter dropped: "to much", "then me", "loose your keys"), and a
 * window of two words each side does not see what calls for the word typed ("a higher stake to-night
 * than you": the comparative is three words back).
 */
// (and "write": "no two of them write exactly alike", "Optionally write to a buffer" became "right"; the
// slip is the other way, "Please right a test")
export const ONE_WAY: ReadonlySet<string> = new Set(["too", "than", "lose", "write"]);

/**
 * The swaps the trigram model makes: every direction of the pairs but those of ONE_WAY. In the model's own text,
 * in the contexts that call for "too" ("much", "late": the 30 likeliest after it), "to" stands there at
 * most once in 40 times (the least ratio P(to, context) / P(too, context), ln −3.7; a right use of "to"
 * there only raises it), and "too" in those that call for "to" at most once in 5,500 (ln −8.6): a prior
 * 5 nats below the pair's cost, which no margin of the model makes up (scripts/lexicon/cmu-lm.ts has the
 * model's reader). The bigram model still weighs too → to ("went too the store"), and the trigram model
 * checks its swap (search.ts trigramSwaps: "making the window too tall" stays).
 */
export const TRIGRAM_SWAPS: ReadonlyMap<string, string> = trigramSwaps();

/** The pairs without those of ONE_WAY, and the bare contractions (copies, deletes and loops: a spread or a filter costs every one-liner's start-up more). */
function trigramSwaps(): Map<string, string> {
  const out = new Map(CMU_PAIRS);
  for (const a of ONE_WAY) out.delete(a);
  for (const [a, b] of APOSTROPHE_PAIRS) out.set(a, b);
  return out;
}

/** Two 32-bit FNV-1a hashes of an n-gram's key ("T u v w"), with different offset bases: 64 bits, so that no two n-grams of the model share one and a look-up of an absent n-gram finds none. */
export function lmKey(s: string): [number, number] {
  let h = 0x811c9dc5;
  let g = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff;
    h = Math.imul(h ^ c, 0x01000193);
    g = Math.imul(g ^ c, 0x01000193);
  }
  return [h >>> 0, g >>> 0];
}

let his: Uint32Array | null = null;
let los: Uint32Array | null = null;
let vals: Float32Array | null = null;

/**
 * The file's bytes, mapped (a text touches a few pages); inside a compiled binary, where the embedded file
 * cannot be mapped, from a copy extracted once beside the lexicon's (data.ts), in a folder of its own (a
 * changed model has another size, which extractOnce checks); read whole only where neither works.
 */
function bytes(): Uint8Array {
  const path = modelPath as unknown as string;
  const compiled = process.env.TYPOFIX_COMPILED === "1";
  try {
    // (mapped in place, advised to be read back in 2 MB folios after a reboot: runtime/mapped.ts)
    if (!compiled) return mapDataFile(path);
    const sha = process.env.TYPOFIX_LEXICON_SHA;
    const dir = extractOnce([{ name: "confusable-lm.bin", path }], `${pkgVersion}-data${sha ? `-${sha}` : ""}-confusable`);
    return mapDataFile(`${dir}/confusable-lm.bin`);
  } catch {
    /* no mmap here, or a read-only cache */
  }
  const buf = (require("node:fs") as typeof import("node:fs")).readFileSync(path);
  // (a copy at offset 0: the typed arrays below need 4-byte alignment)
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return copy;
}

function load(): void {
  if (his) return;
  const b = bytes();
  const n = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  his = new Uint32Array(b.buffer, b.byteOffset + 4, n);
  los = new Uint32Array(b.buffer, b.byteOffset + 4 + 4 * n, n);
  vals = new Float32Array(b.buffer, b.byteOffset + 4 + 8 * n, n);
}

/**
 * The value of an n-gram, or NaN: its key is `kind` (a letter's code: U, O, B, C, T) and its words, each
 * after a space ("T u v w"), hashed as lmKey hashes the key's text without the text being made (b, c:
 * null past the n-gram's words). The sorted first hashes are spread evenly over 32 bits: an interpolation
 * search finds one in a few probes, where a binary search of the 634,000 keys took twenty, each a likely
 * cache miss in the mapped file (~3 µs a look-up); it narrows to a binary search when a probe does not
 * shrink the range much (a run of equal first hashes, or an uneven stretch).
 */
function get(kind: number, a: string, b: string | null, c: string | null): number {
  let h = Math.imul(0x811c9dc5 ^ kind, 0x01000193);
  let g = Math.imul(0x050c5d1f ^ kind, 0x01000193);
  for (let part = 0; part < 3; part++) {
    const s = part === 0 ? a : part === 1 ? b : c;
    if (s === null) break;
    h = Math.imul(h ^ 32, 0x01000193);
    g = Math.imul(g ^ 32, 0x01000193);
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i) & 0xff;
      h = Math.imul(h ^ ch, 0x01000193);
      g = Math.imul(g ^ ch, 0x01000193);
    }
  }
  // (the memo: the value depends on the two hashes alone; made once MEMO_AFTER questions have been asked,
  // so that a one-liner's few allocate no table)
  if (!memoUsed) {
    if (asked < MEMO_AFTER) {
      asked++;
      return lookup(h >>> 0, g >>> 0);
    }
    memoH = new Int32Array(MEMO_SIZE);
    memoG = new Int32Array(MEMO_SIZE);
    memoV = new Float64Array(MEMO_SIZE);
    memoUsed = new Uint8Array(MEMO_SIZE);
  }
  const slot = Math.imul(h ^ Math.imul(g, 0x9e3779b1), 0x85ebca6b) >>> (32 - MEMO_BITS);
  if (memoUsed[slot] === 1 && memoH![slot] === h && memoG![slot] === g) return memoV![slot]!;
  const v = lookup(h >>> 0, g >>> 0);
  memoUsed[slot] = 1;
  memoH![slot] = h;
  memoG![slot] = g;
  memoV![slot] = v;
  return v;
}

/**
 * get()'s answers so far: a text asks about the same few words again and again (the unigrams and back-off
 * weights of common words, "B to much"), and a look-up in the mapped file is several cache misses. A
 * direct-mapped table of the n-grams' two hashes (each overwrites the one in its slot; 544 KB, made after
 * MEMO_AFTER questions): no key string is made and hashed per question, and no Map grows to some 5 MB.
 */
const MEMO_BITS = 15;
/** Questions answered without the memo before it is made (a one-liner's few: its 544 KB cost one a collection). */
const MEMO_AFTER = 512;
let asked = 0;
const MEMO_SIZE = 1 << MEMO_BITS;
let memoH: Int32Array | null = null;
let memoG: Int32Array | null = null;
let memoV: Float64Array | null = null;
let memoUsed: Uint8Array | null = null;

const U = 85;
const O = 79;
const B = 66;
const C = 67;
const T = 84;

function lookup(h: number, g: number): number {
  load();
  const H = his!;
  let lo = 0;
  let hi = H.length - 1;
  while (lo <= hi) {
    const a0 = H[lo]!;
    const a1 = H[hi]!;
    let mid: number;
    if (h < a0 || h > a1) return NaN;
    if (a1 > a0 && hi - lo > 8) {
      mid = lo + Math.floor(((h - a0) / (a1 - a0)) * (hi - lo));
      // (a probe at an end of the range shrinks it by one only: bisect instead)
      if (mid <= lo || mid >= hi) mid = (lo + hi) >> 1;
    } else mid = (lo + hi) >> 1;
    const a = H[mid]!;
    const b = los![mid]!;
    if (a === h && b === g) return vals![mid]!;
    if (a < h || (a === h && b < g)) lo = mid + 1;
    else hi = mid - 1;
  }
  return NaN;
}

/** Whether the model knows the word. */
export function known(w: string): boolean {
  // (memoised on the word itself: windowScore asks up to nine times per window, and the key string get()
  // needs is a new string to hash each time)
  let k = knownMemo.get(w);
  if (k === undefined) {
    if (knownMemo.size >= KNOWN_MAX) knownMemo.clear();
    knownMemo.set(w, (k = !Number.isNaN(get(U, w, null, null))));
  }
  return k;
}

/** known()'s answers so far (cleared when full, at KNOWN_MAX words). */
const knownMemo = new Map<string, boolean>();
const KNOWN_MAX = 65_536;

/** ln P(w | u v) with Katz back-off (u, v: "" when there is no such word). */
export function logP(u: string, v: string, w: string): number {
  if (u && v) {
    const t = get(T, u, v, w);
    if (!Number.isNaN(t)) return t;
  }
  const bo2 = u && v ? get(C, u, v, null) : NaN;
  const back = Number.isNaN(bo2) ? 0 : bo2;
  if (v) {
    const b = get(B, v, w, null);
    if (!Number.isNaN(b)) return back + b;
  }
  const bo1 = v ? get(O, v, null, null) : NaN;
  return back + (Number.isNaN(bo1) ? 0 : bo1) + get(U, w, null, null);
}

/**
 * ln P of the words of `ctx` from position `at` to two words after it, given the two before it: the part
 * of a sentence's probability that the word at `at` changes. `ctx` holds lower-case words, "<s>" and
 * "</s>" at a sentence's edges; a word the model does not know ends the window (its terms are the same
 * for every choice at `at`, or unknown to both).
 */
export function windowScore(ctx: string[], at: number): number {
  let s = 0;
  for (let k = at; k <= at + 2 && k < ctx.length; k++) {
    const w = ctx[k]!;
    if (!known(w)) break;
    const v = k - 1 >= 0 && known(ctx[k - 1]!) ? ctx[k - 1]! : "";
    const u = v && k - 2 >= 0 && known(ctx[k - 2]!) ? ctx[k - 2]! : "";
    s += logP(u, v, w);
  }
  return s;
}

/** Whether the model has the bigram (v w) itself, not only by back-off. */
export function seen(v: string, w: string): boolean {
  return !Number.isNaN(get(B, v, w, null));
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [get, lookup, known, logP, windowScore, seen]);
