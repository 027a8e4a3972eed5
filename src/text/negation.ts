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
    "shouldnt isnt arent wasnt werent hasnt havent hadnt aint mustnt neednt mightnt shant " +
    // (and a negation run on to the next word: `noone` is "no one", `nevermind` "never mind")
    "noone nevermind"
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

/**
 * Whether two words are a negative contraction whose apostrophe was typed as a space ("don t", "doesn t",
 * "can t"): one negation, as "don't" is.
 */
export function splitNegation(a: string, b: string): boolean {
  return (b === "t" || b === "T") && a.length > 1 && (a.endsWith("n") || a.endsWith("N")) && negates(a + "t");
}

/** Number of negations among the words of a text ("don t" counts once, as "don't": splitNegation). */
export function negationCount(text: string): number {
  let n = 0;
  const ws = text.split(/[\s\-–—/]+/);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if (w && negates(w)) n++;
    else if (w && i + 1 < ws.length && splitNegation(w, ws[i + 1]!)) {
      n++;
      i++;
    }
  }
  return n;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [negates, negatesUncached, negationCount, splitNegation]);
