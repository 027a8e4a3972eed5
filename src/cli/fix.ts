/**
 * The main command: correct text given as arguments, files (--file, optionally --write), or standard
 * input streamed line by line. Reads config, creates the engine once, and hands every line's result to
 * a printer. Text that cannot be corrected (invalid UTF-8, code fences, an engine failure) passes through
 * byte for byte.
 */
import { defineCommand } from "./define.ts";
import { configOrFail, fail, repeated } from "./args.ts";
import { nodeFs } from "../runtime/fs.ts";
import { EXIT } from "./exit.ts";
import { useColor } from "./color.ts";
import { consola, consolaUsed } from "./log.ts";
import { version as pkgVersion } from "../../package.json" with { type: "json" };
import type { Engine, EngineName, FixResult } from "../types.ts";
import type { EngineOptions } from "../engines/index.ts";
import { ConfigError, configPath, parseConfidence } from "../config.ts";
import { findServer, serverDisabled } from "../server/paths.ts";
import { atomicWriteFileUninterrupted, looksBinary } from "../fsutil.ts";
import { fixChunked } from "../engines/chunked.ts";
import { byteColumn, diff, json, jsonPassedThrough, plain, type OutputMode, type Where } from "../printers/index.ts";
import { FenceTracker, readBatches, sniffBinary, splitBytes, type RawLine } from "./io.ts";
import { CHECK_FORMATS, type CheckFormat } from "../printers/ci.ts";
import { FindingSink, isDir, isPath } from "./findings.ts";
import { merge, ProjectConfigs } from "../project.ts";
import { nodePath } from "../runtime/path.ts";
import { Stdout } from "./stdout.ts";
import { hotPath, STARTUP_JIT_BYTES, streamJit } from "../runtime/jit.ts";
import type { DocumentEvidence } from "../text/technical.ts";
import { continuesSentence } from "../text/lines.ts";

export const fixArgs = {
  text: {
    type: "positional",
    required: false,
    description: "Text to correct; several arguments are joined with spaces. None, or -, reads standard input",
  },
  file: { type: "string", alias: "f", description: "Correct this file (repeatable; - is standard input); prints the result unless --write" },
  write: { type: "boolean", alias: "w", description: "With --file or paths (files, folders): replace each file with its correction (atomic)" },
  json: { type: "boolean", description: "Print one JSON object per line: input, output, edits (UTF-16 offsets), engine" },
  diff: { type: "boolean", alias: "d", description: "Print an inline diff of the corrections" },
  check: { type: "boolean", alias: "c", description: "Change nothing; print file:line:col: from -> to per fix (col: 1-based byte offset); exit 1 if any. With paths: files and folders (walked, honouring .gitignore)" },
  format: { type: "string", description: "With --check: text (default), json (one object per finding), sarif (SARIF 2.1.0), github (workflow annotations)" },
  color: { type: "boolean", description: "Colour the diff even when stdout is not a terminal (beats NO_COLOR, FORCE_COLOR)", negativeDescription: "Never colour (beats FORCE_COLOR and the config file)" },
  engine: { type: "string", alias: "e", description: "Engine: auto, lexicon, onnx, ane (default: auto, or the config file's)" },
  model: { type: "string", alias: "m", description: "LLM engines: a model name from `typofix model list` or a model folder" },
  guard: { type: "boolean", default: true, description: "Check an LLM's output with the guard: only typo-shaped edits pass", negativeDescription: "Show an LLM's raw output without the guard (debugging)" },
  lang: { type: "string", description: "Language of the text (only en)" },
  confidence: { type: "string", description: "How sure an edit must be: low, default, high, or 0..1 (lexicon engine; config: confidence)" },
  quiet: { type: "boolean", alias: "q", description: "No notices or warnings on stderr" },
  server: { type: "boolean", default: true, description: "Use a running `typofix serve` when one answers", negativeDescription: "Do not use a running `typofix serve`; correct in this process (also TYPOFIX_NO_SERVER=1)" },
} as const;

