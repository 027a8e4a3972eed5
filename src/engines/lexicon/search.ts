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
import { startsLower } from "../../text/ascii.ts";
import { negates, splitNegation } from "../../text/negation.ts";
import { PARAMS } from "./params.ts";
import { restore } from "./restore.ts";
import { FUNCTION_WORDS, isNamePair, isNameWord } from "./wordlists.ts";
import { PROPER } from "./proper.ts";
import { clearPairMemo, LOCAL, pairHyps, singleHyps, splitHyps, unknownLogP, type Hyp, type LexiconContext, type Slot } from "./hypotheses.ts";
import { APOSTROPHE_PAIRS, CMU_PAIRS, CMU_TRIPLES, ONE_WAY, TRIGRAM_SWAPS, known as cmuKnown, seen as trigramSeen, windowScore } from "./confusable-lm.ts";
import { hotPath } from "../../runtime/jit.ts";

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
 * differs from the text (`ends`: the sentence ends after the run; `marked`: a mark of punctuation ends it,
 * not the end of a line or of the text). index.ts memoises it per run.
 */
export function decodeRunUncached(ctx: LexiconContext, run: Slot[], edits: Edit[], ends = false, marked = false): void {
  const n = run.length;
  // hypotheses starting at each position: the word's own (memoised per slot) and those of the pair it begins
  const from: Hyp[][] = [];
  for (let i = 0; i < n; i++) from.push(hypsAt(ctx, run, i));
  // (loops, not every/map/filter: a one-liner runs this code in the interpreter, where each builtin's
  // first call compiles it; the same results)
  let single = true;
  for (let i = 0; i < n && single; i++) single = from[i]!.length === 1;
  // (a run whose words have no other reading needs no decoding; the trigram model may still swap a word of
  // its pairs, which has none of its own: "I cant make standup today")
  if (single) {
    if (swappable(run)) {
      const typed: Array<string | null> = [];
      for (let i = 0; i < n; i++) typed.push(run[i]!.lower);
      trigramSwaps(ctx, run, typed, edits, ends, marked);
    }
    return;
  }
  const best = viterbi(ctx, run, from, ends);
  // the words of the best reading, per slot (null where an edit joins, splits or respaces words)
  const outWords: Array<string | null> = [];
  for (let i = 0; i < n; i++) outWords.push(run[i]!.lower);
  // walk back and emit edits
  const chosen: Array<{ hyp: Hyp; at: number }> = [];
  let pos = n;
  for (let st: State | null = best; st && st.hyp; st = st.prev) {
    pos -= st.hyp.span;
    chosen.push({ hyp: st.hyp, at: pos });
  }
  for (const { hyp, at } of chosen) {
    if (hyp.keep) continue;
    // (a swap within the trigram model's pairs is judged there too, with the word as typed; any other
    // change makes a word the trigram model does not take as context: it is itself a guess)
    if (hyp.span === 1 && hyp.kind === "confusable" && (CMU_PAIRS.get(run[at]!.lower) === hyp.out[0] || CMU_TRIPLES.get(run[at]!.lower)?.includes(hyp.out[0]!))) continue;
    // (and so is a contraction for the same word without its apostrophe: the bigrams cannot tell them apart)
    if (hyp.span === 1 && APOSTROPHE_PAIRS.get(run[at]!.lower) === hyp.out[0]) continue;
    for (let k = at; k < at + hyp.span; k++) outWords[k] = null;
  }
  for (const { hyp, at } of chosen) {
    if (hyp.keep) continue;
    const first = run[at]!;
    const last = run[at + hyp.span - 1]!;
    const start = first.tok.start;
    const end = last.tok.end;
    let to = render(hyp, run.slice(at, at + hyp.span));
    if (hyp.span === 1 && hyp.out.length === 1 && first.id < 0 && nameNeighbour(run, at, hyp.out[0]!) && startsLower(to)) to = to[0]!.toUpperCase() + to.slice(1);
    const typed = first.tok.text + (hyp.span === 2 ? first.gapAfter + last.tok.text : "");
    if (to === typed) continue;
    // (a word is not made the word beside it, which would double it: "root rot" is no "root root")
    if (hyp.span === 1 && hyp.out.length === 1 && doubles(run, outWords, at, hyp.out[0]!)) continue;
    // a real word becomes a contraction (its → it's, your → you're) only where the next word is known to
    // follow the contraction's second word, and likelier so than after the typed word: "it's going", not
    // "sends it's lines" ("sends it" is common, "is lines" unseen) nor "sends it's user words"
    if (hyp.kind === "confusable" && hyp.span === 1 && !first.lower.includes("'") && hyp.seq && hyp.seq.length > 1) {
      const next = run[at + 1];
      const second = hyp.seq[hyp.seq.length - 1]!;
      if (next && next.id >= 0 && (Number.isNaN(ctx.lex.bigram(second, next.id)) || lm(ctx, second, next.id) <= lm(ctx, first.id, next.id))) continue;
      // (nor a possessive before a participle that modifies the noun after it: "left its optimised code")
      if (next && at + 2 < n && POSSESSIVE_FORMS.has(first.lower) && modifiesNoun(ctx, second, next.lower, run[at + 2]!.lower)) continue;
    }
    if (hyp.kind === "confusable" && hyp.span === 1 && !swapHasEvidence(ctx, run, at, hyp, ends)) continue;
    // confidence: the posterior odds of this change against the best reading that keeps these words,
    // exp(score difference), as a probability; both readings decoded over a window of CONFIDENCE_WINDOW
    // words on each side (a bigram model's evidence is local, and a long run stays linear)
    const lo = Math.max(0, at - CONFIDENCE_WINDOW);
    const hi = Math.min(n, at + hyp.span + CONFIDENCE_WINDOW);
    // free: the hypotheses inside the window; kept: those that keep the edit's words, and end before them
    const free: Hyp[][] = [];
    const kept: Hyp[][] = [];
    for (let i = lo; i < hi; i++) {
      const hs: Hyp[] = [];
      for (const h of from[i]!) if (i + h.span <= hi) hs.push(h);
      free.push(hs);
      if (i >= at && i < at + hyp.span) {
        const ks: Hyp[] = [];
        for (const h of hs) if (h.keep) ks.push(h);
        kept.push(ks);
      } else if (i < at) {
        const ks: Hyp[] = [];
        for (const h of hs) if (i + h.span <= at) ks.push(h);
        kept.push(ks);
      } else kept.push(hs);
    }
    const window = run.slice(lo, hi);
    // a window that is the whole run, every hypothesis inside it (a run of up to 2·CONFIDENCE_WINDOW + 1
    // words: most lines' runs), is the pass above: its best reading is `best` (the same states in the same
    // order, the same score), not decoded again
    let whole = lo === 0 && hi === n;
    for (let k = 0; k < free.length && whole; k++) whole = free[k]!.length === from[k]!.length;
    const a = whole ? best : viterbi(ctx, window, free, ends && hi === n);
    const b = viterbi(ctx, window, kept, ends && hi === n);
    const margin = a && b ? a.score - b.score : 30;
    edits.push({ start, end, from: typed, to, kind: hyp.kind, confidence: Math.round(1e4 / (1 + Math.exp(-margin))) / 1e4 });
  }
  trigramSwaps(ctx, run, outWords, edits, ends, marked);
}

