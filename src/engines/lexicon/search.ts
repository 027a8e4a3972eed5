/**
 * The lexicon's search over one run of words: the hypotheses of each position (hypotheses.ts), those
 * that would add or drop a negation removed, a Viterbi pass scoring each path by its channel costs and a
 * bigram language model with unigram back-off (a contraction scored as its expansion, a sentence-end
 * model for the last word), then an edit wherever the best path differs from the text, with its
 * confidence: the posterior against the best reading that keeps those words.
 *
 * Cost: one Viterbi pass over the run, linear in its length times hypotheses × states per position; per
 * edit two more over a window of CONFIDENCE_WINDOW words on each side.
 */
import type { Edit } from "../../types.ts";
import { caseShape } from "../../text/case.ts";
import { negates } from "../../text/negation.ts";
import { PARAMS } from "./params.ts";
import { restore } from "./restore.ts";
import { LOCAL, pairHyps, singleHyps, splitHyps, type Hyp, type LexiconContext, type Slot } from "./hypotheses.ts";

/** Words on each side of an edit that its confidence is decided over. */
const CONFIDENCE_WINDOW = 3;

/** A Viterbi state: the last output word id, the path's score, and how it was reached. */
interface State {
  last: number;
  score: number;
  prev: State | null;
  hyp: Hyp | null;
}

/**
 * Decode one run of words: push onto `edits` an edit, with its confidence, wherever the best reading
 * differs from the text (`ends`: the sentence ends after the run). index.ts memoises it per run.
 */
export function decodeRunUncached(ctx: LexiconContext, run: Slot[], edits: Edit[], ends = false): void {
  const n = run.length;
  // hypotheses starting at each position: the word's own (memoised per slot) and those of the pair it begins
  const from: Hyp[][] = run.map((s, i) => {
    const own = slotHyps(ctx, s);
    if (!(i + 1 < n && s.gapAfter === " ")) return own;
    const pairs = pairHyps(ctx, s, run[i + 1]!);
    if (!pairs.length) return own;
    const hs = own.slice();
    // a hypothesis never adds or drops a negation between real words (doesnt → does, know → no)
    for (const h of pairs) if (keepsNegation(s, run[i + 1]!, h)) hs.push(h);
    return hs;
  });
  if (from.every((hs) => hs.length === 1)) return;
  const best = viterbi(ctx, run, from, ends);
  // walk back and emit edits
  const chosen: Array<{ hyp: Hyp; at: number }> = [];
  let pos = n;
  for (let st: State | null = best; st && st.hyp; st = st.prev) {
    pos -= st.hyp.span;
    chosen.push({ hyp: st.hyp, at: pos });
  }
  for (const { hyp, at } of chosen) {
    if (hyp.keep) continue;
    const first = run[at]!;
    const last = run[at + hyp.span - 1]!;
    const start = first.tok.start;
    const end = last.tok.end;
    const to = render(hyp, run.slice(at, at + hyp.span));
    const typed = first.tok.text + (hyp.span === 2 ? first.gapAfter + last.tok.text : "");
    if (to === typed) continue;
    // a real word becomes a contraction (its → it's, your → you're) only where the next word is known to
    // follow the contraction's second word, and likelier so than after the typed word: "it's going", not
    // "sends it's lines" ("sends it" is common, "is lines" unseen) nor "sends it's user words"
    if (hyp.kind === "confusable" && hyp.span === 1 && !first.lower.includes("'") && hyp.seq && hyp.seq.length > 1) {
      const next = run[at + 1];
      const second = hyp.seq[hyp.seq.length - 1]!;
      if (next && next.id >= 0 && (Number.isNaN(ctx.lex.bigram(second, next.id)) || lm(ctx, second, next.id) <= lm(ctx, first.id, next.id))) continue;
    }
    if (hyp.kind === "confusable" && hyp.span === 1 && !swapHasEvidence(ctx, run, at, hyp, ends)) continue;
    // confidence: the posterior odds of this change against the best reading that keeps these words,
    // exp(score difference), as a probability; both readings decoded over a window of CONFIDENCE_WINDOW
    // words on each side (a bigram model's evidence is local, and a long run stays linear)
    const lo = Math.max(0, at - CONFIDENCE_WINDOW);
    const hi = Math.min(n, at + hyp.span + CONFIDENCE_WINDOW);
    const inside = (hs: Hyp[], i: number) => hs.filter((h) => i + h.span <= hi);
    const free = from.slice(lo, hi).map((hs, k) => inside(hs, lo + k));
    const kept = free.map((hs, k) => {
      const i = lo + k;
      return i >= at && i < at + hyp.span ? hs.filter((h) => h.keep) : i < at ? hs.filter((h) => i + h.span <= at) : hs;
    });
    const window = run.slice(lo, hi);
    const a = viterbi(ctx, window, free, ends && hi === n);
    const b = viterbi(ctx, window, kept, ends && hi === n);
    const margin = a && b ? a.score - b.score : 30;
    edits.push({ start, end, from: typed, to, kind: hyp.kind, confidence: Math.round(1e4 / (1 + Math.exp(-margin))) / 1e4 });
  }
}

