/**
 * Bench rows for the whole command line, as users run it (issue 20):
 *  - the one-liner `typofix "Thi sis a tset"` against `aspell -a` and `hunspell -a` on the same sentence,
 *    each a fresh process, the commands run in alternation (a, b, c, a, b, c, …) so that the machine's
 *    load falls on all of them alike; wall time and CPU time (user + system, from the child's rusage)
 *    per run, and typofix's ratio to each peer (medians) from that one run;
 *  - end to end: `typofix --no-server < FILE` over a whole file, words/s, CPU seconds, peak RSS and a
 *    SHA-256 of the output (the same output before and after a speed change).
 * Cost: the processes it starts (a few ms each for the one-liners; seconds for a 100,000-word file).
 * Run alone: `bun src/bench/startup.ts [--runs N] [--bin PATH]… [--file PATH] [--in-place] [--page-cache
 * fresh|after-reboot|as-is]` prints the JSON rows (several --bin: those builds in the same alternation, e.g.
 * before and after a change). Each --bin is run from a copy made for the run (freshCopies), unless
 * --in-place; typofix's data files are extracted anew for the run, and `--page-cache after-reboot` reads the
 * binaries, the data and the peers' files back from the disk first (measureCached).
 */
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { summarize, type Summary } from "./stats.ts";

export const ONE_LINER = "Thi sis a tset";

export interface Contender {
  name: string;
  cmd: string[];
  /** Standard input for the command (the peers read the sentence from it). */
  input?: string;
}

export interface StartupRow {
  name: string;
  cmd: string[];
  wallMs: Summary;
  cpuMs: Summary;
  /** Every run, in order: [wall ms, cpu ms]. */
  samples: Array<[number, number]>;
  error?: string;
}

export interface StartupReport {
  runs: number;
  warmup: number;
  /**
   * The page cache the runs met (measurePageCache): "fresh", the binaries and typofix's data files just written
   * (as after an install); "after reboot", read back from the disk by a first run; absent where not controlled.
   */
  pageCache?: PageCacheState;
  rows: StartupRow[];
  /** typofix's median over each peer's median (≤ 2 is the issue's target). */
  ratios: Array<{ vs: string; wall: number; cpu: number }>;
}

/** The peers on this machine: aspell and hunspell in ispell pipe mode, when installed. */
export function peers(sentence = ONE_LINER): Contender[] {
  const out: Contender[] = [];
  if (Bun.which("aspell")) out.push({ name: "aspell", cmd: ["aspell", "-a", "--lang=en"], input: sentence + "\n" });
  if (Bun.which("hunspell")) out.push({ name: "hunspell", cmd: ["hunspell", "-a", "-d", "en_US"], input: sentence + "\n" });
  return out;
}

/** One run of a command: wall ms (spawn to exit) and the child's CPU ms. */
function once(c: Contender, env: Record<string, string | undefined>): { wall: number; cpu: number; code: number | null; err: string } {
  const t0 = performance.now();
  const p = Bun.spawnSync(c.cmd, { stdin: c.input === undefined ? "ignore" : new TextEncoder().encode(c.input), stdout: "pipe", stderr: "pipe", env });
  const wall = performance.now() - t0;
  const cpu = Number(p.resourceUsage?.cpuTime.total ?? 0n) / 1000;
  return { wall, cpu, code: p.exitCode, err: p.stderr.toString().trim().slice(0, 200) };
}

export type PageCacheState = "fresh" | "after reboot";

/**
 * Drop files from the page cache (posix_fadvise POSIX_FADV_DONTNEED after fdatasync), as a reboot does: the
 * next run reads them back from the disk through its page faults. Linux only; returns the files dropped
 * (one that cannot be opened is skipped).
 */
