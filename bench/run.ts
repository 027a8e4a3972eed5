/**
 * `bun run bench`: the lexicon engine's speed and memory, as JSON on stdout.
 *   words_per_second  single-threaded throughput over ../shared/data/dev/wikidump.realistic/corrupt.txt
 *                     (a bundled sample when that folder is absent), measured in a fresh process, cold caches
 *   one_liner_ms      wall time of `bun src/cli.ts "Thi sis a tset"` (process start to exit), over repeated runs
 *   peak_rss_mb       peak resident memory of the throughput process and of the one-liner
 *   compiled_startup_ms  the compiled linux-x64 one-liner next to `aspell -a` and `hunspell -a` one-liners
 *   onnx_cpu          the onnx engine (bench/llm.ts per model): load time, prefill and decode tokens/s, TTFT, RSS
 * Targets (issue 3): ≥ 20,000 words/s, one-liner ≤ 300 ms, RSS ≤ 300 MB.
 */
import { existsSync, readFileSync } from "node:fs";
import { cpus, platform, arch } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const shared = join(root, "../shared/data/dev/wikidump.realistic/corrupt.txt");

/** Runs inside the child: correct every line of a file once, report words/s and RSS. */
async function worker(path: string): Promise<void> {
  const { LexiconEngine } = await import("../src/engines/lexicon/index.ts");
  const t0 = performance.now();
  const engine = LexiconEngine.shared();
  const loadMs = performance.now() - t0;
  const lines = readFileSync(path, "utf8").split("\n");
  let words = 0;
  for (const l of lines) words += l.split(/\s+/).filter(Boolean).length;
  const t1 = performance.now();
  for (const l of lines) engine.fixSync(l);
  const seconds = (performance.now() - t1) / 1000;
  process.stdout.write(
    JSON.stringify({ words, seconds, words_per_second: words / seconds, load_ms: loadMs, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }),
  );
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, s.length - 1));
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { mean, sd, min: s[0]!, p50: q(0.5), p95: q(0.95), max: s[s.length - 1]!, runs: s.length };
}

async function main(): Promise<void> {
  if (process.argv[2] === "--worker") return worker(process.argv[3]!);
  const input = existsSync(shared) ? shared : join(root, "bench/sample.txt");
  // throughput: three fresh processes, take the median
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const p = Bun.spawnSync([process.execPath, import.meta.path, "--worker", input], { stdout: "pipe", stderr: "inherit" });
    runs.push(JSON.parse(p.stdout.toString()));
  }
  runs.sort((a, b) => a.words_per_second - b.words_per_second);
  const through = runs[1];
  // one-liner: wall time of the whole process
  const wall: number[] = [];
  let rss = 0;
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const p = Bun.spawnSync([process.execPath, join(root, "src/cli.ts"), "Thi sis a tset"], { stdout: "pipe" });
    const ms = performance.now() - t0;
    if (p.stdout.toString() !== "This is a test\n") throw new Error(`one-liner gave ${JSON.stringify(p.stdout.toString())}`);
    if (i >= 2) wall.push(ms); // two warm-up runs (file cache)
    // Bun.spawnSync reports maxRSS in bytes (process.resourceUsage() in kilobytes)
    rss = Math.max(rss, (p.resourceUsage?.maxRSS ?? 0) / 1024 / 1024);
  }
  // the compiled binary's one-liner next to aspell's and hunspell's (hyperfine-style: warm-up, repeated runs)
  const startup: Record<string, unknown> = {};
  const binary = join(root, "dist/typofix-linux-x64");
  if (process.platform === "linux" && process.arch === "x64") {
    if (!existsSync(binary)) Bun.spawnSync([process.execPath, join(root, "scripts/build.ts"), "--target", "linux-x64"], { stderr: "inherit" });
    const time = (cmd: string[], input?: string) => {
      const xs: number[] = [];
      for (let i = 0; i < 23; i++) {
        const t0 = performance.now();
        const p = Bun.spawnSync(cmd, { stdin: input === undefined ? "ignore" : new TextEncoder().encode(input), stdout: "pipe", stderr: "pipe" });
        if (p.exitCode !== 0) return null;
        if (i >= 3) xs.push(performance.now() - t0);
      }
      return Object.fromEntries(Object.entries(stats(xs)).map(([k, v]) => [k, +v.toFixed(1)]));
    };
    startup.typofix_compiled = time([binary, "Thi sis a tset"]);
    startup.binary_mb = +(Bun.file(binary).size / 1e6).toFixed(1);
    const aspell = Bun.which("aspell");
    const hunspell = Bun.which("hunspell");
    startup.aspell = aspell ? time([aspell, "-a", "--lang=en"], "Thi sis a tset\n") : "not installed (apt-get install aspell aspell-en)";
    startup.hunspell = hunspell ? time([hunspell, "-a", "-d", "en_US"], "Thi sis a tset\n") : "not installed (apt-get install hunspell hunspell-en-us)";
    const ours = (startup.typofix_compiled as { mean: number } | null)?.mean;
    for (const peer of ["aspell", "hunspell"]) {
      const m = (startup[peer] as { mean?: number })?.mean;
      if (ours && m) startup[`ratio_to_${peer}`] = +(ours / m).toFixed(2);
    }
  }

  // LLM engine on the CPU: the tiny fixture always; the Qwen3-0.6B-shaped random-weight model when it
  // has been generated (`bun run fixtures --preset qwen3-0.6b`, ~2.4 GB) or with --big
  const { ensureModel, PRESETS } = await import("../scripts/fixtures.ts");
  const llm: Record<string, unknown> = {};
  const big = PRESETS["qwen3-0.6b"]!.dir;
  const models: Array<[string, string]> = [["tiny-qwen3", ensureModel("tiny")]];
  if (process.argv.includes("--big")) ensureModel("qwen3-0.6b");
  if (existsSync(join(big, ".stamp"))) models.push(["qwen3-0.6b-shaped-random-fp32", big]);
  for (const [name, dir] of models) {
    const p = Bun.spawnSync([process.execPath, join(root, "bench/llm.ts"), dir], { stdout: "pipe", stderr: "inherit" });
    if (p.exitCode === 0) {
      const r = JSON.parse(p.stdout.toString());
      delete r.runs;
      llm[name] = r;
    } else llm[name] = { error: `exit ${p.exitCode}` };
  }
  if (models.length === 1) llm.note = "run `bun run bench --big` (or `bun run fixtures --preset qwen3-0.6b`) to measure the Qwen3-0.6B-shaped model";

  const report = {
    machine: { platform: platform(), arch: arch(), cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, bun: Bun.version },
    input,
    lexicon: {
      words: through.words,
      words_per_second: Math.round(through.words_per_second),
      words_per_second_runs: runs.map((r) => Math.round(r.words_per_second)),
      load_ms: +through.load_ms.toFixed(1),
      peak_rss_mb: +through.peak_rss_mb.toFixed(1),
    },
    one_liner_ms: Object.fromEntries(Object.entries(stats(wall)).map(([k, v]) => [k, +v.toFixed(1)])),
    one_liner_peak_rss_mb: +rss.toFixed(1),
    compiled_startup_ms: startup,
    onnx_cpu: llm,
    targets: { words_per_second: 20000, one_liner_ms: 300, peak_rss_mb: 300, compiled_one_liner_ms: 60 },
  };
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
}

await main();
