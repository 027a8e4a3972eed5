/**
 * Negations: the words that flip a sentence's meaning (not, never, don't, `isnt`…). No engine may add or
 * drop one: the lexicon engine refuses such hypotheses and the guard refuses such edits from a model.
 * Apostrophes are ignored, so "dont", "don't" and "don’t" all count. Cost: one Set lookup per word.
 */
import { isAscii, pattern } from "./ascii.ts";
import { hotPath } from "../runtime/jit.ts";

const NEGATIONS = new Set(
  (
    "not no never nor none nothing nobody nowhere neither cannot dont doesnt didnt cant couldnt wont wouldnt " +
    "shouldnt isnt arent wasnt werent hasnt havent hadnt aint mustnt neednt mightnt shant"
  ).split(" "),
);

/** Whether one word (any case, apostrophes optional, surrounding punctuation ignored) is a negation. */
export function negates(word: string): boolean {
  // every negation has an n, and only N lower-cases to n: a word without either is none (most words)
  if (word.indexOf("n") < 0 && word.indexOf("N") < 0) return false;
  let v = seen.get(word);
  if (v === undefined) {
    if (seen.size >= 20_000) seen.clear();
    seen.set(word, (v = negatesUncached(word)));
  }
  return v;
}

/** negates() of the words asked before (the engine asks it of every hypothesis of every word). */
const seen = new Map<string, boolean>();

export function negatesUncached(word: string): boolean {
  // (each replace only where it can change something: a one-liner then compiles neither expression)
  let w = word.toLowerCase();
  if (w.includes("'") || w.includes("’")) w = w.replace(/['’]/g, "");
  // an ASCII word that begins and ends with a letter has nothing at either end to trim
  if (!(isAscii(w) && asciiLetter(w.charCodeAt(0)) && asciiLetter(w.charCodeAt(w.length - 1)))) w = w.replace(pattern("trimNonLetters", w), "");
  return NEGATIONS.has(w);
}

const asciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Number of negations among the words of a text. */
export function negationCount(text: string): number {
  let n = 0;
  for (const w of text.split(/[\s\-–—/]+/)) if (w && negates(w)) n++;
  return n;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(negates, negatesUncached, negationCount);
