/**
 * Chooses the onnx engine's session settings by measurement: for each intra-op thread count and graph
 * optimisation level, a fresh process loads the model and measures prefill (128 tokens) and decode
 * (16 steps after 128 and after 512 tokens) through either backend (C API or onnxruntime-node), with a profile of where a decode step's time goes (feeds,
 * onnxruntime's run, logits). Configurations are interleaved over rounds so that a busy machine hurts
 * them alike; the best of the rounds is kept. Prints JSON; the README's defaults come from it.
 *   bun bench/onnx-settings.ts MODEL_DIR [--rounds N] [--configs 1/all/spin,2/all/nospin/node/int8,2/all/nospin/capi/int8/keep/256,…] [--models DIR2,…] [--out FILE]
 * (a configuration's seventh field is the prefill chunk; CHUNK in the environment sets the default, 128;
 * STEPS the decode steps, 16; the eighth field forces the KV cache form: shared, chained or auto). With --models, each configuration runs on MODEL_DIR and on each listed
 * folder in turn (e.g. the -q4 and -q4f16 fixtures), model after model within a round.
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);

if (args[0] === "--one") {
  // one configuration in this process
  const [, dir, threads, level, spin, backend, accuracy, keep, cacheForm] = args;
  const ort = await import("onnxruntime-node");
  const { OnnxStepModel, readModelConfig, modelFile } = await import("../src/engines/onnx/index.ts");
  const t0 = performance.now();
  const m = await OnnxStepModel.load(ort, modelFile(dir!), readModelConfig(dir!), { threads: Number(threads), optLevel: level as never, spinning: spin === "spin", backend: (backend || "auto") as never, accuracy: (accuracy || undefined) as never, keepLogits: keep ? keep === "keep" : undefined, prefillChunk: Number(process.env.CHUNK || 128), ...(cacheForm === "shared" || cacheForm === "chained" ? { sharedCache: cacheForm === "shared" } : {}) });
  const row: Record<string, number | string> = { model: dir!.split("/").filter(Boolean).pop()!, threads: Number(threads), opt: level!, spin: spin!, backend: m.runner.backend, accuracy: accuracy || "default", logits: keep || "default", chunk: Number(process.env.CHUNK || 128), cache: m.cacheMode, load_ms: Math.round(performance.now() - t0) };
  for (const ctx of [128, 512]) {
    const prompt = Array.from({ length: ctx }, (_, i) => 1000 + ((i * 7919) % 50000));
    m.reset();
    const pc0 = process.cpuUsage();
    const a = performance.now();
    let t = await m.prefill(prompt);
    const b = performance.now();
    const pc = process.cpuUsage(pc0);
    row[`prefill_cpu_ms_${ctx}`] = Math.round((pc.user + pc.system) / 1000);
    const p0 = { ...m.profile };
    const steps = Number(process.env.STEPS || 16);
    // CPU time (all threads) is less sensitive than wall time to other processes on a shared machine
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) t = await m.decode(t);
    const d = (performance.now() - b) / steps;
    const c = process.cpuUsage(c0);
    row[`step_cpu_ms_${ctx}`] = +((c.user + c.system) / 1000 / steps).toFixed(1);
    row[`prefill_tps_${ctx}`] = +(ctx / ((b - a) / 1000)).toFixed(1);
    row[`decode_tps_${ctx}`] = +(1000 / d).toFixed(2);
    row[`step_run_ms_${ctx}`] = +((m.profile.runMs - p0.runMs) / steps).toFixed(1);
    row[`step_feed_ms_${ctx}`] = +((m.profile.feedMs - p0.feedMs) / steps).toFixed(2);
    row[`step_logits_ms_${ctx}`] = +((m.profile.logitsMs - p0.logitsMs) / steps).toFixed(2);
  }
  row.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify(row));
  process.exit(0);
}

const dir = args[0];
if (!dir) throw new Error("usage: bun bench/onnx-settings.ts MODEL_DIR [--rounds N] [--configs THREADS/LEVEL/spin|nospin[/capi|node|auto[/int8|fp32|model[/keep|all[/CHUNK[/shared|chained|auto]]]]]],…] [--models DIR,…] [--out FILE]");
const rounds = Number(opt("--rounds", "3"));
const n = cpus().length;
const configs = opt("--configs", `1/all/spin,${n}/all/spin,${n}/all/nospin,${n}/basic/spin,${n}/extended/spin`).split(",").map((c) => c.split("/") as [string, string, string, string?, string?, string?, string?, string?]);
const models = [dir, ...(args.includes("--models") ? opt("--models", "").split(",").filter(Boolean) : [])];
const best = new Map<string, Record<string, number | string>>();
const samples: Array<Record<string, number | string>> = [];
for (let r = 0; r < rounds; r++)
  for (const [t, o, spin, backend = "auto", accuracy = "", keep = "", chunk = process.env.CHUNK || "128", cacheForm = "auto"] of configs)
  for (const model of models) {
    const load = loadavg()[0]!;
    const p = Bun.spawnSync([process.execPath, import.meta.path, "--one", model, t, o, spin, backend, accuracy, keep, cacheForm], { stdout: "pipe", stderr: "pipe", env: { ...process.env, CHUNK: chunk } });
    if (p.exitCode !== 0) throw new Error(`threads=${t} opt=${o} ${spin} ${backend}: ${p.stderr.toString().slice(-400)}`);
    const row = { ...JSON.parse(p.stdout.toString()), round: r, load_avg_1m: +load.toFixed(2) };
    samples.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
    const key = `${model}:${t}/${o}/${spin}/${backend}/${accuracy}/${keep}/${chunk}/${cacheForm}`;
    const b = best.get(key);
    if (!b || Number(row.decode_tps_128) > Number(b.decode_tps_128)) best.set(key, row);
  }
const report = { model: dir, models, cores: cpus().length, cpu: cpus()[0]?.model, rounds, best: [...best.values()], samples };
const out = opt("--out", "");
if (out) writeFileSync(out, JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report.best, null, 2) + "\n");
