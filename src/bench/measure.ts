/**
 * What one benchmark worker measures for one engine, in its own process (so peak RSS is the engine's):
 * load time; correction latency over the seed's sentences (warm-up, then runs); for LLM engines the
 * prefill/decode speed and time to first token at ~128, 256 and 512 prompt tokens; for the lexicon
 * engine words/s at the same text lengths. Every raw sample is returned.
 */
import type { Engine } from "../types.ts";
import type { StepModel } from "../llm/generate.ts";

export const SENTENCES = [
  "The quikc brown fox jumps over teh lazy dog",
  "I went too the stor to buy som milk",
  "Thi sis a test sentenc with typos",
];

const FILLER =
  "The commitee will recieve the report on tuesday and decide wether the new proceedure should be adopted. " +
  "Their was a lot of discusion about the budjet, but noone could agree on the the final number. ";

/** A text of about `tokens` tokens (English averages ~1.3 tokens per word). */
export function textOfTokens(tokens: number): string {
  const words = FILLER.split(" ");
  const want = Math.round(tokens / 1.3);
  const out: string[] = [];
  for (let i = 0; out.length < want; i++) out.push(words[i % words.length]!);
  return out.join(" ");
}

export interface WorkerSpec {
  engine: "lexicon" | "onnx" | "ane";
  model?: string;
  units?: "cpuAndNeuralEngine" | "cpuOnly" | "all";
  runs: number;
  warmup: number;
  contexts: number[];
  /** Tokens decoded per context-sweep run (LLM engines). */
  decodeTokens: number;
}

export interface Samples {
  /** ms per correction of each seed sentence, every run. */
  latencyMs: number[];
  outputs: string[];
  sweep: Array<{ context: number; tokens: number; words: number; ms: number[]; prefillMs?: number[]; decodeMsPerToken?: number[] }>;
  /** The contexts in the order their samples were taken (they take turns, run by run). */
  sweepOrder?: number[];
}

export interface WorkerResult {
  label: string;
  engine: string;
  spec: WorkerSpec;
  loadMs: number;
  samples: Samples;
  peakRssMb: number;
  info?: Record<string, unknown>;
  error?: string;
}

let cold: (() => void) | undefined;

/** Time one call; the lexicon's memo caches are cleared first, so repeated text is measured cold. */
async function timeit<T>(f: () => Promise<T> | T): Promise<[number, T]> {
  cold?.();
  const t0 = performance.now();
  const r = await f();
  return [performance.now() - t0, r];
}

export async function runWorker(spec: WorkerSpec, onSample?: () => void): Promise<WorkerResult> {
  const label = spec.engine + (spec.model ? `:${spec.model.split("/").filter(Boolean).pop()}` : "") + (spec.units ? `/${spec.units}` : "");
  const { createEngine } = await import("../engines/index.ts");
  let engine: Engine;
  const t0 = performance.now();
  if (spec.engine === "ane" && spec.units) {
    const { resolveModel, installed } = await import("../models/index.ts");
    const { createAneEngine } = await import("../engines/ane/index.ts");
    const m = resolveModel(spec.model ?? installed().find((x) => x.engine === "ane")?.name ?? "");
    engine = await createAneEngine({ dir: m.dir, prompt: m.prompt, units: spec.units, name: `ane:${m.name}` });
  } else engine = await createEngine({ engine: spec.engine, model: spec.model });
  const loadMs = performance.now() - t0;
  const clear = (engine as { clearCaches?: () => void }).clearCaches;
  cold = clear ? () => clear.call(engine) : undefined;
  const samples: Samples = { latencyMs: [], outputs: [], sweep: [], sweepOrder: [] };
  for (let k = 0; k < spec.warmup; k++) for (const s of SENTENCES) await engine.fix(s);
  for (let k = 0; k < spec.runs; k++)
    for (const s of SENTENCES) {
      const [ms, r] = await timeit(() => engine.fix(s));
      samples.latencyMs.push(ms);
      if (k === 0) samples.outputs.push(r.output);
      onSample?.();
    }
  const model = (engine as unknown as { o?: { model?: StepModel; tokenizer?: { encode(t: string): number[] } } }).o;
  // the contexts take turns run by run (128, 256, 512, 128, …) rather than one after the other, so that
  // a change in the machine's load during the sweep falls on every context alike: decode at 512 is read
  // as a share of decode at 128, and on a shared machine the last minutes are not the first
  type Row = Samples["sweep"][number];
  const llm = model?.model && model.tokenizer ? model : null;
  const rows = spec.contexts.map((context) => {
    const text = textOfTokens(context);
    const row: Row & { text: string; ids?: number[] } = { context, tokens: context, words: text.split(" ").length, ms: [], text };
    if (llm) {
      // LLM: prefill `context` tokens, then decode a fixed number of steps
      row.ids = llm.tokenizer!.encode(text).slice(0, Math.min(context, llm.model!.contextLength - spec.decodeTokens - 2));
      row.tokens = row.ids.length;
      row.prefillMs = [];
      row.decodeMsPerToken = [];
    }
    return row;
  });
  const generate = llm ? (await import("../llm/generate.ts")).generate : null;
  for (let k = 0; k < spec.warmup + spec.runs; k++)
    for (const row of rows) {
      if (llm && generate) {
        const g = await generate(llm.model!, row.ids!, { maxNewTokens: spec.decodeTokens, stopIds: [] });
        if (k < spec.warmup) continue;
        row.prefillMs!.push(g.prefillMs);
        row.decodeMsPerToken!.push(g.decodeMs / Math.max(1, g.tokens.length - 1));
        row.ms.push(g.prefillMs + g.decodeMs);
      } else {
        const [ms] = await timeit(() => engine.fix(row.text));
        if (k < spec.warmup) continue;
        row.ms.push(ms);
      }
      samples.sweepOrder!.push(row.context);
      onSample?.();
    }
  for (const { text: _t, ids: _i, ...row } of rows) samples.sweep.push(row);
  let info: Record<string, unknown> | undefined;
  const handle = (model?.model as { handle?: { info(): Record<string, unknown> } } | undefined)?.handle;
  if (handle) info = handle.info();
  await engine.dispose?.();
  return { label, engine: engine.name, spec, loadMs, samples, peakRssMb: process.resourceUsage().maxRSS / 1024, info };
}
