/**
 * The hypotheses the lexicon's search chooses among, per word or pair of words: the word as typed, a
 * lower-cased stray capital, confusable real words, a contraction typed without its apostrophe, a known
 * misspelling's correction, dictionary words and names of the same text within edit distance 1 or 2
 * (singleHyps); two words joined or re-spaced, a doubled word dropped, "could of" → "could have"
 * (pairHyps); one unknown word split in two (splitHyps). Each carries its channel cost, ln P(typed | hyp).
 *
 * Cost: per unknown word one bounded trie walk (distance 2, or 1 for short words and names); per known
 * word a read of its neighbours from lexicon.bin's real-word table (a walk at distance 1 for a listed word
 * without a count); per pair and per split a prefix walk of the joined word.
 */
import type { EditKind } from "../../types.ts";
import type { Token } from "../../text/tokenize.ts";
import { caseShape } from "../../text/case.ts";
import { pattern, plainWord } from "../../text/ascii.ts";
import type { Lexicon } from "./lexicon.ts";
import { WORD_COMMON, WORD_KEEP, WORD_LISTED, WORD_NAME, WORD_NAMELIKE } from "./format.ts";
import type { Candidates } from "./candidates.ts";
import { PARAMS } from "./params.ts";
import { channelDistance } from "./channel.ts";
import { CONFUSABLES } from "../../text/confusables.ts";
import { PROPER } from "./proper.ts";
import { FUNCTION_WORDS, isInflection, MODALS, PARTICLES_CLOSED, PREFIXES, RARE_SWAPS } from "./wordlists.ts";
import { hotPath } from "../../runtime/jit.ts";

/** What the lexicon's modules read: the dictionary and its candidate searches (the engine itself). */
export interface LexiconContext {
  readonly lex: Lexicon;
  readonly cand: Candidates;
}

/** Contractions whose homophones are the classic real-word errors (it's/its, you're/your, they're/their). */
const HOMOPHONE_CONTRACTIONS = new Set(["it's", "you're", "they're"]);

/** Lexicon id used for names seen elsewhere in the same text. */
export const LOCAL = -5;

/** One reading of one or two typed words. */
export interface Hyp {
  /** Output words in dictionary (lower-case) form, or the original text for kept unknown words. */
  out: string[];
  /** Lexicon ids of the output words, -1 for unknown. */
  ids: number[];
  /** ln P(typed | hyp). */
  channel: number;
  /** Number of input words covered (1 or 2). */
  span: 1 | 2;
  /** True when this hypothesis reproduces the input exactly. */
  keep: boolean;
  kind: EditKind;
  /** The ids the language model scores: `ids` with each contraction replaced by its two words (filled by viterbi). */
  seq?: number[];
}

/** A typed word of a run, as index.ts found it: its dictionary id, case context and whether it may change. */
export interface Slot {
  tok: Token;
  lower: string;
  /** Dictionary id of the word (or of its stem without a possessive 's). */
  id: number;
  /** Trailing possessive ("'s" / "’s") split off for lookup, re-attached on output. */
  suffix: string;
  stem: string;
  sentenceStart: boolean;
  /**
   * Whether a sentence begins here in a text whose writer capitalises sentences: "sure" after . ! ? or at
   * the start of a text that ends like a sentence, "maybe" at the start of another text.
   */
  capital: "sure" | "maybe" | false;
  /** Known only as the other (US/UK) spelling of a dictionary word: right as typed, never replaced. */
  viaVariant?: boolean;
  editable: boolean;
  /** Whitespace before the next slot in the run, if any. */
  gapAfter: string;
  /** Whether a word of the same run comes before this one. */
  afterWord: boolean;
  /** Whether the word is the whole text (a lone word asked about: `typofix lonley`). */
  alone?: boolean;
  /** Names spelled otherwise elsewhere in the same text that this unknown word may be a typo of. */
  local?: string[];
  /** The word ends a hyphenated compound (built-in, opt-in): "built-in in" doubles no word. */
  compoundEnd?: boolean;
  /** The slot is a number in digits (index.ts numberSlot): never edited, a number word to the trigram model. */
  number?: boolean;
  /** The next slot is such a number (a lone letter before it is no mangled word: "x 2"). */
  numberAfter?: boolean;
}

/** Suffixes that derive a noun from a word (isCompound): -ist, -ism, -ness and their plurals. */
const DERIVING_SUFFIXES = ["ist", "ists", "ism", "isms", "ness"];

/**
 * Whether an unknown word is two dictionary words closed up (frontman, timeframe, uplinks, offseason):
 * parts of three letters or more (or a particle such as up/on/off/out before or after a longer part),
 * neither a function word, each common enough and the two together above PARAMS.compoundLogP.
 */