export const EXAMPLES = `Examples:
  typofix "Thi sis a tset"                  → This is a test
  cat notes.md | typofix > fixed.md          stream standard input line by line
  typofix --file README.md --diff            show what would change
  typofix --file README.md --write           fix the file in place (atomic)
  git diff --name-only | xargs -n1 typofix --check --file   fail a hook on typos
  typofix --check . --format github          a whole tree (prose + comments) in CI
  typofix --json "teh cat"                   edits with offsets, for tools
  typofix dict add kubectl                   never "correct" your own words
  typofix eval DIR                           score an engine on corrupt.txt/correct.txt
  typofix fix eval                           correct the word "eval" (not the subcommand)`;

/** The in-process engine; its modules load only when no server answers. */
async function createEngine(options: EngineOptions): Promise<Engine> {
  const { createEngine } = await import("../engines/index.ts");
  return createEngine(options);
}

interface Ctx {
  engine: Engine;
  words: ReadonlySet<string>;
  /** Least confidence of an edit (--confidence, else the project's or user's config), undefined for the engine's default. */
  confidence?: number;
  sink: FindingSink;
  mode: OutputMode;
  color: boolean;
  out: Stdout;
  quiet: boolean;
  fixes: number;
  warned: Set<string>;
  /** The previous line of the current input (null at its start): tells whether a line continues a sentence. */
  prev: string | null;
  /**
   * What the current input says of its words (technical writing, words that recur: src/text/technical.ts),
   * taken in a batch of lines at a time before they are corrected (readEvidence): a --file whole, standard input
   * as it comes (every line received so far: readBatches); alike in every mode. Null for text given as
   * arguments (a line read alone, as by the engine's API).
   */
  doc: DocumentEvidence | null;
  /** The code fences of the lines taken in so far (readEvidence: fenced lines are no prose). */
  docFence: FenceTracker;
}


function warnOnce(ctx: Ctx, key: string, msg: string): void {
  if (ctx.quiet || ctx.warned.has(key)) return;
  ctx.warned.add(key);
  void ctx.out.flush(); // what came before the warning is shown before it
  consola.warn(msg);
}