/**
 * The real-word errors of the pairs whose bigrams cannot tell them apart (confusable-lm.ts: its/it's,
 * your/you're, to/too, affect/effect), judged by the trigram model over the two words on each side of
 * the word as the best reading has them. A word is swapped for its twin when
 * - the trigram model prefers the twin by more than the swap's prior cost (PARAMS.trigramSwapCost);
 *   the edit's confidence is the posterior of that margin, as for the other edits;
 * - the trigram model has seen the twin before the next word ("it's going", "too much", "affect
 *   everyone"): a margin made of back-off weights alone is no evidence;
 * - and the bigram model, which knows written English better, weighs in: its preference for the typed
 *   word (its/it's and your/you're judged there as it is / you are) is taken from the margin.
 * their, there and they're are judged the same way, each against its likelier twin ("There house" → Their,
 * "is their a way" → there).
 * Words the best reading already changes, and words next to a word it joins or splits, are left to it.
 */
function trigramSwaps(ctx: LexiconContext, run: Slot[], outWords: Array<string | null>, edits: Edit[], ends: boolean, marked: boolean): void {
  const n = run.length;
  // (the edits of this run so far, by their start: the best reading's own swap of the same word keeps the
  // higher of the two confidences; editAt, as a map of them by start would answer: the loop changes the
  // edits at the start of the word it is at only)
  for (let i = 0; i < n; i++) {
    const s = run[i]!;
    const typed = s.editable && !s.suffix && outWords[i] === s.lower;
    const alts = typed ? (CMU_TRIPLES.get(s.lower) ?? TRIGRAM_SWAPS.get(s.lower)) : undefined;
    // (a word the model never swaps itself, too → to: the bigrams' swap of it, if they made one)
    // (alts === undefined, not !alts: the maps hold words, never an empty string, and a truth test of a value
    // that is a string, an array or undefined left the optimised code at each new type: OSR exits BadType)
    const oneWay = typed && alts === undefined && ONE_WAY.has(s.lower) ? editAt(edits, s.tok.start) : undefined;
    if (alts === undefined && oneWay === undefined) continue;
    trigramSwapAt(ctx, run, outWords, edits, ends, marked, i, alts, oneWay);
  }
}

/**
 * trigramSwaps at run[i], a word of the pairs (`alts`: its twins) or one the bigrams swapped one way
 * (`oneWay`: that edit), in a function of its own: the first call of a function links all of its bytecode,
 * and most runs have no such word (a one-liner's trigramSwaps links less).
 */
