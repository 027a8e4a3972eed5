/**
 * "Did you mean": the closest of a few known names (options, commands, config keys) to a word that is
 * not one of them, by optimal string alignment distance (a swap of neighbours is one edit). Cost:
 * O(len²) per name; meant for short lists of short names.
 */

import { osaDistance as distance } from "./distance.ts";

/** The closest of `names` to `word` when it is close enough to be a slip (else undefined). */
export function suggest(word: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = n.startsWith(word) && word.length >= 2 ? 0.5 : distance(word.toLowerCase(), n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

