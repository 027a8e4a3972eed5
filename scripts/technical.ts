/**
 * Clean technical English, measured: how many words typofix changes in text that has no typos.
 * Sources (nothing is committed; all come from the checkout itself):
 *   - the README.md of every package installed under node_modules (names sorted; pinned by package-lock),
 *   - this repository's README.md and docs/*.md,
 *   - this repository's commit messages (`git log --format=%B`).
 * Markdown code fences are skipped (the CLI leaves them alone too); every other line goes to the engine.
 * Prints changed words per 1,000 for each source and every change, so each one can be judged.
 *
 *   bun scripts/technical.ts [--engine lexicon] [--json FILE] [--quiet] [--rev REV] [--project]
 * (--rev: the commit whose history is the git-log part, HEAD by default; a fixed one keeps the corpus
 * the same while commits are added; --project: the two parts of this repository are read with the words
 * of its .typofix.yaml, this project's own terms, as `typofix --check .` reads them)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createEngine } from "../src/engines/index.ts";
import type { EngineName } from "../src/types.ts";
import { loadProjectConfig, PROJECT_FILE } from "../src/project.ts";

const root = join(import.meta.dir, "..");
const WORD = /[\p{L}][\p{L}'’-]*/gu;

export interface Source {
  name: string;
  lines: string[];
}

function markdownProse(text: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (!fence) fence = m[1]![0]!;
      else if (m[1]![0] === fence) fence = null;
      continue;
    }
    if (!fence) out.push(line);
  }
  return out;
}

export function technicalSources(rev = "HEAD"): Source[] {
  const nm = join(root, "node_modules");
  const pkgs: string[] = [];
  for (const name of readdirSync(nm).sort()) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@")) for (const sub of readdirSync(join(nm, name)).sort()) pkgs.push(`${name}/${sub}`);
    else pkgs.push(name);
  }
  const readmes: string[] = [];
  for (const p of pkgs) {
    const f = join(nm, p, "README.md");
    if (existsSync(f)) readmes.push(...markdownProse(readFileSync(f, "utf8")));
  }
  const docs = [join(root, "README.md"), ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => join(root, "docs", f))];
  const repoDocs = docs.flatMap((f) => markdownProse(readFileSync(f, "utf8")));
  const log = Bun.spawnSync(["git", "log", "--format=%B", rev], { cwd: root }).stdout.toString().split("\n");
  return [
    { name: "node_modules READMEs", lines: readmes },
    { name: "typofix docs", lines: repoDocs },
    { name: "typofix git log", lines: log },
  ];
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const opt = (k: string) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  const engine = await createEngine({ engine: (opt("--engine") ?? "lexicon") as EngineName });
  const projectWords = args.includes("--project") ? new Set((await loadProjectConfig(join(root, PROJECT_FILE))).words) : undefined;
  const report: Array<{ source: string; words: number; changed: number; perThousand: number; changes: string[] }> = [];
  for (const src of technicalSources(opt("--rev"))) {
    let words = 0;
    let changed = 0;
    const changes: string[] = [];
    let prev = "";
    for (const line of src.lines) {
      words += line.match(WORD)?.length ?? 0;
      if (line.trim()) {
        const continues = prev.trim() !== "" && !/[.!?:]\s*$/.test(prev);
        const r = await engine.fix(line, { continues, userWords: src.name.startsWith("typofix") ? projectWords : undefined });
        for (const e of r.edits) {
          changed += Math.max(1, e.from.match(WORD)?.length ?? 0);
          changes.push(`${e.from} -> ${e.to}\t| ${line.trim().slice(0, 160)}`);
        }
      }
      prev = line;
    }
    report.push({ source: src.name, words, changed, perThousand: +((1000 * changed) / Math.max(1, words)).toFixed(2), changes });
  }
  await engine.dispose?.();
  const all = report.reduce((a, r) => ({ words: a.words + r.words, changed: a.changed + r.changed }), { words: 0, changed: 0 });
  for (const r of report) {
    console.log(`${r.source}: ${r.words} words, ${r.changed} changed, ${r.perThousand} per 1,000`);
    if (!args.includes("--quiet")) for (const c of r.changes) console.log(`  ${c}`);
  }
  console.log(`all: ${all.words} words, ${all.changed} changed, ${((1000 * all.changed) / Math.max(1, all.words)).toFixed(2)} per 1,000`);
  const json = opt("--json");
  if (json) writeFileSync(json, JSON.stringify({ engine: engine.name, sources: report, ...all }, null, 2) + "\n");
}
