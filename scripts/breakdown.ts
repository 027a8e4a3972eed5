/**
 * Where the lexicon engine misses: the word errors of a pairs folder (corrupt.txt, correct.txt), aligned by
 * words, by class (distance 1, distance 2, distance 3+, real word, split, join, capitalisation, other), each with
 * how many the engine fixed and how many it could have: whether the right word is among the candidates the
 * engine generates for the typed word (candidate recall). A miss with the right candidate is a ranking
 * error; one without, a generation error. Cost: one engine call per line plus one candidate search per error.
 *
 *   bun scripts/breakdown.ts DIR [--show CLASS] [--limit N]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { osaDistance } from "../src/text/distance.ts";
import { diffTokens } from "./errors.ts";

/** Word core of a whitespace token: letters and apostrophes, lower case. */
const core = (t: string) => t.toLowerCase().replace(/’/g, "'").replace(/^[^\p{L}']+|[^\p{L}']+$/gu, "").replace(/^'+|'+$/g, "");

export interface ClassRow {
  errors: number;
  fixed: number;
  generated: number;
}

export function breakdown(dir: string, engine = LexiconEngine.shared(), show?: string, limit = 30): Record<string, ClassRow> {
  const src = readFileSync(join(dir, "corrupt.txt"), "utf8").split("\n");
  const ref = readFileSync(join(dir, "correct.txt"), "utf8").split("\n");
  const rows: Record<string, ClassRow> = {};
  let shown = 0;
  for (let k = 0; k < src.length; k++) {
    const s = src[k]!;
    const r = ref[k] ?? "";
    if (s === r) continue;
    const out = engine.fixSync(s).output;
    const outTokens = out.split(/\s+/).filter(Boolean);
    const fixedSet = new Map<string, number>();
    for (const t of outTokens) fixedSet.set(t, (fixedSet.get(t) ?? 0) + 1);
    const srcTokens = s.split(/\s+/).filter(Boolean);
    const refTokens = r.split(/\s+/).filter(Boolean);
    // which correct tokens the output has at the places the corruption changed
    const missing = new Map<string, number>();
    for (const [, bs] of diffTokens(outTokens, refTokens)) for (const b of bs) missing.set(b, (missing.get(b) ?? 0) + 1);
    // a stretch of as many typed as correct tokens is that many one-word errors
    const stretches = diffTokens(srcTokens, refTokens).flatMap(([as, bs, at]) =>
      as.length === bs.length && as.length > 1 ? as.map((a, q) => [[a], [bs[q]!], at + q] as [string[], string[], number]) : [[as, bs, at] as [string[], string[], number]],
    );
    for (const [as, bs, at] of stretches) {
      let cls: string;
      const A = as.map(core);
      const B = bs.map(core);
      let generated = false;
      if (as.length === 1 && bs.length === 1) {
        const a = A[0]!;
        const b = B[0]!;
        if (a === b) cls = as[0]!.toLowerCase() === bs[0]!.toLowerCase() ? "punct/case" : "punct/case";
        else if (!/^[\p{L}']+$/u.test(a) || !/^[\p{L}']+$/u.test(b)) cls = "other";
        else {
          const known = engine.isKnown(a);
          const d = osaDistance(a, b);
          cls = known ? "real-word" : d === 1 ? "dist1" : d === 2 ? "dist2" : "dist3+";
          const lex = engine.lex;
          const bid = lex.id(b);
          if (bid >= 0) {
            const ids = known
              ? [...engine.cand.nearest(a, 1, true), ...engine.cand.nearestCommon(a)].map((h) => h.id)
              : [...engine.cand.nearest(a, a.length <= 2 ? 1 : 2).map((h) => h.id), ...lex.corrections(a)];
            generated = ids.includes(bid);
          }
        }
      } else if (as.length === 1 && bs.length === 2) cls = "split";
      else if (as.length === 2 && bs.length === 1) cls = "join";
      else cls = "multi";
      const row = (rows[cls] ??= { errors: 0, fixed: 0, generated: 0 });
      row.errors++;
      if (generated) row.generated++;
      // fixed: every correct token of the stretch is in the output where it belongs (not among the output's misses)
      const ok = bs.every((b) => !missing.get(b));
      if (ok) row.fixed++;
      if (show && cls === show && !ok && shown++ < limit) console.log(`${as.join(" ")}\t${bs.join(" ")}\tgen=${generated}\tgot ${outTokens.length === srcTokens.length ? outTokens.slice(at, at + as.length).join(" ") : "?"}`);
    }
  }
  return rows;
}

if (import.meta.main) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: bun scripts/breakdown.ts DIR [--show CLASS] [--limit N]");
    process.exit(2);
  }
  const si = process.argv.indexOf("--show");
  const li = process.argv.indexOf("--limit");
  const rows = breakdown(dir, LexiconEngine.shared(), si > 0 ? process.argv[si + 1] : undefined, li > 0 ? Number(process.argv[li + 1]) : 30);
  const total = { errors: 0, fixed: 0, generated: 0 };
  for (const [cls, r] of Object.entries(rows).sort((x, y) => y[1].errors - x[1].errors)) {
    total.errors += r.errors;
    total.fixed += r.fixed;
    total.generated += r.generated;
    console.log(`${cls.padEnd(11)} errors ${String(r.errors).padStart(5)}  fixed ${(r.fixed / r.errors).toFixed(3)}  generated ${(r.generated / r.errors).toFixed(3)}`);
  }
  console.log(`${"all".padEnd(11)} errors ${String(total.errors).padStart(5)}  fixed ${(total.fixed / total.errors).toFixed(3)}`);
}
