/**
 * The main command: correct text given as arguments, files (--file, optionally --write), or standard
 * input streamed line by line. Reads config, creates the engine once, and hands every line's result to
 * a printer. Text that cannot be corrected (invalid UTF-8, code fences, an engine failure) passes through
 * byte for byte.
 */
import { defineCommand } from "citty";
import { configOrFail, fail, repeated } from "./args.ts";
import { readFileSync } from "node:fs";
import { consola } from "./log.ts";
import pkg from "../../package.json" with { type: "json" };
import type { Engine, EngineName, FixResult } from "../types.ts";
import type { EngineOptions } from "../engines/index.ts";
import { cacheDir, parseConfidence, userWords } from "../config.ts";
import { findServer, serverDisabled } from "../server/paths.ts";
import { atomicWriteFileUninterrupted, looksBinary } from "../fsutil.ts";
import { fixChunked } from "../engines/chunked.ts";
import { check, diff, json, plain, type OutputMode, type Where } from "../printers/index.ts";
import { FenceTracker, readLines, sniffBinary, splitBytes, type RawLine } from "./io.ts";

export const fixArgs = {
  text: {
    type: "positional",
    required: false,
    description: "Text to correct; several arguments are joined with spaces. None, or -, reads standard input",
  },
  file: { type: "string", alias: "f", description: "Correct this file (repeatable); prints the result unless --write" },
  write: { type: "boolean", alias: "w", description: "With --file: replace each file with its correction (atomic)" },
  json: { type: "boolean", description: "Print one JSON object per line: input, output, edits (UTF-16 offsets), engine" },
  diff: { type: "boolean", alias: "d", description: "Print an inline diff of the corrections" },
  check: { type: "boolean", alias: "c", description: "Change nothing; print file:line:col: from -> to per fix; exit 1 if any" },
  color: { type: "boolean", description: "Colour the diff even when stdout is not a terminal (--no-color: never)" },
  engine: { type: "string", alias: "e", description: "Engine: auto, lexicon, onnx, ane (default: auto, or the config file's)" },
  model: { type: "string", alias: "m", description: "LLM engines: a model name from `typofix model list` or a model folder" },
  guard: { type: "boolean", default: true, negativeDescription: "Show an LLM's raw output without the guard (debugging)" },
  lang: { type: "string", description: "Language of the text (only en)" },
  confidence: { type: "string", description: "How sure an edit must be: low, default, high, or 0..1 (lexicon engine; config: confidence)" },
  quiet: { type: "boolean", alias: "q", description: "No notices or warnings on stderr" },
  server: { type: "boolean", default: true, negativeDescription: "Do not use a running `typofix serve`; correct in this process (also TYPOFIX_NO_SERVER=1)" },
} as const;

export const EXAMPLES = `Examples:
  typofix "Thi sis a tset"                  → This is a test
  cat notes.md | typofix > fixed.md          stream standard input line by line
  typofix --file README.md --diff            show what would change
  typofix --file README.md --write           fix the file in place (atomic)
  git diff --name-only | xargs -n1 typofix --check --file   fail a hook on typos
  typofix --json "teh cat"                   edits with offsets, for tools
  typofix dict add kubectl                   never "correct" your own words
  typofix eval DIR                           score an engine on corrupt.txt/correct.txt
  typofix fix eval                           correct the word "eval" (not the subcommand)`;

/** The in-process engine; its modules load only when no server answers. */
async function createEngine(options: EngineOptions): Promise<Engine> {
  const { createEngine } = await import("../engines/index.ts");
  return createEngine(options);
}

class Output {
  private broken = false;
  constructor() {
    process.stdout.on?.("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    });
  }
  /** Write; while the reader is slower than we are, wait for the pipe to drain (memory stays bounded). */
  async write(s: string | Uint8Array): Promise<void> {
    if (this.broken) return;
    let ok = true;
    try {
      ok = process.stdout.write(s);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EPIPE") {
        this.broken = true;
        process.exit(process.exitCode ?? 0);
      }
      throw err;
    }
    if (!ok)
      await new Promise<void>((resolve) => {
        const done = () => {
          process.stdout.off("drain", done);
          process.stdout.off("close", done);
          resolve();
        };
        process.stdout.on("drain", done);
        process.stdout.on("close", done);
      });
  }
}