function isCompound(ctx: LexiconContext, w: string): boolean {
  if (w.length < 6 || !/^[a-z]+$/.test(w)) return false;
  // a prefix closed up with a word of five letters or more (respacing, untrusted, multiline; not remine,
  // where a short word leaves the slip of a longer one likelier)
  for (let k = 2; k <= 5 && w.length - k >= 5; k++) {
    const id = PREFIXES.has(w.slice(0, k)) ? ctx.lex.id(w.slice(k)) : -1;
    if (id >= 0 && ctx.lex.logP(id) > -13) return true;
  }
  // …and so is a word of five letters or more with a suffix that makes a noun of a person, a doctrine or a
  // state (regionalist, localists, modernism, rawness): the books did not print it, but it is no slip
  for (const suffix of DERIVING_SUFFIXES) {
    if (w.length - suffix.length < 5 || !w.endsWith(suffix)) continue;
    const id = ctx.lex.id(w.slice(0, -suffix.length));
    if (id >= 0 && id < ctx.lex.data.nCounted && ctx.lex.logP(id) > -13) return true;
  }
  // a function word run on to a word that follows it far more often than elsewhere is a run-on ("infact":
  // in fact, not inf + act; "ontop"), whatever other parts the letters make
  if (runOnOfFunctionWord(ctx.lex, w, 2)) return false;
  const pre = ctx.lex.prefixIds(w);
  for (let k = 2; k <= w.length - 2; k++) {
    const lid = pre[k]!;
    if (lid < 0) continue;
    const l = w.slice(0, k);
    const r = w.slice(k);
    const rid = ctx.lex.id(r);
    if (rid < 0 || FUNCTION_WORDS.has(l) || FUNCTION_WORDS.has(r)) continue;
    const ok = (p: string, other: string) => p.length >= 3 || (PARTICLES_CLOSED.has(p) && other.length >= 4);
    if (!ok(l, r) || !ok(r, l)) continue;
    // (both parts common enough, and together likely enough: dir + ven, curt + ans, scar + ely are slips of
    // driven, curtains, scarcely, not compounds)
    const a = ctx.lex.logP(lid);
    const b = ctx.lex.logP(rid);
    if (a > -13 && b > -13 && a + b > PARAMS.compoundLogP) return true;
  }
  return false;
}

/**
 * The readings of one typed word. A capitalised word with one more capital inside or at its end (NeoX,
 * DeiT, PinTts, UniversitX) that reached the search is read as a slip of the shift key (strayCapital), and
 * only what such a slip explains may replace it: the word lower-cased, or its inner capital dropped or
 * standing for another letter in a word of six letters or more (UniversitX → University, PinTts → Pints, not
 * Points). One that needs another edit besides is a coined name: NeoX is not Next, DeiT not Diet; nor is a
 * short one's capital another letter: NeoX is not Neon (a short mixed-case word is a coined name far more often
 * than a long one is; technical text: GPT NeoX became GPT Neon once its nearer candidates were no longer
 * crowded out by distance-2 ones, secondEditCost). (On the realistic dev set mixed-case words
 * are right 59 times in 60, and this limit on every mixed-case shape raises its reduction 0.5093 -> 0.5096;
 * but the artificial set's synthetic capitals come with other edits, and there it costs 0.037 on every
 * shape, 0.0033 on the XXxx shape alone; on these two shapes it goes from 0.5742 to 0.5747.)
 */
export function singleHyps(ctx: LexiconContext, s: Slot): Hyp[] {
  const hyps = singleHypsAll(ctx, s);
  // (a plain word, rules.ts, has no capital inside: no expression run for it)
  if (!s.editable || plainWord(s.tok.text) || !pattern("innerCapital", s.tok.text).test(s.tok.text)) return hyps;
  return hyps.filter((h) => h.keep || h.out.length !== 1 || shiftExplains(s.tok.text, h.out[0]!));
}

/** Whether `to` is `from` with its shift-key slip undone: lower-cased, or one inner capital dropped or replaced. */
export function shiftExplains(from: string, to: string): boolean {
  const a = from.toLowerCase();
  const b = to.toLowerCase();
  if (a === b) return true;
  for (let k = 1; k < from.length; k++) {
    if (!/\p{Lu}/u.test(from[k]!)) continue;
    if (b.length === a.length - 1 && b === a.slice(0, k) + a.slice(k + 1)) return true;
    if (b.length === a.length && a.length >= 6 && b.slice(0, k) === a.slice(0, k) && b.slice(k + 1) === a.slice(k + 1)) return true;
  }
  return false;
}

/** Add the reading of a word as dictionary word `id` to hyps, unless `seen` has it (singleHypsAll; a function, not a closure made per word). */
function addHyp(hyps: Hyp[], seen: Set<number>, lex: Lexicon, s: Slot, id: number, channel: number, kind: EditKind): void {
  if (seen.has(id)) return;
  seen.add(id);
  hyps.push({ out: [lex.word(id) + s.suffix.toLowerCase()], ids: [id], channel, span: 1, keep: false, kind });
}

