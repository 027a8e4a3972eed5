/**
 * The onnx engine: a Qwen3-family causal LM in the Hugging Face ONNX layout (config.json, tokenizer
 * files, onnx/model{,_q4,_q4f16,_quantized,_fp16}.onnx), run on the CPU with onnxruntime-node — the
 * runtime @huggingface/transformers uses — driven directly (through its C API with bun:ffi where it
 * loads, ./capi.ts, else through onnxruntime-node's InferenceSession; ./runner.ts): one session per process, greedy
 * decoding with every feed built from the graph's own input metadata (./feeds.ts: cache and id types,
 * num_logits_to_keep; logits read as float32 whatever their type) and the KV cache kept in onnxruntime's
 * tensors (./kvcache.ts: bound in place for
 * GroupQueryAttention graphs, present.* → past_key_values.* otherwise), several tokens a pass for
 * copy-speculative decoding (forward/truncate), session settings from ./options.ts; TypeScript owns
 * stopping, drafting and segmentation (src/llm), the guard sits between model and user. Cost: prefill
 * O(prompt²) attention in chunks of 128 tokens, then one forward pass per step (per accepted draft run);
 * measured by `typofix bench` and bench/onnx-settings.ts (load time, prefill/decode tokens/s, RSS).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StepModel } from "../../llm/generate.ts";
import { LlmEngine } from "../../llm/engine.ts";
import { ModelTokenizer } from "../../llm/tokenizer.ts";
import { promptFormat } from "../../llm/prompts.ts";
import { ChainedKvCache, GROW, GROW_CAPI, SharedKvCache, usesGroupQueryAttention, type KvCache } from "./kvcache.ts";
import { DEFAULT_SETTINGS, sessionSettingsFromEnv, type OnnxSessionSettings } from "./options.ts";
import { openRunner, type Runner, type TensorLike } from "./runner.ts";
import { FeedPlan, argmax, logitsRow } from "./feeds.ts";

export const DTYPE_FILES: Record<string, string> = {
  fp32: "model.onnx",
  fp16: "model_fp16.onnx",
  int8: "model_quantized.onnx",
  quantized: "model_quantized.onnx",
  q4: "model_q4.onnx",
  q4f16: "model_q4f16.onnx",
};

export interface ModelConfig {
  model_type: string;
  num_hidden_layers: number;
  num_key_value_heads: number;
  head_dim?: number;
  hidden_size: number;
  num_attention_heads: number;
  vocab_size: number;
  max_position_embeddings?: number;
}

export function readModelConfig(dir: string): ModelConfig {
  const p = join(dir, "config.json");
  if (!existsSync(p)) throw new Error(`${dir}: not a model folder (no config.json)`);
  let c: ModelConfig;
  try {
    c = JSON.parse(readFileSync(p, "utf8"));
  } catch (err) {
    throw new Error(`${p}: not valid JSON (${(err as Error).message})`);
  }
  if (c.model_type !== "qwen3") throw new Error(`${p}: model_type "${c.model_type}" is not supported (qwen3 only)`);
  for (const k of ["num_hidden_layers", "num_key_value_heads", "hidden_size", "num_attention_heads", "vocab_size"] as const)
    if (!(Number(c[k]) > 0)) throw new Error(`${p}: missing or invalid "${k}"`);
  return c;
}

/** The ONNX file for a dtype: the asked one, or the first present in preference order. */
export function modelFile(dir: string, dtype?: string): string {
  if (dtype) {
    const f = DTYPE_FILES[dtype];
    if (!f) throw new Error(`unknown dtype "${dtype}" (${Object.keys(DTYPE_FILES).join(", ")})`);
    const p = join(dir, "onnx", f);
    if (!existsSync(p)) throw new Error(`${dir}: no ${f} for dtype ${dtype}`);
    return p;
  }
  for (const d of ["q4", "quantized", "q4f16", "fp16", "fp32"]) {
    const p = join(dir, "onnx", DTYPE_FILES[d]!);
    if (existsSync(p)) return p;
  }
  throw new Error(`${dir}: no ONNX model under onnx/`);
}

