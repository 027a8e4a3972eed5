/**
 * Strict command-line parsing in front of citty, for every command and subcommand alike: the command is
 * found by walking the declared subCommands, then each option is checked against that command's declared
 * args (names, aliases, `--no-X` of booleans, `--help`), so a new option or subcommand is checked with
 * no extra code. An unknown option or command is a usage error with a "did you mean" suggestion. `--`
 * ends the options, and an argument that cannot be an option (`"- fix teh bug"`, `"-teh cat"`, `-5`) is
 * text. The result is a normalised argument list for citty (`--name=value`, `--`, then positionals), so
 * citty never guesses. Cost: one pass over the arguments; no imports beyond citty's types.
 */
import type { ArgsDef, CommandDef } from "citty";
import { UsageError } from "./exit.ts";
import { suggest } from "../text/suggest.ts";

export { UsageError };

export interface Parsed {
  /** The command to run, and the names leading to it (["typofix", "dict", "add"]). */
  cmd: CommandDef<any>;
  path: string[];
  /** Normalised arguments for citty: options as --name[=value] or --no-name, then -- and the positionals. */
  args: string[];
  help: boolean;
  version: boolean;
}

interface ArgDef {
  type?: string;
  alias?: string | string[];
}

const resolve = async <T>(v: T | (() => T | Promise<T>) | Promise<T>): Promise<T> => (typeof v === "function" ? await (v as () => T)() : await v);

/** "typofix dict add: " before a subcommand's message; nothing for the main command. */
const where = (path: string[]) => (path.length > 1 ? `${path.slice(1).join(" ")}: ` : "");

// (a name in lower case already, as most are, is its own kebab case: no regular expression run for it)
const kebab = (s: string) => (s.toLowerCase() === s ? s : s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase());
const aliases = (d: ArgDef) => (d.alias === undefined ? [] : Array.isArray(d.alias) ? d.alias : [d.alias]);

/** An argument that can only be an option: --name[=value], or -x / -xyz (letters). Anything else is text. */
const LONG = /^--([A-Za-z][\w-]*)(?:=([\s\S]*))?$/;
const SHORT = /^-([A-Za-z]+)$/;

/**
 * Find the command that `argv` (after the program name) names below `root`, and check and normalise
 * its options. `version` is accepted only where `allowVersion` says (the top-level command).
 */
export async function parseArgv(root: CommandDef<any>, argv: string[], rootPath: string[], allowVersion: boolean): Promise<Parsed> {
  let cmd = root;
  const path = [...rootPath];
  let rest = argv;
  let help = false;
  // (the walk and the short options in functions of their own: the first call of a function links all of
  // its bytecode, and a one-liner, `typofix "some text"`, runs neither)
  if (await hasSubcommands(root)) {
    const found = await findCommand(root, argv, path);
    if ("parsed" in found) return found.parsed;
    ({ cmd, rest, help } = found);
  }
  const defs = ((await resolve(cmd.args)) ?? {}) as ArgsDef;
  // the tables of option names, made at the first argument that is an option (text alone, the one-liner's
  // `typofix "some text"`, needs none)
  let long: Map<string, [string, ArgDef]> | undefined;
  let short: Map<string, [string, ArgDef]> | undefined;
  const tables = (): { long: Map<string, [string, ArgDef]>; short: Map<string, [string, ArgDef]> } => {
    if (!long || !short) {
      long = new Map();
      short = new Map();
      for (const [name, d] of Object.entries(defs) as Array<[string, ArgDef]>) {
        if (d.type === "positional") continue;
        long.set(name, [name, d]);
        long.set(kebab(name), [name, d]);
        for (const a of aliases(d)) (a.length === 1 ? short : long).set(a, [name, d]);
      }
    }
    return { long, short };
  };
  // (the names for a "did you mean", made only for an unknown option: spreads cost a one-liner's start-up)
  const known = () => [...new Set([...tables().long.keys(), "help", ...(allowVersion ? ["version"] : [])])];
  const options: string[] = [];
  const positionals: string[] = [];
  let version = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === "--") {
      positionals.push(...rest.slice(i + 1));
      break;
    }
    // (text, which does not begin with "-", runs neither expression: a one-liner compiles neither)
    const l = a.startsWith("--") ? LONG.exec(a) : null;
    if (l) {
      const r = longOption(a, l, rest, i, tables().long, known, allowVersion, path, options);
      i = r.i;
      if (r.help) help = true;
      if (r.version) version = true;
      continue;
    }
    const s = a.startsWith("-") ? SHORT.exec(a) : null;
    if (s) {
      const r = shortOptions(a, s[1]!, rest, i, tables().short, allowVersion, path, options);
      i = r.i;
      if (r.help) help = true;
      if (r.version) version = true;
      continue;
    }
    positionals.push(a);
  }
  return { cmd, path, args: positionals.length ? options.concat("--", positionals) : options, help, version };
}

/**
 * One long-option argument `a` (`--name[=value]`, matched as `l`): its normalised option pushed onto
 * `options`; the index of the last argument used, and whether it was --help or --version (in a function of
 * its own, as shortOptions: text alone, the one-liner's, links neither).
 */
