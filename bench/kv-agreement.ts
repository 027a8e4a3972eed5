/**
 * How much a float16 KV cache changes greedy decoding: loads two model folders that differ only in
 * the cache's type (by default the qwen3-0.6b-q4 and -q4f16 fixtures: same weights, float32 against
 * float16 cache with GroupQueryAttention in float16), greedily decodes `--tokens` tokens after each of
 * `--prompts` seeded prompts of 16–400 token ids through each, one model at a time, and reports
 * per prompt the length of the common prefix of the two outputs, and how often the outputs are
 * identical. A numeric check, not a speed one (run it with nice). A folder may carry the tag #typofix or
 * #onnxruntime: whose attention kernel runs (TYPOFIX_ONNX_ATTENTION; typofix's keeps a float16 cache),
 * e.g. DIR#onnxruntime DIR#typofix compares typofix's op against onnxruntime's float32 one; and
 * #mm-typofix or #mm-onnxruntime: whose 4-bit matmul runs (TYPOFIX_ONNX_MATMUL).
 *   bun bench/kv-agreement.ts [DIR_A[#typofix|#onnxruntime][#mm-typofix|#mm-onnxruntime] DIR_B[…]] [--prompts 20] [--tokens 16] [--out FILE.json]
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const dirs = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1]!.startsWith("--")));
const [a = ".cache/models/qwen3-0.6b-q4-random", b = ".cache/models/qwen3-0.6b-q4f16-random"] = dirs;
const N = Number(opt("--prompts", "20"));
const T = Number(opt("--tokens", "16"));

const ort = await import("onnxruntime-node");
const { OnnxStepModel, readModelConfig, modelFile } = await import("../src/engines/onnx/index.ts");
const { generate } = await import("../src/llm/generate.ts");

// seeded prompts (a linear congruential generator over the first 100,000 ids), lengths 16..400
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const prompts = Array.from({ length: N }, () => Array.from({ length: 16 + Math.floor(rnd() * 385) }, () => Math.floor(rnd() * 100_000)));

async function outputs(spec: string) {
  const [dir, ...tags] = spec.split("#") as [string, ...string[]];
  const settings: { attention?: "typofix" | "onnxruntime"; matmul?: "typofix" | "onnxruntime" } = {};
  for (const tag of tags) {
    if (tag === "typofix" || tag === "onnxruntime") settings.attention = tag;
    else if (tag === "mm-typofix" || tag === "mm-onnxruntime") settings.matmul = tag.slice(3) as "typofix" | "onnxruntime";
    else throw new Error(`${spec}: unknown tag "${tag}" (typofix, onnxruntime, mm-typofix, mm-onnxruntime)`);
  }
  const m = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), settings);
  const out: number[][] = [];
  for (const p of prompts) out.push((await generate(m, p, { maxNewTokens: T, stopIds: [] })).tokens);
  const info = { cacheMode: m.cacheMode, cacheType: m.feeds.cacheType, attention: m.runner.attention, matmul: m.runner.matmul };
  await m.dispose();
  return { out, info };
}
const A = await outputs(a);
const B = await outputs(b);
const common = prompts.map((_, i) => {
  let k = 0;
  while (k < T && A.out[i]![k] === B.out[i]![k]) k++;
  return k;
});
const report = {
  a: { dir: a, ...A.info },
  b: { dir: b, ...B.info },
  prompts: N,
  tokens: T,
  prompt_lengths: prompts.map((p) => p.length),
  identical: common.filter((k) => k === T).length,
  common_prefix: common,
  mean_common_prefix: +(common.reduce((s, k) => s + k, 0) / N).toFixed(2),
  load_avg_1min: +loadavg()[0]!.toFixed(2),
};
if (args.includes("--out")) writeFileSync(opt("--out", ""), JSON.stringify(report, null, 1) + "\n");
process.stdout.write(JSON.stringify(report) + "\n");