async function fixLine(ctx: Ctx, text: string): Promise<FixResult> {
  const continues = continuesSentence(ctx.prev, text, ctx.doc?.lineUnits);
  ctx.prev = text;
  try {
    const r = await fixChunked(ctx.engine, text, { userWords: ctx.words, continues, minConfidence: ctx.confidence, ...ctx.doc?.optionsFor(text) });
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
  if (line.text === null) return invalidLine(ctx, line, where);
  const skip = fence.isCode(line.text) || !line.text.trim();
  if (skip) ctx.prev = null;
  const result = skip ? { input: line.text, output: line.text, edits: [], engine: ctx.engine.name } : await fixLine(ctx, line.text);
  ctx.fixes += result.edits.length;
  switch (ctx.mode) {
    case "json":
      return json(result, where);
    case "diff":
      return diff(result, ctx.color);
    case "check":
      await addFindings(ctx, result, where);
      return null;
    default:
      return plain(result);
  }
}

/*
 * renderLine's rarer branches, in functions of their own (the first call of a function links all of its
 * bytecode: a one-liner's renderLine links less).
 */

/** A line that is not valid UTF-8 (renderLine): passed through unchanged, with a warning. */
function invalidLine(ctx: Ctx, line: RawLine, where: Where): Uint8Array | string | null {
  ctx.prev = null;
  warnOnce(ctx, "utf8", `${where.file}:${where.line}: not valid UTF-8; such lines pass through unchanged`);
  if (ctx.mode === "check") return null;
  if (ctx.mode === "json") return jsonPassedThrough(ctx.engine.name, "invalid UTF-8: passed through unchanged", where.file, where.line);
  return line.bytes;
}

/** The findings of a corrected line (renderLine, --check). */
async function addFindings(ctx: Ctx, result: FixResult, where: Where): Promise<void> {
  for (const e of result.edits)
    await ctx.sink.add({ file: where.file, line: where.line, column: e.start + 1, endColumn: e.end + 1, byteColumn: byteColumn(result.input, e.start, where.line === 1), from: e.from, to: e.to, kind: e.kind, engine: result.engine });
}

/** Take in what a batch of lines says of its words (ctx.doc) before any of them is corrected. */
function readEvidence(ctx: Ctx, lines: readonly RawLine[]): void {
  if (!ctx.doc) return;
  for (const l of lines) if (l.text !== null) ctx.doc.add(l.text, !ctx.docFence.isCode(l.text));
}

/**
 * Correct and print batches of lines (numbered from 1 in `file`), each line followed by its line ending, or
 * by `eol(line)`; each batch is taken in (readEvidence) first, and its output written out after it.
 */
async function printLines(ctx: Ctx, batches: Iterable<RawLine[]> | AsyncIterable<RawLine[]>, file: string, eol = (l: RawLine) => l.eol): Promise<void> {
  const fence = new FenceTracker();
  let n = 0;
  let since = 0;
  let sinceFull = 0;
  let seen = 0;
  for await (const lines of batches) {
    readEvidence(ctx, lines);
    for (const line of lines) {
      await emit(ctx, await renderLine(ctx, line, { file, line: ++n }, fence), eol(line));
      // more than a one-liner: let the JIT compile the hot path, short of the FTL (src/runtime/jit.ts)
      if (seen < STARTUP_JIT_BYTES && (seen += line.bytes.length + 1) >= STARTUP_JIT_BYTES) streamJit();
      // a long stream: ask for a collection now and then, or the heap grows far past what is live (the
      // mapped lexicon counts as live memory, which lets the collector wait longer); now and then a full one
      if ((since += line.bytes.length + 1) >= GC_BYTES) {
        since = 0;
        if ((sinceFull += GC_BYTES) >= FULL_GC_BYTES) {
          sinceFull = 0;
          Bun.gc(true);
        } else Bun.gc(false);
      }
    }
    // (the batch's output goes out before more input is awaited: a live stream stays line-prompt)
    await ctx.out.flush();
  }
}

/** Input bytes between garbage-collection requests (a 100,000-word file: ~25 of them; ~30 MB less peak RSS). */
const GC_BYTES = 24 * 1024;

/**
 * Input bytes between full, synchronous collections (Bun.gc(true)) in place of one of those requests. A
 * request collects the young objects only, and the lines of a batch of standard input (readBatches, up to
 * 32 KB: the lines, their text, their byte views) are still live when it comes, so they outlive it and
 * are promoted, to be freed by a full collection only, which the collector put off while the heap grew: a
 * 64 MB code-heavy stream (/tmp/stream64.md) peaked at 245 MB, 96 MB with this; 172,762 words of prose 148
 * → 142 MB. Each full collection costs a few ms; the CPU of either input did not change measurably.
 */
const FULL_GC_BYTES = 512 * 1024;

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
  if (ctx.mode === "json") await ctx.out.write(jsonPassedThrough(ctx.engine.name, "binary input: passed through unchanged", "-") + "\n");
  for await (const c of chunks) if (ctx.mode === "plain" || ctx.mode === "diff") await ctx.out.write(c);
}

function collectFiles(rawArgs: string[]): string[] {
  // --file and -f, in the order given
  // (loops here and in run, not map/filter: a one-liner runs them in the interpreter, where each builtin's
  // first call compiles it)
  const args: string[] = [];
  for (const a of rawArgs) args.push(a === "-f" ? "--file" : a);
  return repeated(args, "--file");
}

