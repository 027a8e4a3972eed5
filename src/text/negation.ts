/**
 * Negations: the words that flip a sentence's meaning (not, never, don't, `isnt`…). No engine may add or
 * drop one: the lexicon engine refuses such hypotheses and the guard refuses such edits from a model.
 * Apostrophes are ignored, so "dont", "don't" and "don’t" all count. Cost: one Set lookup per word.
 */

const NEGATIONS = new Set(
  (
    "not no never nor none nothing nobody nowhere neither cannot dont doesnt didnt cant couldnt wont wouldnt " +
    "shouldnt isnt arent wasnt werent hasnt havent hadnt aint mustnt neednt mightnt shant"
  ).split(" "),
);

/** Whether one word (any case, apostrophes optional, surrounding punctuation ignored) is a negation. */
export function negates(word: string): boolean {
  return NEGATIONS.has(word.toLowerCase().replace(/['’]/g, "").replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ""));
}

/** Number of negations among the words of a text. */
export function negationCount(text: string): number {
  let n = 0;
  for (const w of text.split(/[\s\-–—/]+/)) if (w && negates(w)) n++;
  return n;
}
