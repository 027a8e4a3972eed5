/**
 * Shared by the reliability tests (test/reliability/*.test.ts, docs/guarantees.md): spawning the CLI in
 * an isolated home, the fuzz/soak knobs, RSS sampling from /proc, and a log line per test of how many
 * cases it ran (grep the test output for "[reliability]").
 *
 *   TYPOFIX_FUZZ_RUNS=N   property/fuzz cases per property (default 200)
 *   TYPOFIX_SOAK=1        the long runs: a 1 GB stream, more kills, bigger inputs
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, spawnCli, type CliRun } from "../support/cli.ts";

export const ROOT = join(import.meta.dir, "../..");
export { CLI };
export const RUNS = Math.max(1, Number(process.env.TYPOFIX_FUZZ_RUNS ?? 200) || 200);
export const SOAK = process.env.TYPOFIX_SOAK === "1";
/** Time limit for a test whose work grows with RUNS or SOAK (bun's default is 5 s). */
export const LONG = RUNS > 200 || SOAK ? 3_600_000 : 60_000;

/** One line in the test output saying what a test ran: the counts docs/guarantees.md records. */
export function record(what: string, n: number | string, extra = ""): void {
  console.log(`[reliability] ${what}: ${typeof n === "number" ? n.toLocaleString("en") : n}${extra ? ` (${extra})` : ""}`);
}

/**
 * One scratch folder for all reliability test files (bun runs them in one process and has no hook at its
 * exit): named with our pid, and the folders of earlier runs whose process is gone are removed here.
 */
export const home = mkdtempSync(join(tmpdir(), `typofix-rel-${process.pid}-`));
for (const name of readdirSync(tmpdir())) {
  const pid = Number(/^typofix-rel-(\d+)-/.exec(name)?.[1] ?? NaN);
  if (!pid || pid === process.pid) continue;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** An environment with its own config and cache (no user dictionary, no installed model, no server). */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const e: Record<string, string | undefined> = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_CACHE_HOME: join(home, "cache"),
    TYPOFIX_HOME: join(home, "cache/typofix"),
    TYPOFIX_NO_SERVER: "1",
    NO_COLOR: "",
    ...extra,
  };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e as Record<string, string>;
}

/** The CLI in this isolated environment; stdout decoded keeping a byte-order mark (the tests compare it). */
export function runCli(args: string[], opts: { stdin?: string | Uint8Array; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  return spawnCli(args, cliEnv(opts.env), opts.stdin, new TextDecoder("utf-8", { ignoreBOM: true }));
}

/** Resident set size of a process in kB (VmRSS), or null once it has gone. */
export function rssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Sample a process's RSS every `ms` until stopped; gives the samples and the peak. */
export function sampleRss(pid: number, ms = 25): { stop(): { peakKb: number; samples: number[] } } {
  const samples: number[] = [];
  const t = setInterval(() => {
    const v = rssKb(pid);
    if (v !== null) samples.push(v);
  }, ms);
  return {
    stop() {
      clearInterval(t);
      return { peakKb: samples.length ? Math.max(...samples) : 0, samples };
    },
  };
}

/** No stack trace, no uncaught-error noise: what "ends quietly" means for stderr. */
export function quiet(stderr: string): boolean {
  return !/\n\s+at |Uncaught|TypeError|RangeError|ReferenceError|panic|Segmentation|EPIPE/.test(stderr);
}

/** A small deterministic generator, for data that must be the same on every run (typofix corrupt's). */
export { mulberry32 as rng } from "../../src/corrupt/index.ts";

/** Applying a result's edits to its input; checks each edit's `from` against the input. */
export function replay(input: string, edits: ReadonlyArray<{ start: number; end: number; from: string; to: string }>): string {
  let out = "";
  let pos = 0;
  for (const e of edits) {
    if (e.start < pos || e.end < e.start || e.end > input.length) throw new Error(`edit out of order or range: ${JSON.stringify(e)}`);
    if (input.slice(e.start, e.end) !== e.from) throw new Error(`edit.from ${JSON.stringify(e.from)} is not the input at ${e.start}..${e.end}: ${JSON.stringify(input.slice(e.start, e.end))}`);
    out += input.slice(pos, e.start) + e.to;
    pos = e.end;
  }
  return out + input.slice(pos);
}