function trigramSwapAt(ctx: LexiconContext, run: Slot[], outWords: Array<string | null>, edits: Edit[], ends: boolean, marked: boolean, i: number, alts: string | readonly string[] | undefined, oneWay: Edit | undefined): void {
  const n = run.length;
  const s = run[i]!;
  const alt = alts === undefined ? CMU_PAIRS.get(s.lower)! : typeof alts === "string" ? alts : alts[0]!;
  // the window: two words each side as the best reading has them, the sentence's edges marked
  const words: string[] = [];
  let at = -1;
  if (i < 2 && run[0]!.sentenceStart) words.push("<s>");
  let ok = true;
  for (let k = Math.max(0, i - 2); k <= Math.min(n - 1, i + 2); k++) {
    const w = outWords[k];
    if (w === null || w === undefined) {
      ok = false;
      break;
    }
    if (k === i) at = words.length;
    words.push(w);
  }
  if (!ok) return;
  if (i + 2 >= n && ends) words.push("</s>");
  if (oneWay) {
    // the bigrams made "too" "to" (or than then, lose loose): kept only where the trigram model agrees
    // by the cost of a swap it makes itself. It does by 11 to 14 nats where the swap is right ("went too
    // the store", "hard too say", "thanks too everyone") and not at all where "too" is ("making the
    // window too tall": 0.35, "thought too carefully": -0.18), where the pruned bigrams lack "too tall"
    // (a window without a word after the typed one is left to the bigrams)
    if (oneWay.end !== s.tok.end || oneWay.to.toLowerCase() !== alt || !words[at + 1]) return;
    const swapped = words.slice();
    swapped[at] = alt;
    if (windowScore(swapped, at) - windowScore(words, at) < PARAMS.trigramSwapCost) edits.splice(edits.indexOf(oneWay), 1);
    return;
  }
  // a contraction typed without its apostrophe (cant, wont, whats) and the word it also is: the trigram
  // model alone judges them, both ways, on whatever context the window has ("as was his wont" keeps the
  // word the bigram model would make "won't"); words it does not know (hes, shes) are left to the bigrams
  // (the look-up tested against undefined first: a word or undefined compared to a word left the optimised code)
  const bare = APOSTROPHE_PAIRS.get(s.lower);
  if (bare !== undefined && bare === alt) {
    const before = editAt(edits, s.tok.start);
    const to = restore(s.tok.text, alt, s);
    const bigrams = before && before.to === to && before.end === s.tok.end ? before : undefined;
    // (after an article or a possessive the word is a noun, never a contraction: "as was his wont", "the
    // cant of the day", "a shell script")
    if (at > 0 && DETERMINERS.has(words[at - 1]!)) {
      if (bigrams) edits.splice(edits.indexOf(bigrams), 1);
      return;
    }
    if (!cmuKnown(s.lower) || !cmuKnown(alt)) return;
    const swapped = words.slice();
    swapped[at] = alt;
    // (the prior: as much likelier as the lexicon counts the word than its contraction, "were" than
    // "we're", the typed word is meant; where the contraction is the commoner, as much the contraction:
    // "it wont work", "we cant ship". At a sentence's start only the latter: there the model's own odds
    // after <s> say which, for the counts are of words in running text ("Were going to need more disk
    // space" is "We're", "Were you there?" stays), but a contraction commoner anywhere is so there too
    // ("Cant log into GitHub")
    const twin = ctx.lex.id(alt);
    const odds = twin >= 0 && s.id >= 0 ? ctx.lex.logP(s.id) - ctx.lex.logP(twin) : 0;
    const prior = at === 1 && words[0] === "<s>" ? Math.min(0, odds) : odds;
    const margin = windowScore(swapped, at) - windowScore(words, at) - PARAMS.trigramSwapCost - prior;
    if (margin <= 0) {
      if (bigrams) edits.splice(edits.indexOf(bigrams), 1);
      return;
    }
    const confidence = Math.round(1e4 / (1 + Math.exp(-margin))) / 1e4;
    if (bigrams) bigrams.confidence = Math.max(bigrams.confidence ?? 0, confidence);
    else if (!before && words[at + 1] && trigramSeen(alt, words[at + 1]!)) edits.push({ start: s.tok.start, end: s.tok.end, from: s.tok.text, to, kind: "confusable", confidence });
    return;
  }
  const next = words[at + 1];
  // the next word, and after it another word or the sentence's end: a run cut by a comma, a hyphen or a
  // bracket leaves the model one word of right context, too little to judge by ("and its set-user-id
  // bit": "set" is the head of a compound the run does not see)
  // (a clause end that a mark of punctuation makes is context enough, with two words before it, the
  // sentence's start counting: "Me to, I saw" is "Me too", "I would love to." stays, "Let's take a brake."
  // is "break". Not a line's end, which in wrapped text ends no clause, nor a word alone between commas;
  // nor for their, there and they're where the window holds another of them: they end the items of lists
  // that mention them, "their, there or they're,", which the model takes for sentences ("I'll be their."
  // is judged). scripts/homophones.ts on 353,253 words of clean text: homophones put back 1,502 times in
  // 4,369 against 1,424 with "to" alone, and no right word more changed)
  // (a possessive before an article or another possessive needs no more: "idk if its the ISP", where the
  // acronym ends the run)
  if (!next || (!words[at + 2] && !(marked && next === "</s>" && at >= 2 && !(CMU_TRIPLES.has(s.lower) && mentions(words, at))) && !(POSSESSIVE_FORMS.has(s.lower) && noNounAfter(next)))) return;
  // …and, for two plain words (no contraction), a word before it or the sentence's start, as the bigram
  // model's swaps need (swapHasEvidence): a clause after a comma or a bracket begins without the word
  // that decides them ("First this, then that": no comparative before "then")
  if (at === 0 && !s.lower.includes("'") && !alt.includes("'")) return;
  // (their, there, they're: the likelier twin that passes every test below)
  let best = -Infinity;
  let bestAlt = "";
  for (const a of typeof alts === "string" ? [alts] : alts!) {
    const m = swapMargin(ctx, run, outWords, i, a, words, at);
    if (m > best) {
      best = m;
      bestAlt = a;
    }
  }
  if (best <= 0) {
    // (and the bigrams' own swap of a word into a contraction, where the model refuses it: "makes its set
    // from" is no "it's set"; the other way, "wagged it's tail", the bigrams judge well enough alone)
    const before = s.lower.includes("'") ? undefined : editAt(edits, s.tok.start);
    if (before && before.kind === "confusable" && before.end === s.tok.end && before.to.includes("'")) edits.splice(edits.indexOf(before), 1);
    return;
  }
  const margin = best;
  const confidence = Math.round(1e4 / (1 + Math.exp(-margin))) / 1e4;
  const to = restore(s.tok.text, bestAlt, s);
  const before = editAt(edits, s.tok.start);
  if (before) {
    if (before.to === to && before.end === s.tok.end) before.confidence = Math.max(before.confidence ?? 0, confidence);
    return;
  }
  edits.push({ start: s.tok.start, end: s.tok.end, from: s.tok.text, to, kind: "confusable", confidence });
}

/** Whether a word of the window other than words[at] is one of their, there and they're (a list that mentions them). */
function mentions(words: string[], at: number): boolean {
  for (let k = 0; k < words.length; k++) if (k !== at && CMU_TRIPLES.has(words[k]!)) return true;
  return false;
}

/** The last of the edits that starts at `start` (a map of them by start keeps the last), or undefined. */
function editAt(edits: Edit[], start: number): Edit | undefined {
  for (let k = edits.length - 1; k >= 0; k--) if (edits[k]!.start === start) return edits[k];
  return undefined;
}

/**
 * The trigram model's margin for swapping the word at run[i] (words[at] of the window) for `alt`, less the
 * swap's prior cost; -Infinity where a test of trigramSwaps refuses the swap.
 */
