/**
 * The onnx engine's feeds come from the graph's declared inputs, and its logits are read as numbers
 * whatever their type: the fp32 fixture, the float16-cache/float16-logits fixture (the fp16 and q4f16
 * exports' contract, with num_logits_to_keep), and every dtype the registry offers, each compared token
 * by token with the independent TypeScript forward pass (test/support/qwen3-reference.ts).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ensureModel } from "../scripts/fixtures.ts";
import { TINY } from "../scripts/onnx/qwen3.ts";
import { Qwen3Reference } from "./support/qwen3-reference.ts";
import { DTYPE_FILES, OnnxStepModel, createOnnxEngine, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { FeedPlan, argmax, halfBits, halfToFloat, lastLogits } from "../src/engines/onnx/feeds.ts";
import { generate } from "../src/llm/generate.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { promptFormat } from "../src/llm/prompts.ts";
import { registry } from "../src/models/index.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

let f32Dir: string;
let f16Dir: string;
let tok: ModelTokenizer;
const ref32 = new Qwen3Reference(TINY, 1);
const ref16 = new Qwen3Reference(TINY, 1, { f16Cache: true, f16Logits: true });
const PROMPTS = ["Thi sis a tset", "I went too the stor"];

beforeAll(() => {
  f32Dir = ensureModel("tiny");
  f16Dir = ensureModel("tiny-f16");
  tok = new ModelTokenizer(f32Dir);
});

describe("float16 numbers", () => {
  test("every float16 bit pattern decodes to the value the platform's float16 has", () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const mine = halfToFloat(bits);
    const platform = new Float16Array(bits.buffer);
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(platform[i]!)) expect(Number.isNaN(mine[i]!)).toBe(true);
      else expect(mine[i]).toBe(platform[i]!);
    }
    expect(halfToFloat(Uint16Array.of(0x3c00, 0xbc00, 0x0001, 0x7bff, 0xfc00))).toEqual(Float32Array.of(1, -1, 2 ** -24, 65504, -Infinity));
  });
  test("float16 logits held as raw bits (no Float16Array, as on Node) rank by value, not by bit pattern", () => {
    // -2 has bits 0xc000, above 3's 0x4200: an argmax over the raw bits would pick -2
    const vals = [0.5, -2, 3, -0.25];
    const bits = new Uint16Array(new Float16Array(vals).buffer);
    expect(argmax(bits)).toBe(1);
    const t = new ort.Tensor("float16", bits, [1, 1, 4]);
    const asRaw = { type: "float16", dims: t.dims, data: bits } as unknown as ort.Tensor;
    expect(argmax(lastLogits(asRaw))).toBe(2);
    expect(Array.from(lastLogits(asRaw))).toEqual(vals);
    // where the runtime hands out a Float16Array, the same values come back
    const asF16 = { type: "float16", dims: [1, 2, 2], data: new Float16Array([9, 9, 0.5, -3]) } as unknown as ort.Tensor;
    expect(Array.from(lastLogits(asF16))).toEqual([0.5, -3]);
    expect(() => lastLogits({ type: "int32", dims: [1, 1, 2], data: Int32Array.of(1, 2) } as unknown as ort.Tensor)).toThrow(/int32 are not supported/);
  });
});

describe("float16 tensors reach onnxruntime's binding as Uint16Array", () => {
  test("in a fresh process prepareOrt makes float16 tensors Uint16Array, and the CLI runs the float16 model with no fallback", async () => {
    const code = `import * as ort from "onnxruntime-node"; import { prepareOrt } from "./src/engines/onnx/feeds.ts"; console.log(prepareOrt(ort), new ort.Tensor("float16", new Uint16Array(2), [2]).data.constructor.name)`;
    const p = Bun.spawnSync([process.execPath, "-e", code], { cwd: join(import.meta.dir, "..") });
    expect(p.stdout.toString().trim()).toBe("true Uint16Array");
    const cli = Bun.spawnSync([process.execPath, join(import.meta.dir, "../src/cli.ts"), "--model", f16Dir, "--json", "Thi sis a tset"]);
    const row = JSON.parse(cli.stdout.toString());
    expect(row.engine).toBe("onnx:tiny-qwen3-f16");
    expect(row.warning ?? "").not.toContain("failed");
  }, 60_000);
  test("a float16 tensor made with a Float16Array (a Tensor made before prepareOrt) is mended in place", () => {
    const t = new ort.Tensor("float16", new Uint16Array([0x3c00, 0xc000]), [2]);
    const mended = halfBits(t);
    expect(mended.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(mended.data as Uint16Array)).toEqual([0x3c00, 0xc000]);
    expect(halfBits(new ort.Tensor("float32", Float32Array.of(1), [1])).type).toBe("float32");
  });
});

describe("feeds from the graph's metadata", () => {
  test("the float16 fixture declares a float16 cache and num_logits_to_keep; the plan feeds exactly those", async () => {
    const s = await ort.InferenceSession.create(join(f16Dir, "onnx/model_fp16.onnx"));
    const plan = FeedPlan.fromSession(ort, s, { num_key_value_heads: TINY.num_key_value_heads, head_dim: TINY.head_dim });
    expect(plan.cacheType).toBe("float16");
    expect(plan.keepsLogits).toBe(true);
    expect(plan.cache).toHaveLength(2 * TINY.num_hidden_layers);
    const empty = plan.emptyCache();
    expect(empty["past_key_values.1.value"]!.type).toBe("float16");
    expect(empty["past_key_values.1.value"]!.dims).toEqual([1, TINY.num_key_value_heads, 0, TINY.head_dim]);
    const ids = tok.encode("Fix: teh cat\n");
    const feeds = plan.step(ids, 0, empty);
    expect(Object.keys(feeds).sort()).toEqual([...s.inputNames].sort());
    const out = await s.run(feeds);
    // only the last position's logits are computed, and they are float16
    expect(out.logits!.dims).toEqual([1, 1, TINY.vocab_size]);
    expect(out.logits!.type).toBe("float16");
    expect(out["present.0.key"]!.dims).toEqual([1, TINY.num_key_value_heads, ids.length, TINY.head_dim]);
    // the old feeds (a float32 cache) are what onnxruntime refuses for this graph
    const f32 = { ...feeds, "past_key_values.0.key": new ort.Tensor("float32", new Float32Array(0), [1, TINY.num_key_value_heads, 0, TINY.head_dim]) };
    await expect(s.run(f32)).rejects.toThrow(/float16|type/i);
    await s.release();
  }, 30_000);
  const session = (inputs: Array<{ name: string; type: string; shape: Array<number | string> }>, outputs = ["logits", "present.0.key", "present.0.value"]) =>
    ({ inputNames: inputs.map((i) => i.name), outputNames: outputs, inputMetadata: inputs.map((i) => ({ ...i, isTensor: true })) }) as unknown as ort.InferenceSession;
  const base = [
    { name: "input_ids", type: "int64", shape: ["batch_size", "sequence_length"] },
    { name: "attention_mask", type: "int32", shape: ["batch_size", "total_sequence_length"] },
    { name: "past_key_values.0.key", type: "float32", shape: ["batch_size", 8, "past_sequence_length", 128] },
    { name: "past_key_values.0.value", type: "float32", shape: ["batch_size", 8, "past_sequence_length", 128] },
  ];
  const dims = { num_key_value_heads: 2, head_dim: 16 };
  test("integer inputs get the declared type; declared dimensions win over config.json's", () => {
    const plan = FeedPlan.fromSession(ort, session(base), dims);
    const feeds = plan.step([5, 6], 3, { "past_key_values.0.key": plan.emptyCache()["past_key_values.0.key"]!, "past_key_values.0.value": plan.emptyCache()["past_key_values.0.value"]! });
    expect(feeds.attention_mask!.type).toBe("int32");
    expect(Array.from(feeds.attention_mask!.data as Int32Array)).toEqual([1, 1, 1, 1, 1]);
    expect(feeds.input_ids!.type).toBe("int64");
    expect(feeds.position_ids).toBeUndefined();
    expect(plan.emptyCache()["past_key_values.0.key"]!.dims).toEqual([1, 8, 0, 128]);
  });
  test("a required input typofix cannot feed is named in a clear error", () => {
    expect(() => FeedPlan.fromSession(ort, session([...base, { name: "token_type_ids", type: "int64", shape: [1, "s"] }]), dims, "m.onnx")).toThrow(
      'm.onnx: the graph requires input "token_type_ids" (int64 [1, s]), which typofix does not know how to feed',
    );
    expect(() => FeedPlan.fromSession(ort, session([...base, { name: "position_ids", type: "float32", shape: [1, "s"] }]), dims)).toThrow(/position_ids has type float32/);
    expect(() => FeedPlan.fromSession(ort, session(base, ["logits", "present.0.key"]), dims)).toThrow(/no matching output present.0.value/);
    expect(() => FeedPlan.fromSession(ort, session(base.slice(1)), dims)).toThrow(/no input "input_ids"/);
  });
});

/** A model folder holding `file` under the name the dtype looks for (a link: no copy of the weights). */
function dtypeFolder(src: string, file: string, dtype: string): string {
  const d = scratch(`typofix-dtype-${dtype}-`);
  for (const f of readdirSync(src)) if (f !== "onnx") symlinkSync(join(src, f), join(d, f));
  mkdirSync(join(d, "onnx"));
  symlinkSync(join(src, "onnx", file), join(d, "onnx", DTYPE_FILES[dtype]!));
  return d;
}

