/**
 * A Qwen3-architecture causal LM as an ONNX decoder graph with the Hugging Face / Optimum contract:
 * inputs input_ids, attention_mask, position_ids [batch, seq] and past_key_values.{i}.key|value
 * [batch, kv_heads, past, head_dim]; outputs logits [batch, seq, vocab] and present.{i}.key|value.
 * Embedding, RMSNorm, per-head q/k RMSNorm, rotary position embedding (rotate-half), grouped-query
 * attention with a causal + padding mask, SwiGLU MLP, final norm and a tied lm head — standard ONNX ops
 * only (opset 17). Weights are random, from a seed, so tests can recompute them (test/support).
 * `GraphIO` gives the graph the input/output contract of the Hub's other exports: a float16 KV cache and
 * float16 logits (the fp16 and q4f16 files), and an optional `num_logits_to_keep` input; the weights and
 * the arithmetic stay float32, with K and V rounded to float16 where the cache is float16 (in the q4
 * form, GroupQueryAttention itself runs in float16 between Casts of its query, key, value and output).
 */
import { DataType, type Graph, type Node, type Tensor } from "../../src/engines/onnx/proto.ts";
import { Q4_BLOCK, randomQ4Linear, type Q4Linear } from "./q4.ts";

export interface Qwen3Config {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  rope_theta: number;
  rms_norm_eps: number;
  max_position_embeddings: number;
}

export const TINY: Qwen3Config = {
  vocab_size: 151936,
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 16,
  rope_theta: 1000000,
  rms_norm_eps: 1e-6,
  max_position_embeddings: 2048,
};

/** The dimensions of Qwen3-0.6B (weights random: speed does not depend on their values). */
export const QWEN3_06B: Qwen3Config = {
  vocab_size: 151936,
  hidden_size: 1024,
  intermediate_size: 3072,
  num_hidden_layers: 28,
  num_attention_heads: 16,
  num_key_value_heads: 8,
  head_dim: 128,
  rope_theta: 1000000,
  rms_norm_eps: 1e-6,
  max_position_embeddings: 4096,
};

/** mulberry32 + Box-Muller: the same normal samples on every platform. */
export function normals(seed: number, n: number, std: number): Float32Array {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(next()));
    const th = 2 * Math.PI * next();
    out[i] = r * Math.cos(th) * std;
    if (i + 1 < n) out[i + 1] = r * Math.sin(th) * std;
  }
  return out;
}

export interface Weights {
  /** name → [dims, values]; matrices are stored [in, out] (MatMul-ready). */
  [name: string]: { dims: number[]; data: Float32Array };
}

/** Deterministic weights for a config: every tensor from its own seed. */
export function qwen3Weights(c: Qwen3Config, seed = 1): Weights {
  const w: Weights = {};
  let k = 0;
  const mat = (name: string, dims: number[], std: number) => (w[name] = { dims, data: normals(seed * 1000 + k++, dims.reduce((a, b) => a * b, 1), std) });
  const norm = (name: string, n: number) => {
    const d = normals(seed * 1000 + k++, n, 0.1);
    for (let i = 0; i < n; i++) d[i] = 1 + d[i]!;
    w[name] = { dims: [n], data: d };
  };
  const H = c.hidden_size;
  const q = c.num_attention_heads * c.head_dim;
  const kv = c.num_key_value_heads * c.head_dim;
  mat("embed", [c.vocab_size, H], 1);
  for (let l = 0; l < c.num_hidden_layers; l++) {
    norm(`l${l}.in_norm`, H);
    mat(`l${l}.q`, [H, q], 1 / Math.sqrt(H));
    mat(`l${l}.k`, [H, kv], 1 / Math.sqrt(H));
    mat(`l${l}.v`, [H, kv], 1 / Math.sqrt(H));
    norm(`l${l}.q_norm`, c.head_dim);
    norm(`l${l}.k_norm`, c.head_dim);
    mat(`l${l}.o`, [q, H], 1 / Math.sqrt(q));
    norm(`l${l}.post_norm`, H);
    mat(`l${l}.gate`, [H, c.intermediate_size], 1 / Math.sqrt(H));
    mat(`l${l}.up`, [H, c.intermediate_size], 1 / Math.sqrt(H));
    mat(`l${l}.down`, [c.intermediate_size, H], 1 / Math.sqrt(c.intermediate_size));
  }
  norm("final_norm", H);
  return w;
}

