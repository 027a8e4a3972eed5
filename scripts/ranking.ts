/**
 * Why the lexicon engine ranked a wrong word first: the one-word errors of a pairs folder that scripts/errors.ts
 * classes wrong/word (an unknown typed word became another word than the correct one), each split by
 *   - the letter edit distance (OSA) of the typed word from the correct word and from the engine's output,
 *   - which of the two the error model prefers (channel distance, channel.ts), which the prior (unigram ln P),
 *     and which their sum alone ("isolated": ln P − editCost · channel distance, no context);
 * so a class "output one edit away, correct two, isolated score for the output" is a channel (error model)
 * matter, and "isolated score for the correct word" one of the context. Prints the classes by size with
 * examples (typed → output, correct).
 *
 *   bun scripts/ranking.ts DIR [--examples N]
 *
 * Cost: that of scripts/errors.ts (two engine calls per line) and two channel distances per error.
 */
import { analyse } from "./errors.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { channelDistance } from "../src/engines/lexicon/channel.ts";
import { PARAMS } from "../src/engines/lexicon/params.ts";
import { osaTable } from "../src/text/distance.ts";

const core = (t: string) => t.toLowerCase().replace(/’/g, "'").replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, "");
const osa = (a: string, b: string) => {
  const { d, W } = osaTable(a, b);
  return d[a.length * W + b.length]!;
};

export interface RankingClass {
  key: string;
  count: number;
  examples: string[];
}

/** The wrong/word errors of DIR whose typed word is unknown and whose output and correct words are known, by class. */
export function rankingClasses(dir: string, engine = LexiconEngine.shared(), keep = 6): RankingClass[] {
  const lex = engine.lex;
  const a = analyse(dir, engine, Number.MAX_SAFE_INTEGER);
  const classes = new Map<string, RankingClass>();
  for (const ex of a.examples["wrong/word"] ?? []) {
    const m = /\[(.*) → (.*) \| (.*)\]/.exec(ex);
    if (!m) continue;
    const [typed, out, want] = [core(m[1]!), core(m[2]!), core(m[3]!)];
    if (/\s/.test(typed + out + want)) continue;
    const oid = lex.id(out);
    const cid = lex.id(want);
    if (lex.id(typed) >= 0 || oid < 0 || cid < 0) continue;
    // (an unknown typed word is scored with the substring rules, as the engine scores it)
    const chO = channelDistance(out, typed, true);
    const chC = channelDistance(want, typed, true);
    const d = (x: string) => Math.min(3, osa(x, typed));
    // (the second-edit cost as candidates.ts adds it; its exception for a lone word spelt by ear does not arise in prose)
    const isoC = lex.logP(cid) - PARAMS.editCost * chC - (d(want) >= 2 ? PARAMS.secondEditCost : 0);
    const isoO = lex.logP(oid) - PARAMS.editCost * chO - (d(out) >= 2 ? PARAMS.secondEditCost : 0);
    const key = [
      `correct ${d(want)} edit(s), output ${d(out)}`,
      isoC > isoO ? "isolated: correct" : "isolated: output",
      chC < chO ? "channel: correct" : "channel: output",
      lex.logP(cid) > lex.logP(oid) ? "prior: correct" : "prior: output",
    ].join(" | ");
    const c = classes.get(key) ?? { key, count: 0, examples: [] };
    c.count++;
    if (c.examples.length < keep) c.examples.push(`${typed} → ${out} (${want})`);
    classes.set(key, c);
  }
  return [...classes.values()].sort((x, y) => y.count - x.count);
}

if (import.meta.main) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: bun scripts/ranking.ts DIR [--examples N]");
    process.exit(2);
  }
  const ei = process.argv.indexOf("--examples");
  const cls = rankingClasses(dir, LexiconEngine.shared(), ei > 0 ? Number(process.argv[ei + 1]) : 6);
  console.log(`wrong/word errors with an unknown typed word and known output and correct words: ${cls.reduce((s, c) => s + c.count, 0)}`);
  for (const c of cls) console.log(`${String(c.count).padStart(5)}  ${c.key}\n       ${c.examples.join(", ")}`);
}
