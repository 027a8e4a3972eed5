/**
 * Configuration: `$XDG_CONFIG_HOME/typofix/config.yaml` (default `~/.config/typofix/config.yaml`) holds
 * defaults for the command line, and the user dictionary (one word per line, `#` comments) holds words
 * that are always right. Command-line flags override the file.
 */
import { exists, nodeFs } from "./runtime/fs.ts";
import { join, nodePath } from "./runtime/path.ts";
import { atomicWriteFile } from "./fsutil.ts";
import { CONFIDENCE_LEVELS } from "./types.ts";

export interface Config {
  engine?: string;
  model?: string;
  lang?: string;
  color?: boolean;
  /** Path of the user dictionary file. */
  dictionary: string;
  /** Words listed inline in the config file. */
  words: string[];
  /** Problems that do not stop typofix (an unknown key), one line each, for a warning. */
  warnings?: string[];
  /** Least confidence of an edit (0..1), from `confidence:` (low, default, high or a number). */
  confidence?: number;
}

/** A confidence setting: low, default, high, or a number from 0 to 1; an error message for anything else. */
export function parseConfidence(v: unknown): number | string {
  if (typeof v === "string" && v in CONFIDENCE_LEVELS) return CONFIDENCE_LEVELS[v as keyof typeof CONFIDENCE_LEVELS];
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
  return `confidence must be low, default, high or a number from 0 to 1 (got ${JSON.stringify(v)})`;
}

/** The keys config.yaml may hold. */
export const CONFIG_KEYS = ["engine", "model", "lang", "color", "dictionary", "words", "confidence"] as const;

/** The home folder: $HOME, else the account's (node:os is loaded only then: ~1 ms of a one-liner's start-up). */
const home = (env: NodeJS.ProcessEnv): string => env.HOME || (require("node:os") as typeof import("node:os")).homedir();

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(home(env), ".config");
  return join(base, "typofix");
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TYPOFIX_HOME) return env.TYPOFIX_HOME;
  const base = env.XDG_CACHE_HOME || join(home(env), ".cache");
  return join(base, "typofix");
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), "config.yaml");
}

export class ConfigError extends Error {}

/**
 * Read the config file; a missing file gives the defaults, a broken one a ConfigError naming file and line.
 * The YAML parser is loaded only when there is a file to parse (start-up stays fast without one).
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const path = configPath(env);
  const config: Config = { dictionary: join(configDir(env), "dictionary.txt"), words: [] };
  if (!exists(path)) return config;
  return parseConfigFile(path, config, env);
}

/**
 * The settings of the config file at `path` into `config`. (Apart from loadConfig: the first call of a
 * function links all of its bytecode, each property access and call ~2-3 K instructions where start-up
 * code is interpreted, and most runs have no file to parse.)
 */
async function parseConfigFile(path: string, config: Config, env: NodeJS.ProcessEnv): Promise<Config> {
  const text = nodeFs().readFileSync(path, "utf8");
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new ConfigError(`${path}${line ? `:${line}` : ""}: ${e.message.split("\n")[0]}`);
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) throw new ConfigError(`${path}: expected a mapping of settings`);
  for (const k of Object.keys(data)) {
    if ((CONFIG_KEYS as readonly string[]).includes(k)) continue;
    const { suggest } = await import("./text/suggest.ts");
    const s = suggest(k, CONFIG_KEYS);
    (config.warnings ??= []).push(`${path}: unknown key "${k}"${s ? ` (did you mean ${s}?)` : ""}; ignored (known: ${CONFIG_KEYS.join(", ")})`);
  }
  const str = (k: string) => {
    const v = (data as Record<string, unknown>)[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new ConfigError(`${path}: "${k}" must be a string`);
    return v;
  };
  config.engine = str("engine");
  config.model = str("model");
  config.lang = str("lang");
  const color = (data as Record<string, unknown>).color;
  if (color !== undefined && typeof color !== "boolean") throw new ConfigError(`${path}: "color" must be true or false`);
  config.color = color as boolean | undefined;
  const dict = str("dictionary");
  if (dict) config.dictionary = dict.startsWith("~/") ? join(home(env), dict.slice(2)) : dict;
  const confidence = (data as Record<string, unknown>).confidence;
  if (confidence !== undefined) {
    const c = parseConfidence(confidence);
    if (typeof c === "string") throw new ConfigError(`${path}: ${c}`);
    config.confidence = c;
  }
  const words = (data as Record<string, unknown>).words;
  if (words !== undefined) {
    if (!Array.isArray(words) || words.some((w) => typeof w !== "string"))
      throw new ConfigError(`${path}: "words" must be a list of words`);
    config.words = words as string[];
  }
  return config;
}

/** Words of the user dictionary file (missing file: none). */
export function readDictionary(path: string): string[] {
  if (!exists(path)) return [];
  return nodeFs()
    .readFileSync(path, "utf8")
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean);
}

/** Write the dictionary atomically, sorted and without duplicates. */
export function writeDictionary(path: string, words: Iterable<string>): void {
  nodeFs().mkdirSync(nodePath().dirname(path), { recursive: true });
  const sorted = [...new Set(words)].sort((a, b) => a.localeCompare(b, "en"));
  atomicWriteFile(path, sorted.length ? sorted.join("\n") + "\n" : "");
}

/** The user's words for the engine: the dictionary file plus the config's inline list. */
export function userWords(config: Config): Set<string> {
  return new Set([...readDictionary(config.dictionary), ...config.words]);
}