/*
 * The rarer readings of singleHypsAll, in functions of their own: the first call of a function links all of
 * its bytecode, so code that a one-liner skips costs less outside singleHypsAll's body than inside it.
 */

/** A lone lower-case letter's readings (singleHypsAll): only between two words of the same run (not "McCarthy's", "2 m"), for a common word, with strong context and an extra cost. */
function loneHyps(ctx: LexiconContext, s: Slot, hyps: Hyp[], seen: Set<number>): Hyp[] {
  if (!s.afterWord || !s.gapAfter || s.numberAfter) return hyps;
  const lex = ctx.lex;
  for (const h of ctx.cand.nearestCommon(s.stem)) if (lex.word(h.id).length > 1) addHyp(hyps, seen, lex, s, h.id, -(PARAMS.loneLetterCost + h.cost), "spelling");
  return hyps;
}

/**
 * A word with a stray capital (singleHypsAll): the capital was typed in addition to the word: "gaFve" →
 * "gave", "prisoneDrs" → "prisoners" (one capital: removing several letters is not one slip — "BlueFRITZ",
 * "RedeTV" are names).
 */
function strayCapitalHyp(lex: Lexicon, s: Slot, hyps: Hyp[], seen: Set<number>): void {
  const without = s.tok.text.slice(0, 1) + s.tok.text.slice(1).replace(/\p{Lu}/gu, "");
  const id = lex.id(without.toLowerCase());
  if (id >= 0 && without.length >= 2 && without.length === s.tok.text.length - 1) addHyp(hyps, seen, lex, s, id, -(PARAMS.typoCost + PARAMS.editCost * 0.5), "spelling");
}

/**
 * Whether the corpus rarely doubles a word: P(a | a) well below P(a) (PARAMS.doubledLift); for a settled
 * word (more common than settledLogP) of three letters or more, or a function word, also where the pruned
 * table lacks the pair ("but but": a doubling common enough to matter would be listed). A rarer word's
 * missing pair says nothing (knock knock).
 */
function rarelyDoubled(lex: Lexicon, id: number): boolean {
  const pair = lex.bigram(id, id);
  if (!Number.isNaN(pair)) return pair - lex.logP(id) < PARAMS.doubledLift;
  // (an interjection of two letters is doubled on purpose: ha ha, uh uh)
  const w = lex.word(id);
  return lex.logP(id) > PARAMS.settledLogP && (w.length >= 3 || FUNCTION_WORDS.has(w));
}

/** ln of how much likelier the bigrams show word `r` right after word `l` than anywhere (NaN where the table lacks the pair). */
export function pairLift(lex: Lexicon, l: number, r: number): number {
  return lex.bigram(l, r) - lex.logP(r);
}

/**
 * Whether `w` is a function word of `fromK` to five letters run on to a word the bigrams show more than
 * e^minLift times likelier after it than anywhere (isCompound at e², "infact"; a habitual run-on at e⁴,
 * "alot", "eachother": index.ts habitualTypo).
 */
export function runOnOfFunctionWord(lex: Lexicon, w: string, minLift: number, fromK = 2): boolean {
  for (let k = fromK; k <= 5 && k <= w.length - 3; k++) {
    const head = w.slice(0, k);
    if (!FUNCTION_WORDS.has(head)) continue;
    const l = lex.id(head);
    const r = lex.id(w.slice(k));
    if (l >= 0 && r >= 0 && pairLift(lex, l, r) > minLift) return true;
  }
  return false;
}

/** An unknown word as a typo of a name used elsewhere in its text (singleHypsAll; `word`: its stem). */
function localHyps(s: Slot, word: string, hyps: Hyp[]): void {
  for (const name of s.local!)
    hyps.push({ out: [name + s.suffix], ids: [LOCAL], channel: -(PARAMS.typoCost + PARAMS.editCost * channelDistance(name.toLowerCase(), word)), span: 1, keep: false, kind: "spelling" });
}

/** A real word's confusables (singleHypsAll: `alts`, its set; a contraction is scored as its expansion: the bigram model judges it's/its through "it is"). */
function confusableHyps(lex: Lexicon, s: Slot, word: string, alts: readonly string[], nameCost: number, hyps: Hyp[], seen: Set<number>): void {
  const P = PARAMS;
  for (const alt of alts) {
    const id = lex.id(alt);
    const extra = RARE_SWAPS.has(word) || RARE_SWAPS.has(alt) ? P.rareSwapCost : 0;
    // a contraction and its homophone are confused most of all (its/it's, your/you're, their/they're);
    // other contractions of the sets (we're, who's) only on stronger evidence than the bigrams give
    const contracted = word.includes("'") || alt.includes("'");
    if (contracted && !HOMOPHONE_CONTRACTIONS.has(word) && !HOMOPHONE_CONTRACTIONS.has(alt)) continue;
    const cost = contracted ? P.contractionSwapCost : P.confusableCost;
    if (id >= 0) addHyp(hyps, seen, lex, s, id, -(cost + extra + nameCost), "confusable");
  }
}

