/**
 * `bun run bench`: a thin call of `typofix bench` that keeps this machine's latest results in
 * bench/results/ (JSON with every raw sample, Markdown, SVG) and prints the JSON. It measures the
 * lexicon engine, the onnx engine on the tiny test model and — when generated (`bun run fixtures
 * --preset qwen3-0.6b`, or pass --big) — on the Qwen3-0.6B-shaped random-weight model, peers
 * (aspell, hunspell) and start-up (also of dist/typofix-<platform> when built).
 *   bun run bench [--big] [--runs N] [any typofix bench option]
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureModel, PRESETS } from "../scripts/fixtures.ts";

const root = join(import.meta.dir, "..");
const out = join(root, "bench/results");
mkdirSync(out, { recursive: true });
const extra = process.argv.slice(2).filter((a) => a !== "--big");
if (process.argv.includes("--big")) ensureModel("qwen3-0.6b");
const tiny = ensureModel("tiny");
const big = PRESETS["qwen3-0.6b"]!.dir;
const runs = [["lexicon,onnx=" + tiny, "tiny"]];
if (existsSync(join(big, ".stamp"))) runs.push(["onnx=" + big, "qwen3-0.6b-shaped"]);
for (const [engines, name] of runs) {
  const args = ["bench", "--engine", engines!, "--json", join(out, `${name}.json`), "--md", join(out, `${name}.md`), "--svg", join(out, `${name}.svg`)];
  // the full-size model on a CPU is slow: fewer runs, shorter decode
  if (name !== "tiny") args.push("--runs", "2", "--warmup", "0", "--decode-tokens", "8", "--no-peers");
  const p = Bun.spawnSync([process.execPath, join(root, "src/cli.ts"), ...args, ...extra], { stdout: "inherit", stderr: "inherit" });
  if (p.exitCode !== 0) process.exit(p.exitCode ?? 1);
}
process.stdout.write(await Bun.file(join(out, "tiny.json")).text());
