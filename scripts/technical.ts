/**
 * Clean technical English, measured: how many words typofix changes in text that has no typos.
 * Sources (nothing is committed; all come from the checkout itself):
 *   - the README.md of every package installed under node_modules (names sorted; pinned by package-lock),
 *   - this repository's README.md and docs/*.md,
 *   - this repository's commit messages (`git log --format=%B`).
 * Markdown code fences are skipped (the CLI leaves them alone too); every other line goes to the engine.
 * Prints changed words per 1,000 for each source and every change, so each one can be judged.
 *
 * Two figures, both printed, so nobody is misled:
 *   - raw: every change counts against the engine;
 *   - clean: the corpus made clean rather than the changes excused. (1) The genuine typos of the package
 *     READMEs, reviewed one by one in scripts/technical-typos.tsv (source, typo, its correction, why), are
 *     counted apart as "typos in the corpus, fixed" when the engine gives that correction (any other change
 *     of them still counts as a wrong change). (2) In this project's own text (docs and commit messages, which
 *     quote the typos a typo fixer was changed for) the examples are left out, words and changes alike, by
 *     one rule on the text's form, not by word: text in quotation marks ("…", “…”, ‘…’, '…') or a code span
 *     (`…`), a word → word example (either arrow), a parenthesised list of two or more single words
 *     (`(workres, beveragaes)`; a list with a phrase or a number in it is prose and stays), and a run of
 *     three or more single words between commas (`thE, foR, followEd`).
 *
 *   bun scripts/technical.ts [--engine lexicon] [--json FILE] [--quiet] [--rev REV] [--project] [--documents]
 * (--rev: the commit whose history is the git-log part, HEAD by default; a fixed one keeps the corpus
 * the same while commits are added; --project: the two parts of this repository are read with the words
 * of its .typofix.yaml, this project's own terms, as `typofix --check .` reads them; --documents: each line
 * is read with what its document says of its words, as `typofix --check` and `--file` read a file
 * (src/text/technical.ts DocumentEvidence; a README or doc file is a Markdown document, a commit message
 * a commit message as a commit-msg hook reads it). Without it each line is read alone, as by the engine's
 * API or `typofix "text"`.)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createEngine } from "../src/engines/index.ts";
import type { EngineName } from "../src/types.ts";
import { loadProjectConfig, PROJECT_FILE } from "../src/project.ts";
import type { DocKind } from "../src/text/prose.ts";
import { DocumentEvidence } from "../src/text/technical.ts";
import { FenceTracker } from "../src/cli/io.ts";

const root = join(import.meta.dir, "..");
const WORD = /[\p{L}][\p{L}'’-]*/gu;

export interface Source {
  name: string;
  lines: string[];
  /** The package each line comes from (the READMEs). */
  owners?: string[];
  /** The document each line belongs to (an index into `documents`): a README, a doc file, a commit message. */
  docOf?: number[];
  /** Each document as a file of it reads, fences included, with its kind (src/text/prose.ts). */
  documents?: Array<{ kind: DocKind; lines: string[] }>;
}

/**
 * The spans of a line of this project's own text that quote examples (see the header): [start, end) pairs.
 */