/**
 * A known misspelling's corrections (singleHypsAll: `fixes`, what the lists give for `word`): the strongest
 * evidence there is when the lists agree on one word for it; a short or ambiguous one is only a candidate.
 */
function misspellingHyps(lex: Lexicon, s: Slot, word: string, fixes: readonly number[], nameCost: number, hyps: Hyp[], seen: Set<number>): void {
  const P = PARAMS;
  for (const id of fixes) {
    const sure = fixes.length === 1 && word.length >= 4;
    let channel = sure ? P.misspellingCost : P.typoCost + P.editCost * channelDistance(lex.word(id), word, true);
    // (a word of the lists without a count, config, async, has the listed prior, below an unknown word's:
    // where the lists agree on it, it is as likely as the typed word would be, and likelier by the evidence
    // itself: "the conifg format" is config)
    if (sure && lex.flags(id) & WORD_LISTED) channel -= Math.max(0, unknownLogP(word.length) - lex.logP(id)) + P.listedMisspellingLift;
    addHyp(hyps, seen, lex, s, id, -(channel + (PROPER.has(lex.word(id)) ? nameCost * P.properShare : nameCost)), "spelling");
  }
}

/** The unigram ln P of keeping an unknown word of `length` letters (long unknown words are rarely valid ones we lack; search.ts lmUncached). */
export function unknownLogP(length: number): number {
  return PARAMS.logPUnknown - PARAMS.unknownPerChar * Math.max(0, length - 5);
}

