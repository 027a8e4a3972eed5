import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ensureModel, PRESETS } from "../scripts/fixtures.ts";
import { TINY, qwen3FloatWeights, qwen3Q4Linears } from "../scripts/onnx/qwen3.ts";
import { Q4_BLOCK, dequantize, randomQ4Linear } from "../scripts/onnx/q4.ts";
import { OnnxStepModel, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { sessionOptions, sessionSettingsFromEnv } from "../src/engines/onnx/options.ts";
import { truncateTensor } from "../src/engines/onnx/kvcache.ts";
import { generate } from "../src/llm/generate.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { promptFormat } from "../src/llm/prompts.ts";
import { Qwen3Reference } from "./support/qwen3-reference.ts";

let dir: string;
beforeAll(() => {
  dir = ensureModel("tiny-q4");
});

describe("the q4 fixture (the Hub's q4 export form)", () => {
  test("4-bit blocks: packing, zero point 8, per-block scales", () => {
    const q = randomQ4Linear(3, 64, 5, 0.1);
    expect(q.B.length).toBe((64 * 5) / 2);
    expect(q.scales.length).toBe((64 * 5) / Q4_BLOCK);
    const w = dequantize(q);
    // element (k=33, n=2): block 1 of column 2, second value of its byte 0 → high nibble
    const byte = q.B[(2 * 2 + 1) * 16]!;
    expect(w[33 * 5 + 2]).toBeCloseTo(((byte >> 4) - 8) * q.scales[2 * 2 + 1]!, 7);
    const sd = Math.sqrt(w.reduce((a, x) => a + x * x, 0) / w.length);
    expect(sd).toBeGreaterThan(0.05);
    expect(sd).toBeLessThan(0.2);
    expect(() => randomQ4Linear(1, 48, 4, 1)).toThrow(/multiple of the block size/);
  });

  test("layout: onnx/model_q4.onnx, a GroupQueryAttention graph, the shared KV cache", async () => {
    expect(existsSync(join(dir, "onnx/model_q4.onnx"))).toBe(true);
    expect(modelFile(dir)).toEndWith("model_q4.onnx");
    const m = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir));
    expect(m.cacheMode).toBe("shared");
    await m.dispose();
  }, 60_000);

  // with fp32 compute (weights dequantised, as the reference does): the default int8 compute quantises
  // the activations, an approximation that may change a near-tie (test/onnx-accuracy.test.ts)
  test("greedy tokens equal a TypeScript forward pass over the dequantised weights (shared and chained cache, fp32 compute)", async () => {
    const ref = new Qwen3Reference(TINY, 1);
    Object.assign(ref.w, qwen3FloatWeights(TINY, 1));
    for (const [name, q] of Object.entries(qwen3Q4Linears(TINY, 1))) ref.w[name] = { dims: [q.K, q.N], data: dequantize(q) };
    const tok = new ModelTokenizer(dir);
    for (const shared of [true, false]) {
      const m = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), { sharedCache: shared, accuracy: "fp32" });
      for (const text of ["Thi sis a tset", "I went too the stor"]) {
        const prompt = tok.prompt(promptFormat("chat"), text);
        const g = await generate(m, prompt, { maxNewTokens: 6, stopIds: [] });
        expect(g.tokens).toEqual(ref.greedy(prompt, 6));
      }
      await m.dispose();
    }
  }, 60_000);

  test("prefill in chunks gives the tokens of one pass", async () => {
    const c = readModelConfig(dir);
    const one = await OnnxStepModel.load(ort, modelFile(dir), c, { prefillChunk: 4096 });
    const small = await OnnxStepModel.load(ort, modelFile(dir), c, { prefillChunk: 5 });
    const prompt = Array.from({ length: 23 }, (_, i) => 100 + i * 37);
    const a = await generate(one, prompt, { maxNewTokens: 8, stopIds: [] });
    const b = await generate(small, prompt, { maxNewTokens: 8, stopIds: [] });
    expect(b.tokens).toEqual(a.tokens);
    expect(small.passes).toBeGreaterThan(one.passes);
    // several tokens' answers across chunk boundaries
    one.reset();
    small.reset();
    expect(await small.forward(prompt, 12)).toEqual(await one.forward(prompt, 12));
  }, 60_000);

  const big = PRESETS["qwen3-0.6b-q4"]!.dir;
  test.skipIf(!existsSync(join(big, ".stamp")))("the Qwen3-0.6B-shaped q4 model loads and decodes (generate it with `bun run fixtures --preset qwen3-0.6b-q4`)", async () => {
    const m = await OnnxStepModel.load(ort, modelFile(big), readModelConfig(big));
    expect(m.cacheMode).toBe("shared");
    const g = await generate(m, [151644, 872, 198, 9707], { maxNewTokens: 3, stopIds: [] });
    expect(g.tokens).toHaveLength(3);
    for (const t of g.tokens) expect(t).toBeLessThan(151936);
    await m.dispose();
  }, 120_000);
});

describe("session settings", () => {
  test("from the environment, with clear errors", () => {
    expect(sessionSettingsFromEnv({})).toEqual({});
    expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_THREADS: "2", TYPOFIX_ONNX_OPT: "extended" })).toEqual({ threads: 2, optLevel: "extended" });
    expect(() => sessionSettingsFromEnv({ TYPOFIX_ONNX_THREADS: "two" })).toThrow(/TYPOFIX_ONNX_THREADS="two": expected a whole number/);
    expect(() => sessionSettingsFromEnv({ TYPOFIX_ONNX_OPT: "max" })).toThrow(/one of disabled, basic, extended, all/);
    const o = sessionOptions({ threads: 1, optLevel: "basic" });
    expect([o.intraOpNumThreads, o.graphOptimizationLevel]).toEqual([1, "basic"]);
  });
  test("the engine takes them: one thread still gives the same tokens", async () => {
    const c = readModelConfig(dir);
    const a = await OnnxStepModel.load(ort, modelFile(dir), c, { threads: 1, optLevel: "basic" });
    const b = await OnnxStepModel.load(ort, modelFile(dir), c);
    const prompt = [151644, 872, 198, 9707, 11];
    expect((await generate(a, prompt, { maxNewTokens: 5, stopIds: [] })).tokens).toEqual((await generate(b, prompt, { maxNewTokens: 5, stopIds: [] })).tokens);
  }, 60_000);
  test("a cache tensor keeps its first positions per head when cut back", () => {
    const data = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i); // [1, 2 heads, 3 positions, 2]
    const t = truncateTensor(ort, new ort.Tensor("float32", data, [1, 2, 3, 2]), 2);
    expect(t.dims).toEqual([1, 2, 2, 2]);
    expect([...(t.data as Float32Array)]).toEqual([0, 1, 2, 3, 6, 7, 8, 9]);
  });
});