export function exampleSpans(line: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const add = (re: RegExp, keep: (m: RegExpMatchArray) => boolean = () => true) => {
    for (const m of line.matchAll(re)) if (keep(m)) out.push([m.index!, m.index! + m[0].length]);
  };
  add(/"[^"\n]*"|“[^”\n]*”|‘[^’\n]*’|`[^`\n]*`/g);
  // single quotes: an opening one not after a letter or digit (an apostrophe is), a closing one not before a letter
  add(/(?<![\p{L}\d])'[^'\n]*?'(?!\p{L})/gu);
  add(/[\p{L}'’]+ ?(?:→|->) ?[\p{L}'’]+/gu);
  // a run of three or more single words between commas (`seperate, wierd, lonley`)
  add(/(?<![\p{L}'’/+-])[\p{L}'’/+-]+(?:, [\p{L}'’/+-]+){2,}(?![\p{L}'’/+-])/gu, (m) => !/, (?:and|or)$/.test(m[0]));
  add(/\(([^()\n]*)\)/g, (m) => {
    const items = m[1]!.split(/[,;]\s*/);
    return items.length >= 2 && items.every((w) => /^[\p{L}'’/+-]+$/u.test(w.trim()));
  });
  return out;
}

/** The reviewed typos of the package READMEs: `source<TAB>typo<TAB>correction<TAB>why` per line. */
export function corpusTypos(): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(join(import.meta.dir, "technical-typos.tsv"), "utf8").split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [source, typo, correction] = line.split("\t");
    out.add(`${source}\t${typo}\t${correction}`);
  }
  return out;
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
  const readmes: Source = { name: "node_modules READMEs", lines: [], owners: [], docOf: [], documents: [] };
  const markdown = (src: Source, f: string, owner?: string) => {
    const text = readFileSync(f, "utf8");
    const lines = markdownProse(text);
    src.lines.push(...lines);
    if (owner) src.owners!.push(...lines.map(() => owner));
    src.docOf!.push(...lines.map(() => src.documents!.length));
    src.documents!.push({ kind: "markdown", lines: text.split(/\r?\n/) });
  };
  for (const p of pkgs) {
    const f = join(nm, p, "README.md");
    if (existsSync(f)) markdown(readmes, f, p);
  }
  const docs = [join(root, "README.md"), ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => join(root, "docs", f))];
  const repoDocs: Source = { name: "typofix docs", lines: [], docOf: [], documents: [] };
  for (const f of docs) markdown(repoDocs, f);
  const log = Bun.spawnSync(["git", "log", "--format=%B", rev], { cwd: root }).stdout.toString().split("\n");
  // each commit message a document, as a commit-msg hook reads COMMIT_EDITMSG (its lines and the blank line after it)
  const messages = Bun.spawnSync(["git", "log", "--format=%B%x00", rev], { cwd: root }).stdout.toString().split("\0\n");
  const gitLog: Source = { name: "typofix git log", lines: log, docOf: [], documents: [] };
  for (const m of messages) {
    const lines = m.split("\n");
    gitLog.docOf!.push(...lines.map(() => gitLog.documents!.length));
    gitLog.documents!.push({ kind: "commit", lines });
  }
  if (gitLog.docOf!.length < log.length) throw new Error("technical.ts: the commit messages do not add up to the log");
  return [readmes, repoDocs, gitLog];
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const opt = (k: string) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  const engine = await createEngine({ engine: (opt("--engine") ?? "lexicon") as EngineName });
  const projectWords = args.includes("--project") ? new Set((await loadProjectConfig(join(root, PROJECT_FILE))).words) : undefined;
  const documents = args.includes("--documents");
  const typos = corpusTypos();
  type Row = { source: string; words: number; changed: number; perThousand: number; cleanWords: number; wrong: number; typosFixed: number; examples: number; cleanPerThousand: number; changes: string[] };
  const report: Row[] = [];
  const per = (n: number, d: number) => +((1000 * n) / Math.max(1, d)).toFixed(2);
  for (const src of technicalSources(opt("--rev"))) {
    const own = src.name.startsWith("typofix");
    // what each document says of its words (--documents)
    const evidence = documents
      ? src.documents!.map((d) => {
          const ev = new DocumentEvidence(d.kind);
          const fence = new FenceTracker();
          for (const l of d.lines) ev.add(l, d.kind !== "markdown" || !fence.isCode(l));
          return ev;
        })
      : [];
    let words = 0;
    let changed = 0;
    let cleanWords = 0;
    let wrong = 0;
    let typosFixed = 0;
    let examples = 0;
    const changes: string[] = [];
    let prev = "";
    for (const [k, line] of src.lines.entries()) {
      const n = line.match(WORD)?.length ?? 0;
      words += n;
      const spans = own ? exampleSpans(line) : [];
      const inExample = (a: number, b: number) => spans.some(([s, e]) => a >= s && b <= e);
      cleanWords += n;
      for (const m of line.matchAll(WORD)) if (inExample(m.index!, m.index! + m[0].length)) cleanWords--;
      if (line.trim()) {
        const continues = prev.trim() !== "" && !/[.!?:]\s*$/.test(prev);
        const r = await engine.fix(line, { continues, userWords: own ? projectWords : undefined, ...(documents ? evidence[src.docOf![k]!]!.optionsFor(line) : {}) });
        for (const e of r.edits) {
          const w = Math.max(1, e.from.match(WORD)?.length ?? 0);
          changed += w;
          let tag = "wrong";
          if (inExample(e.start, e.end)) {
            tag = "example";
            examples += w;
          } else if (src.owners && typos.has(`${src.owners[k]}\t${e.from}\t${e.to}`)) {
            tag = "typo";
            typosFixed += w;
          } else wrong += w;
          changes.push(`[${tag}] ${e.from} -> ${e.to}\t| ${line.trim().slice(0, 160)}`);
        }
      }
      prev = line;
    }
    report.push({ source: src.name, words, changed, perThousand: per(changed, words), cleanWords, wrong, typosFixed, examples, cleanPerThousand: per(wrong, cleanWords), changes });
  }
  await engine.dispose?.();
  const sum = (k: "words" | "changed" | "cleanWords" | "wrong" | "typosFixed" | "examples") => report.reduce((a, r) => a + r[k], 0);
  const all = { words: sum("words"), changed: sum("changed"), cleanWords: sum("cleanWords"), wrong: sum("wrong"), typosFixed: sum("typosFixed"), examples: sum("examples") };
  for (const r of report) {
    console.log(`${r.source}: raw ${r.words} words, ${r.changed} changed, ${r.perThousand} per 1,000; clean ${r.cleanWords} words, ${r.wrong} wrong changes, ${r.cleanPerThousand} per 1,000 (typos in the corpus, fixed: ${r.typosFixed}; changes in quoted examples left out: ${r.examples})`);
    if (!args.includes("--quiet")) for (const c of r.changes) console.log(`  ${c}`);
  }
  console.log(`all: raw ${all.words} words, ${all.changed} changed, ${per(all.changed, all.words).toFixed(2)} per 1,000; clean ${all.cleanWords} words, ${all.wrong} wrong changes, ${per(all.wrong, all.cleanWords).toFixed(2)} per 1,000 (typos in the corpus, fixed: ${all.typosFixed}; in quoted examples: ${all.examples})`);
  const json = opt("--json");
  if (json) writeFileSync(json, JSON.stringify({ engine: engine.name, sources: report, ...all }, null, 2) + "\n");
}
