/**
 * Walking folders for `typofix --check PATH…`: a depth-first walk in name order that honours `.gitignore`
 * (of the folder and of every folder above it up to the repository root), `.ignore`, and the ignore globs
 * of the project config (gitignore syntax, relative to the config's folder), all matched by the `ignore`
 * library (the matcher of eslint and prettier) rather than a hand-written gitignore parser. Version-control
 * folders and node_modules are never entered; files of unknown kinds (not prose, no known comment syntax)
 * and generated files by name (lock files, minified code, source maps) are skipped; symbolic links are
 * not followed. Binary and generated
 * content is recognised when the file is read (`skipContent`). Cost: one readdir per folder, one read of
 * each ignore file, a match per entry per ignore file in force.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { kindOfPath, type DocKind } from "../text/prose.ts";
import { looksBinary } from "../fsutil.ts";

const NEVER_ENTER = new Set([".git", ".hg", ".svn", ".jj", "node_modules"]);
const GENERATED_NAME = /(?:\.min\.(?:js|css)|\.map|\.lock|-lock\.(?:json|yaml)|\.snap|\.svg)$/i;
/** Files larger than this are not prose anyone wrote by hand (a data dump, a log). */
export const MAX_BYTES = 4 * 1024 * 1024;

interface Matcher {
  base: string;
  ig: Ignore;
}

export interface WalkOptions {
  /** Extra ignore globs that apply in a folder: from the project config (base: the config's folder). */
  extraIgnore?: (dir: string) => Promise<{ base: string; globs: string[] } | null>;
  /** Told about a folder that cannot be read (the walk goes on without it). */
  onError?: (path: string, err: Error) => void;
}

export interface WalkedFile {
  path: string;
  kind: DocKind;
}

function readIgnoreFile(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Matchers for the ignore files of `dir` itself. */
function matchersOf(dir: string): Matcher[] {
  const out: Matcher[] = [];
  for (const name of [".gitignore", ".ignore"]) {
    const text = readIgnoreFile(join(dir, name));
    if (text !== null) out.push({ base: dir, ig: ignore().add(text) });
  }
  return out;
}

/** The .gitignore files of the folders above `dir` inside its repository (none outside a repository). */
function ancestorMatchers(dir: string): Matcher[] {
  const chain: string[] = [];
  let root: string | null = null;
  for (let d = dirname(dir); ; d = dirname(d)) {
    chain.unshift(d);
    if (existsSync(join(d, ".git"))) {
      root = d;
      break;
    }
    if (dirname(d) === d) break;
  }
  if (existsSync(join(dir, ".git")) || !root) return [];
  return chain.flatMap(matchersOf);
}

/** Whether the matchers in force ignore `path` (later, deeper files override earlier ones, as in git). */
function ignored(matchers: readonly Matcher[], path: string, isDir: boolean): boolean {
  let out = false;
  for (const m of matchers) {
    const rel = relative(m.base, path).split(sep).join("/");
    if (!rel || rel.startsWith("..")) continue;
    const t = m.ig.test(isDir ? rel + "/" : rel);
    if (t.ignored) out = true;
    else if (t.unignored) out = false;
  }
  return out;
}

/** The files under `root` (a folder) to check, in a stable order. */
export async function* walk(root: string, options: WalkOptions = {}): AsyncGenerator<WalkedFile> {
  const start = resolve(root);
  const extraCache = new Map<string, Matcher>();
  const extra = async (dir: string): Promise<Matcher[]> => {
    const e = await options.extraIgnore?.(dir);
    if (!e || !e.globs.length) return [];
    const key = `${e.base}\u0000${e.globs.join("\u0000")}`;
    let m = extraCache.get(key);
    if (!m) extraCache.set(key, (m = { base: e.base, ig: ignore().add(e.globs) }));
    return [m];
  };
  const display = (abs: string) => (root === "." ? relative(".", abs) || "." : join(root, relative(start, abs)));
  async function* visit(dir: string, inherited: Matcher[]): AsyncGenerator<WalkedFile> {
    const matchers = [...inherited, ...matchersOf(dir)];
    const all = [...matchers, ...(await extra(dir))];
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      options.onError?.(dir, err as Error);
      return;
    }
    for (const name of names) {
      const abs = join(dir, name);
      let st;
      try {
        st = lstatSync(abs); // symbolic links are not followed (as ripgrep and git do): no loops, no escaping the tree
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (NEVER_ENTER.has(name) || ignored(all, abs, true)) continue;
        yield* visit(abs, matchers);
      } else if (st.isFile()) {
        const kind = kindOfPath(name);
        if (!kind || GENERATED_NAME.test(name) || st.size > MAX_BYTES || ignored(all, abs, false)) continue;
        yield { path: display(abs), kind };
      }
    }
  }
  yield* visit(start, ancestorMatchers(start));
}

/** Why a file's content is not checked (binary: a NUL byte; generated: a marker in its first lines), or null. */
export function skipContent(bytes: Uint8Array): "binary" | "generated" | null {
  if (looksBinary(bytes)) return "binary";
  const head = new TextDecoder().decode(bytes.subarray(0, 1024));
  if (/@generated|DO NOT EDIT|Code generated .* by|auto-?generated (?:file|by)/i.test(head.split("\n").slice(0, 5).join("\n"))) return "generated";
  return null;
}
