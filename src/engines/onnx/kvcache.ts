/**
 * The KV cache between decoder runs, kept in tensors onnxruntime reads and writes directly — never
 * converted or copied by JavaScript on a normal step. Two forms, by what the graph allows:
 * - shared: for graphs whose attention is onnxruntime's GroupQueryAttention (the Hub's q4 exports and
 *   our q4 fixture). One buffer per layer and key/value is fed as `past_key_values.*` and bound as the
 *   `present.*` output; GroupQueryAttention sees the same pointer and appends the new tokens in place,
 *   so onnxruntime copies no cache. Dropping rejected draft tokens is free (the length goes back).
 *   Through onnxruntime's C API (./capi.ts) nothing else happens: a run's cost does not depend on the
 *   capacity, so the buffers grow in big steps (GROW_CAPI) and are kept from one sequence to the next.
 *   Through onnxruntime-node (1.30) every bound output is still handed back as a fresh JS copy, which
 *   costs O(capacity) per run (~0.08 ms per token of capacity for Qwen3-0.6B on the dev VM), so there
 *   the capacity follows the length in steps of GROW tokens and each sequence starts afresh.
 * - chained: any other graph (Concat-style attention, the float fixture). The `present.*` tensors a run
 *   returns are passed straight back as the next run's `past_key_values.*` (views of onnxruntime's
 *   memory through the C API; JS-owned copies through onnxruntime-node); only truncation copies.
 * The shared buffers hold the graph's cache type: float32, or float16 bit patterns (Uint16Array) for a
 * graph whose GroupQueryAttention runs in float16 (the Hub's q4f16 export, our -q4f16 fixtures) or is
 * typofix's own op (./attention.ts: the rewrite makes a float32 graph's cache float16).
 * Cost: shared 2·layers·kv_heads·capacity·head_dim elements of 4 (float32) or 2 (float16) bytes; chained
 * one copy of the cache onnxruntime makes per step (its Concat), plus, through onnxruntime-node, the
 * output conversion of every run.
 */
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { halfBits } from "./feeds.ts";

type Ort = typeof import("onnxruntime-node");
type Feeds = Record<string, Tensor>;

export interface CacheShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  /** Most tokens a sequence may hold (the context length). */
  maxLength: number;
}

export interface KvCache {
  /** Tokens the cache holds. */
  readonly length: number;
  /** Add the cache feeds (and bound outputs) for a run of `n` new tokens. */
  bind(feeds: Feeds, fetches: Record<string, Tensor | null>, n: number): void;
  /** Take a run's outputs: the cache now holds `n` more tokens. */
  update(out: InferenceSession.OnnxValueMapType, n: number): void;
  /** Keep only the first `length` tokens (drafts that were not accepted). */
  truncate(length: number): void;
  reset(): void;
}

/** Capacity step of the shared cache (tokens): a regrowth copy every GROW tokens, at most GROW slots unused. */
export const GROW = 64;
/** The same through the C API, where a run costs nothing per slot of capacity (./capi.ts). */
export const GROW_CAPI = 256;
/** Free slots a kept (C API) buffer always has after growing. */
const HEADROOM = 64;

export const pastName = (l: number, kv: "key" | "value") => `past_key_values.${l}.${kv}`;
export const presentName = (l: number, kv: "key" | "value") => `present.${l}.${kv}`;
const KV = ["key", "value"] as const;

/** Keep the first `keep` positions of a [1, heads, total, headDim] tensor (a copy per head). */
export function truncateTensor(ort: Ort, t: Tensor, keep: number): Tensor {
  const [b, h, total, d] = t.dims as [number, number, number, number];
  if (keep >= total) return t;
  const src = t.data as Float32Array;
  const out = new (src.constructor as Float32ArrayConstructor)(b * h * keep * d);
  for (let i = 0; i < b * h; i++) out.set(src.subarray(i * total * d, (i * total + keep) * d), i * keep * d);
  return new ort.Tensor(t.type as "float32", out, [b, h, keep, d]);
}

