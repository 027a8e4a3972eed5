/**
 * Builds models/en/lists/foreign-stopwords.txt: the function words (stop words) of French, German, Italian,
 * Spanish and Portuguese, from the npm package stopwords-iso 1.1.0 (MIT), one word a line with the
 * languages that have it (`dans fr`, `con es it pt`), sorted. The engine finds a word's line with one search
 * of the file's bytes (src/engines/lexicon/wordlists.ts foreignStopwordLanguages). Left out: entries that
 * are not one word of letters (digits, "aujourd'hui"). Which of them English also uses often (a, in, la,
 * de, car) the engine decides from its own counts (rules.ts foreignLine); stopwords-iso's English list is
 * no guide (it holds con, il, per). Cost: a moment.
 *
 *   npm pack stopwords-iso@1.1.0 && tar xzf stopwords-iso-1.1.0.tgz
 *   bun scripts/lexicon/foreign-stopwords.ts package/stopwords-iso.json > models/en/lists/foreign-stopwords.txt
 */
import { readFileSync } from "node:fs";

export const LANGUAGES = ["fr", "de", "it", "es", "pt"] as const;

const file = process.argv[2];
if (!file) {
  console.error("usage: bun scripts/lexicon/foreign-stopwords.ts STOPWORDS_ISO_JSON");
  process.exit(2);
}
const lists = JSON.parse(readFileSync(file, "utf8")) as Record<string, string[]>;
const langs = new Map<string, string[]>();
for (const lang of LANGUAGES)
  for (const raw of lists[lang]!) {
    const w = raw.normalize("NFC").toLowerCase();
    if (!/^\p{L}+$/u.test(w)) continue;
    const have = langs.get(w) ?? [];
    if (!have.includes(lang)) have.push(lang);
    langs.set(w, have);
  }
const sorted = [...langs.keys()].sort().map((w) => `${w} ${langs.get(w)!.join(" ")}`);
process.stdout.write(
  [
    "# Function words (stop words) of French, German, Italian, Spanish and Portuguese (lower case, NFC), each with the",
    "# languages that have it. From the npm package stopwords-iso 1.1.0 (Gene Diaz, MIT; see THIRD_PARTY_NOTICES.md), less",
    "# entries that are not one word of letters; built by scripts/lexicon/foreign-stopwords.ts. Read by",
    "# src/engines/lexicon/wordlists.ts on first use (a search of its bytes for the word's line). One word a line.",
    ...sorted,
  ].join("\n") + "\n",
);
