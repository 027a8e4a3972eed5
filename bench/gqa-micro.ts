/**
 * One GroupQueryAttention node of Qwen3-0.6B's shape (16 query heads, 8 KV heads, head size 128), run
 * alone through the C API (./../src/engines/onnx/capi.ts) with the KV cache shared between past and
 * present, as the onnx engine runs it: the time of one decode step's attention (one new token) at a
 * given context length and cache capacity, with the node's scale attribute as the Hub exports set it
 * (1/sqrt(128)) or 1. Configurations are interleaved (A, B, A, B ...) and the median of many runs is
 * kept, so a busy machine hurts them alike. Times are per node; a decode step runs 28 of them.
 * A configuration's fourth field is the form of the node: f32 (float32 node and cache, as the q4
 * fixture and the Hub's q4 export run it), f16 (all its inputs and the cache float16, as in the Hub's
 * q4f16 export), or f16cast (float32 q/k/v Cast to float16 before it and its output Cast back: a float16
 * cache inside an otherwise float32 graph); --fp16 makes f16 the default form. Two decomposed float32
 * forms for one new token (--seq 1) show what plain ops would cost on the same cache, read whole at
 * its capacity (a mask would hide the free slots; the new token's own key and value, which a model
 * would add as one more score, are left out): mm (MatMul of the query by the cache's key transposed,
 * [1, 8, cap, 128], which onnxruntime fuses into FusedMatMul; Softmax; MatMul by the values) and `mmT`
 * (the key cache kept transposed, [1, 8, 128, cap]). Forms are interleaved
 * like the contexts. --cold evicts the caches before each run (a pass over 256 MB), as the model's
 * 370 MB of weights do between two layers' attention in a real step.
 *   bun bench/gqa-micro.ts [--reps 200] [--threads 0] [--fp16] [--cold] [--configs ctx/cap/scale[/form],...]
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
const FP16 = args.includes("--fp16");
type Form = "f32" | "f16" | "f16cast" | "mm" | "mmT";
type Config = [number, number, number, Form];
const configs = opt("--configs", "128/256/0,128/768/0,512/768/0,128/256/1,512/768/1")
  .split(",")
  .map((c) => {
    const [ctx, cap, one, form] = c.split("/");
    const f = (form ?? (FP16 ? "f16" : "f32")) as Form;
    if (!["f32", "f16", "f16cast", "mm", "mmT"].includes(f)) throw new Error(`form "${f}": expected f32, f16, f16cast, mm or mmT`);
    return [Number(ctx), Number(cap), Number(one), f] as Config;
  });
const COLD = args.includes("--cold");
const NH = 16;
const NKV = 8;
const HD = 128;

const api0 = capi();
if (!api0) throw new Error("no C API");
const api = api0;
const dir = mkdtempSync(join(tmpdir(), "gqa-micro-"));
const sessions = new Map<string, CapiSession>();
function session(scaleOne: number, form: Form): CapiSession {
  const key = `${scaleOne}/${form}`;
  let s = sessions.get(key);
  if (s) return s;
  if (form === "mm" || form === "mmT") {
    s = new CapiSession(api, decomposed(form), { threads });
    sessions.set(key, s);
    return s;
  }
  const file = join(dir, `gqa${scaleOne}-${form}.onnx`);
  // io: the graph's q/k/v/out type; c: the node's and the cache's
  const io = form === "f16" ? DataType.FLOAT16 : DataType.FLOAT;
  const c = form === "f32" ? DataType.FLOAT : DataType.FLOAT16;
  const cast = form === "f16cast";
  const castNode = (from: string, to: string, t: number) => ({ op: "Cast", inputs: [from], outputs: [to], attrs: [{ name: "to", i: t }] });
  writeFileSync(
    file,
    encodeModel({
      name: "gqa",
      nodes: [
        ...(cast ? ["q", "k", "v"].map((n) => castNode(n, `${n}16`, DataType.FLOAT16)) : []),
        {
          op: "GroupQueryAttention",
          domain: "com.microsoft",
          inputs: [...(cast ? ["q16", "k16", "v16"] : ["q", "k", "v"]), "past_key", "past_value", "seqlens_k", "total_sequence_length"],
          outputs: [cast ? "out16" : "out", "present_key", "present_value"],
          attrs: [{ name: "num_heads", i: NH }, { name: "kv_num_heads", i: NKV }, { name: "scale", f: scaleOne ? 1 : 1 / Math.sqrt(HD) }],
        },
        ...(cast ? [castNode("out16", "out", DataType.FLOAT)] : []),
      ],
      initializers: [],
      inputs: [
        { name: "q", elemType: io, shape: [1, "s", NH * HD] },
        { name: "k", elemType: io, shape: [1, "s", NKV * HD] },
        { name: "v", elemType: io, shape: [1, "s", NKV * HD] },
        { name: "past_key", elemType: c, shape: [1, NKV, "cap", HD] },
        { name: "past_value", elemType: c, shape: [1, NKV, "cap", HD] },
        { name: "seqlens_k", elemType: DataType.INT32, shape: [1] },
        { name: "total_sequence_length", elemType: DataType.INT32, shape: [] },
      ],
      outputs: [
        { name: "out", elemType: io, shape: [1, "s", NH * HD] },
        { name: "present_key", elemType: c, shape: [1, NKV, "cap", HD] },
        { name: "present_value", elemType: c, shape: [1, NKV, "cap", HD] },
      ],
    }),
  );
  s = new CapiSession(api, file, { threads });
  sessions.set(key, s);
  return s;
}

/** The decomposed attention of one new token over a float32 cache read at its capacity. */
function decomposed(form: "mm" | "mmT"): string {
  const file = join(dir, `${form}.onnx`);
  const F = DataType.FLOAT;
  const i64 = (name: string, v: number[]) => ({ name, dims: [v.length], dataType: DataType.INT64, raw: new Uint8Array(BigInt64Array.from(v, BigInt).buffer) });
  const f32 = (name: string, v: number) => ({ name, dims: [], dataType: F, raw: new Uint8Array(Float32Array.of(v).buffer) });
  const g = NH / NKV;
  writeFileSync(
    file,
    encodeModel({
      name: form,
      nodes: [
        { op: "Reshape", inputs: ["q", "qshape"], outputs: ["q4"] },
        { op: "Mul", inputs: ["q4", "scale"], outputs: ["qs"] },
        ...(form === "mm" ? [{ op: "Transpose", inputs: ["past_key"], outputs: ["kt"], attrs: [{ name: "perm", ints: [0, 1, 3, 2] }] }] : []),
        { op: "MatMul", inputs: ["qs", form === "mm" ? "kt" : "past_key"], outputs: ["scores"] },
        { op: "Softmax", inputs: ["scores"], outputs: ["p"], attrs: [{ name: "axis", i: -1 }] },
        { op: "MatMul", inputs: ["p", "past_value"], outputs: ["o4"] },
        { op: "Reshape", inputs: ["o4", "oshape"], outputs: ["out"] },
      ],
      initializers: [i64("qshape", [1, NKV, g, HD]), i64("oshape", [1, 1, NH * HD]), f32("scale", 1 / Math.sqrt(HD))],
      inputs: [
        { name: "q", elemType: F, shape: [1, 1, NH * HD] },
        { name: "past_key", elemType: F, shape: form === "mm" ? [1, NKV, "cap", HD] : [1, NKV, HD, "cap"] },
        { name: "past_value", elemType: F, shape: [1, NKV, "cap", HD] },
      ],
      outputs: [{ name: "out", elemType: F, shape: [1, 1, NH * HD] }],
    }),
  );
  return file;
}