function singleHypsAll(ctx: LexiconContext, s: Slot): Hyp[] {
  const keep: Hyp = { out: [s.tok.text], ids: [s.id], channel: 0, span: 1, keep: true, kind: "spelling" };
  // an unknown closed compound of two content words (frontman, timeframe, offseason) is probably right
  // (not a known misspelling: "lonley" is no lon + ley)
  if (s.id < 0 && s.editable && isCompound(ctx, s.stem) && !ctx.lex.corrections(s.stem).length) keep.channel = PARAMS.compoundKeep;
  // an unknown lower-case word asked about alone is more likely a misspelling than one met in prose
  if (s.id < 0 && s.editable && s.alone && caseShape(s.tok.text) === "lower") keep.channel -= PARAMS.loneUnknownCost;
  const hyps: Hyp[] = [keep];
  if (!s.editable) return hyps;
  const shape = caseShape(s.tok.text);
  if (shape === "mixed") {
    // a stray capital is itself evidence of a slip: keeping it costs, lower-casing it is cheap
    keep.channel = -PARAMS.strayCapitalCost;
    if (s.id >= 0) hyps.push({ out: [s.lower], ids: [s.id], channel: -1, span: 1, keep: false, kind: "case" });
  }
  const isName = shape === "title" && !s.sentenceStart;
  // a capitalised unknown word at the start of a sentence may still be a name
  const startName = shape === "title" && s.sentenceStart && s.id < 0;
  const word = s.stem;
  const lex = ctx.lex;
  // single letters (initials, list markers, variables) and abbreviations (km, pH, Mr) are never changed
  // (shorthand, units and short technical words: models/en/src/keep.txt)
  if (s.id >= 0 && lex.flags(s.id) & WORD_KEEP) return hyps;
  // a lone lower-case letter other than a word (a, I) is usually a mangled short word ("t accompany")
  const lone = word.length < 2;
  if (lone && (word === "a" || word === "i" || shape !== "lower")) return hyps;
  const P = PARAMS;
  // long capitalised words are less often unknown names than short ones ("Msueum" vs "Daly")
  const nameBase = Math.max(P.nameCostMin, P.nameCost - P.nameCostPerChar * Math.max(0, word.length - 5));
  const nameCost = isName ? nameBase : startName ? nameBase * P.startNameShare : 0;
  const seen = new Set<number>([s.id]);
  if (lone) return loneHyps(ctx, s, hyps, seen);
  if (shape === "mixed") strayCapitalHyp(lex, s, hyps, seen);
  if (s.id >= 0) {
    // a real word: confusables, and near neighbours of rare words
    // (a contraction is scored as its expansion: the bigram model judges it's/its through "it is")
    const alts = CONFUSABLES.get(word);
    if (alts) confusableHyps(lex, s, word, alts, nameCost, hyps, seen);
    // a rare word that is a common contraction without its apostrophe (hes, shes, wont)
    const c = lex.logP(s.id) < P.rareKnownLogP ? ctx.cand.contraction(word) : -1;
    if (c >= 0 && lex.logP(c) > lex.logP(s.id)) addHyp(hyps, seen, lex, s, c, -(P.typoCost + nameCost), "spelling");
    // a word known only from the lists that the misspelling lists know better (quater)
    const fixes = lex.flags(s.id) & WORD_LISTED && word.length >= 4 ? lex.corrections(word) : [];
    if (fixes.length === 1) addHyp(hyps, seen, lex, s, fixes[0]!, -(P.misspellingCost + P.listedCost + nameCost), "spelling");
    // a word right in the other spelling (favor, favorably) is not a real-word error
    if (word.length >= 2 && !isName && !word.includes("'") && !s.viaVariant) {
      // real-word errors: rare words may stand for any neighbour, common words only for common ones
      const rare = lex.logP(s.id) < P.rareKnownLogP;
      // (a word of today's English that the books count below a settled word's count costs as much as a
      // rarer one: "Get the stat of the file", "fake it" were made state and make at the real-word cost;
      // of three letters, only one the books do not count as rare: "I ate too much cake" was made "I are",
      // but a rare short word, fro, oft, wit, is one slip from a common word more often than it is typed)
      const modern = lex.flags(s.id) & WORD_COMMON && lex.logP(s.id) <= P.settledLogP && (word.length >= 4 || !rare);
      // a word of the lists without a count (tmux, linter) is right: only strong context may change it
      const cost = (modern ? P.modernRealWordCost : rare ? P.rareRealWordCost : P.realWordCost) + (lex.flags(s.id) & WORD_LISTED ? P.listedCost : 0);
      // (a real word is replaced only by a frequent one: a rare neighbour never earns the real-word cost;
      // and a frequent word of four letters or more, or of three that is no function word (cold, form, end),
      // by none: a slip rarely lands on one, and a bigram model cannot tell "one cold pass" from "one could
      // pass" — its confusable sets still apply)
      const settled = !rare && (word.length >= 4 || (word.length === 3 && !FUNCTION_WORDS.has(word))) && lex.logP(s.id) > P.settledLogP;
      // (its neighbours, neither its other spelling nor forms of it: Candidates.realWords, from the file's
      // table for a frequent word)
      if (!settled) for (const h of ctx.cand.realWordNeighbours(s.id, word)) addHyp(hyps, seen, lex, s, h.id, -(cost + h.cost + (h.inflection ? P.inflectionCost : 0)), "spelling");
    }
  } else {
    // a contraction typed without its apostrophe (dont, theyre, Im): nothing else explains the word
    const c = ctx.cand.contraction(word);
    if (c >= 0) {
      addHyp(hyps, seen, lex, s, c, 0, "spelling");
      return hyps;
    }
    // a known misspelling (seperate, wierd): the strongest evidence there is, when the lists agree on one
    // word for it; a short or ambiguous one (fo: of, for, do, go, to) is only a candidate like any other
    const fixes = lex.corrections(word);
    if (fixes.length) misspellingHyps(lex, s, word, fixes, nameCost, hyps, seen);
    // unknown: a typo of a name used elsewhere in this text, of a dictionary word, or a valid word we do not know
    if (s.local) localHyps(s, word, hyps);
    // a second edit on a probable name costs more than any dictionary word could win back; a three-letter
    // word without a vowel is more often an abbreviation (ctx, llm, rtl) than two slips
    const maxDist = word.length <= 2 || isName || (word.length === 3 && !(word.includes("a") || word.includes("e") || word.includes("i") || word.includes("o") || word.includes("u") || word.includes("y"))) ? 1 : 2;
    // (a probable name is scored letter by letter: names vary more than the substring rules of misspelt words
    // allow — Bordes is no misspelt Borders, Hewett no Hewlett)
    // (and the sure correction of a known misspelling keeps its ending: interractions is interactions,
    // whatever the bigrams say of "user interaction")
    const sureFix = fixes.length === 1 && word.length >= 4 ? lex.word(fixes[0]!) : "";
    for (const h of ctx.cand.nearest(word, maxDist, false, !nameCost, !nameCost && s.alone)) {
      const hw = lex.word(h.id);
      if (sureFix && isInflection(sureFix, hw)) continue;
      // two swapped letters in a long capitalised word ("Cihnese", "Msueum") are a slip, not another name
      const swap = nameCost && word.length >= 6 && h.cost <= P.typoCost + P.editCost * 0.55 + 1e-9;
      // a capitalised word near a word English always capitalises (Chiness → Chinese) is no unknown name
      const proper = nameCost && PROPER.has(hw);
      // …but an unknown name is not a typo of another name (Alexandre, Zheng, Christoph are not Alexander,
      // Zhang, Christophe): names vary more than words do
      if ((isName || startName) && !proper && lex.flags(h.id) & WORD_NAMELIKE) continue;
      // (nor one it would make by adding or dropping a first letter: "Kasia" is no slip of Asia, though
      // "Pritish" is of British)
      if (nameCost && proper && hw[0] !== word[0] && hw.length !== word.length) continue;
      // (nor the word less a prefix it carries: "redesignated" is no slip of designated, "unrelated" of related)
      if (hw.length < word.length && word.endsWith(hw) && PREFIXES.has(word.slice(0, word.length - hw.length))) continue;
      // (a word the misspelling lists know as a misspelling was meant as one of the words they give: another
      // neighbour must explain it as a fresh slip that happens to coincide with a recorded misspelling;
      // "wich" is which or witch, not with)
      const attested = fixes.length && word.length >= 4 && !fixes.includes(h.id) ? P.attestedOtherCost : 0;
      addHyp(hyps, seen, lex, s, h.id, -(h.cost + attested + (swap ? nameCost * P.nameSwapShare : proper ? nameCost * P.properShare : nameCost)), "spelling");
    }
  }
  return hyps;
}

