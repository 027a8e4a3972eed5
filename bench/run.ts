/**
 * `bun run bench`: a thin call of `typofix bench` that keeps this machine's latest results in
 * bench/results/ (JSON with every raw sample, Markdown, SVG) and prints the JSON. It measures the
 * lexicon engine, the onnx engine on the tiny test model and — when generated (`bun run fixtures
 * --preset qwen3-0.6b`, or pass --big) — on the Qwen3-0.6B-shaped random-weight model, and — when
 * generated (`bun run fixtures --preset qwen3-0.6b-q4`, or pass --q4) — on the same shape in the Hub's
 * q4 form (compared with the fp32 one: bench/results/qwen3-0.6b-q4-vs-fp32.txt), peers (aspell,
 * hunspell) and start-up (also of dist/typofix-<platform> when built).
 *   bun run bench [--big] [--q4] [--runs N] [any typofix bench option]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureModel, PRESETS } from "../scripts/fixtures.ts";
import { compare, type BenchReport } from "../src/bench/index.ts";

const root = join(import.meta.dir, "..");
const out = join(root, "bench/results");
mkdirSync(out, { recursive: true });
const extra = process.argv.slice(2).filter((a) => a !== "--big" && a !== "--q4");
if (process.argv.includes("--big")) ensureModel("qwen3-0.6b");
if (process.argv.includes("--q4")) ensureModel("qwen3-0.6b-q4");
const tiny = ensureModel("tiny");
const big = PRESETS["qwen3-0.6b"]!.dir;
const runs = [["lexicon,onnx=" + tiny, "tiny"]];
if (existsSync(join(big, ".stamp"))) runs.push(["onnx=" + big, "qwen3-0.6b-shaped"]);
const q4 = PRESETS["qwen3-0.6b-q4"]!.dir;
if (existsSync(join(q4, ".stamp"))) runs.push(["onnx=" + q4, "qwen3-0.6b-q4"]);
for (const [engines, name] of runs) {
  const args = ["bench", "--engine", engines!, "--json", join(out, `${name}.json`), "--md", join(out, `${name}.md`), "--svg", join(out, `${name}.svg`)];
  // the full-size model on a CPU is slow: fewer runs, shorter decode
  if (name === "qwen3-0.6b-shaped") args.push("--runs", "2", "--warmup", "0", "--decode-tokens", "8", "--no-peers");
  // the q4 model is fast enough for a warm-up and 16 decode steps
  if (name === "qwen3-0.6b-q4") args.push("--runs", "3", "--warmup", "1", "--decode-tokens", "16", "--no-peers", "--no-serve");
  const p = Bun.spawnSync([process.execPath, join(root, "src/cli.ts"), ...args, ...extra], { stdout: "inherit", stderr: "inherit" });
  if (p.exitCode !== 0) process.exit(p.exitCode ?? 1);
  if (name === "qwen3-0.6b-q4" && existsSync(join(out, "qwen3-0.6b-shaped.json"))) {
    // what `typofix bench --compare qwen3-0.6b-shaped.json` prints for this run
    const read = (f: string) => JSON.parse(readFileSync(join(out, f), "utf8")) as BenchReport;
    const c = compare(read("qwen3-0.6b-shaped.json"), read("qwen3-0.6b-q4.json"));
    writeFileSync(join(out, "qwen3-0.6b-q4-vs-fp32.txt"), c.lines.join("\n") + "\n");
  }
}
process.stdout.write(await Bun.file(join(out, "tiny.json")).text());
