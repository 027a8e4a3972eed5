/**
 * The onnx engine: a Qwen3-family causal LM in the Hugging Face ONNX layout (config.json, tokenizer
 * files, onnx/model{,_q4,_q4f16,_quantized,_fp16}.onnx), run on the CPU with onnxruntime-node — the
 * runtime @huggingface/transformers uses — driven directly: one InferenceSession per process, greedy
 * decoding with the KV cache (past_key_values.* in, present.* out; every feed built from the graph's own
 * input metadata and the logits read as float32 whatever their type: feeds.ts), TypeScript owning stopping and
 * segmentation (src/llm), the guard between model and user. Cost: prefill O(prompt²) attention, then
 * one forward pass per token; measured by `typofix bench` (load time, prefill/decode tokens/s, RSS).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StepModel } from "../../llm/generate.ts";
import { LlmEngine } from "../../llm/engine.ts";
import { ModelTokenizer } from "../../llm/tokenizer.ts";
import { promptFormat } from "../../llm/prompts.ts";
import { FeedPlan, argmax, lastLogits } from "./feeds.ts";

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

export class OnnxStepModel implements StepModel {
  readonly contextLength: number;
  private past: Record<string, import("onnxruntime-node").Tensor> | null = null;
  private pos = 0;
  private constructor(
    private session: import("onnxruntime-node").InferenceSession,
    /** Feeds built from the graph's declared inputs (src/engines/onnx/feeds.ts). */
    readonly feeds: FeedPlan,
    c: ModelConfig,
  ) {
    this.contextLength = Math.min(c.max_position_embeddings ?? 4096, 4096);
  }

  static async load(ort: Ort, file: string, c: ModelConfig): Promise<OnnxStepModel> {
    const size = statSync(file).size;
    if (size < 64) throw new Error(`${file}: truncated or empty (${size} bytes)`);
    let session;
    try {
      session = await ort.InferenceSession.create(file, { graphOptimizationLevel: "all", intraOpNumThreads: 0 });
    } catch (err) {
      throw new Error(`${file}: cannot be loaded by onnxruntime (${(err as Error).message.split("\n")[0]})`);
    }
    let plan: FeedPlan;
    try {
      plan = FeedPlan.fromSession(ort, session, { num_key_value_heads: c.num_key_value_heads, head_dim: c.head_dim ?? c.hidden_size / c.num_attention_heads }, file);
    } catch (err) {
      await session.release?.();
      throw err;
    }
    return new OnnxStepModel(session, plan, c);
  }

  reset(): void {
    this.past = null;
    this.pos = 0;
  }

  private async forward(ids: readonly number[]): Promise<number> {
    const out = await this.session.run(this.feeds.step(ids, this.pos, this.past ?? this.feeds.emptyCache()));
    const next: Record<string, import("onnxruntime-node").Tensor> = {};
    for (const { past, present } of this.feeds.cache) next[past] = out[present]!;
    this.past = next;
    this.pos += ids.length;
    return argmax(lastLogits(out.logits!));
  }

  prefill(ids: readonly number[]): Promise<number> {
    return this.forward(ids);
  }
  decode(id: number): Promise<number> {
    return this.forward([id]);
  }
  /** Next token for a whole sequence without the cache (tests: cache on and off must agree). */
  async logitsArgmaxNoCache(ids: readonly number[]): Promise<number> {
    this.reset();
    return this.forward(ids);
  }
  async dispose(): Promise<void> {
    await this.session.release?.();
  }
}

export interface OnnxEngineOptions {
  dir: string;
  dtype?: string;
  prompt?: string;
  noGuard?: boolean;
  name?: string;
  maxSegmentChars?: number;
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
  const model = await OnnxStepModel.load(ort, file, c);
  return new LlmEngine({ name: o.name ?? `onnx:${o.dir.split("/").filter(Boolean).pop()}`, model, tokenizer, format: promptFormat(o.prompt ?? "chat"), noGuard: o.noGuard, maxSegmentChars: o.maxSegmentChars });
}
