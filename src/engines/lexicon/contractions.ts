/**
 * Contractions and their expansions (don't → do not, they're → they are, it's → it is). The build gives
 * each contraction a count from its expansion's bigram count; the engine scores a contraction in context
 * as its expansion (P(they | prev) · P(are | they), then the next word after "are"), which lets the
 * bigram model, which has no words with apostrophes, judge their/they're and its/it's. Cost: one regular
 * expression test per contraction, memoised by the engine.
 */

import { hotPath } from "../../runtime/jit.ts";

/** Expansion rules, the first match wins. */
export const EXPANSIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^can't$/, "can not"],
  [/^won't$/, "will not"],
  [/^shan't$/, "shall not"],
  [/^ain't$/, "is not"],
  [/n't$/, " not"],
  [/'m$/, " am"],
  [/'re$/, " are"],
  [/'ve$/, " have"],
  [/'ll$/, " will"],
  [/'d$/, " would"],
  [/^let's$/, "let us"],
  [/'s$/, " is"],
];

/** The two words a contraction stands for, or null (o'clock, or no apostrophe). */
export function expand(word: string): [string, string] | null {
  if (!word.includes("'")) return null;
  for (const [re, rep] of EXPANSIONS) {
    if (!re.test(word)) continue;
    const parts = word.replace(re, rep).split(" ");
    return parts.length === 2 && parts[0] && parts[1] ? [parts[0], parts[1]] : null;
  }
  return null;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [expand]);
