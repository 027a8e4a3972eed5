/**
 * Writes test/fixtures/everyday/{corrupt,correct}.txt from test/fixtures/everyday/source.txt, the
 * everyday set (messages, commit logs, READMEs, chat, code comments; written for typofix, CC0).
 * A source line is `corrupt => correct`, or one clean sentence that must come out unchanged; `#` lines
 * are comments. `--check` fails when the committed files are stale.
 *
 *   bun scripts/everyday.ts [--check]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dir, "../test/fixtures/everyday");

export function parseEveryday(source: string): Array<{ corrupt: string; correct: string }> {
  const pairs: Array<{ corrupt: string; correct: string }> = [];
  for (const line of source.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [corrupt, correct, extra] = line.split(" => ");
    if (extra !== undefined) throw new Error(`everyday: more than one ' => ' in: ${line}`);
    pairs.push({ corrupt: corrupt!, correct: correct ?? corrupt! });
  }
  return pairs;
}

if (import.meta.main) {
  const pairs = parseEveryday(readFileSync(join(dir, "source.txt"), "utf8"));
  const files = {
    "corrupt.txt": pairs.map((p) => p.corrupt).join("\n") + "\n",
    "correct.txt": pairs.map((p) => p.correct).join("\n") + "\n",
  };
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    if (process.argv.includes("--check")) {
      if (readFileSync(path, "utf8") !== text) {
        console.error(`${path} is stale: run bun scripts/everyday.ts`);
        process.exit(1);
      }
    } else writeFileSync(path, text);
  }
  const changed = pairs.filter((p) => p.corrupt !== p.correct).length;
  console.error(`everyday: ${pairs.length} pairs (${changed} with typos, ${pairs.length - changed} clean)`);
}
