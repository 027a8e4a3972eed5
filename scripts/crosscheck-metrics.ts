/**
 * Development check: our corpus BLEU against NLTK's (Debian python3-nltk) on the same 13a tokens.
 * NLTK's corpus_bleu differs from sacreBLEU's in one rule: it counts at least one n-gram per sentence even
 * when a sentence is shorter than n. With that rule switched on, ours must equal NLTK's.
 *   bun scripts/crosscheck-metrics.ts [N]   (prints both values; the test pins the agreed value)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bleuFromStats, bleuStats, corpusBleu, tokenize13a } from "../src/metrics/index.ts";

const dir = join(import.meta.dir, "../../shared/data/dev/wikidump.realistic");
const n = Number(process.argv[2] ?? 200);
const hyp = readFileSync(join(dir, "corrupt.txt"), "utf8").split("\n").slice(0, n);
const ref = readFileSync(join(dir, "correct.txt"), "utf8").split("\n").slice(0, n);
const ours = corpusBleu(hyp, ref);
const py = `
import json, sys
from nltk.translate.bleu_score import corpus_bleu
d = json.load(sys.stdin)
print(corpus_bleu([[r] for r in d["ref"]], d["hyp"]))
`;
const p = Bun.spawnSync([process.env.PYTHON ?? "/usr/bin/python3", "-c", py], { stdin: new TextEncoder().encode(JSON.stringify({ hyp: hyp.map(tokenize13a), ref: ref.map(tokenize13a) })) });
if (p.exitCode !== 0) throw new Error(p.stderr.toString());
const nltk = Number(p.stdout.toString());
const oursNltkRule = bleuFromStats(hyp.map((h, i) => bleuStats(h, ref[i]!)), 4, false, true);
console.log(JSON.stringify({ lines: n, ours, nltk, oursNltkRule, difference: Math.abs(oursNltkRule - nltk) }));
