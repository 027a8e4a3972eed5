/**
 * `typofix bench`: the seed's Phase-2 benchmark as a command. For each engine (lexicon, onnx, ane — each
 * in its own worker process) it measures load time, correction latency (mean, sd, p50, p95, min, max over
 * runs after a warm-up), prefill/decode tokens/s and time to first token over a 128/256/512-token sweep
 * with a fitted slope, peak RSS; the lexicon's words/s over a corpus; start-up of the one-liner; peers
 * (aspell, hunspell, any --external command) on the same sentences; ANE/CPU speed ratios and compute
 * units where the ANE engine runs; output consistency between engines. Reports: table, JSON (machine,
 * versions, every raw sample), Markdown, SVG; --compare flags regressions beyond the measured noise.
 */
import { existsSync, readFileSync } from "node:fs";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { version as pkgVersion } from "../../package.json" with { type: "json" };
import { SENTENCES, type WorkerResult, type WorkerSpec } from "./measure.ts";
import { slope, summarize, type Summary } from "./stats.ts";
import { measureServer, type ServerRow } from "./server.ts";
import { measureLongLines, type LongLineRow } from "./longlines.ts";
import { measureLsp, type LspRow } from "./lsp.ts";
import { endToEnd, measureCached, ONE_LINER, peers as startupPeers, type CliRows, type Contender } from "./startup.ts";
import { streamJit } from "../runtime/jit.ts";

export { compare, markdown, svg, table } from "./report.ts";

export interface BenchOptions {
  engines: Array<{ engine: "lexicon" | "onnx" | "ane"; model?: string; units?: WorkerSpec["units"] }>;
  runs: number;
  warmup: number;
  contexts: number[];
  decodeTokens: number;
  peers: boolean;
  external: string[];
  corpus?: string;
  /** Measure the one-liner through a warm `typofix serve` against cold in-process (default true). */
  serve?: boolean;
  /** Measure `typofix lsp` on a 1,000-line Markdown file (lexicon; default true). */
  lsp?: boolean;
  onProgress?: (msg: string) => void;
  /** Set when the user interrupts: stop measuring, report what there is. */
  interrupted?: () => boolean;
}

export interface EngineSummary {
  label: string;
  engine: string;
  loadMs: number;
  peakRssMb: number;
  latency: Summary;
  sweep: Array<{ context: number; tokens: number; latency: Summary; prefillTokensPerS?: number; ttftMs?: number; decodeTokensPerS?: number; wordsPerS?: number }>;
  slopeMsPerToken: number;
  info?: Record<string, unknown>;
  testDouble?: boolean;
}

export interface PeerResult {
  name: string;
  latency?: Summary;
  outputs?: string[];
  note?: string;
}

export interface BenchReport {
  tool: "typofix bench";
  version: string;
  startedAt: string;
  finishedAt?: string;
  interrupted: boolean;
  machine: { platform: string; arch: string; os: string; cpu: string; cores: number; memoryGb: number; bun: string };
  options: Omit<BenchOptions, "onProgress" | "interrupted">;
  engines: EngineSummary[];
  raw: WorkerResult[];
  throughput?: { corpus: string; words: number; wordsPerS: number; cpuWordsPerS?: number; peakRssMb: number };
  startup?: Record<string, Summary | string>;
  /**
   * The command line as users run it (src/bench/startup.ts): the one-liner against aspell and hunspell,
   * alternating, wall and CPU, with typofix's ratios; `typofix --no-server < corpus` end to end beside
   * the engine's own words/s on the same file.
   */
  cli?: CliRows;
  /** Adversarial long lines through the CLI (src/bench/longlines.ts): time and peak RSS. */
  longLines?: LongLineRow[];
  /** Per engine: the one-liner through a warm server vs cold in-process. */
  server?: ServerRow[];
  lsp?: LspRow;
  peers: PeerResult[];
  consistency: Array<{ a: string; b: string; same: number; total: number; share: number; differences: Array<{ input: string; a: string; b: string }> }>;
  ratios: Array<{ what: string; value: number }>;
  errors: string[];
}