function swapMargin(ctx: LexiconContext, run: Slot[], outWords: Array<string | null>, i: number, alt: string, words: string[], at: number): number {
  const s = run[i]!;
  const n = run.length;
  const next = words[at + 1]!;
  let against = 0;
  // (the cheapest test first, one look-up: most words of the pairs stop here, "to the" having no "too the")
  if (!trigramSeen(alt, next)) return -Infinity;
  {
    // the bigram model's word: the typed word's two bigrams against the twin's (a contraction as its expansion)
    const typed = s.id;
    const twin = ctx.lex.id(alt);
    if (typed < 0 || twin < 0) return -Infinity;
    const prev = i > 0 ? outIds(ctx, outWords[i - 1]!) : -1;
    const after = i + 1 < n ? outIds(ctx, outWords[i + 1]!) : -1;
    const bigramScore = (id: number) => {
      const seq = ctx.cand.expansion(id) ?? [id];
      let sc = 0;
      let p = prev;
      for (const x of seq) {
        sc += lm(ctx, p, x);
        p = x;
      }
      return after >= 0 ? sc + lm(ctx, p, after) : sc;
    };
    // (the bigrams' own preference for the typed word counts against the swap: a pair below the table's
    // cut makes them lean to the typed word where the twin is only rarer, "costs too much", so they weigh
    // in rather than veto)
    against = Math.min(0, bigramScore(twin) - bigramScore(typed));
    // a possessive (its, your) becomes a contraction only before a word that possessives do not take: one the
    // bigrams show no likelier after his, her, their, our, my than anywhere ("its going", "your welcome"; not
    // "its only species", "your right hand", "its true value"); a rare word's pairs are below the table's
    // pruning, so that it is not seen after them says nothing ("its repulsive ugliness")
    // …and only before a word the bigrams show likelier after the contraction's second word than anywhere
    // ("is going", "are welcome"; not "hint: its remote counterpart", where "is remote" is no pair of the table)
    // (…unless the sentence ends after that word: a possessive takes a noun, and "when your free." has none
    // after it; the trigram model then weighs "is your right." against "think you're right.")
    const last = words[at + 2] === "</s>";
    // (…or a clause begins after it: "its amazing how", "its clear that" have an adjective the contraction's
    // verb takes and no noun after it, where "its claim that" has a noun, which "is" does not take)
    const clause = words[at + 2] !== undefined && CLAUSE_OPENERS.has(words[at + 2]!);
    // (the possessives' test only where the typed word is one: "I think there right about this" is they're,
    // though "their right hand" is English)
    if (alt.includes("'") && !s.lower.includes("'") && (after < 0 || ctx.lex.logP(after) < PARAMS.rareKnownLogP || (!last && !clause && POSSESSIVE_FORMS.has(s.lower) && possessiveLift(ctx, after) > 0) || !(followLift(ctx, twin, after) > 0))) return -Infinity;
    // …nor before a participle in -ed or an adjective that a noun follows: the word then modifies the noun
    // ("left its optimised code", "shipped its updated docs", "removes its temporary file"), where "it's"
    // would want a verb or an adverb after it ("it's changed a lot", "it's finished.")
    if (alt.includes("'") && POSSESSIVE_FORMS.has(s.lower) && i + 2 < n && modifiesNoun(ctx, ctx.cand.expansion(twin)?.at(-1) ?? twin, outWords[i + 1]!, outWords[i + 2]!)) return -Infinity;
  }
  const swapped = words.slice();
  swapped[at] = alt;
  // (a possessive never comes before an article, another possessive, a preposition or not: "if its the ISP",
  // "your the best", "its on the hook" can only be the contraction, whose prior cost the grammar repays)
  const grammar = alt.includes("'") && POSSESSIVE_FORMS.has(s.lower) && words[at + 1] !== undefined && noNounAfter(words[at + 1]!) ? PARAMS.trigramSwapCost : 0;
  return windowScore(swapped, at) - windowScore(words, at) - PARAMS.trigramSwapCost + against + grammar;
}

/**
 * Whether `a b`, after a possessive, reads as a word modifying a noun, a participle in -ed or an adjective:
 * `b` a content word (no function word, no adverb in -ly) that the bigrams show no likelier right after the
 * contraction's second word (`second`: is, are) than anywhere ("updated docs", "optimised code", "temporary
 * file"; not "changed everything", "worked great", "updated daily", where "it's" is meant). Not a form in
 * -ing, whose contraction is a progressive ("your presenting first", "it's looking droopy").
 */
function modifiesNoun(ctx: LexiconContext, second: number, a: string | null, b: string | null): boolean {
  if (a === null || b === null || a.length < 5 || a.endsWith("ing") || b.endsWith("ly") || FUNCTION_WORDS.has(b)) return false;
  const id = ctx.lex.id(b);
  return id >= 0 && !(ctx.lex.bigram(second, id) - ctx.lex.logP(id) > 0);
}

/**
 * ln of how much likelier the bigrams make a word after the possessive determiners (POSSESSIVES) than
 * anywhere: their mean P(w | possessive), a pair the pruned table lacks counting as 0, against P(w). -Infinity
 * when no possessive is seen before it.
 */
function possessiveLift(ctx: LexiconContext, id: number): number {
  let sum = 0;
  for (const p of POSSESSIVES) {
    const pid = ctx.lex.id(p);
    const b = pid >= 0 ? ctx.lex.bigram(pid, id) : NaN;
    if (!Number.isNaN(b)) sum += Math.exp(b);
  }
  return Math.log(sum / POSSESSIVES.length) - ctx.lex.logP(id);
}

/**
 * ln P(w | the second word of a contraction) − ln P(w) from the bigram table (NaN where the pair is not in
 * it); for 's, the better of "is" and "has" ("it's going" is "it is going", "it's been" "it has been").
 */
