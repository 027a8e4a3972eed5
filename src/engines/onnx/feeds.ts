/**
 * What an ONNX decoder graph is fed, and how its logits are read, taken from the session's own
 * description (`session.inputMetadata` / `outputMetadata`, as transformers.js does) rather than assumed:
 * the element type and shape of every `past_key_values.*` input (float32 in the fp32/int8/q4 exports,
 * float16 in the fp16/q4f16 ones), the integer type of input_ids / attention_mask / position_ids,
 * `num_logits_to_keep` when the graph declares it, and a clear error naming any other required input.
 * Logits come back as float32 whatever the graph's type: float16 is decoded from its bits (Node has no
 * Float16Array; where a runtime has one it is used as is). float16 tensors handed to onnxruntime-node
 * always carry a Uint16Array: its N-API binding cannot read a Float16Array (Bun has one, and onnxruntime's
 * Tensor would store float16 data in it), which reads as 0 bytes and fails the second step. Cost: per step, one small typed array per
 * integer input and, for float16 logits, one table lookup per vocabulary entry of the last position
 * (~0.2 ms for 151,936 values on the development VM, against ~3 ms decoding each from its bits).
 */
import type { InferenceSession, Tensor } from "onnxruntime-node";

type Ort = typeof import("onnxruntime-node");

/**
 * Make onnxruntime's Tensor keep float16 data as Uint16Array: its typed-array table is built once, at the
 * first Tensor, from whether the global Float16Array exists, so it is built here with that global hidden
 * for the moment. Returns whether float16 tensors now carry Uint16Array (false when a Tensor was made
 * before; halfBits() then mends each tensor fed).
 */
export function prepareOrt(ort: Ort): boolean {
  const g = globalThis as { Float16Array?: unknown };
  const saved = g.Float16Array;
  if (saved !== undefined) delete g.Float16Array;
  try {
    new ort.Tensor("float32", new Float32Array(1), [1]);
  } finally {
    if (saved !== undefined) g.Float16Array = saved;
  }
  return new ort.Tensor("float16", new Uint16Array(1), [1]).data instanceof Uint16Array;
}

/** A float16 tensor whose data is a Uint16Array view of the same bytes (see prepareOrt). */
export function halfBits(t: Tensor): Tensor {
  if (t.type !== "float16" || t.data instanceof Uint16Array) return t;
  const d = t.data as unknown as ArrayBufferView & { length: number };
  // onnxruntime-common keeps a CPU tensor's data in `cpuData`; the view shares its bytes (no copy)
  (t as unknown as { cpuData: unknown }).cpuData = new Uint16Array(d.buffer, d.byteOffset, d.length);
  if (!(t.data instanceof Uint16Array)) throw new Error("onnxruntime holds float16 data in a form its binding cannot read (Float16Array); this runtime is not supported");
  return t;
}

/** The model facts used where the graph leaves a dimension symbolic. */
export interface CacheDims {
  num_key_value_heads: number;
  head_dim: number;
}

/** One input as the graph declares it. */
export interface InputSpec {
  name: string;
  type: string;
  /** Declared dimensions: numbers, or symbolic names (strings); empty for a scalar. */
  shape: Array<number | string>;
}

const INT_TYPES = new Set(["int64", "int32"]);
const FLOAT_TYPES = new Set(["float32", "float16"]);
const KEEP_INPUTS = ["num_logits_to_keep", "logits_to_keep"];

/** The session's inputs with types and shapes; a runtime without metadata gets the Optimum defaults. */
export function inputSpecs(session: InferenceSession, dims: CacheDims): InputSpec[] {
  const meta = (session as { inputMetadata?: readonly InferenceSession.ValueMetadata[] }).inputMetadata;
  return session.inputNames.map((name, i) => {
    const m = meta?.find((x) => x.name === name) ?? meta?.[i];
    if (m && m.name === name && m.isTensor) return { name, type: m.type, shape: [...m.shape] };
    if (m && m.name === name && !m.isTensor) return { name, type: "non-tensor", shape: [] };
    if (name.startsWith("past_key_values.")) return { name, type: "float32", shape: ["batch_size", dims.num_key_value_heads, "past_sequence_length", dims.head_dim] };
    return { name, type: "int64", shape: KEEP_INPUTS.includes(name) ? [] : ["batch_size", "sequence_length"] };
  });
}

