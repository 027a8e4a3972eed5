/**
 * How much the MatMulNBits compute type changes a model's greedy output: for each prompt (the seed's
 * three sentences in the chat prompt, and three more), greedy tokens with fp32 compute (weights
 * dequantised) and with int8 compute (activations quantised per block), and where they first differ.
 * On random-weight fixtures the logits are nearly flat, so near-ties (and so differences) are far more
 * frequent than with trained weights: this is an upper bound on the disagreement. Prints JSON.
 *   bun bench/onnx-accuracy.ts MODEL_DIR [--tokens 16]
 */
import * as ort from "onnxruntime-node";
import { OnnxStepModel, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { generate } from "../src/llm/generate.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { promptFormat } from "../src/llm/prompts.ts";
import { SENTENCES } from "../src/bench/measure.ts";

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) throw new Error("usage: bun bench/onnx-accuracy.ts MODEL_DIR [--tokens 16]");
const n = args.includes("--tokens") ? Number(args[args.indexOf("--tokens") + 1]) : 16;
const texts = [...SENTENCES, "Their going too the libary tomorow", "Pleese send me the reprot by friday", "It was teh best of times"];
const tok = new ModelTokenizer(dir);
const c = readModelConfig(dir);
const out: Record<string, number[][]> = {};
for (const accuracy of ["fp32", "int8"] as const) {
  const m = await OnnxStepModel.load(ort, modelFile(dir), c, { accuracy, backend: "capi" });
  out[accuracy] = [];
  for (const t of texts) out[accuracy]!.push((await generate(m, tok.prompt(promptFormat("chat"), t), { maxNewTokens: n, stopIds: [] })).tokens);
  await m.dispose();
}
const rows = texts.map((text, i) => {
  const a = out.fp32![i]!;
  const b = out.int8![i]!;
  const first = a.findIndex((x, j) => x !== b[j]);
  return { text, tokens: a.length, first_difference: first < 0 ? null : first, same_position: a.filter((x, j) => x === b[j]).length };
});
const total = rows.reduce((s, r) => s + r.tokens, 0);
const prefix = rows.reduce((s, r) => s + (r.first_difference ?? r.tokens), 0);
process.stdout.write(JSON.stringify({ model: dir, tokens_per_prompt: n, prompts: rows.length, tokens: total, identical_prompts: rows.filter((r) => r.first_difference === null).length, common_prefix_tokens: prefix, rows }, null, 2) + "\n");