export default defineCommand({
  meta: { name: "typofix", version: pkgVersion, description: "Fix typos in English text." },
  args: fixArgs,
  async run({ args, rawArgs }) {
    const quiet = Boolean(args.quiet);
    if (quiet) consola.level = 0;
    const config = await configOrFail();
    const lang = (args.lang as string | undefined) ?? config.lang ?? "en";
    if (lang !== "en") fail(`language "${lang}" is not supported (only en)`);
    const modes: Array<"json" | "diff" | "check"> = [];
    for (const m of ["json", "diff", "check"] as const) if (args[m]) modes.push(m);
    if (modes.length > 1) fail(`choose one of --${modes.join(", --")}`);
    const mode: OutputMode = modes[0] ?? "plain";
    const format = (args.format as string | undefined) ?? "text";
    if (!CHECK_FORMATS.includes(format as CheckFormat)) fail(`unknown --format "${format}" (choose ${CHECK_FORMATS.join(", ")})`);
    if (args.format && mode !== "check") fail("--format needs --check");
    const files = collectFiles(rawArgs);
    const positional: string[] = [];
    for (const x of args._ as string[]) if (x !== undefined) positional.push(x);
    // --check/--write with paths (every argument names a file or folder; --file takes files only): walk them
    const treeMode = (mode === "check" || Boolean(args.write)) && !files.length && positional.length > 0 && positional.every(isPath);
    // a project's .typofix.yaml applies to project checks (--check/--write on paths, as in the editor); the
    // engine comes from the first path's (tree walks then take each file's words and confidence). --file,
    // text and standard input keep to the user config, so they all correct the same text the same way
    // (the project configs only for a tree: their constructor stats the user's files, which nothing else here reads again)
    const configs = treeMode ? new ProjectConfigs(config, configPath()) : null;
    const here = configs ? await projectConfig(configs, files[0] ?? positional[0]!) : merge(config, null);
    // --confidence beats the config files (the project's, then the user's)
    const flagConfidence = args.confidence === undefined ? undefined : parseConfidence(args.confidence);
    if (typeof flagConfidence === "string") fail(`--${flagConfidence}`);
    const confidence = flagConfidence ?? here.confidence;
    if (args.write && !files.length && !treeMode) fail("--write needs --file PATH (or files and folders)");
    if (args.write && modes.length) fail("--write cannot be combined with --json, --diff or --check");
    if (!treeMode && files.length && positional.length) fail(`give text or --file, not both (text: "${positional.join(" ").slice(0, 40)}")`);
    if (args.write && files.includes("-")) fail("--write cannot rewrite standard input (--file -)");
    if (files.indexOf("-") !== files.lastIndexOf("-")) fail("--file - (standard input) can be given once");
    // only a diff is coloured (and asking whether stdout is a terminal builds process.stdout: ~7 ms)
    const color = mode === "diff" && useColor(rawArgs.includes("--no-color") ? false : rawArgs.includes("--color") ? true : undefined, config.color);

    const engineOptions = {
      engine: ((args.engine as string | undefined) ?? here.engine ?? "auto") as EngineName,
      model: (args.model as string | undefined) ?? config.model,
      noGuard: args.guard === false,
      onNotice: (m: string) => quiet || consola.info(m),
    };
    let engine: Engine | null = null;
    // a running `typofix serve` with the same engine answers instead (one stat() when none runs)
    const target = args.server === false || serverDisabled() ? null : findServer();
    if (target) engine = await viaServer(target, engineOptions);
    if (!engine)
      try {
        engine = await createEngine(engineOptions);
      } catch (err) {
        engineFailed(err);
      }
    const out = new Stdout();
    const sink = new FindingSink(format as CheckFormat, (s) => out.write(s), pkgVersion);
    const ctx: Ctx = { engine, words: here.words, confidence, sink, mode, color, out, quiet, fixes: 0, warned: new Set(), prev: null, doc: null, docFence: new FenceTracker() };

    let failed = 0;
    try {
      if (configs) failed += await runPaths(ctx, [...files, ...positional], configs, flagConfidence, Boolean(args.write));
      else if (files.length) failed += await runFiles(ctx, files, Boolean(args.write));
      else if (positional.length && !(positional.length === 1 && positional[0] === "-")) {
        // a lone argument that names a file is still text ("typofix eval", "typofix notes.md"), but say how
        // to correct the file (asked only of a word with a dot or a slash: a one-liner's text has spaces)
        const arg = positional[0]!;
        if (positional.length === 1 && !quiet && (arg.includes(".") || arg.includes("/")) && !/\s/.test(arg) && isPath(arg)) fileHint(arg, modes.length > 0);
        const lines = splitBytes(new TextEncoder().encode(positional.join(" ")));
        await printLines(ctx, [lines], "<text>", (line) => line.eol || (mode === "check" ? "" : "\n"));
      } else await runStdin(ctx, "-");
      await sink.end();
    } finally {
      await ctx.out.flush();
      await engine.dispose?.();
    }
    if (failed) process.exitCode = EXIT.usage;
    else if (mode === "check") process.exitCode = ctx.fixes > 0 ? EXIT.found : EXIT.ok;
    // everything went out through write(2) and nothing was said on stderr: end here rather than wait
    // for the runtime's orderly shutdown (~1 ms of a ~15 ms one-liner)
    if (ctx.out.synchronous && !consolaUsed() && !failed) process.exit(process.exitCode ?? 0);
  },
});