interface Ctx {
  engine: Engine;
  words: ReadonlySet<string>;
  mode: OutputMode;
  color: boolean;
  out: Output;
  quiet: boolean;
  fixes: number;
  warned: Set<string>;
  /** The previous line of the current input (null at its start): tells whether a line continues a sentence. */
  prev: string | null;
  /** Least confidence of an edit (--confidence or the config's), undefined for the engine's default. */
  minConfidence?: number;
}

/** A line continues the previous one's sentence when that one ends in a lower-case letter, comma or dash. */
function continuesSentence(prev: string | null): boolean {
  return prev !== null && /[\p{Ll},;\-–—]\s*$/u.test(prev);
}

function warnOnce(ctx: Ctx, key: string, msg: string): void {
  if (ctx.quiet || ctx.warned.has(key)) return;
  ctx.warned.add(key);
  consola.warn(msg);
}

async function fixLine(ctx: Ctx, text: string): Promise<FixResult> {
  const continues = continuesSentence(ctx.prev);
  ctx.prev = text;
  try {
    const r = await fixChunked(ctx.engine, text, { userWords: ctx.words, continues, minConfidence: ctx.minConfidence });
    // an LLM engine that has failed on every text so far says so once (each --json line has its warning)
    const failing = (ctx.engine as { failing?: string | null }).failing;
    if (failing) warnOnce(ctx, "llm-failing", `the ${ctx.engine.name} engine fails (${failing}); the lexicon engine corrected the text instead`);
    return r;
  } catch (err) {
    warnOnce(ctx, "engine", `the ${ctx.engine.name} engine failed (${(err as Error).message}); text passed through unchanged`);
    return { input: text, output: text, edits: [], engine: ctx.engine.name, warning: (err as Error).message };
  }
}

/** Correct one line and render it; returns the rendered text (without line ending) or null for check mode. */
async function renderLine(ctx: Ctx, line: RawLine, where: Where, fence: FenceTracker): Promise<string | Uint8Array | null> {
  if (line.text === null) {
    ctx.prev = null;
    warnOnce(ctx, "utf8", `${where.file}:${where.line}: not valid UTF-8; such lines pass through unchanged`);
    if (ctx.mode === "check") return null;
    if (ctx.mode === "json")
      return JSON.stringify({ input: null, output: null, edits: [], engine: ctx.engine.name, warning: "invalid UTF-8: passed through unchanged", file: where.file, line: where.line });
    return line.bytes;
  }
  const skip = fence.isCode(line.text) || !line.text.trim();
  if (skip) ctx.prev = null;
  const result = skip ? { input: line.text, output: line.text, edits: [], engine: ctx.engine.name } : await fixLine(ctx, line.text);
  ctx.fixes += result.edits.length;
  switch (ctx.mode) {
    case "json":
      return json(result, where);
    case "diff":
      return diff(result, ctx.color);
    case "check": {
      for (const f of check(result, where)) await ctx.out.write(f + "\n");
      return null;
    }
    default:
      return plain(result);
  }
}

async function emit(ctx: Ctx, rendered: string | Uint8Array | null, eol: string): Promise<void> {
  if (rendered === null) return;
  await ctx.out.write(rendered);
  // JSON output is one object per line whatever the input's ending
  if (ctx.mode === "json") await ctx.out.write("\n");
  else if (eol) await ctx.out.write(eol);
}

/** Binary data on standard input (a NUL byte in its first chunk) passes through byte for byte, never corrected. */
async function passBinary(ctx: Ctx, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  warnOnce(ctx, "binary", "standard input looks like binary data (NUL bytes); passed through unchanged");
  if (ctx.mode === "json") await ctx.out.write(JSON.stringify({ input: null, output: null, edits: [], engine: ctx.engine.name, warning: "binary input: passed through unchanged", file: "-" }) + "\n");
  for await (const c of chunks) if (ctx.mode === "plain" || ctx.mode === "diff") await ctx.out.write(c);
}

function collectFiles(rawArgs: string[]): string[] {
  // --file and -f, in the order given
  return repeated(rawArgs.map((a) => (a === "-f" ? "--file" : a)), "--file");
}