/** The linear layers (and the untied lm head) of a q4 export, random, one seed a tensor. */
export function qwen3Q4Linears(c: Qwen3Config, seed = 1): Record<string, Q4Linear> {
  const q: Record<string, Q4Linear> = {};
  let k = 0;
  const lin = (name: string, K: number, N: number) => (q[name] = randomQ4Linear(seed * 7919 + k++, K, N, 1 / Math.sqrt(K)));
  const H = c.hidden_size;
  for (let l = 0; l < c.num_hidden_layers; l++) {
    lin(`l${l}.q`, H, c.num_attention_heads * c.head_dim);
    lin(`l${l}.k`, H, c.num_key_value_heads * c.head_dim);
    lin(`l${l}.v`, H, c.num_key_value_heads * c.head_dim);
    lin(`l${l}.o`, c.num_attention_heads * c.head_dim, H);
    lin(`l${l}.gate`, H, c.intermediate_size);
    lin(`l${l}.up`, H, c.intermediate_size);
    lin(`l${l}.down`, c.intermediate_size, H);
  }
  lin("lm_head", H, c.vocab_size);
  return q;
}

/** Only the embedding table and the norms stay float in a q4 export. */
export function qwen3FloatWeights(c: Qwen3Config, seed = 1): Weights {
  const all = qwen3Weights({ ...c, num_hidden_layers: 0 }, seed);
  const w: Weights = { embed: all.embed! };
  let k = 0;
  const norm = (name: string, n: number) => {
    const d = normals(seed * 5003 + k++, n, 0.1);
    for (let i = 0; i < n; i++) d[i] = 1 + d[i]!;
    w[name] = { dims: [n], data: d };
  };
  for (let l = 0; l < c.num_hidden_layers; l++)
    for (const [n, size] of [["in_norm", c.hidden_size], ["q_norm", c.head_dim], ["k_norm", c.head_dim], ["post_norm", c.hidden_size]] as const) norm(`l${l}.${n}`, size);
  w.final_norm = all.final_norm!;
  return w;
}

/** cos/sin tables [max_pos, head_dim] for rotate-half RoPE. */
export function ropeTables(c: Qwen3Config): { cos: Float32Array; sin: Float32Array } {
  const hd = c.head_dim;
  const cos = new Float32Array(c.max_position_embeddings * hd);
  const sin = new Float32Array(c.max_position_embeddings * hd);
  for (let p = 0; p < c.max_position_embeddings; p++)
    for (let i = 0; i < hd / 2; i++) {
      const f = p / Math.pow(c.rope_theta, (2 * i) / hd);
      cos[p * hd + i] = cos[p * hd + i + hd / 2] = Math.cos(f);
      sin[p * hd + i] = sin[p * hd + i + hd / 2] = Math.sin(f);
    }
  return { cos, sin };
}

const f32 = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const i64 = (xs: number[]) => new Uint8Array(BigInt64Array.from(xs.map(BigInt)).buffer);

/** The input/output contract of one export (weights stay float32 whatever it says). */
export interface GraphIO {
  /** Element type of past_key_values.* and present.* (default float32). */
  cache?: "float32" | "float16";
  /** Element type of logits (default float32). */
  logits?: "float32" | "float16";
  /** Declare an int64 scalar input `num_logits_to_keep`: logits only for the last N positions (0: all). */
  logitsToKeep?: boolean;
}

/**
 * The graph. `external(name, bytes)` may place a large tensor's bytes in an external file and return
 * its location; by default all data is inline.
 */