/** The Hub exports' input/output contract per dtype: float16 cache and logits for fp16 and q4f16. */
const F16_DTYPES = new Set(["fp16", "q4f16"]);

describe("greedy tokens equal the reference", () => {
  test.each([
    ["fp32", () => f32Dir, "model.onnx", () => ref32],
    ["float16 cache and logits", () => f16Dir, "model_fp16.onnx", () => ref16],
  ] as const)("%s fixture, with and without the KV cache", async (_label, dir, file, ref) => {
    const m = await OnnxStepModel.load(ort, join(dir(), "onnx", file), readModelConfig(dir()));
    for (const text of PROMPTS) {
      const prompt = tok.prompt(promptFormat("chat"), text);
      const g = await generate(m, prompt, { maxNewTokens: 10, stopIds: [] });
      expect(g.tokens).toEqual(ref().greedy(prompt, 10));
      expect(await m.logitsArgmaxNoCache([...prompt, ...g.tokens.slice(0, 5)])).toBe(g.tokens[5]!);
    }
    await m.dispose();
  }, 60_000);
  const dtypes = [...new Set(registry().filter((e) => e.engine === "onnx" && e.dtype).map((e) => e.dtype!))];
  test("the registry offers the dtypes this test knows the contract of", () => {
    expect(dtypes.length).toBeGreaterThan(0);
    for (const d of dtypes) expect(Object.keys(DTYPE_FILES)).toContain(d);
  });
  test.each(dtypes)("registry dtype %s: the engine loads its file and decodes the reference's tokens, with no fallback", async (dtype) => {
    const f16 = F16_DTYPES.has(dtype);
    const dir = dtypeFolder(f16 ? f16Dir : f32Dir, f16 ? "model_fp16.onnx" : "model.onnx", dtype);
    expect(modelFile(dir, dtype)).toEndWith(DTYPE_FILES[dtype]!);
    const m = await OnnxStepModel.load(ort, modelFile(dir, dtype), readModelConfig(dir));
    expect(m.feeds.cacheType).toBe(f16 ? "float16" : "float32");
    const prompt = tok.prompt(promptFormat("chat"), PROMPTS[0]!);
    expect((await generate(m, prompt, { maxNewTokens: 6, stopIds: [] })).tokens).toEqual((f16 ? ref16 : ref32).greedy(prompt, 6));
    await m.dispose();
    // through the whole engine: the model's answer reaches the guard (no "failed … used the lexicon")
    const engine = await createOnnxEngine({ dir, dtype });
    const r = await engine.fix("Thi sis a tset");
    expect(r.warning ?? "").not.toContain("failed");
    expect(engine.tokensGenerated).toBeGreaterThan(0);
    await engine.dispose();
  }, 60_000);
});