function followLift(ctx: LexiconContext, contraction: number, id: number): number {
  const second = ctx.cand.expansion(contraction)?.[1];
  if (second === undefined) return NaN;
  const lift = ctx.lex.bigram(second, id) - ctx.lex.logP(id);
  if (!ctx.lex.word(contraction).endsWith("'s")) return lift;
  const has = ctx.lex.id("has");
  const other = has >= 0 ? ctx.lex.bigram(has, id) - ctx.lex.logP(id) : NaN;
  return Number.isNaN(lift) ? other : Number.isNaN(other) ? lift : Math.max(lift, other);
}

/** Whether `w` is the word the best reading keeps right before or after position `at` (decodeRunUncached: an edit would double it). */
function doubles(run: Slot[], outWords: Array<string | null>, at: number, w: string): boolean {
  const lw = w.toLowerCase();
  return (at > 0 && outWords[at - 1] === lw && run[at - 1]!.lower === lw) || (at + 1 < run.length && outWords[at + 1] === lw && run[at + 1]!.lower === lw);
}

/** Whether a word of the run is one the trigram model swaps (trigramSwaps), as typed and editable. */
function swappable(run: Slot[]): boolean {
  for (const s of run) if (s.editable && !s.suffix && (CMU_TRIPLES.has(s.lower) || TRIGRAM_SWAPS.has(s.lower))) return true;
  return false;
}

/** The possessive determiners other than its and your, whose bigrams show which words a possessive takes. */
const POSSESSIVES = ["his", "her", "their", "our", "my"];

/** The articles and possessive determiners: a word after one is no contraction (trigramSwapAt). */
const DETERMINERS = new Set(["a", "an", "the", "its", "your", ...POSSESSIVES]);

/** Words that no possessive comes before (swapMargin): articles and possessives, prepositions, not. */
const NO_NOUN_AFTER = new Set(["on", "in", "at", "for", "with", "from", "by", "about", "into", "onto", "under", "over", "like", "up", "out", "off", "down", "not"]);

/** Whether a possessive cannot come right before `w` (an article, a possessive, a preposition, not). */
function noNounAfter(w: string): boolean {
  return DETERMINERS.has(w) || NO_NOUN_AFTER.has(w);
}

/** Words that open a clause after a predicate ("it's amazing how", "it's clear that"): no noun follows a possessive's adjective there. */
const CLAUSE_OPENERS = new Set(["how", "that", "what", "why", "when", "whether", "if"]);

/** The possessive determiners that a contraction is confused with (its, your, their), and the others. */
const POSSESSIVE_FORMS = new Set(["its", "your", ...POSSESSIVES]);

/** The lexicon id of a word of the best reading (-1 when unknown), for the bigram model. */
function outIds(ctx: LexiconContext, w: string): number {
  return ctx.lex.id(w);
}

/** The hypotheses that start at position i of a run: the word's own (memoised per slot) and those of the pair it begins. */
function hypsAt(ctx: LexiconContext, run: Slot[], i: number): Hyp[] {
  const s = run[i]!;
  // (after an article or a possessive a word is a noun, never a contraction, as trigramSwapAt has it for the
  // pairs the trigram model judges: "the hows and whys", "as was his wont")
  let own = i > 0 && DETERMINERS.has(run[i - 1]!.lower) ? noContraction(slotHyps(ctx, s), s.lower) : slotHyps(ctx, s);
  // (an unknown capitalised word of five letters or more after another capitalised word, in mid-sentence, is
  // the next part of a name: its first letter is no slip for another word's, "Fritz Kater became" is not
  // "Fritz later became"; a function word or a word English capitalises may still be meant)
  if (i > 0 && s.id < 0 && !s.sentenceStart && own.length > 1 && s.lower.length >= 5 && caseShape(s.tok.text) === "title" && caseShape(run[i - 1]!.tok.text) === "title") own = sameInitial(ctx, own, s.lower);
  // a negative contraction typed with a space ("don t go", "doesn t work"): its two parts are only kept or
  // joined (its t made "to", or "doesn" made "does", drops the negation; "don't" keeps it)
  if (i > 0 && run[i - 1]!.gapAfter === " " && splitNegation(run[i - 1]!.tok.text, s.tok.text)) return own.slice(0, 1);
  if (!(i + 1 < run.length && s.gapAfter === " ")) return own;
  const split = splitNegation(s.tok.text, run[i + 1]!.tok.text);
  const pairs = pairHyps(ctx, s, run[i + 1]!);
  if (!pairs.length) return split ? own.slice(0, 1) : own;
  const hs = split ? own.slice(0, 1) : own.slice();
  // a hypothesis never adds or drops a negation between real words (doesnt → does, know → no)
  // (and a word typed three times or more is repeated on purpose: no pair of it is a doubled slip)
  const repeated = (i > 0 && run[i - 1]!.lower === s.lower) || (i + 2 < run.length && run[i + 2]!.lower === s.lower);
  for (const h of pairs) if (keepsNegation(s, run[i + 1]!, h) && !(repeated && h.kind === "other" && h.out.length === 1 && s.lower === run[i + 1]!.lower)) hs.push(h);
  return hs;
}

/** A word's own hypotheses less those of one word that begins with another letter, but a function word or a proper noun (hypsAt: a name's next part). */
function sameInitial(ctx: LexiconContext, hyps: Hyp[], lower: string): Hyp[] {
  const out: Hyp[] = [];
  for (const h of hyps) {
    const w = h.out.length === 1 ? h.out[0]!.toLowerCase() : "";
    if (h.keep || !w || w[0] === lower[0] || FUNCTION_WORDS.has(w) || PROPER.has(w)) out.push(h);
  }
  return out;
}

/**
 * A word's own hypotheses less those that put an apostrophe into it (hows → how's, wont → won't: hypsAt,
 * after an article or a possessive).
 */
