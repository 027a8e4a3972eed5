/** Applies scripted letter edits to a word (property tests of the lexicon's distances): each edit's
 * position wraps around the word's length; a swap past the last letter does nothing. */
export type LetterEdit = readonly ["del" | "ins" | "sub" | "swap", number, string];
export function applyLetterEdits(word: string, edits: readonly LetterEdit[]): string {
  let w = word;
  for (const [op, at, ch] of edits) {
    const i = at % (w.length + 1);
    if (op === "del") w = w.slice(0, i) + w.slice(i + 1);
    else if (op === "ins") w = w.slice(0, i) + ch + w.slice(i);
    else if (op === "sub") w = w.slice(0, i) + ch + w.slice(i + 1);
    else if (i + 1 < w.length) w = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  }
  return w;
}
