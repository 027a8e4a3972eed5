/**
 * Error analysis of the lexicon engine on a pairs folder (corrupt.txt, correct.txt): every word error the
 * corruption made, aligned three ways (typed, correct, the engine's output), classed by what became of it,
 * and every change the engine made where nothing was wrong, with counts and examples.
 *
 *   fixed              the output has the correct words
 *   missed/unknown     an unknown word left as typed          missed/real-word  a known word left as typed
 *   missed/split       a word that should be two, left        missed/merge      two words that should be one, left
 *   missed/other       punctuation, case or longer stretches left as typed
 *   wrong/case         the right word with the wrong case (sub-classed: the capital lost or added, whether
 *                      the correct word begins a sentence, what the vocabulary knows of the word)
 *   wrong/inflection   a word of the same stem (one ends where the other goes on, or they share all but an ending)
 *   wrong/word         another word
 *   over/corrupt       a change to a word outside every error on the corrupt side
 *   over/clean         a change to the clean side (the "clean change" of `typofix eval`)
 *
 * The alignment is an LCS on whitespace tokens (typed→correct for the errors, typed→output for the engine's
 * changes); a stretch of as many typed as correct tokens counts as that many one-word errors. Cost: two engine calls per
 * line (corrupt and clean sides) and two quadratic alignments of its tokens.
 *
 *   bun scripts/errors.ts DIR [--show CLASS] [--limit N] [--json]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { WORD_NAME, WORD_NAMELIKE } from "../src/engines/lexicon/format.ts";
import { PROPER } from "../src/engines/lexicon/proper.ts";

/** Word core of a whitespace token: letters, digits and apostrophes, lower case. */
const core = (t: string) => t.toLowerCase().replace(/’/g, "'").replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, "").replace(/^'+|'+$/g, "");

/** The differing stretches of an LCS alignment of two token lists: [from a, from b, index in a, index in b]. */
export function diffTokens(a: readonly string[], b: readonly string[]): Array<[string[], string[], number, number]> {
  const n = a.length;
  const m = b.length;
  const L = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: Array<[string[], string[], number, number]> = [];
  let i = 0;
  let j = 0;
  let ca: string[] = [];
  let cb: string[] = [];
  let ai = 0;
  let bj = 0;
  const flush = () => {
    if (ca.length || cb.length) out.push([ca, cb, ai, bj]);
    ca = [];
    cb = [];
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
      ai = i;
      bj = j;
    } else if (j < m && (i >= n || L[i]![j + 1]! >= L[i + 1]![j]!)) cb.push(b[j++]!);
    else ca.push(a[i++]!);
  }
  flush();
  return out;
}

/** Split stretches of as many tokens on both sides into one-token stretches. */
function oneToOne(st: Array<[string[], string[], number, number]>): Array<[string[], string[], number, number]> {
  return st.flatMap(([as, bs, i, j]) => (as.length === bs.length && as.length > 1 ? as.map((a, q) => [[a], [bs[q]!], i + q, j + q] as [string[], string[], number, number]) : [[as, bs, i, j] as [string[], string[], number, number]]));
}

/**
 * For each typed token, the output tokens it became: a group id per typed token and the output tokens of
 * each group (a stretch of the engine's changes that is not one-to-one is one group; inserted tokens join
 * the group of the typed token before them).
 */
function outputGroups(src: readonly string[], out: readonly string[]): { group: Int32Array; tokens: string[][] } {
  const group = new Int32Array(src.length).fill(-1);
  const tokens: string[][] = [];
  const changes = oneToOne(diffTokens(src, out));
  let c = 0;
  let i = 0;
  let j = 0;
  while (i < src.length || c < changes.length) {
    const ch = changes[c];
    if (ch && ch[2] === i && ch[3] === j) {
      const [as, bs] = ch;
      if (as.length) {
        const g = tokens.push([...bs]) - 1;
        for (let q = 0; q < as.length; q++) group[i + q] = g;
      } else if (tokens.length) tokens[tokens.length - 1]!.push(...bs);
      else tokens.push([...bs]);
      i += as.length;
      j += bs.length;
      c++;
      continue;
    }
    if (i >= src.length) break;
    group[i] = tokens.push([out[j]!]) - 1;
    i++;
    j++;
  }
  return { group, tokens };
}

export interface Analysis {
  counts: Record<string, number>;
  examples: Record<string, string[]>;
  errors: number;
}

