/**
 * Word lists and spelling patterns of the lexicon engine's rules: function words, particles, prefixes, name
 * particles, modal verbs, confusable pairs that need more evidence, loanwords that keep their accents (data
 * files under models/en/lists/, each with its source, embedded in the bundle as text) and the
 * American/British spelling patterns. Start-up: nothing; each of the seven small files (~3 KB) is made a
 * set on its first look-up (from source, one replace and one split; in the compiled binary from the array
 * of its words that the build made: a one-liner looks in two or three of them, and parsing all seven cost
 * it some 0.4 M instructions), then a lookup per use. The two lists of name pairs (~180 KB) are read on first
 * use: as string constants they cost every one-liner's start-up ~0.7 M instructions (a quarter of a ms).
 */
import { nodeFs } from "../../runtime/fs.ts";
import { hotPath } from "../../runtime/jit.ts";
import functionWords from "../../../models/en/lists/function-words.txt" with { type: "text" };
import particlesClosed from "../../../models/en/lists/particles-closed.txt" with { type: "text" };
import prefixes from "../../../models/en/lists/prefixes.txt" with { type: "text" };
import nameParticles from "../../../models/en/lists/name-particles.txt" with { type: "text" };
import modals from "../../../models/en/lists/modals.txt" with { type: "text" };
import rareSwaps from "../../../models/en/lists/rare-swaps.txt" with { type: "text" };
import loanwords from "../../../models/en/lists/loanwords.txt" with { type: "text" };
// @ts-ignore: Bun's file import gives a path (a $bunfs path inside a compiled binary)
import namePairsPath from "../../../models/en/lists/name-pairs.txt" with { type: "file" };
// @ts-ignore: as above
import nameWordsPath from "../../../models/en/lists/name-words.txt" with { type: "file" };
// @ts-ignore: as above
import foreignStopwordsPath from "../../../models/en/lists/foreign-stopwords.txt" with { type: "file" };