export class ChainedKvCache implements KvCache {
  length = 0;
  private past: Tensor[] = [];
  private empty: Tensor[];
  /** `empty`: the empty cache as the graph declares it (FeedPlan.emptyCache(): float32 or float16); float32 by default. */
  constructor(
    private ort: Ort,
    private s: CacheShape,
    empty?: Record<string, Tensor>,
  ) {
    const t = new ort.Tensor("float32", new Float32Array(0), [1, s.kvHeads, 0, s.headDim]);
    this.empty = Array.from({ length: s.layers * 2 }, (_, i) => empty?.[pastName(i >> 1, KV[i & 1]!)] ?? t);
  }
  bind(feeds: Feeds, fetches: Record<string, Tensor | null>): void {
    const p = this.past.length ? this.past : this.empty;
    for (let l = 0; l < this.s.layers; l++)
      for (let k = 0; k < 2; k++) {
        // a float16 cache travels as bit patterns (Uint16Array), which onnxruntime-node can read
        feeds[pastName(l, KV[k]!)] = halfBits(p[l * 2 + k]!);
        fetches[presentName(l, KV[k]!)] = null;
      }
  }
  update(out: InferenceSession.OnnxValueMapType, n: number): void {
    const next: Tensor[] = [];
    for (let l = 0; l < this.s.layers; l++) for (const kv of KV) next.push(out[presentName(l, kv)] as Tensor);
    this.past = next;
    this.length += n;
  }
  truncate(length: number): void {
    if (length >= this.length) return;
    this.past = this.past.map((t) => truncateTensor(this.ort, t, length));
    this.length = length;
  }
  reset(): void {
    this.past = [];
    this.length = 0;
  }
}

export class SharedKvCache implements KvCache {
  length = 0;
  private bufs: Tensor[] = [];
  private capacity = 0;
  /**
   * `step`: capacity growth in tokens. `keep`: whether reset() keeps the buffers for the next sequence
   * (when a run costs nothing per slot of capacity, i.e. through the C API: no reallocation, no garbage).
   * `type`: the graph's cache type (past_key_values.* and present.*).
   */
  constructor(
    private ort: Ort,
    private s: CacheShape,
    private step = GROW,
    private keep = false,
    private type: "float32" | "float16" = "float32",
  ) {}
  /** Bytes held by the buffers. */
  get bytes(): number {
    return this.s.layers * 2 * this.s.kvHeads * this.capacity * this.s.headDim * (this.type === "float16" ? 2 : 4);
  }
  private grow(need: number): void {
    // kept buffers leave room for the answer after a prompt, so a prefill that ends on a step boundary
    // is not followed by a regrowth copy at the first decode step
    const want = this.keep ? need + HEADROOM : need;
    const cap = Math.min(Math.ceil(want / this.step) * this.step, Math.max(need, this.s.maxLength));
    const { kvHeads: h, headDim: d } = this.s;
    const bufs: Tensor[] = [];
    for (let i = 0; i < this.s.layers * 2; i++) {
      const data = this.type === "float16" ? new Uint16Array(h * cap * d) : new Float32Array(h * cap * d);
      const old = this.bufs[i];
      if (old && this.length) {
        const src = old.data as Float32Array | Uint16Array;
        for (let j = 0; j < h; j++) data.set(src.subarray(j * this.capacity * d, (j * this.capacity + this.length) * d), j * cap * d);
      }
      // float16 travels as bit patterns (Uint16Array), as onnxruntime-node reads it (./feeds.ts halfBits)
      bufs.push(halfBits(new this.ort.Tensor(this.type as "float32", data as Float32Array, [1, h, cap, d])));
    }
    this.bufs = bufs;
    this.capacity = cap;
  }
  bind(feeds: Feeds, fetches: Record<string, Tensor | null>, n: number): void {
    const need = this.length + n;
    // kept buffers grow before they are full, so a pass that ends on the capacity (a prompt of 512
    // tokens in 128-token chunks) is not followed by a regrowth copy at the next decode step
    if (need > this.capacity || (this.keep && this.capacity < this.s.maxLength && need + HEADROOM > this.capacity)) this.grow(need);
    for (let l = 0; l < this.s.layers; l++)
      for (let k = 0; k < 2; k++) {
        const t = this.bufs[l * 2 + k]!;
        feeds[pastName(l, KV[k]!)] = t;
        fetches[presentName(l, KV[k]!)] = t;
      }
  }
  update(_out: InferenceSession.OnnxValueMapType, n: number): void {
    this.length += n;
  }
  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }
  reset(): void {
    this.length = 0;
    if (this.keep) return;
    // a run costs O(capacity) through onnxruntime-node (see above): the next sequence starts with buffers of its own size
    this.bufs = [];
    this.capacity = 0;
    this.length = 0;
  }
}

/**
 * Whether an ONNX file's graph uses GroupQueryAttention: its nodes come before the weights in the
 * file (protobuf field order), so the first few MB tell.
 */
export function usesGroupQueryAttention(file: string): boolean {
  const { openSync, readSync, closeSync } = require("node:fs") as typeof import("node:fs");
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(8 << 20);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).includes("GroupQueryAttention");
  } finally {
    closeSync(fd);
  }
}