export function evictFromPageCache(files: string[]): string[] {
  if (process.platform !== "linux") return [];
  const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
  const libc = dlopen("libc.so.6", {
    open: { args: [FFIType.cstring, FFIType.i32], returns: FFIType.i32 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    fdatasync: { args: [FFIType.i32], returns: FFIType.i32 },
    posix_fadvise: { args: [FFIType.i32, FFIType.i64, FFIType.i64, FFIType.i32], returns: FFIType.i32 },
  });
  const done: string[] = [];
  try {
    for (const f of files) {
      const fd = libc.symbols.open(Buffer.from(f + "\0"), 0);
      if (fd < 0) continue;
      libc.symbols.fdatasync(fd);
      // POSIX_FADV_DONTNEED = 4
      if (libc.symbols.posix_fadvise(fd, 0, 0, 4) === 0) done.push(f);
      libc.symbols.close(fd);
    }
  } finally {
    libc.close();
  }
  return done;
}

/** The files a peer's one-liner reads: its executable, its own shared libraries (ldd: those named after it) and its dictionaries. */
export function peerFiles(name: "aspell" | "hunspell"): string[] {
  const bin = Bun.which(name);
  if (!bin) return [];
  const out = [bin];
  const ldd = Bun.spawnSync(["ldd", bin], { stdout: "pipe", stderr: "ignore" }).stdout.toString();
  for (const m of ldd.matchAll(/=>\s*(\S+)/g)) if (m[1]!.includes(name)) out.push(m[1]!);
  const dirs = name === "aspell" ? [Bun.spawnSync(["aspell", "config", "dict-dir"], { stdout: "pipe", stderr: "ignore" }).stdout.toString().trim()] : ["/usr/share/hunspell"];
  for (const d of dirs) if (d && existsSync(d)) for (const f of readdirSync(d)) if (statSync(join(d, f)).isFile()) out.push(join(d, f));
  return out;
}

/**
 * Run the contenders in alternation, `warmup` rounds unmeasured then `runs` measured rounds. The first
 * contender is the one the ratios are about (typofix), against every contender not named typofix….
 * A contender that fails is reported, not retried.
 */
export function measureStartup(contenders: Contender[], runs = 20, warmup = 2, env: Record<string, string | undefined> = { ...process.env, TYPOFIX_NO_SERVER: "1" }): StartupReport {
  const samples = contenders.map(() => [] as Array<[number, number]>);
  const errors: Array<string | undefined> = contenders.map(() => undefined);
  for (let k = 0; k < warmup + runs; k++)
    contenders.forEach((c, i) => {
      if (errors[i]) return;
      const r = once(c, env);
      if (r.code !== 0) errors[i] = `exit ${r.code}: ${r.err}`;
      else if (k >= warmup) samples[i]!.push([r.wall, r.cpu]);
    });
  const rows = contenders.map((c, i): StartupRow => ({
    name: c.name,
    cmd: c.cmd,
    wallMs: summarize(samples[i]!.map((s) => s[0])),
    cpuMs: summarize(samples[i]!.map((s) => s[1])),
    samples: samples[i]!,
    ...(errors[i] ? { error: errors[i] } : {}),
  }));
  // the first contender against every peer (the others not named typofix…)
  const [self, ...others] = rows;
  const peerRows = others.filter((o) => !o.name.startsWith("typofix") && !o.error && o.wallMs.n);
  const ratios = self && !self.error ? peerRows.map((o) => ({ vs: o.name, wall: self.wallMs.p50 / o.wallMs.p50, cpu: self.cpuMs.p50 / Math.max(o.cpuMs.p50, 1e-3) })) : [];
  return { runs, warmup, rows, ratios };
}

/** The files under `dir`, recursively (typofix's extracted data in a TYPOFIX_HOME). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

/**
 * measureStartup under a page cache set up the same way for every run. The typofix contenders get a new
 * TYPOFIX_HOME, whose data files (the lexicon, the trigram model) a first round extracts: written in one piece,
 * as an install or an upgrade leaves them, and so cached in large folios; the binaries should be copies made
 * for the run (freshCopies) for the same reason. "fresh" measures so. "after reboot" then drops the typofix
 * contenders' executables, the extracted data files and the peers' executables, libraries and dictionaries
 * from the page cache (evictFromPageCache) and runs one more unmeasured round, which reads them back from the
 * disk as the first runs after a reboot do; the kernel then caches them page by page, and every later run
 * maps them so. The state goes into the report.
 */
export function measureCached(contenders: Contender[], runs = 20, warmup = 2, state: PageCacheState = "fresh", env: Record<string, string | undefined> = { ...process.env, TYPOFIX_NO_SERVER: "1" }): StartupReport {
  const home = mkdtempSync(join(tmpdir(), "typofix-home-"));
  try {
    const withHome = { ...env, TYPOFIX_HOME: home };
    for (const c of contenders) once(c, withHome);
    if (state === "after reboot") {
      const files = filesUnder(home);
      for (const c of contenders) {
        if (c.name.startsWith("typofix")) files.push(c.cmd[0]!);
        else if (c.name === "aspell" || c.name === "hunspell") files.push(...peerFiles(c.name));
      }
      evictFromPageCache(files);
      for (const c of contenders) once(c, withHome);
    }
    return { ...measureStartup(contenders, runs, warmup, withHome), pageCache: state };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export interface EndToEnd {
  file: string;
  words: number;
  seconds: number;
  cpuSeconds: number;
  wordsPerS: number;
  peakRssMb: number;
  outputSha256: string;
  exitCode: number | null;
}

/** Words as the bench counts them everywhere: runs of non-space. */
export function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(/\S+/g)) n++;
  return n;
}

/**
 * `cmd < file` (cmd is typofix with --no-server): words/s end to end, the output's SHA-256. Peak RSS is
 * the child's; Linux carries the parent's high-water mark into it, so run from a small process (this
 * module alone, ~30 MB) it is exact above that floor.
 */
export function endToEnd(cmd: string[], file: string, env: Record<string, string | undefined> = { ...process.env, TYPOFIX_NO_SERVER: "1" }): EndToEnd {
  const words = countWords(readFileSync(file, "utf8"));
  const t0 = performance.now();
  const p = Bun.spawnSync(cmd, { stdin: Bun.file(file), stdout: "pipe", stderr: "pipe", env });
  const seconds = (performance.now() - t0) / 1000;
  return {
    file,
    words,
    seconds,
    cpuSeconds: Number(p.resourceUsage?.cpuTime.total ?? 0n) / 1e6,
    wordsPerS: words / seconds,
    peakRssMb: (p.resourceUsage?.maxRSS ?? 0) / 2 ** 20,
    outputSha256: new Bun.CryptoHasher("sha256").update(p.stdout).digest("hex"),
    exitCode: p.exitCode,
  };
}

/** The rows as `typofix bench` reports them (JSON "cli"). */
export interface CliRows {
  startup: StartupReport;
  endToEnd?: EndToEnd & { engineWordsPerS?: number; engineCpuWordsPerS?: number };
}

const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const round = (x: number | undefined) => (x ? String(Math.round(x)) : "–");

/** Lines for the bench's table. */
export function cliTable(c: CliRows): string {
  let out = "";
  for (const x of c.startup.rows) out += `one-liner ${x.name}: wall ${f1(x.wallMs.p50)} ms, CPU ${f1(x.cpuMs.p50)} ms (medians of ${x.wallMs.n}, alternating)${x.error ? ` ${x.error}` : ""}\n`;
  for (const x of c.startup.ratios) out += `ratio ${c.startup.rows[0]!.name} / ${x.vs}: wall ${x.wall.toFixed(2)}×, CPU ${x.cpu.toFixed(2)}×\n`;
  const e = c.endToEnd;
  if (e) out += `end to end (typofix --no-server < file): ${round(e.wordsPerS)} words/s wall, ${round(e.words / e.cpuSeconds)} words/s CPU over ${e.words} words, peak RSS ${f1(e.peakRssMb)} MB; engine alone ${round(e.engineWordsPerS)} words/s wall, ${round(e.engineCpuWordsPerS)} words/s CPU\n`;
  return out;
}

/** Lines for the bench's Markdown report. */
export function cliMarkdown(c: CliRows): string[] {
  const lines: string[] = [];
  if (c.startup.rows.length) {
    lines.push("", "| one-liner (new process, alternating) | wall ms p50 | CPU ms p50 | runs |", "|---|---|---|---|");
    for (const x of c.startup.rows) lines.push(`| ${x.name} | ${f1(x.wallMs.p50)} | ${f1(x.cpuMs.p50)} | ${x.error ?? x.wallMs.n} |`);
    lines.push(...c.startup.ratios.map((x) => `- ${c.startup.rows[0]!.name} / ${x.vs}: wall ${x.wall.toFixed(2)}×, CPU ${x.cpu.toFixed(2)}×`));
  }
  const e = c.endToEnd;
  if (e) lines.push("", `End to end, \`typofix --no-server < ${e.file}\`: ${round(e.wordsPerS)} words/s (wall), ${round(e.words / e.cpuSeconds)} words/s (CPU) over ${e.words} words, peak RSS ${f1(e.peakRssMb)} MB; the engine alone ${round(e.engineWordsPerS)} words/s (wall), ${round(e.engineCpuWordsPerS)} words/s (CPU).`);
  return lines;
}

/**
 * Copies of the binaries, made now and alike, in a new folder under the system's temporary one (the caller
 * removes it). The same bytes run at different speeds from different files: the kernel maps a binary's pages
 * from its page cache, and a file cached in large folios (one just written: a build, a copy) takes fewer and
 * cheaper page faults than one whose pages sit in the cache one by one. On this VM (2026-12-04) a build
 * copied at 15:37 had 14,296 of its text segment's 19,978 pages cached singly by 16:00, a copy of it made
 * then 992; measured in place, the two gave the one-liner 11.1–11.4 against 9.2–9.7 ms of CPU (medians of
 * 30, three runs; 279 against 221 page faults in the text segment), so a build made before a change looked
 * ~18 % slower than the same bytes built after it. Copied here, the two gave 9.6–10.1 against 9.3–9.8 ms.
 */
export function freshCopies(bins: string[]): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "typofix-startup-"));
  const paths = bins.map((b, i) => {
    const to = join(dir, `${i}-${basename(b)}`);
    copyFileSync(b, to);
    chmodSync(to, 0o755);
    return to;
  });
  return { dir, paths };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const arg = (k: string) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  const runs = Number(arg("--runs") ?? 20);
  // --bin PATH, repeatable: several builds (before and after a change) in the same alternation
  const bins = args.flatMap((a, i) => (a === "--bin" && args[i + 1] ? [args[i + 1]!] : []));
  const copies = bins.length && !args.includes("--in-place") ? freshCopies(bins) : null;
  const selves = bins.length ? (copies?.paths ?? bins).map((b) => [b]) : [[process.execPath, join(import.meta.dir, "../cli.ts")]];
  const name = (i: number) => (i === 0 ? "typofix" : `typofix:${bins[i]}`);
  const out: Record<string, unknown> = copies ? { copiedBins: true } : {};
  try {
    // --page-cache fresh (default) | after-reboot | as-is (the user's own cache folder, whatever state it is in)
    const cache = arg("--page-cache") ?? "fresh";
    if (!["fresh", "after-reboot", "as-is"].includes(cache)) throw new Error(`--page-cache ${cache}: fresh, after-reboot or as-is`);
    const contenders = [...selves.map((cmd, i) => ({ name: name(i), cmd: [...cmd, ONE_LINER] })), ...peers()];
    if (!args.includes("--no-startup")) out.startup = cache === "as-is" ? measureStartup(contenders, runs) : measureCached(contenders, runs, 2, cache === "fresh" ? "fresh" : "after reboot");
    const file = arg("--file");
    if (file) {
      out.endToEnd = endToEnd([...selves[0]!, "--no-server", "--quiet", "--engine", "lexicon"], file);
      if (selves.length > 1) out.endToEndOthers = selves.slice(1).map((cmd, i) => ({ name: name(i + 1), ...endToEnd([...cmd, "--no-server", "--quiet", "--engine", "lexicon"], file) }));
    }
  } finally {
    if (copies) rmSync(copies.dir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(out, (k, v) => (k === "samples" ? undefined : v), 2) + "\n");
}