/** One float16 bit pattern's value (IEEE 754 binary16: sign, 5-bit exponent, 10-bit fraction). */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  return exp === 0 ? sign * frac * 2 ** -24 : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * (1024 + frac) * 2 ** (exp - 25);
}

/** All 65,536 values, built on first use (256 KB): decoding a vocabulary's logits is then one lookup each. */
let HALF_TABLE: Float32Array | undefined;

/** float16 bit patterns → float32 values. */
export function halfToFloat(bits: Uint16Array, out = new Float32Array(bits.length)): Float32Array {
  const table = (HALF_TABLE ??= Float32Array.from({ length: 65536 }, (_, h) => halfValue(h)));
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** Position `i`'s logits of a [batch=1, positions, vocab] tensor, as float32 (a view when they are float32). */
export function logitsRow(t: Pick<Tensor, "type" | "dims" | "data">, i: number): Float32Array {
  if (t.dims.length !== 3 || t.dims[0] !== 1) throw new Error(`logits have shape [${t.dims.join(", ")}], expected [1, positions, vocab]`);
  const V = t.dims[2]!;
  const off = i * V;
  const data = t.data as ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> };
  if (t.type === "float32") return (data as Float32Array).subarray(off, off + V);
  if (t.type === "float16") {
    // the runtime returns Uint16Array bit patterns where the JS engine has no Float16Array
    if (data instanceof Uint16Array) return halfToFloat(data.subarray(off, off + V));
    return Float32Array.from(data.subarray(off, off + V) as ArrayLike<number>);
  }
  throw new Error(`logits of type ${t.type} are not supported (float32 or float16)`);
}

/** The last position's logits, as float32. */
export function lastLogits(t: Tensor): Float32Array {
  return logitsRow(t, t.dims[1]! - 1);
}

/** Index of the largest value (the first one on a tie; NaN never wins). */
export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  let bv = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x > bv) {
      bv = x;
      best = i;
    }
  }
  return best;
}

/**
 * Feed construction for one loaded decoder: checked once at load (every required input is one typofix
 * can feed, every past_key_values.X has a present.X output), then used at every step.
 */
export class FeedPlan {
  /** past_key_values.* input name → present.* output name. */
  readonly cache: ReadonlyArray<{ past: string; present: string }>;
  private constructor(
    private ort: Ort,
    private specs: Map<string, InputSpec>,
    private dims: CacheDims,
    cache: Array<{ past: string; present: string }>,
  ) {
    this.cache = cache;
  }

  static fromSession(ort: Ort, session: InferenceSession, dims: CacheDims, label = "the model"): FeedPlan {
    prepareOrt(ort);
    const specs = inputSpecs(session, dims);
    const byName = new Map(specs.map((s) => [s.name, s]));
    for (const n of ["input_ids", "attention_mask", "past_key_values.0.key"])
      if (!byName.has(n)) throw new Error(`${label}: not a decoder with a KV cache (no input "${n}")`);
    const cache: Array<{ past: string; present: string }> = [];
    for (const s of specs) {
      if (s.name === "input_ids" || s.name === "attention_mask" || s.name === "position_ids") {
        if (!INT_TYPES.has(s.type)) throw new Error(`${label}: input ${s.name} has type ${s.type}; typofix feeds int64 or int32`);
      } else if (KEEP_INPUTS.includes(s.name)) {
        if (!INT_TYPES.has(s.type)) throw new Error(`${label}: input ${s.name} has type ${s.type}; typofix feeds int64 or int32`);
      } else if (/^past_key_values\.\d+\.(key|value)$/.test(s.name)) {
        if (!FLOAT_TYPES.has(s.type)) throw new Error(`${label}: input ${s.name} has type ${s.type}; typofix feeds a float32 or float16 cache`);
        if (s.shape.length !== 4) throw new Error(`${label}: input ${s.name} has ${s.shape.length} dimensions; expected [batch, kv_heads, past, head_dim]`);
        const present = s.name.replace("past_key_values", "present");
        if (!session.outputNames.includes(present)) throw new Error(`${label}: input ${s.name} has no matching output ${present}`);
        cache.push({ past: s.name, present });
      } else {
        throw new Error(`${label}: the graph requires input "${s.name}" (${s.type} [${s.shape.join(", ")}]), which typofix does not know how to feed`);
      }
    }
    if (!session.outputNames.includes("logits")) throw new Error(`${label}: no "logits" output`);
    return new FeedPlan(ort, byName, dims, cache);
  }