/** The second parts of contractions, between spaces, none longer than two letters: what follows the apostrophe (I'll, you're, we've, I'm, it's, I'd, don't). */
const CONTRACTION_TAILS = " ll re ve m s d t ";

/** ln P(joined) − ln P(a b): how much likelier a word is than the two words it is typed apart as (NaN where the bigram table lacks the pair). */
function wordOverPair(lex: Lexicon, a: number, b: number, joined: number): number {
  return lex.logP(joined) - lex.logP(a) - lex.bigram(a, b);
}

/** Whether a known word is one the lists hold without a count (nor keep) and splits into a pair of the bigram table e^5 times likelier (splitHyps). */
function listedPair(lex: Lexicon, s: Slot): boolean {
  if (s.id < lex.data.nCounted || lex.flags(s.id) & WORD_KEEP) return false;
  const w = s.stem;
  for (let k = 1; k < w.length; k++) {
    const l = lex.id(w.slice(0, k));
    const r = lex.id(w.slice(k));
    if (l < 0 || r < 0 || l >= lex.data.nCounted || r >= lex.data.nCounted) continue;
    if (wordOverPair(lex, l, r, s.id) <= -5) return true;
  }
  return false;
}

/** Whether the counted word `joined` is e^joinedWordLift times likelier than the pair a b it is typed as, or the pair is below the bigram table's cut (pairHyps). */
function spacedOneWord(lex: Lexicon, a: number, b: number, joined: number): boolean {
  const lift = wordOverPair(lex, a, b, joined);
  // (a pair below the cut says so only of two words common enough for the table to hold their pairs: "the
  // mes", where mes is rare, is no sign of "themes")
  if (Number.isNaN(lift)) return lex.logP(joined) > PARAMS.settledLogP - 1 && lex.logP(a) > PARAMS.rareKnownLogP && lex.logP(b) > PARAMS.rareKnownLogP;
  return lift >= PARAMS.joinedWordLift;
}

