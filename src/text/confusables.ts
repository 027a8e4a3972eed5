/**
 * Confusable real words: sets of words that people type for one another (homophones and near-homophones).
 * Shared by the lexicon engine, the guard and the corruption module. Built once at load (a few dozen
 * words). The lexicon engine considers every member of a set when it sees one of them and lets the bigram
 * context decide; the guard lets a model swap one for another; the corruption module (src/corrupt) draws
 * homophone swaps from the same list.
 */
export const CONFUSABLE_SETS: readonly (readonly string[])[] = [
  ["their", "there", "they're"],
  ["your", "you're"],
  ["its", "it's"],
  ["to", "too", "two"],
  ["then", "than"],
  ["lose", "loose"],
  ["affect", "effect"],
  ["whose", "who's"],
  ["were", "where", "we're"],
  ["accept", "except"],
  ["advice", "advise"],
  ["quiet", "quite"],
  ["weather", "whether"],
  ["principal", "principle"],
  ["passed", "past"],
  ["brake", "break"],
  ["piece", "peace"],
  ["hear", "here"],
  ["know", "no"],
  ["knew", "new"],
  ["week", "weak"],
  ["write", "right"],
  ["by", "buy"],
  ["of", "off"],
  ["desert", "dessert"],
  ["complement", "compliment"],
  ["stationary", "stationery"],
  ["led", "lead"],
];

/** word → the other members of its set */
export const CONFUSABLES: ReadonlyMap<string, readonly string[]> = (() => {
  // (index loops: a filter callback per word cost the interpreted start-up of every one-liner ~0.3 M instructions)
  const m = new Map<string, string[]>();
  for (let s = 0; s < CONFUSABLE_SETS.length; s++) {
    const set = CONFUSABLE_SETS[s]!;
    for (let i = 0; i < set.length; i++) {
      const others: string[] = [];
      for (let k = 0; k < set.length; k++) if (set[k] !== set[i]) others.push(set[k]!);
      m.set(set[i]!, others);
    }
  }
  return m;
})();