  /** Element type of the cache (of its first input). */
  get cacheType(): string {
    return this.specs.get(this.cache[0]!.past)!.type;
  }

  /** Whether the graph takes num_logits_to_keep (then only the last position's logits are computed). */
  get keepsLogits(): boolean {
    return KEEP_INPUTS.some((n) => this.specs.has(n));
  }

  /** An empty cache: each past_key_values.* of its declared type, batch 1, past length 0. */
  emptyCache(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const { past } of this.cache) {
      const s = this.specs.get(past)!;
      // symbolic dimensions: batch 1, past length 0, heads and head size from config.json
      const shape = s.shape.map((d, i) => (typeof d === "number" && d > 0 ? d : i === 0 ? 1 : i === 2 ? 0 : i === 1 ? this.dims.num_key_value_heads : this.dims.head_dim));
      shape[2] = 0;
      out[past] = new this.ort.Tensor(s.type as "float32", s.type === "float16" ? new Uint16Array(0) : new Float32Array(0), shape) as Tensor;
    }
    return out;
  }

  private ints(name: string, values: ArrayLike<number>, dims: number[]): Tensor {
    const type = this.specs.get(name)!.type;
    return (type === "int32" ? new this.ort.Tensor("int32", Int32Array.from(values), dims) : new this.ort.Tensor("int64", BigInt64Array.from(Array.from(values), (v) => BigInt(v)), dims)) as Tensor;
  }

  /** One array of ones that every attention mask is a view of (grown when a longer one is asked for). */
  private ones: Int32Array | BigInt64Array | null = null;
  private mask(total: number): Tensor {
    const int32 = this.specs.get("attention_mask")!.type === "int32";
    if (!this.ones || this.ones.length < total) {
      const n = Math.max(total, 2 * (this.ones?.length ?? 256));
      this.ones = int32 ? new Int32Array(n).fill(1) : new BigInt64Array(n).fill(1n);
    }
    return (int32 ? new this.ort.Tensor("int32", (this.ones as Int32Array).subarray(0, total), [1, total]) : new this.ort.Tensor("int64", (this.ones as BigInt64Array).subarray(0, total), [1, total])) as Tensor;
  }

  /**
   * The non-cache feeds of one forward pass: `ids` at positions past…past+ids.length-1, and, where the
   * graph takes it, how many last positions' logits to compute (`keep`, at least 1).
   */
  inputs(ids: readonly number[], past: number, keep = 1): Record<string, Tensor> {
    const S = ids.length;
    const feeds: Record<string, Tensor> = { input_ids: this.ints("input_ids", ids, [1, S]), attention_mask: this.mask(past + S) };
    if (this.specs.has("position_ids"))
      feeds.position_ids = this.ints(
        "position_ids",
        Array.from({ length: S }, (_, i) => past + i),
        [1, S],
      );
    for (const n of KEEP_INPUTS) if (this.specs.has(n)) feeds[n] = this.ints(n, [Math.max(1, Math.min(keep, S))], this.specs.get(n)!.shape.length ? [1] : []);
    return feeds;
  }

  /**
   * Feeds for one forward pass: inputs() plus `cache` (the previous step's present.* renamed to
   * past_key_values.*, or emptyCache()).
   */
  step(ids: readonly number[], past: number, cache: Record<string, Tensor>): Record<string, Tensor> {
    const feeds = this.inputs(ids, past);
    for (const { past: name } of this.cache) {
      const t = cache[name];
      if (!t) throw new Error(`no cache tensor for ${name}`);
      feeds[name] = halfBits(t);
    }
    return feeds;
  }
}