export function qwen3Graph(c: Qwen3Config, w: Weights, external?: (name: string, bytes: Uint8Array) => Tensor["external"], io: GraphIO = {}, q4?: Record<string, Q4Linear>): Graph {
  const cacheType = io.cache === "float16" ? DataType.FLOAT16 : DataType.FLOAT;
  const logitsType = io.logits === "float16" ? DataType.FLOAT16 : DataType.FLOAT;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  let n = 0;
  const tmp = (p: string) => `${p}_${n++}`;
  const add = (op: string, inputs: string[], attrs?: Node["attrs"], out?: string): string => {
    const o = out ?? tmp(op);
    nodes.push({ op, inputs, outputs: [o], attrs });
    return o;
  };
  const init = (name: string, dims: number[], dataType: number, raw: Uint8Array) => {
    const ext = external && raw.length > 1 << 20 ? external(name, raw) : undefined;
    inits.push(ext ? { name, dims, dataType, external: ext } : { name, dims, dataType, raw });
    return name;
  };
  const constI64 = (name: string, xs: number[]) => init(name, [xs.length], DataType.INT64, i64(xs));
  const scalarF = (name: string, x: number) => init(name, [], DataType.FLOAT, f32(Float32Array.of(x)));
  for (const [name, t] of Object.entries(w)) init(name, t.dims, DataType.FLOAT, f32(t.data));
  for (const [name, t] of Object.entries(q4 ?? {})) {
    init(`${name}.qB`, [t.N, t.K / Q4_BLOCK, Q4_BLOCK / 2], DataType.UINT8, t.B);
    init(`${name}.qS`, [(t.N * t.K) / Q4_BLOCK], DataType.FLOAT, f32(t.scales));
  }
  // x·W: a float MatMul, or MatMulNBits over the 4-bit blocks in the q4 form
  const lin = (x: string, name: string, out?: string): string => {
    const t = q4?.[name];
    if (!t) return add("MatMul", [x, name], undefined, out);
    const o = out ?? tmp("MatMulNBits");
    const attrs = [{ name: "K", i: t.K }, { name: "N", i: t.N }, { name: "bits", i: 4 }, { name: "block_size", i: Q4_BLOCK }];
    nodes.push({ op: "MatMulNBits", domain: "com.microsoft", inputs: [x, `${name}.qB`, `${name}.qS`], outputs: [o], attrs });
    return o;
  };
  const { cos, sin } = ropeTables(c);
  init("rope_cos", [c.max_position_embeddings, c.head_dim], DataType.FLOAT, f32(cos));
  init("rope_sin", [c.max_position_embeddings, c.head_dim], DataType.FLOAT, f32(sin));
  const eps = scalarF("eps", c.rms_norm_eps);
  // constants only the float form's hand-written attention uses (the q4 form has none it does not use)
  const f = !q4;
  const scale = f ? scalarF("attn_scale", 1 / Math.sqrt(c.head_dim)) : "";
  const neg = f ? scalarF("neg_inf", -1e9) : "";
  const nh = c.num_attention_heads;
  const nkv = c.num_key_value_heads;
  const hd = c.head_dim;
  const H = c.hidden_size;
  constI64("shape_bshd_q", [0, 0, nh, hd]);
  constI64("shape_bshd_kv", [0, 0, nkv, hd]);
  constI64("shape_bsh", [0, 0, nh * hd]);
  if (q4) constI64("shape_bsh_kv", [0, 0, nkv * hd]);
  let seqlensK: string | undefined;
  let totalLen: string | undefined;
  if (f) constI64("shape_rep", [1, 1, nh / nkv, 1, 1]);
  if (f) constI64("shape_bnthd", [0, nh, -1, hd]);
  if (f) constI64("shape_2d", [-1, H]);
  constI64("half0", [0]);
  constI64("half1", [hd / 2]);
  constI64("half2", [hd]);
  constI64("axis_last", [-1]);
  constI64("ax1", [1]);
  if (f) constI64("ax12", [1, 2]);
  if (f) constI64("ax01", [0, 1]);
  constI64("idx1", [1]);
  constI64("idx2", [2]);

  const two = q4 ? scalarF("two", 2) : "";
  const rms = (x: string, weight: string) => {
    // Pow(x, 2) is the pattern onnxruntime fuses into SimplifiedLayerNormalization (the q4 form uses it)
    const sq = q4 ? add("Pow", [x, two]) : add("Mul", [x, x]);
    const mean = add("ReduceMean", [sq], [{ name: "axes", ints: [-1] }, { name: "keepdims", i: 1 }]);
    const r = add("Sqrt", [add("Add", [mean, eps])]);
    return add("Mul", [add("Div", [x, r]), weight]);
  };
  const rope = (x: string, cosT: string, sinT: string) => {
    const x1 = add("Slice", [x, "half0", "half1", "axis_last"]);
    const x2 = add("Slice", [x, "half1", "half2", "axis_last"]);
    const rot = add("Concat", [add("Neg", [x2]), x1], [{ name: "axis", i: -1 }]);
    return add("Add", [add("Mul", [x, cosT]), add("Mul", [rot, sinT])]);
  };

  // positions and mask ([B,1,S,hd] for heads-first tensors, [B,S,1,hd] for the GroupQueryAttention form)
  const cosT = add("Unsqueeze", [add("Gather", ["rope_cos", "position_ids"]), q4 ? "idx2" : "ax1"]);
  const sinT = add("Unsqueeze", [add("Gather", ["rope_sin", "position_ids"]), q4 ? "idx2" : "ax1"]);
  if (q4) return qwen3Q4Graph();
  const S = add("Gather", [add("Shape", ["input_ids"]), "idx1"]); // [1]
  const P = add("Gather", [add("Shape", ["past_key_values.0.key"]), "idx2"]);
  const T = add("Add", [P, S]);
  const zero = constI64("zero", [0]);
  const one = constI64("one", [1]);
  const sq = (v: string) => add("Squeeze", [v, "half0"]);
  const keyPos = add("Range", [sq(zero), sq(T), sq(one)]); // [T]
  const qPos = add("Range", [sq(P), sq(T), sq(one)]); // [S]
  const causal = add("LessOrEqual", [add("Unsqueeze", [keyPos, "half0"]), add("Unsqueeze", [qPos, "idx1"])]); // [S,T]
  const pad = add("Unsqueeze", [add("Cast", ["attention_mask"], [{ name: "to", i: DataType.BOOL }]), "ax12"]); // [B,1,1,T]
  const mask = add("And", [add("Unsqueeze", [causal, "ax01"]), pad]); // [B,1,S,T]

  return finish(add("Gather", ["embed", "input_ids"]), mask); // [B,S,H]

  function finish(x0: string, mask?: string): Graph {
    let x = x0;
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const h = rms(x, `l${l}.in_norm`);
      let q = add("Reshape", [lin(h, `l${l}.q`), "shape_bshd_q"]);
      let k = add("Reshape", [lin(h, `l${l}.k`), "shape_bshd_kv"]);
      if (!mask) {
        // the q4 form: onnxruntime's GroupQueryAttention over [B,S,heads·hd] with the cache [B,kv,past,hd]
        let qf = add("Reshape", [rope(rms(q, `l${l}.q_norm`), cosT, sinT), "shape_bsh"]);
        let kf = add("Reshape", [rope(rms(k, `l${l}.k_norm`), cosT, sinT), "shape_bsh_kv"]);
        let vf = lin(h, `l${l}.v`);
        // a float16 cache (the q4f16 export's contract): the attention node runs in float16, between Casts
        const half = cacheType === DataType.FLOAT16;
        if (half) [qf, kf, vf] = [qf, kf, vf].map((t) => add("Cast", [t], [{ name: "to", i: DataType.FLOAT16 }])) as [string, string, string];
        const outs = [tmp("gqa"), `present.${l}.key`, `present.${l}.value`];
        const attrs = [{ name: "num_heads", i: nh }, { name: "kv_num_heads", i: nkv }, { name: "scale", f: 1 / Math.sqrt(hd) }];
        nodes.push({ op: "GroupQueryAttention", domain: "com.microsoft", inputs: [qf, kf, vf, `past_key_values.${l}.key`, `past_key_values.${l}.value`, seqlensK!, totalLen!], outputs: outs, attrs });
        const att = half ? add("Cast", [outs[0]!], [{ name: "to", i: DataType.FLOAT }]) : outs[0]!;
        x = add("Add", [x, lin(att, `l${l}.o`)]);
        x = mlp(x, l);
        continue;
      }
      const v0 = add("Reshape", [lin(h, `l${l}.v`), "shape_bshd_kv"]);
      q = add("Transpose", [rms(q, `l${l}.q_norm`)], [{ name: "perm", ints: [0, 2, 1, 3] }]);
      k = add("Transpose", [rms(k, `l${l}.k_norm`)], [{ name: "perm", ints: [0, 2, 1, 3] }]);
      const v = add("Transpose", [v0], [{ name: "perm", ints: [0, 2, 1, 3] }]);
      q = rope(q, cosT, sinT);
      k = rope(k, cosT, sinT);
      let kAll: string;
      let vAll: string;
      if (cacheType === DataType.FLOAT16) {
        // the cache holds float16: K and V are rounded once, and attention reads them back as float32
        const toHalf = (t: string) => add("Cast", [t], [{ name: "to", i: DataType.FLOAT16 }]);
        const toFloat = (t: string) => add("Cast", [t], [{ name: "to", i: DataType.FLOAT }]);
        kAll = toFloat(add("Concat", [`past_key_values.${l}.key`, toHalf(k)], [{ name: "axis", i: 2 }], `present.${l}.key`));
        vAll = toFloat(add("Concat", [`past_key_values.${l}.value`, toHalf(v)], [{ name: "axis", i: 2 }], `present.${l}.value`));
      } else {
        kAll = add("Concat", [`past_key_values.${l}.key`, k], [{ name: "axis", i: 2 }], `present.${l}.key`);
        vAll = add("Concat", [`past_key_values.${l}.value`, v], [{ name: "axis", i: 2 }], `present.${l}.value`);
      }
      const rep = (t: string) => add("Reshape", [add("Expand", [add("Unsqueeze", [t, "idx2"]), "shape_rep"]), "shape_bnthd"]);
      const kr = rep(kAll);
      const vr = rep(vAll);
      let scores = add("Mul", [add("MatMul", [q, add("Transpose", [kr], [{ name: "perm", ints: [0, 1, 3, 2] }])]), scale]);
      scores = add("Where", [mask, scores, neg]);
      const probs = add("Softmax", [scores], [{ name: "axis", i: -1 }]);
      const ctx = add("Reshape", [add("Transpose", [add("MatMul", [probs, vr])], [{ name: "perm", ints: [0, 2, 1, 3] }]), "shape_bsh"]);
      x = add("Add", [x, lin(ctx, `l${l}.o`)]);
      x = mlp(x, l);
    }
    let xf = rms(x, "final_norm");
    if (io.logitsToKeep) {
      // the last N positions only (N = 0 keeps all, as in transformers): Slice from -N on the sequence axis
      const keep = add("Unsqueeze", ["num_logits_to_keep", "half0"]);
      xf = add("Slice", [xf, add("Neg", [keep]), constI64("int64_max", [2 ** 53]), "ax1"]);
    }
    const logitsName = logitsType === DataType.FLOAT ? "logits" : tmp("logits32");
    if (q4?.lm_head) lin(xf, "lm_head", logitsName); // the q4 export quantises the (untied) lm head as well
    else {
      // tied lm head: logits = x · embedᵀ, as Gemm with `transB` on the 2-D view
      const batch = add("Gather", [add("Shape", ["input_ids"]), "half0"]);
      const logits2d = add("Gemm", [add("Reshape", [xf, f ? "shape_2d" : constI64("shape_2d_q4", [-1, H])]), "embed"], [{ name: "transB", i: 1 }]);
      const vocab = constI64("vocab", [-1, c.vocab_size]);
      add("Reshape", [logits2d, add("Concat", [batch, vocab], [{ name: "axis", i: 0 }])], undefined, logitsName);
    }
    if (logitsType !== DataType.FLOAT) add("Cast", [logitsName], [{ name: "to", i: logitsType }], "logits");

    const inputs = [
      { name: "input_ids", elemType: DataType.INT64, shape: ["batch_size", "sequence_length"] },
      { name: "attention_mask", elemType: DataType.INT64, shape: ["batch_size", "total_sequence_length"] },
      { name: "position_ids", elemType: DataType.INT64, shape: ["batch_size", "sequence_length"] },
    ];
    const outputs = [{ name: "logits", elemType: logitsType, shape: ["batch_size", io.logitsToKeep ? "logits_length" : "sequence_length", c.vocab_size] }];
    for (let l = 0; l < c.num_hidden_layers; l++)
      for (const kv of ["key", "value"]) {
        inputs.push({ name: `past_key_values.${l}.${kv}`, elemType: cacheType, shape: ["batch_size", nkv, "past_sequence_length", hd] } as never);
        outputs.push({ name: `present.${l}.${kv}`, elemType: cacheType, shape: ["batch_size", nkv, "total_sequence_length", hd] } as never);
      }
    if (io.logitsToKeep) inputs.push({ name: "num_logits_to_keep", elemType: DataType.INT64, shape: [] } as never);
    return { name: "qwen3", nodes, initializers: inits, inputs, outputs };
  }

  function mlp(x: string, l: number): string {
    const h2 = rms(x, `l${l}.post_norm`);
    const g = lin(h2, `l${l}.gate`);
    const act = add("Mul", [g, add("Sigmoid", [g])]);
    return add("Add", [x, lin(add("Mul", [act, lin(h2, `l${l}.up`)]), `l${l}.down`)]);
  }

  function qwen3Q4Graph(): Graph {
    // GroupQueryAttention takes the cache length from seqlens_k (tokens seen − 1) and the total length
    const seqlens = add("Sub", [add("ReduceSum", ["attention_mask", "ax1"], [{ name: "keepdims", i: 0 }]), constI64("one", [1])]);
    seqlensK = add("Cast", [seqlens], [{ name: "to", i: DataType.INT32 }]);
    totalLen = add("Cast", [add("Squeeze", [add("Gather", [add("Shape", ["attention_mask"]), "idx1"]), "half0"])], [{ name: "to", i: DataType.INT32 }]);
    return finish(add("Gather", ["embed", "input_ids"]));
  }
}

/** config.json in the Hugging Face layout. */
export function hfConfig(c: Qwen3Config): Record<string, unknown> {
  return {
    architectures: ["Qwen3ForCausalLM"],
    model_type: "qwen3",
    ...c,
    hidden_act: "silu",
    tie_word_embeddings: true,
    bos_token_id: 151643,
    eos_token_id: 151645,
    torch_dtype: "float32",
    use_cache: true,
  };
}
