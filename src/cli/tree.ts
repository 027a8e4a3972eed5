/**
 * `typofix --check PATH…` and `--write PATH…` on files and folders: folders are walked (src/walk:
 * .gitignore, .ignore, the project config's ignore globs; prose files and comments of source files), each
 * file is checked with the settings that apply to it (src/project.ts: the nearest .typofix.yaml merged
 * over the user config) and its prose ranges (src/check), and findings go to the chosen printer
 * (src/printers). `--write` replaces each changed file atomically; a file that cannot be read or written
 * is reported and the others go on. Memory: one file at a time (SARIF keeps the findings until the end).
 */
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Engine } from "../types.ts";
import { checkDocument, applyFindings } from "../check/index.ts";
import { splitLines } from "../text/lines.ts";
import { kindOfPath, type DocKind } from "../text/prose.ts";
import { walk, skipContent } from "../walk/index.ts";
import { ConfigError } from "../config.ts";
import type { ProjectConfigs } from "../project.ts";
import { atomicWriteFileUninterrupted } from "../fsutil.ts";
import type { FindingSink } from "./findings.ts";
import { byteColumn } from "../printers/index.ts";

export interface TreeOptions {
  engine: Engine;
  configs: ProjectConfigs;
  /** --confidence: beats each file's config. */
  confidence?: number;
  write: boolean;
  sink: FindingSink;
  warn: (msg: string) => void;
  success: (msg: string) => void;
}

export interface TreeSummary {
  files: number;
  findings: number;
  /** Files that could not be read, decoded or written. */
  errors: number;
}

export async function runTree(paths: readonly string[], o: TreeOptions): Promise<TreeSummary> {
  const sum: TreeSummary = { files: 0, findings: 0, errors: 0 };
  for (const p of paths) {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch (err) {
      o.warn(`${p}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (err as Error).message}`);
      sum.errors++;
      continue;
    }
    if (!dir) {
      await checkFile(p, kindOfPath(p) ?? "text", o, sum, true);
      continue;
    }
    const extraIgnore = async (d: string) => {
      const project = await o.configs.projectFor(d);
      return project ? { base: project.dir, globs: project.ignore } : null;
    };
    try {
      const onError = (path: string, err: Error) => {
        o.warn(`${path}: could not read the folder (${err.message})`);
        sum.errors++;
      };
      for await (const f of walk(p, { extraIgnore, onError })) await checkFile(f.path, f.kind, o, sum, false);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      o.warn(`config: ${err.message}`);
      sum.errors++;
    }
  }
  return sum;
}

async function checkFile(path: string, kind: DocKind, o: TreeOptions, sum: TreeSummary, explicit: boolean): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    o.warn(`${path}: could not read (${(err as Error).message})`);
    sum.errors++;
    return;
  }
  const skip = skipContent(bytes);
  if (skip) {
    if (explicit) o.warn(`${path}: looks ${skip === "binary" ? "like a binary file (NUL bytes)" : "generated"}; not checked`);
    return;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes); // a BOM stays in the text
  } catch {
    o.warn(`${path}: not valid UTF-8 text; not checked`);
    sum.errors++;
    return;
  }
  let eff;
  try {
    eff = await o.configs.forDir(dirname(path));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    o.warn(`config: ${err.message}`);
    sum.errors++;
    return;
  }
  sum.files++;
  const lines = splitLines(text);
  // a byte-order mark is not prose: hide it from the checker, keep it in the file
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const texts = lines.map((l, i) => (i === 0 && bom ? l.text.slice(1) : l.text));
  const r = await checkDocument(o.engine, texts, kind, { userWords: eff.words, confidence: o.confidence ?? eff.confidence, ignoreRegex: eff.ignoreRegex });
  for (const w of r.warnings) o.warn(`${path}: the ${o.engine.name} engine failed (${w}); those lines are unchanged`);
  let n = 0;
  for (const found of r.lines) n += found.length;
  sum.findings += n;
  if (!o.write) {
    for (const found of r.lines)
      for (const f of found) {
        const col = f.start + 1; // as editors count: the byte-order mark is not a column
        await o.sink.add({ file: path, line: f.line + 1, column: col, endColumn: col + (f.end - f.start), byteColumn: byteColumn(texts[f.line]!, f.start, false), from: f.from, to: f.to, kind: f.kind, engine: f.engine });
      }
    return;
  }
  if (!n) return; // nothing to fix: the file is left as it is (same inode, times, links)
  const out = lines.map((l, i) => (i === 0 && bom ? "\uFEFF" : "") + applyFindings(texts[i]!, r.lines[i]!) + l.eol).join("");
  try {
    await atomicWriteFileUninterrupted(path, out);
  } catch (err) {
    o.warn(`${path}: could not write (${(err as Error).message}); the file is unchanged`);
    sum.errors++;
    return;
  }
  o.success(`${path}: ${n} fix${n === 1 ? "" : "es"}`);
}
