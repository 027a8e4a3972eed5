/**
 * The lexicon engine's tunable weights, in natural-log units (costs are subtracted from log-probabilities).
 * TYPOFIX_LEXICON_PARAMS='{"editCost":4}' overrides any of them for tuning runs. No cost.
 */
import { CONFIDENCE_LEVELS } from "../../types.ts";

/** Tunable weights of the model, in natural-log units. */
export const PARAMS = {
  /** ln P(word is a valid word we do not know) — the score of keeping an unknown word. */
  logPUnknown: -16,
  /**
   * Extra cost of keeping an unknown word that is the whole text (`typofix lonley`): a lone word asked about
   * is far more often a misspelling than an unknown word in running prose, and it has no context to weigh.
   */
  loneUnknownCost: 2.5,
  /**
   * Each letter beyond five makes keeping an unknown word this much less likely: long words are sparse in edit
   * space, so a long unknown word one slip from a rare word is rarely a valid word we lack (inxriminate,
   * upwward, repulsife were kept at 0.5). 0.75 with secondEditCost: 1.0 raised the realistic clean change
   * above main's (0.0018) and the technical text's changes (0.80 per 1,000); see the commit that set it.
   */
  unknownPerChar: 0.75,
  /**
   * Channel bonus of a candidate for a lone unknown word (the whole text) that has the typed word's phonetic key
   * (text/phonetic.ts: perple → purple, cartains → curtains), as aspell weighs "soundslike".
   */
  phoneticBonus: 1.0,
  /** Cost per unit of weighted edit distance. */
  editCost: 3.5,
  /** Fixed cost of any spelling change (P of making a typo at all). */
  typoCost: 1.0,
  /** Extra cost of replacing a word that is itself in the dictionary (real-word error). */
  realWordCost: 5.0,
  /** Cost of correcting a known misspelling (models/en/src/typos-words.csv.gz, models/misspellings). */
  misspellingCost: 1.0,
  /**
   * How much likelier than keeping the typed word a known misspelling's one correction is, where that
   * correction is a word of the lists without a count (conifg → config): its prior is then the unknown
   * word's plus this, not the listed words' floor.
   */
  listedMisspellingLift: 4,
  /** Extra cost of any word the misspelling lists do not give for a known misspelling of four letters or more (lonley: lonely, not only; wich: which or witch, not with). */
  attestedOtherCost: 2,
  /** Extra cost of replacing a word known only from the word lists (no count). */
  listedCost: 3.0,
  /** The same for a rare known word (below rareKnownLogP): rare words are more often typos. */
  rareRealWordCost: 5.0,
  /**
   * The same for a rare known word that SCOWL's common sizes list (WORD_COMMON): a word of today's English
   * that old books rarely print (typo, tuned, halve, skipped), whose pairs the bigram table barely knows,
   * so that the context always seems to favour a common neighbour; 9 keeps it unless the context is
   * decisive (realistic dev set: see the commit that set it).
   */
  modernRealWordCost: 9.0,
  /** Extra cost for swaps that are rarely typos (two → to, off → of: a number word, a preposition). */
  rareSwapCost: 3.0,
  /** Extra cost of a real-word change that only alters an inflection (impairments → impairment). */
  inflectionCost: 3.0,
  /** Cost of dropping a doubled word, proposed only when ln P(a | a) − ln P(a) is below doubledLift. */
  doubledCost: 2.0,
  doubledLift: -2.0,
  /** Cost of swapping a confusable (their/there). */
  confusableCost: 3.5,
  /** The same for a contraction and its homophone (its/it's, your/you're). */
  contractionSwapCost: 2.5,
  /**
   * Prior cost of swapping a word of the trigram model's pairs (confusable-lm.ts: its/it's, your/you're,
   * to/too, affect/effect) for its twin, judged by that model (search.ts trigramSwaps).
   */
  trigramSwapCost: 2.0,
  /** Known words rarer than this (ln unigram P) get distance-1 alternatives. */
  rareKnownLogP: -11.5,
  /**
   * A known word more common than this (ln unigram P), of four letters or more or a three-letter word that
   * is no function word, is never replaced by a spelling edit, only within its confusable set (cold →
   * could, end → and; on the dev sets such edits were right only for tim, tom, rom: 3 of ~2,000 fixes).
   */
  settledLogP: -10,
  /** A recurring word of technical text that is a function word run on to a word this much likelier (ln) after it is a habitual typo (index.ts habitualTypo). */
  habitualRunOnLift: 4,
  /** A common known word may be replaced only by a word more common than this (ln unigram P). */
  commonLogP: -7.5,
  /** Cost of joining two words, splitting one, or moving a space. */
  joinCost: 4.0,
  /** ln of how much likelier a word is than the two words it is typed apart as, for the join to cost no real-word cost (hypotheses.ts spacedOneWord). */
  joinedWordLift: 3.0,
  splitCost: 5.0,
  respaceCost: 5.0,
  /** Bonus for keeping an unknown word made of two content words (frontman, timeframe). */
  compoundKeep: 3.5,
  /** Least ln P(left part) + ln P(right part) of an unknown word kept as a closed compound (frontman: −16.6; dir + ven: −23.8). */
  compoundLogP: -22,
  /** Extra cost of splitting a word into two parts of four or more letters. */
  compoundCost: 4.0,
  /** Extra cost of changing a capitalised word in mid-sentence (probably a name). */
  nameCost: 9.0,
  /** The name cost falls by this much per letter beyond five, down to nameCostMin. */
  nameCostPerChar: 1.25,
  nameCostMin: 3.5,
  /** A line whose lower-case words are mostly unknown (beyond typos) is taken for another language. */
  maxForeignShare: 0.6,
  /** A quotation of three or more words, this share of them unknown, is in another language. */
  foreignQuoteShare: 0.6,
  /**
   * A function word of another language (models/en/lists/foreign-stopwords.txt) is evidence of that language
   * only when English uses it less than this ln P (about its 1,000th word): la, de, car, per are English too.
   */
  foreignStopwordLogP: -9,
  /** The fewest words of a line that foreignLine judges. */
  foreignLineWords: 5,
  /** ln P of a name that occurs elsewhere in the same text. */
  logPLocalName: -10,
  /** ln P of a lone letter (s, x, b) that is not a word. */
  logPLetter: -13,
  /** Extra cost of replacing a lone letter ("t" → "to"). */
  loneLetterCost: 8.0,
  /** Share of the name cost left when a long capitalised word is a dictionary word with two letters swapped. */
  nameSwapShare: 0.3,
  /** Share of the name cost for an unknown capitalised word that begins a sentence. */
  startNameShare: 0.5,
  /** Share of the name cost left when the correction is a word English always capitalises. */
  properShare: 0.5,
  /** Cost of keeping a word with a stray inner capital ("gaFve"). */
  strayCapitalCost: 4.0,
  /** Weight of the sentence-end model (format.ts endLogRatio) for the last word before . ! ? */
  endWeight: 0.7,
  /**
   * A word whose sentence-end log ratio is below this seldom ends a clause (to −2.45: 0.6% of its uses
   * before . ! ? in the sentence-end corpus, against 11% for too); a confusable swap never puts one at
   * a clause end in place of a word that ends clauses more often (search.ts swapHasEvidence).
   */
  clauseEndRare: -2,
  /** An unknown word of at most this many letters against a mark of code at a run's edge (`fn:`, `bun:ffi`) is kept (index.ts codeToken). */
  loneShortMax: 3,
  /** …and one of up to this many letters more when it stands alone between two such marks. */
  enclosedExtra: 2,
  /** Interpolation weight of the bigram estimate against the unigram. */
  bigramWeight: 0.8,
  /** Search distance 2 unless a distance-1 neighbour scores above this (ln P − edit cost). */
  dist2Below: -12,
  /**
   * Extra cost of a candidate two or more edits from the typed word, beyond the weighted cost of each edit:
   * a second slip in one word is rarer than the first (of the crate-ci/typos pairs at distance 1 or 2, 8% of
   * those of five to seven letters and 17% of those of eight or more are at distance 2: ln odds 2.5 and 1.5).
   * Without it a frequent word two edits away beat the right rarer word one edit away (trubles → rules,
   * drews → does). 2 against the per-length ln odds themselves and 1 or 4 (dev, everyday, isolated words and
   * two synthetic sets: see the commit that set it).
   */
  secondEditCost: 2.0,
  /** Default least confidence of an edit (FixOptions.minConfidence overrides it). */
  minConfidence: CONFIDENCE_LEVELS.default as number,
  /** Least confidence of a confusable-set swap (its/it's, to/too) at the default level (chosen on the dev and technical sets: 0.8). */
  confusableConfidence: 0.8,
  /** Keep at most this many candidates per word. */
  maxCandidates: 10,
};

// Development aid: TYPOFIX_LEXICON_PARAMS='{"editCost":4}' overrides weights for tuning runs.
if (typeof process !== "undefined" && process.env.TYPOFIX_LEXICON_PARAMS) {
  Object.assign(PARAMS, JSON.parse(process.env.TYPOFIX_LEXICON_PARAMS));
}