/** The words of a list file: whitespace-separated, `#` to the end of a line is a comment. */
export function parseWordList(text: string): Set<string> {
  // (the whole text at once: a replace and a split per line cost the interpreted start-up more)
  const out = new Set(text.replace(/#.*/g, "").split(/\s+/));
  out.delete("");
  return out;
}

/**
 * Pairs of neighbouring words that English writes with capitals as part of a name ("united states", "south
 * africa"), and the words of those pairs (words some name writes with a capital: south, states, station),
 * from WordNet (scripts/lexicon/name-pairs.ts): a corrected word beside a capitalised word it forms such a
 * name with takes the capital (search.ts). Both lists are sorted, and looked up by binary search in their
 * text itself: no index to build, no memory (a set of the 9,000 pairs as strings cost some 9 MB, building
 * an index of line offsets 20 ms of a one-liner). O(log n) line comparisons per look-up.
 */
function inSortedLines(text: string, key: string): boolean {
  // (the header's comment lines come first and sort before no word: they are skipped)
  let lo = text.search(/^[^#\n]/m);
  let hi = text.length;
  while (lo >= 0 && lo < hi) {
    const mid = (lo + hi) >>> 1;
    // the line that holds mid: from the newline before it (lo is always a line's start)
    const start = text.lastIndexOf("\n", mid - 1) + 1;
    let c = 0;
    for (let k = 0, p = start; ; k++, p++) {
      const a = k < key.length ? key.charCodeAt(k) : -1;
      const ch = p < text.length ? text.charCodeAt(p) : 10;
      const b = ch === 10 ? -1 : ch;
      if (a !== b || a === -1) {
        c = a - b;
        break;
      }
    }
    if (c === 0) return true;
    if (c > 0) {
      const end = text.indexOf("\n", start);
      lo = end < 0 ? text.length : end + 1;
    } else hi = start;
  }
  return false;
}

/** Whether "first second" is a pair of a name's neighbouring words (both lower case). */
export function isNamePair(first: string, second: string): boolean {
  return inSortedLines((namePairs ??= nodeFs().readFileSync(namePairsPath as unknown as string, "utf8")), `${first} ${second}`);
}

/** Whether some name writes `word` (lower case) with a capital. */
export function isNameWord(word: string): boolean {
  return inSortedLines((nameWords ??= nodeFs().readFileSync(nameWordsPath as unknown as string, "utf8")), word);
}

/** The two name lists' text, read on first use. */
let namePairs: string | undefined;
let nameWords: string | undefined;

/** The languages of models/en/lists/foreign-stopwords.txt. */
export const FOREIGN_LANGUAGES = ["fr", "de", "it", "es", "pt"] as const;

/**
 * The languages (of FOREIGN_LANGUAGES, space-separated: "fr", "es it pt") that have `word` (lower case, NFC)
 * among their function words (stopwords-iso's lists), or "" for none. The file (~30 KB) is read on first
 * use and searched by halves (sorted by UTF-8 bytes, which code units of the Latin-1 reading follow), each
 * step a few native string operations: a scan of the whole text per word cost a one-liner more than the read.
 */
export function foreignStopwordLanguages(word: string): string {
  // (read as Latin-1, a byte a character, which costs no UTF-8 decoding: the key is compared as its UTF-8 bytes)
  const text = (foreignStopwords ??= nodeFs().readFileSync(foreignStopwordsPath as unknown as string, "latin1"));
  if (/[^\x00-\x7f]/.test(word)) word = Buffer.from(word, "utf8").toString("latin1");
  // (the header's comment lines come first)
  let lo = (foreignStopwordsStart ??= text.search(/^[^#\n]/m));
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = text.lastIndexOf("\n", mid - 1) + 1;
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const space = text.indexOf(" ", start);
    const w = text.slice(start, space < 0 || space > end ? end : space);
    if (w === word) return space < 0 || space > end ? "" : text.slice(space + 1, end);
    if (w < word) lo = end + 1;
    else hi = start;
  }
  return "";
}
let foreignStopwords: string | undefined;
let foreignStopwordsStart: number | undefined;

/**
 * The words of a list file, as a set made on the first look-up: from the file's text (parseWordList), or
 * from the array of its words that the compiled binary's build already made of it (scripts/build.ts
 * inline-word-lists: a function that gives the same words in the same order).
 */
export class WordList implements Iterable<string> {
  private words: Set<string> | undefined;
  constructor(private readonly text: string | (() => readonly string[])) {}
  private set(): Set<string> {
    return (this.words ??= typeof this.text === "string" ? parseWordList(this.text) : new Set(this.text()));
  }
  has(word: string): boolean {
    return this.set().has(word);
  }
  get size(): number {
    return this.set().size;
  }
  [Symbol.iterator](): Iterator<string> {
    return this.set().values();
  }
}

/** Function words: a run-on with one of them ("ofthe", "andthe", "wasborn") is two words, not a compound. */
export const FUNCTION_WORDS = new WordList(functionWords);

/** Adverb particles that form closed compounds with a longer word (setup, uplinks, onboard, offseason). */
export const PARTICLES_CLOSED = new WordList(particlesClosed);

/**
 * Prefixes written with a hyphen (pre-war, neo-classical, ethno-jazz): never changed before a hyphen; closed
 * up with a known word (respacing, untrusted) they make a word the dictionary may lack.
 */
export const PREFIXES = new WordList(prefixes);

/** Name particles (Otto von Bismarck, Leonardo da Vinci): never changed. */
export const PARTICLES = new WordList(nameParticles);

/** Modal verbs after which "of" stands for "have" (could of, should of). */
export const MODALS = new WordList(modals);

/** Words whose confusable swaps need extra evidence. */
export const RARE_SWAPS = new WordList(rareSwaps);

/** `a` and `b` differ only by an inflectional ending: s/es, d/ed, ing, er/est, ly. */
export function isInflection(a: string, b: string): boolean {
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  // (string tests, not regular expressions: the engine asks this of every neighbour of every known word)
  const e = s.endsWith("e");
  if (!l.startsWith(e ? s.slice(0, -1) : s)) return false;
  // a silent e dropped before the ending: hope → hoping, hoped (the ending then starts where the e was)
  return ENDINGS.has(l.slice(s.length)) || (e && E_ENDINGS.has(l.slice(s.length - 1)));
}

const ENDINGS = new Set(["s", "es", "d", "ed", "ing", "r", "er", "st", "est", "ly", "n"]);
const E_ENDINGS = new Set(["ing", "ed", "er", "est"]);

/**
 * English loanwords that keep their accents. Other accented letters inside an English word are
 * treated as slips (a typed "ö" for "o" costs little in the error model).
 */
export const LOANWORDS = new WordList(loanwords);

// American ↔ British spelling patterns; each is tried at every place it matches. The third string is a
// part of every match, and the number the length of the shortest word a match fits in (the match and the
// letters its look-arounds need): a word without that part, or shorter, skips the pattern (most words skip
// most patterns; a one-liner's short words never compile the digraph patterns)
export const VARIANTS: Array<[RegExp, string, string, number]> = [
  [/or(?=s?$|ed$|ing$|ful|ite|abl|hood|ship|less|al)/g, "our", "or", 2],
  [/our(?=s?$|ed$|ing$|ful|ite|abl|hood|ship|less|al)/g, "or", "our", 3],
  [/iz(?=e|ation|ing)/g, "is", "iz", 3],
  [/is(?=e|ation|ing)/g, "iz", "is", 3],
  [/yz(?=e|ing)/g, "ys", "yz", 3],
  [/(?<=[tbv])er(?=s?$)/g, "re", "er", 3],
  [/(?<=[tbv])re(?=s?$)/g, "er", "re", 3],
  [/og(?=s?$)/g, "ogue", "og", 2],
  [/ense(?=s?$)/g, "ence", "ense", 4],
  [/([aeiou])l(?=ed$|ing$|er$|ers$|ment|ry)/g, "$1ll", "l", 4],
  [/([aeiou])ll(?=ed$|ing$|er$|ers$|ment|ry)/g, "$1l", "ll", 5],
  // paediatric, haemoglobin, foetus, manoeuvre: the digraph early in the word, three letters or more after it
  [/(?<=^[a-z]{0,7}[^aeiou])e(?=[^aeiou][a-z]{2})/g, "ae", "e", 5],
  [/(?<=^[a-z]{0,8})ae(?=[^aeiou][a-z]{2})/g, "e", "ae", 5],
  [/(?<=^[a-z]{0,7}[^aeiou])e(?=[^aeiou][a-z]{2})/g, "oe", "e", 5],
  [/(?<=^[a-z]{0,8})oe(?=[^aeiou][a-z]{2})/g, "e", "oe", 5],
  [/ell?ry$/g, "ellery", "el", 4],
  [/ellery$/g, "elry", "ellery", 6],
];

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [isNamePair, isNameWord, foreignStopwordLanguages, isInflection, WordList.prototype]);