/*
 * The work of the modes a one-liner does not use, in functions of their own: the first call of a function
 * links all of its bytecode (~0.5 K instructions per instruction with metadata where start-up code is
 * interpreted), so code that a run skips costs less outside the command's body than inside it.
 */

/** An engine that could not be made: a name typofix does not know is a usage error; an engine or model that cannot run here is not. */
function engineFailed(err: unknown): never {
  const m = (err as Error).message;
  fail(m, /^unknown engine/.test(m) ? EXIT.usage : EXIT.model);
}

/** How to correct a file, for a lone argument that names one (it was corrected as text). */
function fileHint(arg: string, mode: boolean): void {
  consola.info(`"${arg}" was corrected as text; to correct the file, give --file ${arg}${mode ? "" : " (with --write to change it)"}`);
}

/** The settings of the project that holds `first` (a file or folder), for --check/--write on paths. */
async function projectConfig(configs: ProjectConfigs, first: string): Promise<ReturnType<typeof merge>> {
  try {
    return await configs.forDir(isDir(first) ? first : nodePath().dirname(first));
  } catch (err) {
    if (err instanceof ConfigError) fail(`config: ${err.message}`);
    throw err;
  }
}

/** The engine of a running `typofix serve` that answers with the same engine, or null. */
async function viaServer(target: NonNullable<ReturnType<typeof findServer>>, engineOptions: EngineOptions & { onNotice: (m: string) => void }): Promise<Engine | null> {
  const { connect } = await import("../server/client.ts");
  const { engineSpec } = await import("../engines/index.ts");
  const spec = engineSpec(engineOptions);
  return connect(target, spec, () => createEngine(engineOptions), { onNotice: engineOptions.onNotice });
}

/** --check/--write on files and folders (walked): the number of paths that failed. */
async function runPaths(ctx: Ctx, paths: string[], configs: ProjectConfigs, flagConfidence: number | undefined, write: boolean): Promise<number> {
  streamJit();
  const warn = (m: string) => ctx.quiet || consola.warn(m);
  const { runTree } = await import("./tree.ts");
  const sum = await runTree(paths, { engine: ctx.engine, configs, confidence: flagConfidence, write, sink: ctx.sink, warn, success: (m) => ctx.quiet || consola.success(m) });
  ctx.fixes += sum.findings;
  return sum.errors;
}

/** --file, each in turn: a file that cannot be read or written is reported, and the others are still done (as grep does). */
async function runFiles(ctx: Ctx, files: string[], write: boolean): Promise<number> {
  let failed = 0;
  for (const path of files)
    try {
      if (path === "-") await runStdin(ctx, "-");
      else await runFile(ctx, path, write);
    } catch (err) {
      if (!(err instanceof FileError)) throw err;
      failed++;
      await ctx.out.flush();
      process.stderr.write(`typofix: ${err.message}\n`);
    }
  return failed;
}

/** A file that cannot be corrected (missing, unreadable, binary, read-only): reported, the others go on. */
class FileError extends Error {}

/**
 * Standard input's batches (readBatches): corrected once no more input has come for STALL_MS (a live
 * stream: a person typing, `tail -f`), or once BATCH_BYTES are in hand (the output of a long input is not
 * held back to its end); a piped commit log or file below that is read whole first, as a document. Later
 * batches still see what every line before them said (ctx.doc). 32 KB (some 500 lines of prose) holds a
 * commit message or a README whole; 256 KB cost ~5 MB more peak RSS over a 170,000-word stream (149 →
 * 152–155 MB compiled, against the 150 MB bound of docs/guarantees.md's throughput row).
 */