const cli = join(import.meta.dir, "../cli.ts");
const compiled = () => process.env.TYPOFIX_COMPILED === "1";
export const selfCommand = (...args: string[]) => (compiled() ? [process.execPath, ...args] : [process.execPath, cli, ...args]);

let current: ReturnType<typeof Bun.spawn> | null = null;
let serving: import("bun").Subprocess | null = null;
export function killCurrent(): void {
  current?.kill();
  serving?.kill();
}

async function worker(spec: WorkerSpec): Promise<WorkerResult> {
  const p = Bun.spawn(selfCommand("bench", "--worker", JSON.stringify(spec)), { stdout: "pipe", stderr: "pipe" });
  current = p;
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  current = null;
  if (code !== 0) throw new Error(`${spec.engine}: worker failed (${code}): ${err.trim().split("\n").slice(-3).join(" ")}`);
  return JSON.parse(out);
}

function summarizeWorker(r: WorkerResult): EngineSummary {
  const sweep = r.samples.sweep.map((s) => {
    const row: EngineSummary["sweep"][number] = { context: s.context, tokens: s.tokens, latency: summarize(s.ms) };
    if (s.prefillMs?.length) {
      const pre = summarize(s.prefillMs).mean;
      row.prefillTokensPerS = s.tokens / (pre / 1000);
      row.ttftMs = pre;
      row.decodeTokensPerS = 1000 / summarize(s.decodeMsPerToken ?? []).mean;
    } else row.wordsPerS = s.words / (summarize(s.ms).mean / 1000);
    return row;
  });
  const fit = slope(
    sweep.flatMap((s) => s.latency.n ? [s.tokens] : []),
    sweep.flatMap((s) => (s.latency.n ? [s.latency.mean] : [])),
  );
  return {
    label: r.label,
    engine: r.engine,
    loadMs: r.loadMs,
    peakRssMb: r.peakRssMb,
    latency: summarize(r.samples.latencyMs),
    sweep,
    slopeMsPerToken: fit.slope,
    info: r.info,
    testDouble: r.info?.fake === true,
  };
}

/** Correct one sentence with `aspell -a` / `hunspell -a`: the first suggestion for each flagged word. */
export function applyIspell(sentence: string, output: string): string {
  const edits: Array<{ at: number; word: string; to: string }> = [];
  for (const line of output.split("\n")) {
    const m = /^& (\S+) \d+ (\d+): ([^,]+)/.exec(line);
    if (m) edits.push({ at: Number(m[2]) - 1, word: m[1]!, to: m[3]!.trim() });
  }
  let s = sentence;
  for (const e of edits.sort((a, b) => b.at - a.at)) if (s.slice(e.at, e.at + e.word.length) === e.word) s = s.slice(0, e.at) + e.to + s.slice(e.at + e.word.length);
  return s;
}

