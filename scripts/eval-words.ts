/**
 * Isolated-word accuracy: each misspelling of a `right<TAB>wrong1 wrong2 …` list (Peter Norvig's test sets,
 * ../shared/data/words/norvig-testset1.txt) is corrected alone, one word per call, and the first answer
 * counts. Reports accuracy, the share left unchanged, and (with --show N) the first N misses.
 * Cost: one lexicon call per word, a few seconds for the 270-word set.
 *
 *   bun scripts/eval-words.ts FILE [--show 20]
 */
import { readFileSync } from "node:fs";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

export interface WordScore {
  total: number;
  right: number;
  unchanged: number;
  misses: Array<[wrong: string, got: string, right: string]>;
}

export function scoreWords(text: string, engine = LexiconEngine.shared()): WordScore {
  const s: WordScore = { total: 0, right: 0, unchanged: 0, misses: [] };
  for (const line of text.split("\n")) {
    const [right, wrongs] = line.split("\t");
    if (!right || !wrongs || line.startsWith("#")) continue;
    for (const wrong of wrongs.trim().split(/\s+/)) {
      const got = engine.fixSync(wrong).output;
      s.total++;
      if (got.toLowerCase() === right.toLowerCase()) s.right++;
      else {
        if (got === wrong) s.unchanged++;
        s.misses.push([wrong, got, right]);
      }
    }
  }
  return s;
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: bun scripts/eval-words.ts FILE [--show N]");
    process.exit(2);
  }
  const s = scoreWords(readFileSync(file, "utf8"));
  const show = process.argv.indexOf("--show");
  console.log(JSON.stringify({ words: s.total, accuracy: +(s.right / s.total).toFixed(4), unchanged: +(s.unchanged / s.total).toFixed(4) }));
  if (show > 0) for (const m of s.misses.slice(0, Number(process.argv[show + 1] ?? 20))) console.log(m.join("\t"));
}
