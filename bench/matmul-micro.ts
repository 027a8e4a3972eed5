/**
 * One 4-bit MatMulNBits node (the q4 fixture's form: blocks of 32, float32 scales, no zero points) run
 * alone through the C API: onnxruntime's (MLAS, accuracy_level 4 = int8 compute, as the engine sets it)
 * against typofix's (native/matmul*.c, domain ai.typofix), interleaved (A, B, A, B ...) for each shape
 * M×K×N, medians of wall time per run, and the largest difference between the two outputs relative to
 * the largest output. The weights are a fresh random matrix per shape (the layer's bytes come from
 * memory, not cache, once the set of shapes exceeds the L2; --cold evicts the caches before each run
 * with a pass over 256 MB, as a real step's other layers do).
 *   bun bench/matmul-micro.ts [--reps 50] [--threads 0] [--cold] [--shapes M/K/N,...]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { matmulNBitsModel } from "../test/support/matmul-model.ts";
import { capi, CapiSession } from "../src/engines/onnx/capi.ts";
import { attentionLibrary } from "../src/engines/onnx/attention.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const reps = Number(opt("--reps", "50"));
const threads = Number(opt("--threads", "0"));
const COLD = args.includes("--cold");
const shapes = opt("--shapes", "1/1024/3072,1/3072/1024,1/1024/151936,9/1024/3072,16/1024/3072,32/1024/3072,128/1024/3072,128/3072/1024,128/1024/2048")
  .split(",")
  .map((s) => s.split("/").map(Number) as [number, number, number]);

const api = capi();
const lib = attentionLibrary();
if (!api || !lib?.matmulIsa) throw new Error("needs onnxruntime's C API and typofix's library with the matmul (bun run build:native)");
const dir = mkdtempSync(join(tmpdir(), "matmul-micro-"));

/** A model of one MatMulNBits node [M', K] -> [M', N] over random 4-bit weights (seeded). */
export function matmulModel(file: string, domain: string, K: number, N: number, seed: number): void {
  const nb = K / 32;
  const B = new Uint8Array(N * nb * 16);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < B.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    B[i] = x & 255;
  }
  const S = new Float32Array(N * nb);
  for (let i = 0; i < S.length; i++) S[i] = 0.01 * (0.75 + ((i * 2654435761) >>> 0) / 2 ** 34);
  writeFileSync(file, matmulNBitsModel(domain, K, N, B, S));
}

const evict = COLD ? new Float32Array(64 << 20) : null;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Array<Record<string, number | string>> = [];
const load0 = loadavg()[0]!;
for (const [M, K, N] of shapes) {
  const files = { ort: join(dir, `ort-${K}-${N}.onnx`), typofix: join(dir, `tf-${K}-${N}.onnx`) };
  matmulModel(files.ort, "com.microsoft", K, N, K * 31 + N);
  matmulModel(files.typofix, "ai.typofix", K, N, K * 31 + N);
  const sess = {
    ort: new CapiSession(api, files.ort, { threads }),
    typofix: new CapiSession(api, files.typofix, { threads, customOps: [lib.path] }),
  };
  const a = new Float32Array(M * K);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.7) * (1 + (i % 7));
  const feeds = { a: { type: "float32", dims: [1, M, K], data: a } };
  const times: Record<string, number[]> = { ort: [], typofix: [] };
  const outs: Record<string, Float32Array> = {};
  for (let r = 0; r < reps + 2; r++)
    for (const k of ["ort", "typofix"] as const) {
      if (evict) for (let i = 0; i < evict.length; i += 16) evict[i]! += 1;
      const t0 = performance.now();
      const y = sess[k].run(feeds as never, { y: null }).y!;
      const t = performance.now() - t0;
      if (r >= 2) times[k]!.push(t);
      if (r === 0) outs[k] = Float32Array.from(y.data as Float32Array);
    }
  let maxd = 0;
  let maxy = 0;
  for (let i = 0; i < outs.ort!.length; i++) {
    maxd = Math.max(maxd, Math.abs(outs.ort![i]! - outs.typofix![i]!));
    maxy = Math.max(maxy, Math.abs(outs.ort![i]!));
  }
  const row = { M, K, N, ort_ms: +median(times.ort!).toFixed(3), typofix_ms: +median(times.typofix!).toFixed(3), speedup: +(median(times.ort!) / median(times.typofix!)).toFixed(2), rel_diff: +(maxd / maxy).toExponential(2) };
  results.push(row);
  console.log(JSON.stringify(row));
  sess.ort.close();
  sess.typofix.close();
}
console.log(JSON.stringify({ isa: lib.matmulIsa, threads, cold: COLD, reps, load_avg_1min: [load0, loadavg()[0]] }));
rmSync(dir, { recursive: true, force: true });