/**
 * Whether the context itself supports a swap within a confusable set (where → were, too → to, their →
 * they're), rather than only the absence of the typed pair from the pruned bigram table:
 * - before a clause end (the run ends the clause), the new word must not be one that seldom ends a
 *   clause where the typed one does (sentence-end model, format.ts endLogRatio: "apply too (" is not
 *   "apply to (", nor "were." for "where.");
 * - a swap of two plain words (no contraction) needs the new word seen after the word before it ("they
 *   were", "want to", "not lose"), not only a pair of the new word with the next one ("owner were" is
 *   unseen, "were permitted" seen: "(owner where permitted"); at the start of a clause that is no
 *   sentence (after a comma or an opening bracket) there is no such word, nor a subject for a verb such
 *   as "were" (", where permitted,"). A sentence start is judged by the model.
 */
function swapHasEvidence(ctx: LexiconContext, run: Slot[], at: number, hyp: Hyp, ends: boolean): boolean {
  const typed = run[at]!.id;
  const seq = hyp.seq ?? hyp.ids;
  const into = seq[0]!;
  const last = seq[seq.length - 1]!;
  if (typed < 0 || into < 0) return true;
  const endRatio = ctx.lex.data.endLogRatio;
  if (ends && at + 1 === run.length && endRatio[last]! < PARAMS.clauseEndRare && endRatio[last]! < endRatio[typed]!) return false;
  // (a swap with a contraction, its → it's, their → they're, is judged by the word after it: decodeRunUncached)
  if (seq.length > 1 || ctx.cand.expansion(typed)) return true;
  const prev = run[at - 1];
  if (!prev) return run[at]!.sentenceStart;
  if (prev.id < 0) return true;
  // (after a contraction, its second word: "don't lose" is "not lose")
  const before = ctx.cand.expansion(prev.id)?.at(-1) ?? prev.id;
  return !Number.isNaN(ctx.lex.bigram(before, into));
}

/**
 * Whether hypothesis h, starting at slot s (then t for a pair), keeps the count of negations: a
 * hypothesis never adds or drops one between real words (doesnt → does, know → no), though an unknown
 * word may become one ("nto" → "not").
 */
function keepsNegation(s: Slot, t: Slot | undefined, h: Hyp): boolean {
  const before = (negates(s.tok.text) ? 1 : 0) + (h.span === 2 && negates(t!.tok.text) ? 1 : 0);
  let after = 0;
  for (const w of h.out) if (negates(w)) after++;
  return before === after || (after > before && s.id < 0 && (h.span === 1 || t!.id < 0));
}

/**
 * The hypotheses of one word on its own (singleHyps, then splitHyps, those that change a negation
 * removed), memoised per engine on every field of the slot but its position: prose repeats its words,
 * and a word's own hypotheses depend on nothing else. The array is shared: callers copy it to add to it.
 */
function slotHyps(ctx: LexiconContext, s: Slot): Hyp[] {
  const key = slotKey(s);
  let cache = slotCaches.get(ctx);
  if (!cache) slotCaches.set(ctx, (cache = new Map()));
  let hs = cache.get(key);
  if (!hs) {
    const all = singleHyps(ctx, s);
    all.push(...splitHyps(ctx, s));
    hs = [all[0]!];
    for (let k = 1; k < all.length; k++) if (keepsNegation(s, undefined, all[k]!)) hs.push(all[k]!);
    // (full, it keeps what it has: prose meets its common words early, and a cache emptied again and again
    // leaves old garbage that raised peak RSS by 15-45 MB over 172,762 words)
    if (cache.size < SLOT_CACHE_MAX) cache.set(key, hs);
  }
  return hs;
}

/** Words whose own hypotheses are kept (a few hundred bytes each: 3.4 MB of heap for 10,000 measured). */
const SLOT_CACHE_MAX = 10_000;

const slotCaches = new WeakMap<LexiconContext, Map<string, Hyp[]>>();

/** Forget the memoised hypotheses of words (benchmarks measure cold calls; a test changes PARAMS). */
export function clearSlotHyps(ctx: LexiconContext): void {
  slotCaches.delete(ctx);
}

/**
 * The fields of a Slot that slotKey covers: every one but the token's position. A field added to Slot
 * must be added here and to slotKey (test/lexicon-slotkey.test.ts checks that the engine's slots have
 * no other field).
 */
export const SLOT_KEY_FIELDS = ["tok", "lower", "id", "suffix", "stem", "sentenceStart", "capital", "viaVariant", "editable", "gapAfter", "afterWord", "alone", "local", "compoundEnd"] as const;