type Ort = typeof import("onnxruntime-node");
type OrtTensor = import("onnxruntime-node").Tensor;

/** The greedy next token after each of the last `keep` positions of logits [1, S, V] (float32 or float16). */
export function argmaxLast(logits: TensorLike, keep: number): number[] {
  const S = logits.dims[1]!;
  const out: number[] = [];
  for (let i = S - keep; i < S; i++) out.push(argmax(logitsRow(logits, i)));
  return out;
}

export class OnnxStepModel implements StepModel {
  readonly contextLength: number;
  /** Forward passes since load (speculative decoding is measured in these). */
  passes = 0;
  /** Where a step's time goes, summed since load (ms): building feeds, onnxruntime's run, reading logits. */
  readonly profile = { feedMs: 0, runMs: 0, logitsMs: 0, steps: 0 };
  private cache: KvCache;
  private prefillChunk: number;
  private constructor(
    /** The session, run through onnxruntime's C API or onnxruntime-node (./runner.ts). */
    readonly runner: Runner,
    /** Feeds built from the graph's declared inputs (./feeds.ts). */
    readonly feeds: FeedPlan,
    c: ModelConfig,
    shared: boolean,
    settings: OnnxSessionSettings,
    ort: Ort,
  ) {
    this.prefillChunk = settings.prefillChunk ?? DEFAULT_SETTINGS.prefillChunk;
    this.contextLength = Math.min(c.max_position_embeddings ?? 4096, 4096);
    const shape = { layers: c.num_hidden_layers, kvHeads: c.num_key_value_heads, headDim: c.head_dim ?? c.hidden_size / c.num_attention_heads, maxLength: this.contextLength };
    // without output copies (C API) a run does not cost O(capacity): the shared cache grows in big steps
    const type = feeds.cacheType === "float16" ? "float16" : "float32";
    this.cache = shared ? (runner.backend === "capi" ? new SharedKvCache(ort, shape, GROW_CAPI, true, type) : new SharedKvCache(ort, shape, GROW, false, type)) : new ChainedKvCache(ort, shape, feeds.emptyCache());
  }

  /** "shared" when the cache buffers are bound in place (GroupQueryAttention graphs), else "chained". */
  get cacheMode(): "shared" | "chained" {
    return this.cache instanceof SharedKvCache ? "shared" : "chained";
  }

  static async load(ort: Ort, file: string, c: ModelConfig, settings: OnnxSessionSettings = {}): Promise<OnnxStepModel> {
    const size = statSync(file).size;
    if (size < 64) throw new Error(`${file}: truncated or empty (${size} bytes)`);
    let runner: Runner;
    try {
      runner = await openRunner(ort, file, settings);
    } catch (err) {
      throw new Error(`${file}: cannot be loaded by onnxruntime (${(err as Error).message.split("\n")[0]})`);
    }
    let plan: FeedPlan;
    try {
      plan = FeedPlan.fromSession(ort, runner as never, { num_key_value_heads: c.num_key_value_heads, head_dim: c.head_dim ?? c.hidden_size / c.num_attention_heads }, file);
    } catch (err) {
      await runner.release();
      throw err;
    }
    // a float16 cache (the q4f16 export) is shared as well when its attention is GroupQueryAttention
    const shared = (plan.cacheType === "float32" || plan.cacheType === "float16") && (settings.sharedCache ?? usesGroupQueryAttention(file));
    return new OnnxStepModel(runner, plan, c, shared, settings, ort);
  }

  reset(): void {
    this.cache.reset();
  }

  /** Tokens the cache holds. */
  get length(): number {
    return this.cache.length;
  }