function noContraction(hyps: Hyp[], lower: string): Hyp[] {
  const out: Hyp[] = [];
  for (const h of hyps) if (h.keep || h.out.length !== 1 || !h.out[0]!.includes("'") || h.out[0]!.toLowerCase().replace(/'/g, "") !== lower) out.push(h);
  return out;
}

/**
 * Whether the word corrected to `word` at `at`, typed in lower case in mid-sentence, stands beside a word
 * typed with a capital (not the sentence's) with which English writes it as a name (isNamePair: "soufh
 * African" → "South African", "United saates" → "United States"): a slip that loses a letter often loses
 * its shift key too, and a name's words share their capitals. Between two capitalised words, any word that
 * some name writes with a capital (isNameWord) will do. The neighbours are judged as typed.
 */
function nameNeighbour(run: Slot[], at: number, word: string): boolean {
  const s = run[at]!;
  if (s.sentenceStart || caseShape(s.tok.text) !== "lower") return false;
  const title = (t: Slot | undefined) => !!t && caseShape(t.tok.text) === "title";
  const prev = run[at - 1];
  const next = run[at + 1];
  const after = title(prev) && !prev!.sentenceStart;
  const before = title(next);
  // (between two such words, any word that names write with a capital: "First American schentific Corp.")
  if (after && before && isNameWord(word) && !FUNCTION_WORDS.has(word)) return true;
  return (after && isNamePair(prev!.lower.replace(/'s$/, ""), word)) || (before && isNamePair(word, next!.lower.replace(/'s$/, "")));
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
  // (a number before it, unknown to the bigrams, is no word before it: as at a run's start)
  if (!prev || prev.number) return !prev && run[at]!.sentenceStart;
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
  const before = h.span === 2 && splitNegation(s.tok.text, t!.tok.text) ? 1 : (negates(s.tok.text) ? 1 : 0) + (h.span === 2 && negates(t!.tok.text) ? 1 : 0);
  let after = 0;
  for (const w of h.out) if (negates(w)) after++;
  return before === after || (after > before && s.id < 0 && (h.span === 1 || t!.id < 0));
}

/**
 * The hypotheses of one word on its own (singleHyps, then splitHyps, those that change a negation
 * removed), memoised per engine on what they depend on (sameSlot): prose repeats its words, and a word's
 * own hypotheses depend on nothing else. The memo is a map from the token's text to the entries of that
 * text met so far (a word is met at a sentence start, not editable, …), compared field by field: no key
 * string is built per word. The array is shared: callers copy it to add to it.
 */
function slotHyps(ctx: LexiconContext, s: Slot): Hyp[] {
  let memo = slotMemos.get(ctx);
  if (!memo) slotMemos.set(ctx, (memo = { byText: new Map(), size: 0 }));
  const seen = memo.byText.get(s.tok.text);
  if (seen) for (const e of seen) if (sameSlot(e.slot, s)) return e.hyps;
  const all = singleHyps(ctx, s);
  all.push(...splitHyps(ctx, s));
  const hs = [all[0]!];
  for (let k = 1; k < all.length; k++) if (keepsNegation(s, undefined, all[k]!)) hs.push(all[k]!);
  // (full, it keeps what it has: prose meets its common words early, and a memo emptied again and again
  // leaves old garbage that raised peak RSS by 15-65 MB over 172,762 words)
  if (memo.size < SLOT_MEMO_MAX) {
    memo.size++;
    // (the fields sameSlot reads, copied: the memo must not see later changes to the slot)
    const key: SlotKey = { tok: { text: s.tok.text }, id: s.id, suffix: s.suffix, viaVariant: s.viaVariant, editable: s.editable, sentenceStart: s.sentenceStart, alone: s.alone, local: s.local, afterWord: s.afterWord, gapAfter: s.gapAfter, numberAfter: s.numberAfter, stem: s.stem };
    const entry = { slot: key, hyps: hs };
    if (seen) seen.push(entry);
    else memo.byText.set(s.tok.text, [entry]);
  }
  return hs;
}

/**
 * Slots whose own hypotheses are kept. Over CORPUS (172,762 words) the words' own hypotheses were built
 * 17,696 times with 10,000 kept, 23,945 with 5,000, 15,549 with 20,000 (38,963 with 5,000 when every
 * field of the slot was compared). Each entry keeps only the fields sameSlot reads: peak RSS of the compiled
 * `typofix --no-server < CORPUS` 130–133 MB (main: 132–139).
 */
const SLOT_MEMO_MAX = 10_000;

const slotMemos = new WeakMap<LexiconContext, { byText: Map<string, Array<{ slot: SlotKey; hyps: Hyp[] }>>; size: number }>();

/** Forget the memoised hypotheses of words and scores of pairs (benchmarks measure cold calls). */
export function clearSearchMemos(ctx: LexiconContext): void {
  slotMemos.delete(ctx);
  pairTables.delete(ctx);
  lastCtx = lastTable = null;
  smallCtx = null;
  clearPairMemo();
}

/**
 * What a word's own hypotheses (singleHyps, splitHyps, keepsNegation) read of its slot, and so what
 * sameSlot compares: the token's text; the fields index.ts derives from the text alone (id, suffix,
 * viaVariant; lower and stem too, which need no comparison of their own); and its circumstances:
 * editable, alone, the names of the text it may stand for, whether it begins a sentence (read only for a
 * word written with a capital: a name or not), and, for a lone letter (a stem of one character), whether a
 * word of the run stands on each side.
 */
export const SLOT_KEY_FIELDS = ["tok", "id", "suffix", "viaVariant", "editable", "sentenceStart", "alone", "local", "afterWord", "gapAfter", "numberAfter", "stem"] as const;

/**
 * The other fields of a Slot, which a word's own hypotheses never read: a text's lower case and stem are
 * functions of its text (index.ts), and the sentence's capital and a compound's end matter to the search
 * (restore.ts, pairHyps), not to one word's readings; a number's slot (index.ts numberSlot) is never
 * editable, which is compared. A field added to Slot must join one of the two lists
 * (test/lexicon-slotkey.test.ts checks that the Slot interface has no other field).
 */
export const SLOT_FREE_FIELDS = ["lower", "capital", "compoundEnd", "number"] as const;

type SlotKey = Omit<Pick<Slot, (typeof SLOT_KEY_FIELDS)[number]>, "tok"> & { tok: Partial<Slot["tok"]> & { text: string } };

/** Whether two slots give the same hypotheses of their own: every field of SLOT_KEY_FIELDS that the word's hypotheses read equal. */
export function sameSlot(a: SlotKey, b: SlotKey): boolean {
  if (
    a.tok.text !== b.tok.text ||
    a.id !== b.id ||
    a.suffix !== b.suffix ||
    a.viaVariant !== b.viaVariant ||
    a.editable !== b.editable ||
    a.alone !== b.alone ||
    !sameList(a.local, b.local)
  )
    return false;
  // (a sentence start makes a difference to a capitalised word only: a name or not)
  if (a.sentenceStart !== b.sentenceStart && !startsLower(a.tok.text)) return false;
  // (the words beside a lone letter: "t accompany" is a mangled word, a lone "t" a letter)
  return a.stem.length >= 2 || (a.afterWord === b.afterWord && !a.gapAfter === !b.gapAfter && !a.numberAfter === !b.numberAfter);
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Best path through the hypotheses (state = last output word id), or null if none.
 *
 * The states live in typed arrays reused by every call (no object per state: a run of prose reaches a
 * million of them): a hypothesis always leads to the same state (its last word, or its position for an
 * unknown one), so the states at position j are at most the hypotheses that end there, and each
 * position gets a block of that many slots, filled in the order its states are first reached. Only the
 * best path is returned as State objects.
 */
function viterbi(ctx: LexiconContext, run: Slot[], from: Hyp[][], ends: boolean): State | null {
  const n = run.length;
  // a contraction in context is its expansion: P(they | prev) · P(are | they); "are" is the next word's context
  for (const hs of from) for (const h of hs) h.seq ??= sequence(ctx, h.ids);
  // each position's block: start[j], its states so far count[j] (position 0: the start state alone)
  if (vStart.length < n + 2) {
    vStart = new Int32Array(2 * (n + 2));
    vCount = new Int32Array(2 * (n + 2));
  }
  const start = vStart;
  const count = vCount;
  count.fill(0, 0, n + 1);
  start[0] = 0;
  let total = 1;
  {
    // (the slots of position j: the hypotheses that end there)
    for (let j = 1; j <= n; j++) start[j] = 0;
    for (let i = 0; i < n; i++) for (const h of from[i]!) if (i + h.span <= n) start[i + h.span]!++;
    for (let j = 1; j <= n; j++) {
      const c = start[j]!;
      start[j] = total;
      total += c;
    }
  }
  if (vLast.length < total) growStates(total);
  const last = vLast;
  const score = vScore;
  const prevOf = vPrev;
  const hypOf = vHyp;
  const keyOf = vKey;
  last[0] = -1;
  score[0] = 0;
  prevOf[0] = -1;
  hypOf[0] = null;
  keyOf[0] = -2;
  count[0] = 1;
  for (let i = 0; i < n; i++) {
    const keepLen = run[i]!.stem.length;
    const hs = from[i]!;
    const s0 = start[i]!;
    const s1 = s0 + count[i]!;
    for (let st = s0; st < s1; st++) {
      const stScore = score[st]!;
      const stLast = last[st]!;
      for (const h of hs) {
        let sc = stScore + h.channel;
        let prev = stLast;
        const seq = h.seq!;
        for (let k = 0; k < seq.length; k++) {
          const id = seq[k]!;
          sc += lm(ctx, prev, id, h.keep ? keepLen : 0);
          prev = id;
        }
        const j = i + h.span;
        // unknown kept words: distinguish states by position so they do not collide
        const key = prev >= 0 ? prev : -3 - i;
        const b0 = start[j]!;
        const b1 = b0 + count[j]!;
        let at = b0;
        while (at < b1 && keyOf[at] !== key) at++;
        if (at === b1) {
          count[j]!++;
          keyOf[at] = key;
          last[at] = prev;
          score[at] = sc;
          prevOf[at] = st;
          hypOf[at] = h;
        } else if (sc > score[at]!) {
          // (a better way to the same state: changed in place, as nothing refers to the states at j
          // before position j is reached)
          last[at] = prev;
          score[at] = sc;
          prevOf[at] = st;
          hypOf[at] = h;
        }
      }
    }
  }
  let best = -1;
  let bestScore = 0;
  for (let st = start[n]!, end = st + count[n]!; st < end; st++) {
    // how much likelier the last word is to end a sentence than words in general ("too." against "to.")
    const sc = ends && last[st]! >= 0 ? score[st]! + PARAMS.endWeight * ctx.lex.data.endLogRatio[last[st]!]! : score[st]!;
    if (best < 0 || sc > bestScore) {
      best = st;
      bestScore = sc;
    }
  }
  if (best < 0) return null;
  // the best path as State objects, from the start state on
  const chain: number[] = [];
  for (let st = best; st >= 0; st = prevOf[st]!) chain.push(st);
  let out: State | null = null;
  for (let k = chain.length - 1; k >= 0; k--) {
    const st = chain[k]!;
    out = { last: last[st]!, score: score[st]!, prev: out, hyp: hypOf[st]! };
  }
  // (the hypotheses stay referenced from the slots until overwritten: a run's few hundred at most)
  return { ...out!, score: bestScore };
}

/** Viterbi's reused state arrays (see viterbi). */
let vStart = new Int32Array(64);
let vCount = new Int32Array(64);
let vLast = new Int32Array(0);
let vScore = new Float64Array(0);
let vPrev = new Int32Array(0);
let vKey = new Int32Array(0);
let vHyp: Array<Hyp | null> = [];

function growStates(size: number): void {
  const cap = Math.max(size, 2 * vLast.length, 256);
  vLast = new Int32Array(cap);
  vScore = new Float64Array(cap);
  vPrev = new Int32Array(cap);
  vKey = new Int32Array(cap);
  vHyp = new Array<Hyp | null>(cap).fill(null);
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
  // two known words: from the engine's table of pairs scored before, or scored and kept there (once the
  // process has scored PAIR_TABLE_AFTER pairs: a one-liner's few dozen do not pay for 2 MB of table)
  if (prev >= 0 && id >= 0 && (pairsScored >= PAIR_TABLE_AFTER || ++pairsScored >= PAIR_TABLE_AFTER)) {
    const t = pairTable(ctx).cells;
    const k = ((Math.imul(prev, 0x9e3779b1) ^ Math.imul(id, 0x85ebca6b)) >>> (32 - PairTable.BITS)) << 1;
    const key = prev * PairTable.SPAN + id + 1;
    if (t[k] === key) return t[k + 1]!;
    const v = lmUncached(ctx, prev, id, unknownLength);
    t[k] = key;
    t[k + 1] = v;
    return v;
  }
  if (prev >= 0 && id >= 0) {
    // before that, a small table of the same kind: a one-liner's Viterbi passes (the best path, then two
    // per edit for its confidence) ask for the same pairs again and again (736 look-ups of 190 pairs for
    // "Thi sis a tset"), each a binary search, two exponentials and a logarithm in the interpreter
    if (ctx !== smallCtx) {
      smallCtx = ctx;
      smallPrev.fill(-1);
    }
    // (a hash in plain arithmetic: Math.imul is a native call in the interpreter, ~1,500 of them in a
    // one-liner; any slot the pair always gets will do, as the table compares the pair itself)
    const k = (prev * 0x9e3779b1 + id * 0x85ebca6b) >>> (32 - SMALL_BITS);
    if (smallPrev[k] === prev && smallNext[k] === id) return smallValue[k]!;
    const v = lmUncached(ctx, prev, id, unknownLength);
    smallPrev[k] = prev;
    smallNext[k] = id;
    smallValue[k] = v;
    return v;
  }
  return lmUncached(ctx, prev, id, unknownLength);
}

/** The small table of pairs scored before the big one is made (PAIR_TABLE_AFTER), for the engine smallCtx. */
const SMALL_BITS = 10;
const smallPrev = new Int32Array(1 << SMALL_BITS).fill(-1);
const smallNext = new Int32Array(1 << SMALL_BITS);
const smallValue = new Float64Array(1 << SMALL_BITS);
let smallCtx: LexiconContext | null = null;

/**
 * ln P(id | prev) of pairs of known words scored before: a direct-mapped table in one typed array (a pair
 * overwrites the one in its slot), so it costs 2 MB once and leaves no garbage. A hit saves the bigram's
 * binary search and two exponentials and a logarithm. Each slot is two neighbouring cells, the pair's key
 * (prev · SPAN + id + 1; 0: empty) and its value, so that a look-up reads one cache line: the table is as
 * large as the core's L2 cache, and with the key and the value in three arrays a look-up missed it three
 * times.
 */
class PairTable {
  static readonly BITS = 17;
  /** More than any word id (keys stay exact in a double: below 2^53). */
  static readonly SPAN = 2 ** 24;
  readonly cells = new Float64Array(2 << PairTable.BITS);
}

/** Pairs of known words scored without the table, in this process (up to PAIR_TABLE_AFTER). */
let pairsScored = 0;
const PAIR_TABLE_AFTER = 2000;

const pairTables = new WeakMap<LexiconContext, PairTable>();
let lastCtx: LexiconContext | null = null;
let lastTable: PairTable | null = null;

/** The engine's PairTable (the last one asked for is at hand: one comparison per look-up). */
function pairTable(ctx: LexiconContext): PairTable {
  if (ctx !== lastCtx || !lastTable) {
    let t = pairTables.get(ctx);
    if (!t) pairTables.set(ctx, (t = new PairTable()));
    lastCtx = ctx;
    lastTable = t;
  }
  return lastTable;
}

function lmUncached(ctx: LexiconContext, prev: number, id: number, unknownLength: number): number {
  const lex = ctx.lex;
  // long unknown words are rarely valid words we lack: words are sparse in edit space as they grow
  // (a lone letter is a letter, a variable, an initial: far likelier than an unknown word)
  const uni =
    id >= 0 ? lex.logP(id) : id === LOCAL ? PARAMS.logPLocalName : unknownLength === 1 ? PARAMS.logPLetter : unknownLogP(unknownLength);
  const w = PARAMS.bigramWeight;
  if (prev < 0 || id < 0) return uni + BACKOFF;
  const bi = lex.bigram(prev, id);
  if (Number.isNaN(bi)) return uni + BACKOFF;
  return Math.log(w * Math.exp(bi) + (1 - w) * Math.exp(uni));
}

/** ln(1 - w), the back-off's weight (PARAMS are fixed once params.ts is loaded, its environment override included). */
const BACKOFF = Math.log(1 - PARAMS.bigramWeight);

/** The replacement text with the case shape of the words it replaces. */
function render(hyp: Hyp, slots: Slot[]): string {
  const a = slots[0]!;
  if (hyp.out.length === 1) return restore(a.tok.text, hyp.out[0]!, a);
  const b = slots[slots.length - 1]!;
  const likeSecond = slots.length === 2 ? b.tok.text : caseShape(a.tok.text) === "upper" ? a.tok.text : hyp.out[1]!;
  return restore(a.tok.text, hyp.out[0]!, a) + " " + restore(likeSecond, hyp.out[1]!);
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [decodeRunUncached, doubles, noNounAfter, swappable, sameInitial, noContraction, editAt, modifiesNoun, hypsAt, nameNeighbour, swapHasEvidence, keepsNegation, slotHyps, sameSlot, sameList, viterbi, growStates, sequence, lm, pairTable, lmUncached, render, PairTable.prototype]);
