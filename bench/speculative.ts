/**
 * Copy-speculative decoding on the seed's three sentences, timed on a real-shaped model: the ONNX model
 * (default: the q4 fixture) runs every forward pass with its real shapes and cache, but its answers are
 * replaced by the tokens of the correct sentence — what a working typo fixer would answer — so the
 * passes, the drafts accepted and the time are those of a correct model of this size. Compared with
 * plain greedy decoding (k = 0). Prints JSON.
 *   bun bench/speculative.ts [MODEL_DIR] [--k 8] [--runs 3]
 */
import * as ort from "onnxruntime-node";
import { join } from "node:path";
import { OnnxStepModel, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { CopyDrafter } from "../src/llm/draft.ts";
import { generate, type StepModel } from "../src/llm/generate.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { promptFormat } from "../src/llm/prompts.ts";
import { SENTENCES } from "../src/bench/measure.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: string) => (args.includes(n) ? args[args.indexOf(n) + 1]! : d);
const dir = args[0] && !args[0].startsWith("--") ? args[0] : join(import.meta.dir, "../.cache/models/qwen3-0.6b-q4-random");
const k = Number(flag("--k", "8"));
const runs = Number(flag("--runs", "3"));
const CORRECT = ["The quick brown fox jumps over the lazy dog", "I went to the store to buy some milk", "This is a test sentence with typos"];

const real = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir));
const tok = new ModelTokenizer(dir);

/** The real model's passes, the correct sentence's answers. */
function oracle(promptLength: number, answer: number[]): StepModel & { seq: number[] } {
  const seq: number[] = [];
  const say = () => {
    const out = seq.slice(promptLength);
    return out.every((t, j) => t === answer[j]) ? (answer[out.length] ?? 0) : 0;
  };
  const feed = async (ids: readonly number[], keep: number) => {
    await real.forward(ids, keep);
    const preds: number[] = [];
    ids.forEach((id, i) => {
      seq.push(id);
      if (i >= ids.length - keep) preds.push(say());
    });
    return preds;
  };
  return {
    seq,
    contextLength: real.contextLength,
    reset: () => {
      real.reset();
      seq.length = 0;
    },
    prefill: async (ids) => (await feed(ids, 1))[0]!,
    decode: async (id) => (await feed([id], 1))[0]!,
    forward: feed,
    truncate: (n) => {
      real.truncate(n);
      seq.length = n;
    },
  };
}

const rows: Array<Record<string, unknown>> = [];
for (const [i, text] of SENTENCES.entries()) {
  const prompt = tok.prompt(promptFormat("chat"), text);
  const answer = [...tok.encode(CORRECT[i]!), tok.stopIds[0]!];
  const row: Record<string, unknown> = { input: text, output: CORRECT[i], prompt_tokens: prompt.length, output_tokens: answer.length };
  for (const kk of [0, k]) {
    const ms: number[] = [];
    let passes = 0;
    for (let r = 0; r < runs + 1; r++) {
      const m = oracle(prompt.length, answer);
      const draft = kk ? { drafter: new CopyDrafter([...tok.encode(text), tok.stopIds[0]!], (id) => tok.startsWord(id)), k: kk } : undefined;
      const t0 = performance.now();
      const g = await generate(m, prompt, { maxNewTokens: 40, stopIds: tok.stopIds, draft });
      if (r > 0) ms.push(performance.now() - t0); // the first is a warm-up
      passes = g.passes;
      if (tok.decode(g.tokens) !== CORRECT[i]) throw new Error(`k=${kk}: wrong answer ${tok.decode(g.tokens)}`);
    }
    ms.sort((a, b) => a - b);
    row[kk ? `k${kk}` : "greedy"] = { passes, passes_per_token: +(passes / answer.length).toFixed(3), ms_median: Math.round(ms[ms.length >> 1]!), ms_min: Math.round(ms[0]!) };
  }
  rows.push(row);
}
const sum = (key: string, f: string) => rows.reduce((a, r) => a + Number((r[key] as Record<string, number>)[f]), 0);
const tokens = rows.reduce((a, r) => a + Number(r.output_tokens), 0);
process.stdout.write(
  JSON.stringify(
    {
      model: dir,
      k,
      runs,
      sentences: rows,
      total: { output_tokens: tokens, greedy_passes: sum("greedy", "passes"), speculative_passes: sum(`k${k}`, "passes"), passes_per_token: +(sum(`k${k}`, "passes") / tokens).toFixed(3), greedy_ms_per_sentence: Math.round(sum("greedy", "ms_median") / 3), speculative_ms_per_sentence: Math.round(sum(`k${k}`, "ms_median") / 3) },
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    null,
    2,
  ) + "\n",
);
await real.dispose();