const half = (x: number) => {
  // float16 bits of a small value (|x| < 1), rounded toward zero: enough for timing
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, x);
  const u = b.getUint32(0);
  const e = ((u >> 23) & 0xff) - 127 + 15;
  return e <= 0 ? (u >>> 16) & 0x8000 : ((u >>> 16) & 0x8000) | (e << 10) | ((u >> 13) & 0x3ff);
};
const rand = (n: number, f16: boolean): Float32Array | Uint16Array => (f16 ? Uint16Array.from({ length: n }, () => half(Math.random() - 0.5)) : Float32Array.from({ length: n }, () => Math.random() - 0.5));
const evict = new Float32Array(64 << 20);
let sink = 0;
type Buf = Float32Array | Uint16Array;
const bufs = new Map<string, { k: Buf; v: Buf }>();
const qkv = [false, true].map((f16) => ({ q: rand(S * NH * HD, f16), k: rand(S * NKV * HD, f16), v: rand(S * NKV * HD, f16) }));
function runOnce([ctx, cap, one, form]: Config): number {
  const c16 = form === "f16" || form === "f16cast";
  const io16 = form === "f16";
  // each form has a cache of its own (as a model does), so a run never finds another's cache warm
  const key = `${cap}/${form}`;
  let b = bufs.get(key);
  if (!b) bufs.set(key, (b = { k: rand(NKV * cap * HD, c16), v: rand(NKV * cap * HD, c16) }));
  const s = session(one, form);
  const T = c16 ? "float16" : "float32";
  const IO = io16 ? "float16" : "float32";
  const { q, k, v } = qkv[io16 ? 1 : 0]!;
  const pk = { type: T, dims: [1, NKV, cap, HD], data: b.k };
  const pv = { type: T, dims: [1, NKV, cap, HD], data: b.v };
  if (form === "mm" || form === "mmT") {
    const kk = form === "mm" ? pk : { type: T, dims: [1, NKV, HD, cap], data: b.k };
    const f = { q: { type: IO, dims: [1, 1, NH * HD], data: q }, past_key: kk, past_value: pv };
    if (COLD) for (let i = 0; i < evict.length; i += 16) sink += evict[i]! += 1;
    const t0 = performance.now();
    s.run(f as never, { out: null } as never);
    return performance.now() - t0;
  }
  const feeds = {
    q: { type: IO, dims: [1, S, NH * HD], data: q },
    k: { type: IO, dims: [1, S, NKV * HD], data: k },
    v: { type: IO, dims: [1, S, NKV * HD], data: v },
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
const rows = configs.map(([ctx, cap, one, form], i) => ({ context: ctx, capacity: cap, scale: one ? 1 : "1/sqrt(128)", form, median_ms: +med(times[i]!).toFixed(4), min_ms: +Math.min(...times[i]!).toFixed(4) }));
console.log(JSON.stringify({ threads, seq: S, cold: COLD, sink: sink > 0, reps, load_avg_1min: +loadavg()[0]!.toFixed(2), rows }, null, 1));
for (const s of sessions.values()) s.close();
rmSync(dir, { recursive: true, force: true });