async function peer(name: string, cmd: string[], o: BenchOptions, ispell: boolean): Promise<PeerResult> {
  const ms: number[] = [];
  const outputs: string[] = [];
  for (let k = 0; k < o.warmup + o.runs && !o.interrupted?.(); k++)
    for (const s of SENTENCES) {
      const t0 = performance.now();
      const p = Bun.spawnSync(cmd, { stdin: new TextEncoder().encode((ispell ? "^" : "") + s + "\n"), stdout: "pipe", stderr: "pipe" });
      const dt = performance.now() - t0;
      if (p.exitCode !== 0) return { name, note: `failed: ${p.stderr.toString().trim().slice(0, 200)}` };
      if (k >= o.warmup) ms.push(dt);
      if (k === o.warmup) outputs.push(ispell ? applyIspell(s, p.stdout.toString()) : p.stdout.toString().replace(/\n$/, ""));
    }
  return { name, latency: summarize(ms), outputs, note: "one process per sentence (start-up included), as a one-liner" };
}

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const report: BenchReport = {
    tool: "typofix bench",
    version: pkgVersion,
    startedAt: new Date().toISOString(),
    interrupted: false,
    machine: { platform: platform(), arch: arch(), os: release(), cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGb: +(totalmem() / 2 ** 30).toFixed(1), bun: Bun.version },
    options: { engines: o.engines, runs: o.runs, warmup: o.warmup, contexts: o.contexts, decodeTokens: o.decodeTokens, peers: o.peers, external: o.external, corpus: o.corpus, serve: o.serve !== false },
    engines: [],
    raw: [],
    peers: [],
    consistency: [],
    ratios: [],
    errors: [],
  };
  const stop = () => {
    if (o.interrupted?.()) report.interrupted = true;
    return report.interrupted;
  };
  for (const e of o.engines) {
    if (stop()) break;
    o.onProgress?.(`measuring ${e.engine}${e.model ? ` (${e.model})` : ""}${e.units ? ` on ${e.units}` : ""}…`);
    try {
      const r = await worker({ ...e, runs: o.runs, warmup: o.warmup, contexts: o.contexts, decodeTokens: o.decodeTokens });
      report.raw.push(r);
      report.engines.push(summarizeWorker(r));
    } catch (err) {
      if (stop()) break;
      report.errors.push((err as Error).message);
    }
  }
  // the lexicon's throughput over a whole corpus, and the one-liner's start-up
  if (!stop() && o.corpus && existsSync(o.corpus) && o.engines.some((e) => e.engine === "lexicon")) {
    o.onProgress?.(`lexicon throughput over ${o.corpus}…`);
    const p = Bun.spawnSync(selfCommand("bench", "--throughput", o.corpus), { stdout: "pipe", stderr: "pipe" });
    if (p.exitCode === 0) report.throughput = JSON.parse(p.stdout.toString());
    o.onProgress?.(`end to end: typofix --no-server < ${o.corpus}…`);
    const e2e = endToEnd(selfCommand("--no-server", "--quiet", "--engine", "lexicon"), o.corpus);
    if (e2e.exitCode !== 0) report.errors.push(`end to end over ${o.corpus}: exit ${e2e.exitCode}`);
    else report.cli = { ...report.cli!, endToEnd: { ...e2e, engineWordsPerS: report.throughput?.wordsPerS, engineCpuWordsPerS: report.throughput?.cpuWordsPerS } };
  }
  if (!stop() && o.engines.some((e) => e.engine === "lexicon")) {
    o.onProgress?.("adversarial long lines through the CLI…");
    report.longLines = measureLongLines(selfCommand, compiled());
  }
  if (!stop()) {
    o.onProgress?.("start-up of one-liners…");
    // in-process start-up, run in alternation with the peers (a server the user runs must not answer)
    const contenders: Contender[] = [{ name: "typofix", cmd: selfCommand(ONE_LINER) }];
    // the compiled binary for this platform, when it has been built (bun run build): the one users get
    const built = join(import.meta.dir, `../../dist/typofix-${platform()}-${arch()}`);
    if (!compiled() && existsSync(built)) contenders.unshift({ name: "typofix_compiled", cmd: [built, ONE_LINER] });
    if (o.peers) contenders.push(...startupPeers(ONE_LINER));
    // (typofix's data extracted anew for the run, as an install leaves it: the same page cache every time, measureCached)
    const st = measureCached(contenders, Math.max(20, o.runs), o.warmup, "fresh");
    report.cli = { ...report.cli, startup: st };
    report.startup = Object.fromEntries(st.rows.map((r) => [r.name, r.error ? "failed" : r.wallMs]));
    if (o.peers) for (const name of ["aspell", "hunspell"]) if (!st.rows.some((r) => r.name === name)) report.startup[name] = "not installed";
  }
  // the one-liner through a warm `typofix serve`, against cold in-process, per engine (and model)
  if (o.serve !== false && !stop()) {
    const seen = new Set<string>();
    for (const e of o.engines) {
      const key = `${e.engine}\u0000${e.model ?? ""}`;
      if (seen.has(key) || stop()) continue;
      seen.add(key);
      o.onProgress?.(`one-liner through a warm server vs in-process: ${e.engine}${e.model ? ` (${e.model})` : ""}…`);
      const row = await measureServer(e, { warmup: o.warmup, runs: o.runs, selfCommand, track: (p) => (serving = p), interrupted: o.interrupted });
      (report.server ??= []).push(row);
      if (row.error) report.errors.push(`server row ${row.label}: ${row.error}`);
    }
  }
  if (o.lsp !== false && !stop() && o.engines.some((e) => e.engine === "lexicon")) report.lsp = await measureLsp(selfCommand, { runs: o.runs, corpus: o.corpus, onProgress: o.onProgress });
  if (o.peers && !stop()) {
    for (const [name, cmd] of [
      ["aspell", ["aspell", "-a", "--lang=en"]],
      ["hunspell", ["hunspell", "-a", "-d", "en_US"]],
    ] as const) {
      if (!Bun.which(cmd[0])) {
        report.peers.push({ name, note: `not installed (apt-get install ${name === "aspell" ? "aspell aspell-en" : "hunspell hunspell-en-us"})` });
        continue;
      }
      o.onProgress?.(`peer ${name}…`);
      report.peers.push(await peer(name, [...cmd], o, true));
    }
  }
  for (const cmd of o.external) if (!stop()) report.peers.push(await peer(`external:${cmd}`, ["sh", "-c", cmd], o, false));
  // consistency of outputs on the same sentences
  const outputs: Array<[string, string[]]> = [
    ...report.raw.map((r) => [r.label, r.samples.outputs] as [string, string[]]),
    ...report.peers.filter((p) => p.outputs?.length).map((p) => [p.name, p.outputs!] as [string, string[]]),
  ];
  for (let i = 0; i < outputs.length; i++)
    for (let j = i + 1; j < outputs.length; j++) {
      const [a, oa] = outputs[i]!;
      const [b, ob] = outputs[j]!;
      const n = Math.min(oa.length, ob.length);
      const differences = [];
      for (let k = 0; k < n; k++) if (oa[k] !== ob[k]) differences.push({ input: SENTENCES[k]!, a: oa[k]!, b: ob[k]! });
      report.consistency.push({ a, b, same: n - differences.length, total: n, share: n ? (n - differences.length) / n : 0, differences });
    }
  // ANE vs CPU, and compute units
  const ane = report.engines.filter((e) => e.label.startsWith("ane"));
  const cpu = report.engines.find((e) => e.label.startsWith("onnx"));
  for (const a of ane) {
    if (cpu)
      for (const s of a.sweep) {
        const c = cpu.sweep.find((x) => x.context === s.context);
        if (c?.decodeTokensPerS && s.decodeTokensPerS) report.ratios.push({ what: `${a.label} / ${cpu.label} decode speed at ${s.context} tokens${a.testDouble ? " (ANE test double)" : ""}`, value: s.decodeTokensPerS / c.decodeTokensPerS });
      }
    const base = ane.find((x) => x.label.endsWith("/cpuOnly"));
    if (base && a !== base && a.latency.mean) report.ratios.push({ what: `${base.label} / ${a.label} correction latency`, value: base.latency.mean / a.latency.mean });
  }
  report.finishedAt = new Date().toISOString();
  return report;
}

/** Throughput worker: the lexicon engine over a whole corpus file, one pass, cold caches. */
export async function throughput(corpus: string): Promise<{ corpus: string; words: number; wordsPerS: number; cpuWordsPerS: number; peakRssMb: number }> {
  const { LexiconEngine } = await import("../engines/lexicon/index.ts");
  const engine = LexiconEngine.shared();
  // the JIT as the command line sets it for a stream or a file (src/runtime/jit.ts)
  streamJit();
  const lines = readFileSync(corpus, "utf8").split("\n");
  let words = 0;
  for (const l of lines) words += l.split(/\s+/).filter(Boolean).length;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // a collection is asked for every 24 KB of text, as the CLI does (src/cli/fix.ts), so peak RSS is comparable
  let since = 0;
  for (const l of lines) {
    engine.fixSync(l);
    if ((since += l.length + 1) >= 24 * 1024) {
      since = 0;
      Bun.gc(false);
    }
  }
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  // CPU time too: on a shared machine wall time is noisy, and end to end is compared per CPU second
  return { corpus, words, wordsPerS: words / s, cpuWordsPerS: words / ((c.user + c.system) / 1e6), peakRssMb: process.resourceUsage().maxRSS / 1024 };
}
