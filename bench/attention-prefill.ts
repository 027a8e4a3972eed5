/**
 * 512-token prefills alternating (ABBA, twice) between onnxruntime's GroupQueryAttention and typofix's
 * attention op (TYPOFIX_ONNX_ATTENTION) in one process, two sessions of one model folder: wall and CPU
 * (user + system, all threads) ms of each prefill, and their medians, with the load average.
 *   bun bench/attention-prefill.ts [MODEL_DIR]
 */
import { loadavg } from "node:os";
const ort = await import("onnxruntime-node");
const { OnnxStepModel, readModelConfig, modelFile } = await import("../src/engines/onnx/index.ts");
const D = process.argv[2] ?? ".cache/models/qwen3-0.6b-q4-random";
const m = { onnxruntime: await OnnxStepModel.load(ort, modelFile(D), readModelConfig(D), { attention: "onnxruntime" }), typofix: await OnnxStepModel.load(ort, modelFile(D), readModelConfig(D), { attention: "typofix" }) };
const prompt = Array.from({ length: 512 }, (_, i) => (i * 37) % 5000);
const res: Record<string, { wall: number[]; cpu: number[] }> = { onnxruntime: { wall: [], cpu: [] }, typofix: { wall: [], cpu: [] } };
const load0 = loadavg()[0];
for (const k of ["onnxruntime", "typofix", "typofix", "onnxruntime", "onnxruntime", "typofix", "typofix", "onnxruntime"] as const) {
  m[k].reset();
  const c0 = process.cpuUsage(), t0 = performance.now();
  await m[k].forward(prompt, 1);
  const c = process.cpuUsage(c0);
  res[k].wall.push(Math.round(performance.now() - t0));
  res[k].cpu.push(Math.round((c.user + c.system) / 1000));
}
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
console.log(JSON.stringify({ load_avg_1min: [load0, loadavg()[0]], ...Object.fromEntries(Object.entries(res).map(([k, v]) => [k, { ...v, median_wall: med(v.wall), median_cpu: med(v.cpu) }])) }));
