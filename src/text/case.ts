/** Letter-case shapes of words and restoring a shape onto a replacement word. */
import { hotPath } from "../runtime/jit.ts";

export type CaseShape = "lower" | "title" | "upper" | "mixed";

export function caseShape(word: string): CaseShape {
  // an ASCII word (nearly every word) in one pass, without the two case-mapped copies: the same answers
  let upper0 = false;
  let upperRest = false;
  let lowerAny = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c > 127) return caseShapeOf(word);
    if (c >= 65 && c <= 90) {
      if (i === 0) upper0 = true;
      else upperRest = true;
    } else if (c >= 97 && c <= 122) lowerAny = true;
  }
  if (!upper0 && !upperRest) return "lower";
  if (!lowerAny) return word.length > 1 ? "upper" : "title";
  return upper0 && !upperRest ? "title" : "mixed";
}

/** caseShape of any word, by comparison with its lower- and upper-case forms. */
export function caseShapeOf(word: string): CaseShape {
  const lower = word.toLowerCase();
  const upper = word.toUpperCase();
  if (word === lower) return "lower";
  if (word === upper && word.length > 1) return "upper";
  if (word[0] !== lower[0] && word.slice(1) === lower.slice(1)) return "title";
  if (word === upper) return "title"; // a single capital letter
  return "mixed";
}

/** Give `word` (a lower-case dictionary form) the case shape of `like`. */
export function applyCase(like: string, word: string): string {
  switch (caseShape(like)) {
    case "lower":
      return word;
    case "upper":
      return word.toUpperCase();
    case "title":
      return word.charAt(0).toUpperCase() + word.slice(1);
    default: {
      // mixed: copy the case letter by letter where lengths allow, else title-case
      if (like.length === word.length)
        return [...word].map((c, i) => (like[i] === like[i]!.toUpperCase() ? c.toUpperCase() : c)).join("");
      return like[0] === like[0]!.toUpperCase() ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    }
  }
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [caseShape, caseShapeOf, applyCase]);