export default defineCommand({
  meta: { name: "typofix", version: pkg.version, description: `Fix typos in English text.\n\n${EXAMPLES}` },
  args: fixArgs,
  async run({ args, rawArgs }) {
    const quiet = Boolean(args.quiet);
    if (quiet) consola.level = 0;
    const config = await configOrFail();
    const lang = (args.lang as string | undefined) ?? config.lang ?? "en";
    if (lang !== "en") fail(`language "${lang}" is not supported (only en)`);
    const modes = (["json", "diff", "check"] as const).filter((m) => args[m]);
    if (modes.length > 1) fail(`choose one of --${modes.join(", --")}`);
    const mode: OutputMode = modes[0] ?? "plain";
    const files = collectFiles(rawArgs);
    if (args.write && !files.length) fail("--write needs --file PATH");
    if (args.write && modes.length) fail("--write cannot be combined with --json, --diff or --check");
    const noColor = rawArgs.includes("--no-color") || Boolean(process.env.NO_COLOR);
    const color = !noColor && (args.color === true || (rawArgs.includes("--color") ? true : (config.color ?? Boolean(process.stdout.isTTY))));

    const engineOptions = {
      engine: ((args.engine as string | undefined) ?? config.engine ?? "auto") as EngineName,
      model: (args.model as string | undefined) ?? config.model,
      noGuard: args.guard === false,
      userWords: userWords(config),
      onNotice: (m: string) => quiet || consola.info(m),
    };
    let engine: Engine | null = null;
    // a running `typofix serve` with the same engine answers instead (one stat() when none runs)
    const target = args.server === false || serverDisabled() ? null : findServer();
    if (target) {
      const { connect, absoluteModel } = await import("../server/client.ts");
      const spec = { engine: engineOptions.engine, model: absoluteModel(engineOptions.model), noGuard: engineOptions.noGuard, home: cacheDir() };
      engine = await connect(target, spec, () => createEngine(engineOptions), { onNotice: engineOptions.onNotice });
    }
    if (!engine)
      try {
        engine = await createEngine(engineOptions);
      } catch (err) {
        fail((err as Error).message);
      }
    const confidence = args.confidence === undefined ? config.confidence : parseConfidence(args.confidence);
    if (typeof confidence === "string") fail(`--${confidence}`);
    const ctx: Ctx = { engine, words: userWords(config), mode, color, out: new Output(), quiet, fixes: 0, warned: new Set(), prev: null, minConfidence: confidence };

    const positional = (args._ as string[]).filter((x) => x !== undefined);
    try {
      if (files.length) {
        for (const path of files) await runFile(ctx, path, Boolean(args.write));
      } else if (positional.length && !(positional.length === 1 && positional[0] === "-")) {
        const text = positional.join(" ");
        const fence = new FenceTracker();
        const lines = splitBytes(new TextEncoder().encode(text));
        let n = 0;
        for (const line of lines) await emit(ctx, await renderLine(ctx, line, { file: "<text>", line: ++n }, fence), line.eol || (mode === "check" ? "" : "\n"));
      } else {
        const fence = new FenceTracker();
        let n = 0;
        const input = await sniffBinary(Bun.stdin.stream() as unknown as AsyncIterable<Uint8Array>);
        if (input.binary) await passBinary(ctx, input.chunks);
        else
          for await (const line of readLines(input.chunks))
            await emit(ctx, await renderLine(ctx, line, { file: "-", line: ++n }, fence), line.eol);
      }
    } finally {
      await engine.dispose?.();
    }
    if (mode === "check") process.exitCode = ctx.fixes > 0 ? 1 : 0;
  },
});

async function runFile(ctx: Ctx, path: string, write: boolean): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    fail(`${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  if (looksBinary(bytes)) fail(`${path}: looks like a binary file (NUL bytes); refusing to correct it`);
  const lines = splitBytes(bytes);
  ctx.prev = null;
  if (write && lines.some((l) => l.text === null)) fail(`${path}: not valid UTF-8 text; refusing to rewrite it`);
  const fence = new FenceTracker();
  if (!write) {
    let n = 0;
    for (const line of lines) await emit(ctx, await renderLine(ctx, line, { file: path, line: ++n }, fence), line.eol);
    return;
  }
  let out = "";
  let fixes = 0;
  for (const line of lines) {
    const skip = fence.isCode(line.text!) || !line.text!.trim();
    if (skip) ctx.prev = null;
    const r = skip ? null : await fixLine(ctx, line.text!);
    if (r) fixes += r.edits.length;
    out += (r ? r.output : line.text!) + line.eol;
  }
  ctx.fixes += fixes;
  // nothing to fix: the file is left as it is (not rewritten: same inode, owner, times, links)
  if (fixes)
    try {
      await atomicWriteFileUninterrupted(path, out);
    } catch (err) {
      fail(`${path}: could not write (${(err as Error).message}); the file is unchanged`);
    }
  if (!ctx.quiet) consola.success(`${path}: ${fixes} fix${fixes === 1 ? "" : "es"}`);
}