const STALL_MS = 30;
const BATCH_BYTES = 32 * 1024;

async function runStdin(ctx: Ctx, name: string): Promise<void> {
  ctx.prev = null;
  // (what every line received so far says: src/text/technical.ts)
  const { DocumentEvidence } = await import("../text/technical.ts");
  ctx.doc = new DocumentEvidence();
  ctx.docFence = new FenceTracker();
  const input = await sniffBinary(Bun.stdin.stream() as unknown as AsyncIterable<Uint8Array>);
  if (input.binary) await passBinary(ctx, flushing(ctx, input.chunks));
  else await printLines(ctx, readBatches(input.chunks, regularStdin() ? Infinity : STALL_MS, BATCH_BYTES), name);
}

/**
 * Whether standard input is a regular file (`typofix < notes.md`): it cannot be a live stream, so no pause
 * in reading it ends a batch. (Before, a process starved of CPU for 30 ms while reading a file cut a batch
 * there, and the lines on each side of the cut no longer saw each other's words: the same file could come
 * out corrected differently under load.)
 */
function regularStdin(): boolean {
  try {
    return nodeFs().fstatSync(0).isFile();
  } catch {
    return false;
  }
}

/** The chunks of a stream; before waiting for the next one, the output so far is written (a pipe stays line-prompt). */
async function* flushing(ctx: Ctx, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    yield c;
    await ctx.out.flush();
  }
}

/** Refuse to rewrite a file the user may not write, as editors do (root may write anything). */
function checkWritable(path: string): void {
  try {
    nodeFs().accessSync(path, nodeFs().constants.W_OK);
  } catch (err) {
    throw new FileError(`${path}: ${(err as NodeJS.ErrnoException).code === "EROFS" ? "on a read-only file system" : "read-only (no write permission)"}; not rewritten`);
  }
}

async function runFile(ctx: Ctx, path: string, write: boolean): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = nodeFs().readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileError(`${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, not a file" : code === "EACCES" ? "permission denied" : (err as Error).message}`);
  }
  if (bytes.length >= STARTUP_JIT_BYTES) streamJit();
  if (looksBinary(bytes)) throw new FileError(`${path}: looks like a binary file (NUL bytes); refusing to correct it`);
  const lines = splitBytes(bytes);
  ctx.prev = null;
  // what the whole file says of its words (and its kind: a commit message, source code's comments)
  const [{ DocumentEvidence }, { kindOfPath }] = await Promise.all([import("../text/technical.ts"), import("../text/prose.ts")]);
  ctx.doc = new DocumentEvidence(kindOfPath(path) ?? undefined);
  ctx.docFence = new FenceTracker();
  if (write && lines.some((l) => l.text === null)) throw new FileError(`${path}: not valid UTF-8 text; refusing to rewrite it`);
  if (write) checkWritable(path);
  if (!write) return printLines(ctx, [lines], path);
  readEvidence(ctx, lines);
  // --write runs in plain mode on valid UTF-8 (both checked above): every line renders to its correction
  const fence = new FenceTracker();
  const before = ctx.fixes;
  let out = "";
  let n = 0;
  for (const line of lines) out += ((await renderLine(ctx, line, { file: path, line: ++n }, fence)) as string) + line.eol;
  const fixes = ctx.fixes - before;
  await ctx.out.flush();
  // nothing to fix: the file is left as it is (not rewritten: same inode, owner, times, links)
  if (fixes)
    try {
      await atomicWriteFileUninterrupted(path, out);
    } catch (err) {
      throw new FileError(`${path}: could not write (${(err as Error).message}); the file is unchanged`);
    }
  if (!ctx.quiet) consola.success(`${path}: ${fixes} fix${fixes === 1 ? "" : "es"}`);
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [fixLine, renderLine, printLines, emit, flushing, invalidLine, addFindings]);
