/**
 * A held-out check of clean technical English, kept apart from scripts/technical.ts (whose corpus the
 * engine's technical-text rules were tuned on): the Markdown files under node_modules that technical.ts
 * does not read (CHANGELOGs, docs, lower-case readme.md, READMEs of nested packages) and the doc comments
 * of bun-types and of TypeScript's ES library declarations (lib.es5.d.ts, lib.es2015.*.d.ts). Each file is
 * read as `typofix --check` reads it (src/check: its prose ranges, a line at a time, the sentence carried
 * over between lines). Prints changed words per 1,000 per part and every change; nothing is excused (the
 * files may hold genuine typos: judge the printed changes).
 *
 * --git DIR (repeatable): also the last 500 commit messages of that repository (a git directory, e.g. a
 * snapshot of another project brought by a fetch), each read as a commit message, as a commit-msg hook
 * reads COMMIT_EDITMSG. --lines: each prose line read alone (the engine's API, `typofix "text"`), without
 * what its document says (src/text/technical.ts).
 *
 *   bun scripts/technical-heldout.ts [--quiet] [--lines] [--git DIR]...
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createEngine } from "../src/engines/index.ts";
import { checkDocument } from "../src/check/index.ts";
import { kindOfPath, proseRanges, type DocKind } from "../src/text/prose.ts";
import type { Engine } from "../src/types.ts";

const root = join(import.meta.dir, "..");
const nm = join(root, "node_modules");
const WORD = /[\p{L}][\p{L}'’-]*/gu;

/** Files under dir (following links, at most `depth` folders down), sorted. */
function walk(dir: string, depth: number, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (depth > 0) walk(p, depth - 1, out);
    } else out.push(p);
  }
  return out;
}

/** The top-level README.md of a package: what technical.ts reads (left out here). */
const readByTechnical = (rel: string) => /^(?:@[^/]+\/)?[^/@]+\/README\.md$/.test(rel);

export function heldoutParts(): Array<{ name: string; files: string[] }> {
  const md = walk(nm, 6)
    .map((f) => f.slice(nm.length + 1))
    .filter((rel) => /\.(?:md|markdown)$/i.test(rel) && !readByTechnical(rel))
    .map((rel) => join(nm, rel));
  const lib = join(nm, "typescript", "lib");
  const dts = [
    ...readdirSync(join(nm, "bun-types")).filter((f) => f.endsWith(".d.ts")).sort().map((f) => join(nm, "bun-types", f)),
    join(lib, "lib.es5.d.ts"),
    ...readdirSync(lib).filter((f) => /^lib\.es2015\..*\.d\.ts$/.test(f)).sort().map((f) => join(lib, f)),
  ];
  return [
    { name: "node_modules Markdown (not READMEs)", files: [...new Set(md)] },
    { name: "doc comments (bun-types, TypeScript lib)", files: dts },
  ];
}

/** The last `n` commit messages of the repository at gitDir, each as its lines. */
function commitMessages(gitDir: string, n = 500): string[][] {
  const out = Bun.spawnSync(["git", "--git-dir", gitDir, "log", `-n${n}`, "--format=%B%x00"]).stdout.toString();
  return out
    .split("\0\n")
    .filter((m) => m.trim())
    .map((m) => m.split("\n"));
}

/** Each prose range read alone, as the engine's API reads a line (--lines). */
async function checkLines(engine: Engine, lines: string[], kind: DocKind): Promise<{ lines: Array<Array<{ from: string; to: string }>> }> {
  const out: Array<Array<{ from: string; to: string }>> = [];
  for (const [i, rs] of proseRanges(lines, kind).entries()) {
    const found: Array<{ from: string; to: string }> = [];
    for (const r of rs) found.push(...(await engine.fix(lines[i]!.slice(r.start, r.end))).edits);
    out.push(found);
  }
  return { lines: out };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const quiet = args.includes("--quiet");
  const alone = args.includes("--lines");
  const gits = args.flatMap((a, k) => (args[k - 1] === "--git" ? [a] : []));
  const engine = await createEngine({ engine: "lexicon" });
  let allWords = 0;
  let allChanged = 0;
  const parts: Array<{ name: string; docs: Array<{ name: string; kind: DocKind; lines: string[] }> }> = heldoutParts().map((p) => ({
    name: p.name,
    docs: p.files.flatMap((f) => {
      const kind = kindOfPath(f);
      return kind ? [{ name: f.slice(nm.length + 1), kind, lines: readFileSync(f, "utf8").split(/\r?\n/) }] : [];
    }),
  }));
  for (const g of gits) parts.push({ name: `commit messages of ${g}`, docs: commitMessages(g).map((lines, k) => ({ name: `commit ${k + 1}`, kind: "commit" as DocKind, lines })) });
  for (const part of parts) {
    let words = 0;
    let changed = 0;
    const changes: string[] = [];
    for (const { name, kind, lines } of part.docs) {
      const res = alone ? await checkLines(engine, lines, kind) : await checkDocument(engine, lines, kind);
      // the words of the prose the check reads
      const ranges = proseRanges(lines, kind);
      ranges.forEach((rs, i) => {
        for (const r of rs) words += lines[i]!.slice(r.start, r.end).match(WORD)?.length ?? 0;
      });
      res.lines.forEach((found, i) => {
        for (const e of found) {
          changed += Math.max(1, e.from.match(WORD)?.length ?? 0);
          changes.push(`${name}:${i + 1}: ${e.from} -> ${e.to}\t| ${lines[i]!.trim().slice(0, 160)}`);
        }
      });
    }
    allWords += words;
    allChanged += changed;
    console.log(`${part.name}: ${part.docs.length} documents, ${words} words, ${changed} changed, ${((1000 * changed) / Math.max(1, words)).toFixed(2)} per 1,000`);
    if (!quiet) for (const c of changes) console.log(`  ${c}`);
  }
  console.log(`all: ${allWords} words, ${allChanged} changed, ${((1000 * allChanged) / Math.max(1, allWords)).toFixed(2)} per 1,000`);
  await engine.dispose?.();
}