/** Hypotheses covering two words a, b separated by whitespace: join, or move the space. */
export function pairHyps(ctx: LexiconContext, a: Slot, b: Slot): Hyp[] {
  const out: Hyp[] = [];
  if (!a.editable || !b.editable || a.suffix) return out;
  // a contraction without its apostrophe is explained: no respacing around it ("theyre late")
  if ((a.id < 0 && ctx.cand.contraction(a.stem) >= 0) || (b.id < 0 && ctx.cand.contraction(b.stem) >= 0)) return out;
  const lex = ctx.lex;
  const P = PARAMS;
  // a word typed twice ("the the"), where the corpus rarely doubles it: P(a | a) well below P(a)
  // ("had had", "very very", "bye bye" are doubled on purpose, and their bigram says so)
  // (the last part of a hyphenated compound is another word: "built-in in some libraries")
  if (a.lower === b.lower && a.id >= 0 && !b.suffix && !a.compoundEnd && rarelyDoubled(lex, a.id))
    out.push({ out: [a.lower], ids: [a.id], channel: -P.doubledCost, span: 2, keep: false, kind: "other" });
  // could/should/would of → have: "of" after a modal verb is "have" said fast
  if (b.lower === "of" && MODALS.has(a.lower) && a.id >= 0) {
    const have = lex.id("have");
    out.push({ out: [a.lower, "have"], ids: [a.id, have], channel: -P.confusableCost, span: 2, keep: false, kind: "confusable" });
  }
  // a contraction whose apostrophe was typed as a space ("I ll", "you re", "we ve", "don t"): the cost of a
  // slip, the context decides ("don t" is one negation, as "don't" is: text/negation.ts splitNegation)
  if (b.lower.length <= 2 && !b.suffix && b.tok.text === b.lower && CONTRACTION_TAILS.includes(` ${b.lower} `)) {
    const id = lex.id(a.lower + "'" + b.lower);
    if (id >= 0 && id < lex.data.nCounted) out.push({ out: [lex.word(id)], ids: [id], channel: -P.typoCost, span: 2, keep: false, kind: "spelling" });
  }
  const joined = a.lower + b.stem;
  const isName = caseShape(a.tok.text) === "title" && !a.sentenceStart;
  const nameCost = isName ? P.nameCost : 0;
  // splitting a word in two and moving a space between two real words are real-word changes
  const bothKnown = a.id >= 0 && b.id >= 0;
  const realCost = bothKnown ? P.realWordCost : 0;
  // moving a space next to a single letter (an initial, a symbol) is never free
  const respaceReal = bothKnown || a.stem.length === 1 || b.stem.length === 1 ? P.realWordCost : 0;
  // a second word written with a capital of its own (Bo Wen, Ya Le, Ji Lin) was spaced on purpose: a slip
  // of the space bar splits a word into a capitalised part and a lower-case one ("Bow en"): neither joined
  // nor re-spaced
  if (caseShape(b.tok.text) === "title") return out;
  // (whether the join and the re-spacings make anything depends on the two texts alone: for two words
  // typed as the dictionary has them, on their ids, and a pair found to make nothing is remembered)
  const known = a.id >= 0 && b.id >= 0 && lex.spells(a.id, a.lower) && lex.spells(b.id, b.stem);
  const memo = known ? nothingMemo(lex) : null;
  let slot = -1;
  if (memo) {
    slot = (((Math.imul(a.id, 0x9e3779b1) ^ Math.imul(b.id, 0x85ebca6b)) >>> (32 - NOTHING_BITS)) << 1);
    if (memo[slot] === a.id + 1 && memo[slot + 1] === b.id + 1) return out;
  }
  const before = out.length;
  // (the walk down the counted words' trie for the prefixes below reaches the joined word itself: lex.id
  // of it is that word's id there, else among the listed words; pre[k] for k up to `reached`, -1 above)
  const nj = joined.length;
  if (pairPre.length <= nj) pairPre = new Int32Array(2 * nj + 2);
  const pre = pairPre;
  const reached = lex.prefixIdsOf(a.lower, b.stem, pre);
  // a lone letter joins its neighbour ("bee n" → "been") unless it is a word itself (a, I), but for an
  // unknown word after it ("a nother" → another: "a another" is no English)
  // (the listed words are asked only for a join these allow)
  const joinable = nj >= 4 && (loneOk(a.lower) || b.id < 0) && loneOk(b.stem);
  const jid = !joinable ? -1 : reached === nj && pre[nj]! >= 0 ? pre[nj]! : lex.listedId(joined);
  // (not into an identifier the lists keep without a count: "async iterator" is no "asynciterator"; nor two
  // words into one the lists know only as a name: "dev dependencies" is no "devDependencies")
  const keptOnly = jid >= lex.data.nCounted && (lex.flags(jid) & WORD_KEEP || (bothKnown && lex.flags(jid) & WORD_NAME));
  if (jid >= 0 && !keptOnly) {
    // a lone letter may be a letter in its own right ("letter s", "vitamin b"): joining it costs more
    const loneCost = (a.lower.length === 1 && loneOk(a.lower)) || b.stem.length === 1 ? 2 * P.realWordCost : 0;
    // (two words that English writes far more often as one, by the counts: the joined word e³ times likelier
    // than the pair, or the pair below the bigram table's cut — "be cause", "with out", "some one", "no body",
    // "my self" — are a slip of the space bar, not two real words; "every one", "in to", "any way", "may be"
    // are written apart as often: there the real-word cost stays)
    const oneWord = bothKnown && jid < lex.data.nCounted && !loneCost && spacedOneWord(lex, a.id, b.id, jid);
    out.push({ out: [joined + b.suffix.toLowerCase()], ids: [jid], channel: -(P.joinCost + nameCost + (oneWord ? 0 : realCost) + loneCost), span: 2, keep: false, kind: "join" });
  }
  // move the space: "thi sis" → "this is"
  for (let k = Math.max(1, a.lower.length - 2); k < nj && k <= a.lower.length + 2 && k <= reached; k++) {
    if (k === a.lower.length) continue;
    const lid = pre[k]!;
    if (lid < 0) continue;
    const l = joined.slice(0, k);
    const r = joined.slice(k);
    if ((l.length === 1 && l !== "a" && l !== "i") || (r.length === 1 && r !== "a" && r !== "i")) continue;
    const rid = lex.id(r);
    if (rid < 0) continue;
    out.push({ out: [l, r + b.suffix.toLowerCase()], ids: [lid, rid], channel: -(P.respaceCost + nameCost + respaceReal), span: 2, keep: false, kind: "respace" });
  }
  if (memo && out.length === before) {
    memo[slot] = a.id + 1;
    memo[slot + 1] = b.id + 1;
  }
  return out;
}

