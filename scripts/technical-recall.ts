/**
 * The recall side of the technical-text rules: the lines of scripts/technical.ts's corpus that bear marks
 * of technical writing (src/text/technical.ts technicalLine), each given one-edit typos (keyboard, drop,
 * double, transpose; 10% of words; seed = line number) by src/corrupt, then corrected. Prints how many
 * typos are restored (reduction) and how many clean words are changed. A line whose output has another
 * word count counts all its typos as left and one clean word as changed. Synthetic: a guard against rules
 * that leave typos alone, not a figure of real errors.
 *
 *   bun scripts/technical-recall.ts [CHECKOUT]   (CHECKOUT: another checkout's engine, e.g. main's)
 */
import { join } from "node:path";
import { technicalSources } from "./technical.ts";
import { corruptText } from "../src/corrupt/index.ts";
import { tokenize } from "../src/text/tokenize.ts";
import { technicalLine } from "../src/text/technical.ts";

const dir = process.argv[2] ?? join(import.meta.dir, "..");
const { LexiconEngine } = await import(join(dir, "src/engines/lexicon/index.ts"));
const engine = LexiconEngine.shared();
const words = (s: string) => s.split(/\s+/).filter(Boolean);
let lines = 0;
let typos = 0;
let left = 0;
let damaged = 0;
let seed = 1;
for (const src of technicalSources("d729dbc")) {
  for (const line of src.lines) {
    if (!line.trim() || !technicalLine(line, tokenize(line))) continue;
    const p = corruptText(line, { rate: 0.1, seed: seed++, types: ["keyboard", "drop", "double", "transpose"] });
    const a = words(line);
    const b = words(p.corrupted);
    if (a.length !== b.length) continue;
    const c = words(engine.fixSync(p.corrupted).output);
    lines++;
    if (c.length !== a.length) {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) typos++, left++;
      damaged++;
      continue;
    }
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        typos++;
        if (a[i] !== c[i]) left++;
      } else if (a[i] !== c[i]) damaged++;
    }
  }
}
console.log(`${dir}: ${lines} marked lines, ${typos} typos, ${left} left, reduction ${(1 - left / typos).toFixed(4)}, clean words changed ${damaged}`);