export function analyse(dir: string, engine = LexiconEngine.shared(), keep = 12): Analysis {
  const src = readFileSync(join(dir, "corrupt.txt"), "utf8").split("\n").slice(0, -1);
  const ref = readFileSync(join(dir, "correct.txt"), "utf8").split("\n").slice(0, -1);
  const counts: Record<string, number> = {};
  const examples: Record<string, string[]> = {};
  let errors = 0;
  const note = (cls: string, ex: string) => {
    counts[cls] = (counts[cls] ?? 0) + 1;
    const e = (examples[cls] ??= []);
    if (e.length < keep) e.push(ex);
  };
  const lex = engine.lex;
  /** What the vocabulary knows of a correct word: counted, listed, a name only, unknown. */
  const knows = (w: string) => {
    const id = lex.id(core(w));
    if (id < 0) return "unknown";
    const f = lex.flags(id);
    return f & WORD_NAME ? "name-only" : f & WORD_NAMELIKE ? "namelike" : PROPER.has(core(w)) ? "proper-list" : id < lex.data.nCounted ? "counted" : "listed";
  };
  for (let k = 0; k < src.length; k++) {
    const s = src[k]!;
    const r = ref[k] ?? "";
    const sT = s.split(/\s+/).filter(Boolean);
    const rT = r.split(/\s+/).filter(Boolean);
    const oT = engine.fixSync(s).output.split(/\s+/).filter(Boolean);
    const { group, tokens } = outputGroups(sT, oT);
    const touched = new Set<number>();
    for (const [as, bs, at] of oneToOne(diffTokens(sT, rT))) {
      errors++;
      // the output tokens of the typed stretch (for an insertion: the group of the token before)
      const gs = new Set<number>();
      for (let q = at; q < at + as.length; q++) gs.add(group[q]!);
      if (!as.length && at > 0) gs.add(group[at - 1]!);
      for (const g of gs) touched.add(g);
      const os = [...gs].sort((x, y) => x - y).flatMap((g) => tokens[g]!);
      const ctx = `${sT.slice(Math.max(0, at - 2), at).join(" ")} [${as.join(" ")} → ${os.join(" ")} | ${bs.join(" ")}] ${sT.slice(at + as.length, at + as.length + 2).join(" ")}`;
      // an insertion compares with the token before it on every side
      const want = !as.length && at > 0 ? [sT[at - 1]!, ...bs] : bs;
      const typed = !as.length && at > 0 ? [sT[at - 1]!] : as;
      if (os.join(" ") === want.join(" ")) {
        note("fixed", ctx);
        continue;
      }
      if (os.join(" ") === typed.join(" ")) {
        let cls = "missed/other";
        if (as.length === 1 && bs.length === 1) {
          const a = core(as[0]!);
          const b = core(bs[0]!);
          if (a === b) cls = "missed/punct-case";
          else if (/^[\p{L}']+$/u.test(a) && /^[\p{L}']+$/u.test(b)) cls = engine.isKnown(a) ? "missed/real-word" : "missed/unknown";
        } else if (as.length === 1 && bs.length === 2) cls = "missed/split";
        else if (as.length === 2 && bs.length === 1) cls = "missed/merge";
        note(cls, ctx);
        continue;
      }
      if (os.length === bs.length && os.join(" ").toLowerCase() === bs.join(" ").toLowerCase()) {
        const o = os[0]!;
        const b = bs[0]!;
        const lost = /^\p{Lu}/u.test(core(b) ? b.replace(/^[^\p{L}\p{N}]+/u, "") : b) && !/^\p{Lu}/u.test(o.replace(/^[^\p{L}\p{N}]+/u, ""));
        const title = (t?: string) => !!t && /^["“(]*\p{Lu}\p{Ll}/u.test(t);
        const nb = `${title(sT[at - 1]) ? "Prev" : "prev"}${title(sT[at + as.length]) ? "Next" : "next"}`;
        const startOfSentence = at === 0 || /[.!?:]["”')]*$/.test(sT[at - 1]!);
        const typedCap = /^\p{Lu}/u.test(as[0] ?? "");
        note(`wrong/case ${lost ? "capital-lost" : "capital-added"} ${startOfSentence ? "start" : "mid"} typed-${typedCap ? "Cap" : "low"} ${knows(b)} ${nb}`, ctx);
        continue;
      }
      if (os.length === 1 && bs.length === 1) {
        const o = core(os[0]!);
        const b = core(bs[0]!);
        let p = 0;
        while (p < o.length && o[p] === b[p]) p++;
        const inflection = p >= 4 && p >= Math.min(o.length, b.length) - 3 && Math.abs(o.length - b.length) <= 3;
        note(inflection ? "wrong/inflection" : "wrong/word", ctx);
        continue;
      }
      note("wrong/word", ctx);
    }
    // changes outside every error
    for (let g = 0; g < tokens.length; g++) {
      if (touched.has(g)) continue;
      const from: string[] = [];
      for (let q = 0; q < sT.length; q++) if (group[q] === g) from.push(sT[q]!);
      if (from.join(" ") !== tokens[g]!.join(" ")) note("over/corrupt", `${from.join(" ")} → ${tokens[g]!.join(" ")}  (${s.slice(0, 100)})`);
    }
    // the clean side
    const cT = engine.fixSync(r).output.split(/\s+/).filter(Boolean);
    for (const [as, bs] of oneToOne(diffTokens(rT, cT))) note("over/clean", `${as.join(" ")} → ${bs.join(" ")}  (${r.slice(0, 100)})`);
  }
  return { counts, examples, errors };
}

if (import.meta.main) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: bun scripts/errors.ts DIR [--show CLASS] [--limit N] [--json]");
    process.exit(2);
  }
  const si = process.argv.indexOf("--show");
  const li = process.argv.indexOf("--limit");
  const show = si > 0 ? process.argv[si + 1]! : undefined;
  const limit = li > 0 ? Number(process.argv[li + 1]) : 12;
  const a = analyse(dir, LexiconEngine.shared(), show ? limit : 3);
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(a, null, 1));
    process.exit(0);
  }
  console.log(`word errors ${a.errors}`);
  for (const [cls, n] of Object.entries(a.counts).sort((x, y) => y[1] - x[1])) {
    if (show && !cls.startsWith(show)) continue;
    const share = cls.startsWith("over/") ? "" : `  ${((100 * n) / a.errors).toFixed(1).padStart(5)}%`;
    console.log(`${cls.padEnd(58)} ${String(n).padStart(5)}${share}`);
    for (const e of a.examples[cls] ?? []) console.log(`    ${e}`);
  }
}
