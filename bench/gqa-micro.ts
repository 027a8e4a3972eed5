/**
 * One GroupQueryAttention node of Qwen3-0.6B's shape (16 query heads, 8 KV heads, head size 128), run
 * alone through the C API (./../src/engines/onnx/capi.ts) with the KV cache shared between past and
 * present, as the onnx engine runs it: the time of one decode step's attention (one new token) at a
 * given context length and cache capacity, with the node's scale attribute as the Hub exports set it
 * (1/sqrt(128)) or 1. Configurations are interleaved (A, B, A, B ...) and the median of many runs is
 * kept, so a busy machine hurts them alike. Times are per node; a decode step runs 28 of them.
 * --fp16 runs the float16 form of the node (all its inputs and the cache float16); --cold evicts the
 * caches before each run (a pass over 256 MB), as the model's 370 MB of weights do between two layers'
 * attention in a real step.
 *   bun bench/gqa-micro.ts [--reps 200] [--threads 0] [--fp16] [--cold] [--configs ctx/cap/scale,...]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DataType, encodeModel } from "../src/engines/onnx/proto.ts";
import { capi, CapiSession } from "../src/engines/onnx/capi.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const reps = Number(opt("--reps", "200"));
const threads = Number(opt("--threads", "0"));
const S = Number(opt("--seq", "1"));
const configs = opt("--configs", "128/256/0,128/768/0,512/768/0,128/256/1,512/768/1").split(",").map((c) => c.split("/").map(Number) as [number, number, number]);
const FP16 = args.includes("--fp16");
const COLD = args.includes("--cold");
const NH = 16;
const NKV = 8;
const HD = 128;

const api0 = capi();
if (!api0) throw new Error("no C API");
const api = api0;
const dir = mkdtempSync(join(tmpdir(), "gqa-micro-"));
const sessions = new Map<number, CapiSession>();
function session(scaleOne: number): CapiSession {
  let s = sessions.get(scaleOne);
  if (s) return s;
  const file = join(dir, `gqa${scaleOne}.onnx`);
  const f = FP16 ? DataType.FLOAT16 : DataType.FLOAT;
  writeFileSync(
    file,
    encodeModel({
      name: "gqa",
      nodes: [
        {
          op: "GroupQueryAttention",
          domain: "com.microsoft",
          inputs: ["q", "k", "v", "past_key", "past_value", "seqlens_k", "total_sequence_length"],
          outputs: ["out", "present_key", "present_value"],
          attrs: [{ name: "num_heads", i: NH }, { name: "kv_num_heads", i: NKV }, { name: "scale", f: scaleOne ? 1 : 1 / Math.sqrt(HD) }],
        },
      ],
      initializers: [],
      inputs: [
        { name: "q", elemType: f, shape: [1, "s", NH * HD] },
        { name: "k", elemType: f, shape: [1, "s", NKV * HD] },
        { name: "v", elemType: f, shape: [1, "s", NKV * HD] },
        { name: "past_key", elemType: f, shape: [1, NKV, "cap", HD] },
        { name: "past_value", elemType: f, shape: [1, NKV, "cap", HD] },
        { name: "seqlens_k", elemType: DataType.INT32, shape: [1] },
        { name: "total_sequence_length", elemType: DataType.INT32, shape: [] },
      ],
      outputs: [
        { name: "out", elemType: f, shape: [1, "s", NH * HD] },
        { name: "present_key", elemType: f, shape: [1, NKV, "cap", HD] },
        { name: "present_value", elemType: f, shape: [1, NKV, "cap", HD] },
      ],
    }),
  );
  s = new CapiSession(api, file, { threads });
  sessions.set(scaleOne, s);
  return s;
}

const half = (x: number) => {
  // float16 bits of a small value (|x| < 1), rounded toward zero: enough for timing
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, x);
  const u = b.getUint32(0);
  const e = ((u >> 23) & 0xff) - 127 + 15;
  return e <= 0 ? (u >>> 16) & 0x8000 : ((u >>> 16) & 0x8000) | (e << 10) | ((u >> 13) & 0x3ff);
};
const rand = (n: number): Float32Array | Uint16Array => (FP16 ? Uint16Array.from({ length: n }, () => half(Math.random() - 0.5)) : Float32Array.from({ length: n }, () => Math.random() - 0.5));
const T = FP16 ? "float16" : "float32";
const evict = new Float32Array(64 << 20);
let sink = 0;
const bufs = new Map<number, { k: Float32Array | Uint16Array; v: Float32Array | Uint16Array }>();
const q = rand(S * NH * HD);
const k = rand(S * NKV * HD);
const v = rand(S * NKV * HD);
function runOnce([ctx, cap, one]: [number, number, number]): number {
  let b = bufs.get(cap) as { k: Float32Array | Uint16Array; v: Float32Array | Uint16Array } | undefined;
  if (!b) bufs.set(cap, (b = { k: rand(NKV * cap * HD), v: rand(NKV * cap * HD) }));
  const s = session(one);
  const pk = { type: T, dims: [1, NKV, cap, HD], data: b.k };
  const pv = { type: T, dims: [1, NKV, cap, HD], data: b.v };
  const feeds = {
    q: { type: T, dims: [1, S, NH * HD], data: q },
    k: { type: T, dims: [1, S, NKV * HD], data: k },
    v: { type: T, dims: [1, S, NKV * HD], data: v },
    past_key: pk,
    past_value: pv,
    seqlens_k: { type: "int32", dims: [1], data: Int32Array.of(ctx - 1) },
    total_sequence_length: { type: "int32", dims: [], data: Int32Array.of(ctx) },
  };
  if (COLD) for (let i = 0; i < evict.length; i += 16) sink += evict[i]! += 1;
  const t = performance.now();
  s.run(feeds as never, { out: null, present_key: pk, present_value: pv } as never);
  return performance.now() - t;
}

const times = configs.map(() => [] as number[]);
for (let i = 0; i < 20; i++) configs.forEach((c) => runOnce(c));
for (let r = 0; r < reps; r++) configs.forEach((c, i) => times[i]!.push(runOnce(c)));
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rows = configs.map(([ctx, cap, one], i) => ({ context: ctx, capacity: cap, scale: one ? 1 : "1/sqrt(128)", median_ms: +med(times[i]!).toFixed(4), min_ms: +Math.min(...times[i]!).toFixed(4) }));
console.log(JSON.stringify({ threads, seq: S, fp16: FP16, cold: COLD, sink: sink > 0, reps, load_avg_1min: +loadavg()[0]!.toFixed(2), rows }, null, 1));
for (const s of sessions.values()) s.close();
rmSync(dir, { recursive: true, force: true });
