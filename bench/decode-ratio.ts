/**
 * Decode speed at a 512-token context as a share of decode at 128, measured so that a shared machine's
 * load falls on both alike: one session per model folder, with two KV caches (a 128-token and a
 * 512-token prompt prefilled), and single decode steps that alternate between the two caches (and
 * between the models when several folders are given: q4 against q4f16), in a rotating order. Reports
 * per model and context the median wall and CPU time of a step over `--steps` steps (the contexts grow
 * by one token a step, as in `typofix bench`'s 16-token decode), the ratio of the medians, and peak RSS.
 * `typofix bench` measures 128 and 512 in separate runs seconds apart; on a busy VM their loads differ.
 * A folder may carry tags after '#', each making a session of its own: a MatMulNBits compute type
 * (DIR#fp32: that TYPOFIX_ONNX_ACCURACY), a KV cache form (DIR#chained, DIR#shared), intra-op threads
 * (DIR#t1), spinning threads (DIR#spin), or whose attention kernel runs (DIR#typofix: typofix's op
 * over a float16 cache; DIR#onnxruntime: onnxruntime's GroupQueryAttention), or whose 4-bit matmul
 * (DIR#mm-typofix: typofix's, native/matmul*.c; DIR#mm-onnxruntime: MLAS). --prefill R first times R prefills of the longest context per folder,
 * alternating between the folders (prefill tok/s, median).
 *   bun bench/decode-ratio.ts DIR[#int8|fp32|model][#shared|chained][#tN][#spin][#typofix|onnxruntime][#mm-typofix|mm-onnxruntime] [DIR2 …] [--steps 48] [--contexts 128,512] [--prefill R] [--out FILE.json]
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const dirs = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1]!.startsWith("--")));
if (!dirs.length) throw new Error("usage: bun bench/decode-ratio.ts DIR[#int8|fp32|model][#shared|chained][#tN][#spin][#typofix|onnxruntime][#mm-typofix|mm-onnxruntime] [DIR2 …] [--steps 48] [--contexts 128,512] [--prefill R] [--out FILE.json]");
const prefillRounds = Number(opt("--prefill", "0"));
const steps = Number(opt("--steps", "48"));
const contexts = opt("--contexts", "128,512").split(",").map(Number);

const ort = await import("onnxruntime-node");
const { OnnxStepModel, readModelConfig, modelFile } = await import("../src/engines/onnx/index.ts");
const { sessionSettingsFromEnv } = await import("../src/engines/onnx/options.ts");

type Model = Awaited<ReturnType<typeof OnnxStepModel.load>>;
type Cache = { length: number };
interface Lane {
  model: string;
  context: number;
  m: Model;
  cache: Cache;
  next: number;
  wall: number[];
  cpu: number[];
}
const load0 = loadavg()[0]!;
const lanes: Lane[] = [];
const models: Array<{ name: string; m: Model }> = [];
for (const spec of dirs) {
  const [dir, ...tags] = spec.split("#") as [string, ...string[]];
  const accuracy = tags.find((t) => ["int8", "fp32", "model"].includes(t));
  const form = tags.find((t) => t === "shared" || t === "chained");
  const threads = tags.find((t) => /^t\d+$/.test(t));
  const attention = tags.find((t) => t === "typofix" || t === "onnxruntime");
  const matmul = tags.find((t) => t === "mm-typofix" || t === "mm-onnxruntime");
  const bad = tags.find((t) => t !== accuracy && t !== form && t !== threads && t !== attention && t !== matmul && t !== "spin");
  if (bad) throw new Error(`${spec}: unknown tag "${bad}" (int8, fp32, model, shared, chained, tN, spin, typofix, onnxruntime, mm-typofix, mm-onnxruntime)`);
  const m = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), {
    ...sessionSettingsFromEnv(),
    ...(accuracy ? { accuracy: accuracy as never } : {}),
    ...(form ? { sharedCache: form === "shared" } : {}),
    ...(threads ? { threads: Number(threads.slice(1)) } : {}),
    ...(tags.includes("spin") ? { spinning: true } : {}),
    ...(attention ? { attention: attention as never } : {}),
    ...(matmul ? { matmul: matmul.slice(3) as never } : {}),
  });
  models.push({ name: spec.split("/").filter(Boolean).pop()!, m });
}
// prefill: the longest context, one folder after the other, R rounds
const longest = Array.from({ length: Math.max(...contexts) }, (_, i) => 1000 + ((i * 7919) % 50000));
const prefill = models.map(() => [] as number[]);
for (let r = 0; r < prefillRounds; r++)
  for (let i = 0; i < models.length; i++) {
    const { m } = models[(r + i) % models.length]!;
    m.reset();
    const t0 = performance.now();
    await m.prefill(longest);
    prefill[(r + i) % models.length]!.push(performance.now() - t0);
    m.reset();
  }
for (const { name, m } of models) {
  const self = m as unknown as { cache: Cache & { bufs?: unknown[]; past?: unknown[]; capacity?: number } };
  const first = self.cache;
  for (const context of contexts) {
    // a cache of its own per context: a fresh copy of the model's (empty) cache object
    const cache = lanes.some((l) => l.m === m) ? Object.assign(Object.create(Object.getPrototypeOf(first)), first, { bufs: [], past: [], capacity: 0, length: 0 }) : first;
    self.cache = cache;
    const prompt = Array.from({ length: context }, (_, i) => 1000 + ((i * 7919) % 50000));
    const next = await m.prefill(prompt);
    lanes.push({ model: name, context, m, cache, next, wall: [], cpu: [] });
  }
}
async function step(l: Lane) {
  (l.m as unknown as { cache: Cache }).cache = l.cache;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  l.next = await l.m.decode(l.next);
  l.wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  l.cpu.push((c.user + c.system) / 1000);
}
// two warm-up steps per lane, then rotate the order each round so no lane always follows the same one
for (const l of lanes) for (let i = 0; i < 2; i++) await step(l);
for (const l of lanes) (l.wall.length = 0), (l.cpu.length = 0);
for (let r = 0; r < steps; r++) for (let i = 0; i < lanes.length; i++) await step(lanes[(r + i) % lanes.length]!);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rows = lanes.map((l) => ({ model: l.model, context: l.context, cache: l.m.cacheMode, cache_type: l.m.feeds.cacheType, median_step_ms: +med(l.wall).toFixed(2), median_cpu_ms: +med(l.cpu).toFixed(2), decode_tps: +(1000 / med(l.wall)).toFixed(2), min_step_ms: +Math.min(...l.wall).toFixed(2) }));
const ratios = models.map(({ name }) => {
  const r = rows.filter((x) => x.model === name);
  const lo = r.find((x) => x.context === contexts[0]);
  const hi = r.find((x) => x.context === contexts[contexts.length - 1]);
  return { model: name, wall: +(lo!.median_step_ms / hi!.median_step_ms).toFixed(3), cpu: +(lo!.median_cpu_ms / hi!.median_cpu_ms).toFixed(3) };
});
for (const l of lanes) if (l.context === contexts[0]) await l.m.dispose();
const prefillRows = prefillRounds ? models.map(({ name }, i) => ({ model: name, tokens: longest.length, ms: prefill[i]!.map((x) => Math.round(x)), median_tps: +(longest.length / (med(prefill[i]!) / 1000)).toFixed(1) })) : undefined;
const report = { steps, contexts, prefill: prefillRows, load_avg_1min: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)], rows, ratio_last_over_first: ratios, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) };
if (args.includes("--out")) writeFileSync(opt("--out", ""), JSON.stringify(report, null, 1) + "\n");
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
