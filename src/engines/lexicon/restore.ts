/**
 * The case of a correction: the typed word's case shape carried over to the dictionary form, with the
 * sentence's capital where the typed first letter was wrong, and the capital of words English always
 * capitalises. O(word length).
 */
import { applyCase, caseShape } from "../../text/case.ts";
import { PROPER } from "./proper.ts";
import { hotPath } from "../../runtime/jit.ts";

/** Where a word stands: whether it begins a sentence, and whether a capital is expected there. */
export interface CaseContext {
  sentenceStart: boolean;
  capital: "sure" | "maybe" | false;
}

/** Apply the case of `like` to `word`; a lone "i" is the pronoun "I". */
export function restore(like: string, word: string, at?: CaseContext): string {
  const shape = caseShape(like);
  const upperFirst = like[0] !== like[0]!.toLowerCase();
  // whether the typed first letter survives in the correction: if not, its case says little
  const firstKept = like[0]!.toLowerCase() === word[0];
  if (shape === "mixed") {
    // a word with a stray capital keeps only the case of its first letter — unless a letter was typed in
    // front of a capitalised word ("dItaly" → "Italy") or the capital slipped one or two places ("hTe" → "The")
    const frontSlip = like.slice(1).toLowerCase() === word && like[1] !== like[1]!.toLowerCase() && caseShape(like.slice(1)) === "title";
    const slipped = !upperFirst && !firstKept && [...like.slice(1, 3)].some((c) => c !== c.toLowerCase() && c.toLowerCase() === word[0]);
    like = (upperFirst && (firstKept || at?.sentenceStart)) || frontSlip || slipped ? "A" : "a";
  } else if (at && shape === "title" && like.length > 1 && !firstKept && !at.sentenceStart) {
    // a capital typed in place of the first letter in mid-sentence ("Vnd" → "and")
    like = "a";
  } else if (at?.capital && shape === "lower" && (at.capital === "sure" || !firstKept)) {
    // a corrected word that begins a sentence begins with a capital ("tht cat" → "The cat"), where the
    // writer capitalises sentences
    like = "A";
  }
  if (word === "i") return "I";
  // a correction to a word English always capitalises ("jeptember" → "September")
  if (caseShape(like) === "lower" && PROPER.has(word.endsWith("'s") ? word.slice(0, -2) : word)) like = "A";
  if (word.startsWith("i'")) return "I" + applyCase(like, word).slice(1);
  return applyCase(like, word);
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [restore]);
