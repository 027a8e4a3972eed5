/**
 * The homophone pairs that the trigram model of confusables judges (src/engines/lexicon/confusable-lm.ts
 * CMU_PAIRS, but its/it's, your/you're, to/too, affect/effect, then/than and lose/loose, which have tests
 * of their own), measured on clean text, per direction:
 *   - right words changed: an edit of the engine from one word of a pair to its twin on the clean lines;
 *   - put back: each of the pair words of a line (at most two a line) replaced in turn by its twin, and the
 *     line corrected; counted where the output is the clean line again.
 * Lines longer than 600 characters are left out. Prints one row per direction and the totals.
 *
 *   bun scripts/homophones.ts FILE... [--show] [--engine DIR]
 *   (--show: the lines where a right word was changed; --engine: the engine of another checkout, e.g. a
 *   worktree of an older commit, measured on this checkout's pairs)
 *
 * The figures in confusable-lm.ts come from ../shared/data/sherlockholmes.txt, the dev sets' correct.txt
 * (realistic), node_modules' README.md files, ripgrep's, bat's and fzf's `git log --format=%B`, and this
 * repository's README.md and docs/*.md.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CMU_PAIRS } from "../src/engines/lexicon/confusable-lm.ts";
import type { LexiconEngine } from "../src/engines/lexicon/index.ts";

const args = process.argv.slice(2);
const show = args.includes("--show");
const at = args.indexOf("--engine");
const dir = at >= 0 ? args[at + 1]! : join(import.meta.dir, "..");
const files = args.filter((a, i) => a !== "--show" && (at < 0 || (i !== at && i !== at + 1)));
if (!files.length) {
  console.error("usage: bun scripts/homophones.ts FILE... [--show] [--engine DIR]");
  process.exit(2);
}
const OWN_TESTS = new Set(["its", "it's", "your", "you're", "to", "too", "affect", "effect", "then", "than", "lose", "loose"]);
const words = [...CMU_PAIRS.keys()].filter((w) => !OWN_TESTS.has(w));
const engine: LexiconEngine = (await import(join(dir, "src/engines/lexicon/index.ts"))).LexiconEngine.shared();
const changed = new Map<string, string[]>();
const tried = new Map<string, number>();
const putBack = new Map<string, number>();
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const pattern = new RegExp(`(?<![\\p{L}'])(?:${words.join("|")})(?![\\p{L}'])`, "giu");
let lines = 0;
let total = 0;
for (const f of files)
  for (const line of readFileSync(f, "utf8").split("\n")) {
    if (!line.trim() || line.length >= 600) continue;
    lines++;
    total += line.split(/\s+/).filter(Boolean).length;
    for (const e of engine.fixSync(line).edits) {
      const from = e.from.toLowerCase();
      if (words.includes(from) && CMU_PAIRS.get(from) === e.to.toLowerCase()) {
        const k = `${from} -> ${e.to.toLowerCase()}`;
        changed.set(k, [...(changed.get(k) ?? []), line]);
      }
    }
    let k = 0;
    for (const m of line.matchAll(pattern)) {
      if (k++ >= 2) break;
      const right = m[0];
      const twin = CMU_PAIRS.get(right.toLowerCase())!;
      const typed = /^\p{Lu}/u.test(right) ? twin[0]!.toUpperCase() + twin.slice(1) : twin;
      const key = `${twin} -> ${right.toLowerCase()}`;
      bump(tried, key);
      if (engine.fixSync(line.slice(0, m.index) + typed + line.slice(m.index! + right.length)).output === line) bump(putBack, key);
    }
  }
console.log(`${lines.toLocaleString("en")} lines, ${total.toLocaleString("en")} words`);
console.log("typed -> meant           put back        right words changed (meant -> typed)");
let sumBack = 0;
let sumTried = 0;
let sumChanged = 0;
// (a row per word meant: its twin typed for it, put back; and the word itself, right, changed into its twin)
for (const meant of [...words].sort()) {
  const typed = CMU_PAIRS.get(meant)!;
  const k = `${typed} -> ${meant}`;
  const wrong = changed.get(`${meant} -> ${typed}`)?.length ?? 0;
  sumBack += putBack.get(k) ?? 0;
  sumTried += tried.get(k) ?? 0;
  sumChanged += wrong;
  console.log(`${k.padEnd(24)} ${String(putBack.get(k) ?? 0).padStart(5)} / ${String(tried.get(k) ?? 0).padEnd(7)} ${wrong}`);
}
console.log(`all                      ${sumBack} / ${sumTried} (${((100 * sumBack) / Math.max(1, sumTried)).toFixed(1)}%), right words changed ${sumChanged}`);
if (show) for (const [k, ls] of changed) for (const l of ls) console.log(`${k}\t${l}`);
