/**
 * Project configuration: `.typofix.yaml`, found by walking up from the file being checked (as
 * `.editorconfig` and `_typos.toml` are found; the nearest one applies), merged over the user config:
 * its words are added to the user's, its engine and confidence replace the user's, its ignore globs
 * (gitignore syntax, relative to the file's folder) apply to tree walks, and text its ignore_regex
 * patterns match is not checked. Cost: one stat per folder
 * walked up, once per folder (ProjectConfigs caches), and one YAML parse per file found.
 *
 *   # .typofix.yaml
 *   words: [typofix, onnx]        # project words, never corrected
 *   ignore: ["fixtures/", "*.snap"]
 *   ignore_regex: ['"[^"]+" → ']  # text these match is not checked (here: typo examples in the docs)
 *   engine: lexicon
 *   confidence: high   (low, default, high or 0..1)
 */
import { exists, noEntry, nodeFs } from "./runtime/fs.ts";
import { join, nodePath } from "./runtime/path.ts";
import { ConfigError, parseConfidence, userWords, type Config } from "./config.ts";

export const PROJECT_FILE = ".typofix.yaml";

export interface ProjectConfig {
  /** The file's path and folder (ignore globs are relative to the folder). */
  path: string;
  dir: string;
  words: string[];
  ignore: string[];
  engine?: string;
  confidence?: number;
  /** Regular expressions (JavaScript syntax, Unicode) whose matches in a line are not checked. */
  ignoreRegex: RegExp[];
}

/** The settings that apply to one file: the user config with the project config over it. */
export interface Effective {
  engine?: string;
  model?: string;
  confidence?: number;
  words: Set<string>;
  ignore: string[];
  ignoreRegex: RegExp[];
  /** The configuration files that apply, user config first (existing files only). */
  files: string[];
  project: ProjectConfig | null;
}

/** The nearest `.typofix.yaml` in `dir` or a folder above it, or null. */
export function findProjectConfig(dir: string): string | null {
  const { dirname, resolve } = nodePath();
  for (let d = resolve(dir); ; ) {
    const p = join(d, PROJECT_FILE);
    if (exists(p)) return p;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** Parse a `.typofix.yaml`; a broken one is a ConfigError naming the file and line. */
export async function loadProjectConfig(path: string): Promise<ProjectConfig> {
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(nodeFs().readFileSync(path, "utf8"));
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new ConfigError(`${path}${line ? `:${line}` : ""}: ${e.message.split("\n")[0]}`);
  }
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof data !== "object" || Array.isArray(data)) throw new ConfigError(`${path}: expected a mapping of settings`);
  const known = ["words", "ignore", "ignore_regex", "engine", "confidence"];
  const unknown = Object.keys(data).filter((k) => !known.includes(k));
  if (unknown.length) throw new ConfigError(`${path}: unknown setting "${unknown[0]}" (known: ${known.join(", ")})`);
  const list = (k: string): string[] => {
    const v = data[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((w) => typeof w !== "string")) throw new ConfigError(`${path}: "${k}" must be a list of strings`);
    return v as string[];
  };
  const ignoreRegex = list("ignore_regex").map((src) => {
    try {
      return new RegExp(src, "gu");
    } catch (err) {
      throw new ConfigError(`${path}: ignore_regex ${JSON.stringify(src)}: ${(err as Error).message}`);
    }
  });
  const out: ProjectConfig = { path, dir: nodePath().dirname(path), words: list("words"), ignore: list("ignore"), ignoreRegex };
  if (data.engine !== undefined && data.engine !== null) {
    if (typeof data.engine !== "string") throw new ConfigError(`${path}: "engine" must be a string`);
    out.engine = data.engine;
  }
  if (data.confidence !== undefined && data.confidence !== null) {
    const c = parseConfidence(data.confidence);
    if (typeof c === "string") throw new ConfigError(`${path}: ${c}`);
    out.confidence = c;
  }
  return out;
}

/** Merge a project config over the user config (`base`: the user's words when already read). */
export function merge(user: Config & { confidence?: number }, project: ProjectConfig | null, userConfigPath?: string, base?: ReadonlySet<string>): Effective {
  const words = new Set(base ?? userWords(user));
  for (const w of project?.words ?? []) words.add(w);
  return {
    engine: project?.engine ?? user.engine,
    model: user.model,
    confidence: project?.confidence ?? user.confidence,
    words,
    ignore: project?.ignore ?? [],
    ignoreRegex: project?.ignoreRegex ?? [],
    files: [...(userConfigPath && exists(userConfigPath) ? [userConfigPath] : []), ...(exists(user.dictionary) ? [user.dictionary] : []), ...(project ? [project.path] : [])],
    project,
  };
}

/** Project configs by folder, each file parsed once (tree walks look one up per file). */
export class ProjectConfigs {
  private byDir = new Map<string, string | null>();
  private parsed = new Map<string, Promise<ProjectConfig>>();
  /** Modification times of the files read (missing: -1), for stale(). */
  private stamps = new Map<string, number>();
  constructor(private readonly user: Config & { confidence?: number }, private readonly userConfigPath?: string) {
    for (const p of [userConfigPath, user.dictionary]) if (p) this.stamps.set(p, mtime(p));
  }

  /**
   * Whether a file these settings came from (user config, dictionary, a .typofix.yaml read) has changed
   * since: a long-running caller (the language server) then starts afresh. One stat per file.
   */
  stale(): boolean {
    for (const [p, t] of this.stamps) if (mtime(p) !== t) return true;
    return false;
  }

  private nearest(dir: string): string | null {
    const { dirname, resolve } = nodePath();
    const d = resolve(dir);
    let hit = this.byDir.get(d);
    if (hit !== undefined) return hit;
    const p = join(d, PROJECT_FILE);
    const up = dirname(d);
    hit = exists(p) ? p : up === d ? null : this.nearest(up);
    this.byDir.set(d, hit);
    return hit;
  }

  /** The project config that applies in `dir` (null: none). */
  async projectFor(dir: string): Promise<ProjectConfig | null> {
    const p = this.nearest(dir);
    if (!p) return null;
    let c = this.parsed.get(p);
    if (!c) {
      this.stamps.set(p, mtime(p));
      this.parsed.set(p, (c = loadProjectConfig(p)));
    }
    return c;
  }

  private effective = new Map<string, Effective>();
  /** The user's words (dictionary file and config), read once for every project config. */
  private base?: Set<string>;

  /** The settings for a file in `dir` (one merged object per project config, reused). */
  async forDir(dir: string): Promise<Effective> {
    const project = await this.projectFor(dir);
    const key = project?.path ?? "";
    let e = this.effective.get(key);
    if (!e) this.effective.set(key, (e = merge(this.user, project, this.userConfigPath, (this.base ??= userWords(this.user)))));
    return e;
  }
}

function mtime(path: string): number {
  // (a missing file, the usual case, is found without node:fs or an exception)
  if (noEntry(path)) return -1;
  try {
    return nodeFs().statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}