/**
 * Pairs of words (typed as the dictionary spells them) that pairHyps found neither to join nor to
 * re-space: a direct-mapped table of their two ids (+1; 0: empty), each pair overwriting the one in its
 * slot. Prose repeats its pairs ("of the", "it was": half the pairs of 172,762 words had been met before),
 * and most make nothing, yet each cost a walk down the trie for the joined word's prefixes and up to six
 * look-ups. Made once NOTHING_AFTER pairs have been asked (a one-liner's few do not pay for it); 512 KB.
 */
const NOTHING_BITS = 16;
const NOTHING_AFTER = 2000;
let nothing: Int32Array | null = null;
let nothingLex: Lexicon | null = null;
let pairsAsked = 0;

function nothingMemo(lex: Lexicon): Int32Array | null {
  if (lex === nothingLex) return nothing;
  if (pairsAsked < NOTHING_AFTER && ++pairsAsked < NOTHING_AFTER) return null;
  // (another engine's: this one starts empty)
  if (nothing) nothing.fill(0);
  else nothing = new Int32Array(2 << NOTHING_BITS);
  nothingLex = lex;
  return nothing;
}

/** Whether pairHyps remembers the pair of word ids as one that neither joins nor re-spaces (for the tests). */
export function rememberedNothing(lex: Lexicon, a: number, b: number): boolean {
  if (lex !== nothingLex || !nothing) return false;
  const slot = ((Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> (32 - NOTHING_BITS)) << 1;
  return nothing[slot] === a + 1 && nothing[slot + 1] === b + 1;
}

/** Forget the pairs pairHyps remembered (search.ts clearSearchMemos: benchmarks measure cold calls). */
export function clearPairMemo(): void {
  nothing?.fill(0);
}

/** Whether a word may join its neighbour: two letters or more, or a lone letter that is no word itself (not a, i). */
function loneOk(w: string): boolean {
  return w.length >= 2 || (w !== "a" && w !== "i");
}

/** pairHyps's prefix ids (Lexicon.prefixIdsOf), reused: no array per pair. */
let pairPre = new Int32Array(64);

/** Split an unknown word into two dictionary words: "ofthe" → "of the". */
export function splitHyps(ctx: LexiconContext, s: Slot): Hyp[] {
  const out: Hyp[] = [];
  // (a word the lists hold without a count is split too where its two parts are a pair of the bigram table
  // e^5 times likelier than the word: "incase" is SCOWL's, but "in case" is what is written)
  if (!s.editable || (s.id >= 0 && !listedPair(ctx.lex, s)) || s.stem.length < 4 || ctx.cand.contraction(s.stem) >= 0) return out;
  if (caseShape(s.tok.text) === "title" && !s.sentenceStart) return out;
  const lex = ctx.lex;
  const w = s.stem;
  const pre = lex.prefixIds(w);
  // a word of mixed case splits only where a capital begins the second word ("ofThe"; DeiT is no "De it")
  const mixed = caseShape(s.tok.text) === "mixed";
  for (let k = 1; k < w.length; k++) {
    const lid = pre[k]!;
    if (lid < 0 || (mixed && !/\p{Lu}/u.test(s.tok.text[k]!))) continue;
    const l = w.slice(0, k);
    const r = w.slice(k);
    if ((l.length === 1 && l !== "a" && l !== "i") || (r.length === 1 && r !== "a" && r !== "i")) continue;
    const rid = lex.id(r);
    if (rid < 0) continue;
    // two long parts are more often a valid compound we lack (frontman, timeframe) than a run-on; but a
    // compound is made of content words (isCompound): with a function word, it is a run-on ("eachother")
    const compound = l.length >= 4 && r.length >= 4 && !FUNCTION_WORDS.has(l) && !FUNCTION_WORDS.has(r) ? PARAMS.compoundCost : 0;
    // (a set phrase run together by habit, a function word then a word e^4 times likelier after it than
    // anywhere (alot, eachother, aswell, infact), is as sure as a recorded misspelling: "looked alot calmer"
    // is "a lot", not "looked at calmer")
    const habit = s.id < 0 && FUNCTION_WORDS.has(l) && pairLift(lex, lid, rid) > PARAMS.habitualRunOnLift;
    out.push({ out: [l, r + s.suffix.toLowerCase()], ids: [lid, rid], channel: -(habit ? PARAMS.misspellingCost : PARAMS.splitCost + compound), span: 1, keep: false, kind: "split" });
  }
  return out;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [pairLift, wordOverPair, listedPair, spacedOneWord, isCompound, runOnOfFunctionWord, rarelyDoubled, unknownLogP, singleHyps, shiftExplains, addHyp, singleHypsAll, pairHyps, loneOk, nothingMemo, splitHyps, loneHyps, strayCapitalHyp, localHyps, confusableHyps, misspellingHyps]);