/** The memo key of a slot: every field of SLOT_KEY_FIELDS (of the token, its kind, span and text). */
export function slotKey(s: Slot): string {
  const flags =
    (s.sentenceStart ? 1 : 0) | (s.viaVariant ? 2 : 0) | (s.editable ? 4 : 0) | (s.afterWord ? 8 : 0) | (s.alone ? 16 : 0) | (s.compoundEnd ? 32 : 0) | (s.capital === "sure" ? 64 : s.capital === "maybe" ? 128 : 0);
  return `${flags} ${s.id} ${s.tok.kind} ${s.tok.span ?? ""} ${s.gapAfter} ${s.local ? s.local.join("|") + "|" : "-"}\u0000${s.tok.text}\u0000${s.lower}\u0000${s.stem}\u0000${s.suffix}`;
}

/** Best path through the hypotheses (state = last output word id), or null if none. */
function viterbi(ctx: LexiconContext, run: Slot[], from: Hyp[][], ends: boolean): State | null {
  const n = run.length;
  // the states reached at each position, in the order first reached, with their keys (a run has a few
  // states per position: a linear search of a small array, where a Map per position cost more)
  const keys: number[][] = [[-2]];
  const states: State[][] = [[{ last: -1, score: 0, prev: null, hyp: null }]];
  for (let i = 1; i <= n; i++) {
    keys.push([]);
    states.push([]);
  }
  // a contraction in context is its expansion: P(they | prev) · P(are | they); "are" is the next word's context
  for (const hs of from) for (const h of hs) h.seq ??= sequence(ctx, h.ids);
  for (let i = 0; i < n; i++) {
    const keepLen = run[i]!.stem.length;
    const hs = from[i]!;
    for (const st of states[i]!) {
      for (const h of hs) {
        let score = st.score + h.channel;
        let prev = st.last;
        const seq = h.seq!;
        for (let k = 0; k < seq.length; k++) {
          const id = seq[k]!;
          score += lm(ctx, prev, id, h.keep ? keepLen : 0);
          prev = id;
        }
        const j = i + h.span;
        // unknown kept words: distinguish states by position so they do not collide
        const key = prev >= 0 ? prev : -3 - i;
        const ks = keys[j]!;
        const at = ks.indexOf(key);
        if (at < 0) {
          ks.push(key);
          states[j]!.push({ last: prev, score, prev: st, hyp: h });
        } else if (score > states[j]![at]!.score) states[j]![at] = { last: prev, score, prev: st, hyp: h };
      }
    }
  }
  let best: State | null = null;
  for (const st of states[n]!) {
    // how much likelier the last word is to end a sentence than words in general ("too." against "to.")
    const score = ends && st.last >= 0 ? st.score + PARAMS.endWeight * ctx.lex.data.endLogRatio[st.last]! : st.score;
    if (!best || score > best.score) best = { ...st, score };
  }
  return best;
}

/** The ids the language model scores for a hypothesis's ids: each contraction as its two words (`ids` itself when none is one). */
function sequence(ctx: LexiconContext, ids: number[]): number[] {
  let out: number[] | null = null;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    const ex = id >= 0 ? ctx.cand.expansion(id) : null;
    if (ex) {
      out ??= ids.slice(0, k);
      out.push(ex[0], ex[1]);
    } else if (out) out.push(id);
  }
  return out ?? ids;
}

/** Unigram-or-bigram ln P(id | prev). */
function lm(ctx: LexiconContext, prev: number, id: number, unknownLength = 0): number {
  const lex = ctx.lex;
  // long unknown words are rarely valid words we lack: words are sparse in edit space as they grow
  // (a lone letter is a letter, a variable, an initial: far likelier than an unknown word)
  const uni =
    id >= 0 ? lex.logP(id) : id === LOCAL ? PARAMS.logPLocalName : unknownLength === 1 ? PARAMS.logPLetter : PARAMS.logPUnknown - PARAMS.unknownPerChar * Math.max(0, unknownLength - 5);
  if (prev < 0 || id < 0) return uni + Math.log(1 - PARAMS.bigramWeight);
  const bi = lex.bigram(prev, id);
  const w = PARAMS.bigramWeight;
  if (Number.isNaN(bi)) return uni + Math.log(1 - w);
  return Math.log(w * Math.exp(bi) + (1 - w) * Math.exp(uni));
}

/** The replacement text with the case shape of the words it replaces. */
function render(hyp: Hyp, slots: Slot[]): string {
  const a = slots[0]!;
  if (hyp.out.length === 1) return restore(a.tok.text, hyp.out[0]!, a);
  const b = slots[slots.length - 1]!;
  const likeSecond = slots.length === 2 ? b.tok.text : caseShape(a.tok.text) === "upper" ? a.tok.text : hyp.out[1]!;
  return restore(a.tok.text, hyp.out[0]!, a) + " " + restore(likeSecond, hyp.out[1]!);
}