function longOption(a: string, l: RegExpExecArray, rest: string[], i: number, long: Map<string, [string, ArgDef]>, known: () => string[], allowVersion: boolean, path: string[], options: string[]): { i: number; help: boolean; version: boolean } {
  let help = false;
  let version = false;
  const [, name, inline] = l as unknown as [string, string, string | undefined];
  if (name === "help" && inline === undefined) help = true;
  else if (name === "version" && allowVersion && inline === undefined) version = true;
  else if (long.has(name)) {
    const [canon, d] = long.get(name)!;
    if (d.type === "boolean") {
      if (inline !== undefined && !/^(true|false)$/.test(inline)) throw new UsageError(`--${name} takes no value (got "${a}")`);
      options.push(inline === "false" ? `--no-${canon}` : `--${canon}`);
    } else {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      options.push(`--${canon}=${v}`);
    }
  } else if (name.startsWith("no-") && long.get(name.slice(3))?.[1].type === "boolean" && inline === undefined) {
    options.push(`--no-${long.get(name.slice(3))![0]}`);
  } else throw unknownOption(`--${name}`, known(), path);
  return { i, help, version };
}

/**
 * The letters of one short-option argument (`-q`, `-dq`, `-fPATH`, `-f PATH`): their normalised options pushed
 * onto `options`; the index of the last argument used, and whether -h or -v was among them.
 */
function shortOptions(a: string, letters: string, rest: string[], i: number, short: Map<string, [string, ArgDef]>, allowVersion: boolean, path: string[], options: string[]): { i: number; help: boolean; version: boolean } {
  let help = false;
  let version = false;
  for (let k = 0; k < letters.length; k++) {
    const c = letters[k]!;
    if (c === "h") help = true;
    else if (c === "v" && allowVersion && !short.has("v")) version = true;
    else if (short.has(c)) {
      const [canon, d] = short.get(c)!;
      if (d.type === "boolean") options.push(`--${canon}`);
      else {
        const v = k + 1 < letters.length ? letters.slice(k + 1) : rest[++i];
        if (v === undefined) throw new UsageError(`-${c} (--${canon}) needs a value`);
        options.push(`--${canon}=${v}`);
        break;
      }
    } else {
      const shorts = [...short.keys(), "h", ...(allowVersion ? ["v"] : [])];
      const match = shorts.find((x) => x.toLowerCase() === c.toLowerCase());
      const hint = match ? ` (did you mean -${match}?)` : letters.length > 1 ? `; to correct text that starts with "-", put it after --` : "";
      throw new UsageError(`${where(path)}unknown option -${c}${letters.length > 1 ? ` in ${a}` : ""}${hint}`);
    }
  }
  return { i, help, version };
}

/** Whether a command has subcommands. */
async function hasSubcommands(cmd: CommandDef<any>): Promise<boolean> {
  const subs = (await resolve(cmd.subCommands)) as Record<string, unknown> | undefined;
  return !!subs && Object.keys(subs).length > 0;
}

/**
 * Walk down the subcommands from `root`: the first word that is not an option names the next one (names
 * are pushed onto `path`). The command found, the arguments after its name, and whether --help came
 * before it; or the whole result for a help request without a command.
 */
async function findCommand(root: CommandDef<any>, argv: string[], path: string[]): Promise<{ cmd: CommandDef<any>; rest: string[]; help: boolean } | { parsed: Parsed }> {
  let cmd = root;
  let rest = argv;
  let help = false;
  for (;;) {
    const subs = (await resolve(cmd.subCommands)) as Record<string, unknown> | undefined;
    if (!subs || !Object.keys(subs).length) break;
    const i = rest.findIndex((a) => !a.startsWith("-") || a === "-");
    const before = rest.slice(0, i < 0 ? rest.length : i);
    for (const a of before) {
      if (a === "--help" || a === "-h") help = true;
      else throw unknownOption(a, ["help"], path);
    }
    const names = Object.keys(subs);
    if (i < 0) {
      if (help) return { parsed: { cmd, path, args: [], help, version: false } };
      throw new UsageError(`${where(path)}missing command (one of ${names.join(", ")}; see ${path.join(" ")} --help)`);
    }
    const name = rest[i]!;
    if (!Object.hasOwn(subs, name)) {
      const s = suggest(name, names);
      throw new UsageError(`${where(path)}unknown command "${name}"${s ? ` (did you mean ${s}?)` : ""}; commands: ${names.join(", ")}`);
    }
    cmd = (await resolve(subs[name] as CommandDef<any>)) as CommandDef<any>;
    path.push(name);
    rest = rest.slice(i + 1);
  }
  return { cmd, rest, help };
}

function unknownOption(opt: string, known: string[], path: string[]): UsageError {
  const s = suggest(opt.replace(/^-+/, ""), known);
  return new UsageError(`${where(path)}unknown option ${opt}${s ? ` (did you mean --${s}?)` : ""}`);
}

/**
 * The args object that citty's runCommand builds, made directly from parseArgv's normalised list
 * (`--name`, `--no-name`, `--name=value`, then `--` and the positionals): defaults, the values given
 * (the last one wins), `_` with every positional, and each positional arg named after its place.
 * citty's parser (node:util's parseArgs and a case conversion of every name) costs the one-liner
 * ~1 ms; this is one pass. Only names as declared are set (no camelCase or kebab-case aliases), which
 * is all the main command reads; a test checks it against citty's parseArgs.
 */
export function argsOf(defs: ArgsDef, normalised: string[]): Record<string, unknown> & { _: string[] } {
  const out: Record<string, unknown> & { _: string[] } = { _: [] };
  const entries = Object.entries(defs) as Array<[string, ArgDef & { default?: unknown }]>;
  for (const [name, d] of entries) if (d.type !== "positional" && d.default !== undefined) out[name] = d.default;
  for (let i = 0; i < normalised.length; i++) {
    const a = normalised[i]!;
    if (a === "--") {
      out._ = normalised.slice(i + 1);
      break;
    }
    const eq = a.indexOf("=");
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (a.startsWith("--no-")) out[a.slice(5)] = false;
    else out[a.slice(2)] = true;
  }
  let k = 0;
  for (const [name, d] of entries) if (d.type === "positional") out[name] = out._[k++] ?? d.default;
  return out;
}
