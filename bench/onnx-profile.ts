/**
 * Where a forward pass's time goes, by onnxruntime's own per-node profile: loads the model with
 * profiling on (settings.profile), and for each context prefills that many tokens and decodes `steps`
 * tokens; then reads the profile onnxruntime writes at close and sums node time by op type, separately
 * for the prefill passes and for the decode steps of each context (per step, in ms). Also prints the wall
 * time of each phase, and onnxruntime's whole-run time, so that time outside the nodes shows.
 *   bun bench/onnx-profile.ts MODEL_DIR [--contexts 128,512] [--steps 32] [--out FILE.json]
 * Environment settings (TYPOFIX_ONNX_THREADS, _ACCURACY, ...) apply as in the engine.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const dir = args[0];
if (!dir || dir.startsWith("--")) throw new Error("usage: bun bench/onnx-profile.ts MODEL_DIR [--contexts 128,512] [--steps 32] [--out FILE.json]");
const contexts = opt("--contexts", "128,512").split(",").map(Number);
const steps = Number(opt("--steps", "32"));

const ort = await import("onnxruntime-node");
const { OnnxStepModel, readModelConfig, modelFile } = await import("../src/engines/onnx/index.ts");
const { sessionSettingsFromEnv } = await import("../src/engines/onnx/options.ts");
const prefix = join(tmpdir(), `typofix-profile-${process.pid}`);
const settings = { ...sessionSettingsFromEnv(), profile: prefix };
const m = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), settings);

// each phase's passes, in order: they are matched to onnxruntime's model_run events by position, not by time
const phases: Array<{ name: string; start: number; end: number; passes: number; wallMs: number }> = [];
const load = loadavg()[0]!;
for (const ctx of contexts) {
  const prompt = Array.from({ length: ctx }, (_, i) => 1000 + ((i * 7919) % 50000));
  m.reset();
  let a = performance.now();
  let p0 = m.passes;
  let t = await m.prefill(prompt);
  let b = performance.now();
  phases.push({ name: `prefill@${ctx}`, start: a, end: b, passes: m.passes - p0, wallMs: b - a });
  a = performance.now();
  p0 = m.passes;
  for (let i = 0; i < steps; i++) t = await m.decode(t);
  b = performance.now();
  phases.push({ name: `decode@${ctx}`, start: a, end: b, passes: m.passes - p0, wallMs: b - a });
}
await m.dispose();

// onnxruntime names the file PREFIX_<date>.json in the working directory given
const { readdirSync } = await import("node:fs");
const base = prefix.split("/").pop()!;
const file = readdirSync(tmpdir()).find((f) => f.startsWith(base) && f.endsWith(".json"));
if (!file) throw new Error(`no profile written under ${tmpdir()} (${base}_*.json)`);
const events = JSON.parse(readFileSync(join(tmpdir(), file), "utf8")) as Array<{ cat: string; name: string; ts: number; dur: number; args?: { op_name?: string } }>;
rmSync(join(tmpdir(), file));

// onnxruntime's timestamps are µs from its profiler's start; model_run events map onto our passes in order
const runs = events.filter((e) => e.cat === "Session" && e.name === "model_run").sort((x, y) => x.ts - y.ts);
const nodes = events.filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
const total = phases.reduce((s, p) => s + p.passes, 0);
if (runs.length < total) throw new Error(`profile has ${runs.length} runs, expected at least ${total}`);
// the last `total` runs are ours (none before: the engine does not warm up)
const ours = runs.slice(runs.length - total);
const result: Record<string, unknown> = { model: dir, steps, load_avg_1min: +load.toFixed(2), settings: { ...settings, profile: undefined }, phases: {} as Record<string, unknown> };
let k = 0;
for (const ph of phases) {
  const rs = ours.slice(k, k + ph.passes);
  k += ph.passes;
  const from = rs[0]!.ts;
  const to = rs[rs.length - 1]!.ts + rs[rs.length - 1]!.dur;
  const byOp = new Map<string, number>();
  for (const n of nodes) if (n.ts >= from && n.ts <= to) byOp.set(n.args?.op_name ?? "?", (byOp.get(n.args?.op_name ?? "?") ?? 0) + n.dur);
  const per = ph.name.startsWith("decode") ? ph.passes : 1;
  const ms = (us: number) => +(us / 1000 / per).toFixed(3);
  const nodeUs = [...byOp.values()].reduce((a, b) => a + b, 0);
  const runUs = rs.reduce((s, r) => s + r.dur, 0);
  const table = result.phases as Record<string, unknown>;
  let key = ph.name;
  for (let r = 2; key in table; r++) key = `${ph.name}#${r}`;
  table[key] = {
    unit: per > 1 ? "ms per step" : "ms for the whole prefill",
    wall: +(ph.wallMs / per).toFixed(3),
    ort_run: ms(runUs),
    nodes: ms(nodeUs),
    by_op: Object.fromEntries([...byOp.entries()].sort((x, y) => y[1] - x[1]).map(([o, us]) => [o, ms(us)])),
  };
}
const out = JSON.stringify(result, null, 1);
if (args.includes("--out")) writeFileSync(opt("--out", ""), out + "\n");
process.stdout.write(out + "\n");
