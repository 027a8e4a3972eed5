/**
 * ASCII twins of the engine's Unicode letter patterns. A regular expression with \p{L}, \p{Lu} or \p{Ll}
 * costs ~0.2 M instructions to compile (its classes hold hundreds of ranges), and a one-liner compiled some
 * fifteen of them, about a tenth of its work; an ASCII class costs a sixth of that. On a string that is all
 * ASCII, \p{L} is [A-Za-z], \p{Lu} [A-Z], \p{Ll} [a-z], \p{N} [0-9], \p{M} nothing, and ’ cannot occur, so
 * the twin gives the same answer (test/ascii-twins.test.ts checks each pair on random ASCII strings); any
 * other string goes to the Unicode pattern, compiled only then.
 */
import { hotPath } from "../runtime/jit.ts";

/** Whether every code unit of `s` is ASCII. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

const UPPER_FIRST = /^\p{Lu}/u;
const LOWER_FIRST = /^\p{Ll}/u;
const LOWER_ANY = /\p{Ll}/u;
const UPPER_ALL = /\p{Lu}/gu;

/** /^\p{Lu}/u.test(s) */
export function startsUpper(s: string): boolean {
  const c = s.charCodeAt(0);
  return c < 128 ? c >= 65 && c <= 90 : UPPER_FIRST.test(s);
}

/** /^\p{Ll}/u.test(s) */
export function startsLower(s: string): boolean {
  const c = s.charCodeAt(0);
  return c < 128 ? c >= 97 && c <= 122 : LOWER_FIRST.test(s);
}

/** /\p{Ll}/u.test(s) */
export function hasLower(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return LOWER_ANY.test(s);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** s.match(/\p{Lu}/gu)?.length ?? 0 */
export function countUpper(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return s.match(UPPER_ALL)?.length ?? 0;
    if (c >= 65 && c <= 90) n++;
  }
  return n;
}

/** `ascii` when `s` is all ASCII, else `unicode`: the same matches (the pairs are tested). */
export function twin(s: string, ascii: RegExp, unicode: RegExp): RegExp {
  return isAscii(s) ? ascii : unicode;
}

/**
 * The pairs: [ASCII twin, Unicode pattern]. Each site picks one per string (or per text, for the global and
 * sticky ones, whose lastIndex the caller sets).
 */
export const TWINS = {
  /** a single letter's plural or possessive (a's, x's) */
  letterPossessive: [/^[A-Za-z]'s$/, /^\p{L}['’]s$/u],
  /** a word ending in a run of capitals (RedeTV) */
  capsRunEnd: [/[a-z][A-Z]{2,}$/, /\p{Ll}\p{Lu}{2,}$/u],
  /** an apostrophe before a capital (O'Sullivan) */
  apostropheCapital: [/'[A-Z]/, /['’]\p{Lu}/u],
  /** three capitals or more, then lower case (ECMAScript) */
  capsThenLower: [/^[A-Z]{3,}[a-z]/, /^\p{Lu}{3,}\p{Ll}/u],
  /** two capitals, then lower case ("THe", "NBits", "GHz") */
  twoCapsWord: [/^[A-Z]{2}[a-z]+$/, /^\p{Lu}{2}\p{Ll}+$/u],
  /** a capitalised word with one more capital inside or at its end (NeoX, DeiT) */
  innerCapital: [/^[A-Z][a-z]+[A-Z](?:[a-z]+)?$/, /^\p{Lu}\p{Ll}+\p{Lu}(?:\p{Ll}+)?$/u],
  /** tokenize: a word (sticky) */
  word: [/[A-Za-z]+(?:'[A-Za-z]+)*/y, /\p{L}[\p{L}\p{M}]*(?:['’]\p{L}[\p{L}\p{M}]*)*/uy],
  /** tokenize: a punctuation mark (sticky) */
  punct: [/[!-#%-*,-/:;?@[-\]_{}]/y, /\p{P}/uy],
  /** the lexicon engine: a sentence start and its first word (global) */
  sentenceStart: [/(?:^|[.!?]["')\]]*\s+)["'(\[]*([A-Za-z][A-Za-z']*)/g, /(?:^|[.!?…]["”’')\]]*\s+)["“‘'(\[]*(\p{L}[\p{L}'’]*)/gu],
  /** negation: what is not a letter at either end (global) */
  trimNonLetters: [/^[^A-Za-z]+|[^A-Za-z]+$/g, /^[^\p{L}]+|[^\p{L}]+$/gu],
  /** protected spans: camelCase and PascalCase identifiers (global) */
  camel: [/(?<![A-Za-z0-9])(?:[a-z]+|[A-Z][a-z]+)[A-Z][A-Za-z0-9]*/g, /(?<![\p{L}\p{N}])(?:\p{Ll}+|\p{Lu}\p{Ll}+)\p{Lu}[\p{L}\p{N}]*/gu],
  /** protected spans: ALL-CAPS acronyms (global) */
  acronym: [/(?<![A-Za-z0-9])[A-Z]{2,}(?:s|'s)?\b/g, /(?<![\p{L}\p{N}])\p{Lu}{2,}(?:s|['’]s)?\b/gu],
  /** protected spans: numbers and words with digits (global) */
  number: [/(?<![A-Za-z0-9_])[A-Za-z0-9_]*[0-9][A-Za-z0-9_]*(?:[.,:][0-9]+[A-Za-z0-9_]*)*/g, /(?<![\p{L}\p{N}_])[\p{L}\p{N}_]*\p{N}[\p{L}\p{N}_]*(?:[.,:][\p{N}]+[\p{L}\p{N}_]*)*/gu],
  /** protected spans: file and domain names (global) */
  filename: [/(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:[a-z][a-z0-9]{0,4})\b(?![A-Za-z'])/g, /(?<![\p{L}\p{N}_.-])[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*\.(?:[a-z][a-z0-9]{0,4})\b(?![\p{L}'’])/gu],
} as const satisfies Record<string, readonly [RegExp, RegExp]>;

/** TWINS[name] for `s`: its ASCII twin when `s` is all ASCII. */
export function pattern(name: keyof typeof TWINS, s: string): RegExp {
  const [ascii, unicode] = TWINS[name];
  return isAscii(s) ? ascii : unicode;
}

/** `s` without a possessive 's or ’s at its end: s.replace(/['’]s$/, "") without an expression to compile (a one-liner's first replace compiled it). */
export function withoutPossessive(s: string): string {
  return s.endsWith("'s") || s.endsWith("’s") ? s.slice(0, -2) : s;
}

/** Whether `text` is ASCII letters, none of them a capital but the first (and not empty): a word that none of the shape patterns of capitals and apostrophes can match (editableWord, singleHyps). */
export function plainWord(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (i === 0 && c >= 65 && c <= 90)) continue;
    return false;
  }
  return text.length > 0;
}

/** Whether `text` is ASCII lower-case letters only, and not empty: /^[a-z]+$/ without an expression to compile. */
export function lowerLetters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return text.length > 0;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [isAscii, startsUpper, startsLower, hasLower, countUpper, pattern, plainWord, lowerLetters, withoutPossessive]);