  /**
   * Feed tokens after the cache; the greedy next token after each of the last `keep`. Long inputs go
   * in chunks of `prefillChunk` tokens: the logits onnxruntime returns ([S, vocab] floats, 600 KB a
   * token for Qwen3) then never exceed one chunk's worth.
   */
  private async run(ids: readonly number[], keep: number): Promise<number[]> {
    if (this.cache.length + ids.length > this.contextLength) throw new Error(`position ${this.cache.length + ids.length} is past the context length ${this.contextLength}`);
    const out: number[] = [];
    for (let i = 0; i < ids.length; i += this.prefillChunk) {
      const chunk = ids.slice(i, i + this.prefillChunk);
      const want = Math.max(0, keep - (ids.length - i - chunk.length));
      out.push(...(await this.pass(chunk, Math.min(want, chunk.length))));
    }
    return out;
  }

  private async pass(ids: readonly number[], keep: number): Promise<number[]> {
    const t0 = performance.now();
    const feeds = this.feeds.inputs(ids, this.cache.length, keep);
    // a pass whose logits are not wanted (a middle chunk of a long prefill) does not fetch them
    const fetches: Record<string, OrtTensor | null> = keep ? { logits: null } : {};
    this.cache.bind(feeds, fetches, ids.length);
    const t1 = performance.now();
    const out = await this.runner.run(feeds, fetches);
    const t2 = performance.now();
    this.cache.update(out as never, ids.length);
    // a graph with num_logits_to_keep returns only the last `keep` positions' logits
    const next = keep ? argmaxLast(out.logits!, keep) : [];
    const p = this.profile;
    p.feedMs += t1 - t0;
    p.runMs += t2 - t1;
    p.logitsMs += performance.now() - t2;
    p.steps++;
    this.passes++;
    return next;
  }

  async prefill(ids: readonly number[]): Promise<number> {
    return (await this.run(ids, 1))[0]!;
  }
  async decode(id: number): Promise<number> {
    return (await this.run([id], 1))[0]!;
  }
  /** Feed several tokens in one pass; the greedy next token after each of the last `keep`. */
  forward(ids: readonly number[], keep: number): Promise<number[]> {
    return this.run(ids, keep);
  }
  truncate(length: number): void {
    this.cache.truncate(length);
  }
  /** Next token for a whole sequence without the cache (tests: cache on and off must agree). */
  async logitsArgmaxNoCache(ids: readonly number[]): Promise<number> {
    this.reset();
    return this.prefill(ids);
  }
  async dispose(): Promise<void> {
    await this.runner.release();
  }
}

export interface OnnxEngineOptions {
  dir: string;
  dtype?: string;
  prompt?: string;
  noGuard?: boolean;
  name?: string;
  maxSegmentChars?: number;
  /** onnxruntime threads / graph optimisation (default: TYPOFIX_ONNX_THREADS, TYPOFIX_ONNX_OPT, measured defaults). */
  session?: OnnxSessionSettings;
}

export async function loadOnnxRuntime(): Promise<Ort> {
  const { loadOrt } = await import("../../runtime/native.ts");
  return loadOrt();
}

export async function createOnnxEngine(o: OnnxEngineOptions): Promise<LlmEngine> {
  // an installed model's files are checked against its manifest first: a damaged model is refused, not loaded
  const { checkModelFiles } = await import("../../models/index.ts");
  await checkModelFiles(o.dir);
  const c = readModelConfig(o.dir);
  const tokenizer = new ModelTokenizer(o.dir);
  if (tokenizer.vocabSize > c.vocab_size) throw new Error(`${o.dir}: tokenizer has ${tokenizer.vocabSize} tokens but the model only ${c.vocab_size}`);
  const file = modelFile(o.dir, o.dtype);
  const ort = await loadOnnxRuntime();
  const model = await OnnxStepModel.load(ort, file, c, o.session ?? sessionSettingsFromEnv());
  return new LlmEngine({ name: o.name ?? `onnx:${o.dir.split("/").filter(Boolean).pop()}`, model, tokenizer, format: promptFormat(o.prompt ?? "chat"), noGuard: o.noGuard, maxSegmentChars: o.maxSegmentChars });
}
