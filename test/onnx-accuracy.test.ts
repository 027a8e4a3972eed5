import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ensureModel } from "../scripts/fixtures.ts";
import { accuracyLevels, concat, modelWithAccuracy, preparedModel, rewriteAccuracy, rewriteModel } from "../src/engines/onnx/rewrite.ts";
import { OnnxStepModel, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { DEFAULT_SETTINGS, sessionSettingsFromEnv } from "../src/engines/onnx/options.ts";
import { generate } from "../src/llm/generate.ts";

let q4: string;
let fp: string;
let tmp: string;
beforeAll(() => {
  q4 = ensureModel("tiny-q4");
  fp = ensureModel("tiny");
  // a copy of the q4 fixture's folder, so the cached rewrites are made (and counted) in a fresh place
  tmp = mkdtempSync(join(tmpdir(), "typofix-acc-"));
  for (const f of readdirSync(q4)) if (!f.startsWith(".") && f !== "onnx") copyFileSync(join(q4, f), join(tmp, f));
  require("node:fs").mkdirSync(join(tmp, "onnx"));
  copyFileSync(modelFile(q4), join(tmp, "onnx/model_q4.onnx"));
});

describe("MatMulNBits accuracy_level rewrite", () => {
  test("sets the attribute on every MatMulNBits node and nothing else; rewriting again replaces it", () => {
    const bytes = readFileSync(modelFile(q4));
    const before = accuracyLevels(bytes);
    expect(before.length).toBeGreaterThan(10); // 7 linear layers a block and the lm head
    expect(new Set(before)).toEqual(new Set([0])); // the fixture, as the Hub's q4 export, sets none
    const r = rewriteAccuracy(bytes, 4);
    expect(r.nodes).toBe(before.length);
    const int8 = concat(r.parts!);
    expect(accuracyLevels(int8)).toEqual(before.map(() => 4));
    // one attribute a node, 23 bytes (name, value, type, and its tag and length), plus any lengths that grew a byte
    expect(int8.length - bytes.length).toBeGreaterThanOrEqual(before.length * 23);
    expect(int8.length - bytes.length).toBeLessThan(before.length * 25);
    const back = concat(rewriteAccuracy(int8, 1).parts!);
    expect(accuracyLevels(back)).toEqual(before.map(() => 1));
    expect(back.length).toBe(int8.length);
    // a graph without MatMulNBits: nothing to do
    expect(rewriteAccuracy(readFileSync(modelFile(fp)), 4)).toEqual({ parts: null, nodes: 0 });
  });

  test("a file that is not a protobuf is a clear error", () => {
    expect(() => rewriteAccuracy(Uint8Array.of(0x0b, 0x01, 0x02), 4)).toThrow(/not an ONNX model/);
    expect(() => rewriteAccuracy(Uint8Array.of(0x3a, 0x7f, 0x01), 4)).toThrow(/not an ONNX model/);
  });

  test("the rewritten model is cached beside the original, loads, and greedy output stays close to fp32 compute", async () => {
    const file = join(tmp, "onnx/model_q4.onnx");
    const out = modelWithAccuracy(file, "int8");
    expect(out).not.toBe(file);
    expect(out.startsWith(join(tmp, "onnx/."))).toBe(true);
    expect(new Set(accuracyLevels(readFileSync(out)))).toEqual(new Set([4]));
    expect(modelWithAccuracy(file, "int8")).toBe(out); // cached
    expect(modelWithAccuracy(file, "model")).toBe(file);
    const c = readModelConfig(tmp);
    const prompt = [151644, 872, 198, 9707, 11, 1879, 374, 264];
    const tokens: Record<string, number[]> = {};
    for (const accuracy of ["fp32", "int8"] as const)
      for (const backend of ["capi", "node"] as const) {
        const m = await OnnxStepModel.load(ort, file, c, { accuracy, backend });
        tokens[`${accuracy}/${backend}`] = (await generate(m, prompt, { maxNewTokens: 8, stopIds: [] })).tokens;
        await m.dispose();
      }
    // both backends run the same rewritten file
    expect(tokens["int8/node"]).toEqual(tokens["int8/capi"]!);
    expect(tokens["fp32/node"]).toEqual(tokens["fp32/capi"]!);
    // int8 activations are an approximation: the first answer is the same, most of the rest too
    expect(tokens["int8/capi"]![0]).toBe(tokens["fp32/capi"]![0]!);
    expect(tokens["int8/capi"]!.filter((t, i) => t === tokens["fp32/capi"]![i]).length).toBeGreaterThanOrEqual(6);
    // a model without MatMulNBits is used as it is (and remembered as such)
    expect(modelWithAccuracy(modelFile(fp), "int8")).toBe(modelFile(fp));
  }, 60_000);

  test("a copy that cannot be written: the original is used, the reason told, no copy under the final name", () => {
    const dir = mkdtempSync(join(tmpdir(), "typofix-acc-ro-"));
    try {
      const file = join(dir, "model_q4.onnx");
      copyFileSync(modelFile(q4), file);
      const out = modelWithAccuracy(file, "int8");
      rmSync(out);
      // the temporary file's name taken by a folder: opening it fails as a full or read-only disk would
      mkdirSync(`${out}.${process.pid}.tmp`);
      const told: string[] = [];
      expect(modelWithAccuracy(file, "int8", (why) => told.push(why))).toBe(file);
      expect(told.length).toBe(1);
      expect(told[0]).toMatch(/^cannot write .*; using .*model_q4\.onnx as it is$/);
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("settings: TYPOFIX_ONNX_ACCURACY, int8 by default", () => {
    expect(DEFAULT_SETTINGS.accuracy).toBe("int8");
    expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_ACCURACY: "fp32" })).toEqual({ accuracy: "fp32" });
    expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_ACCURACY: "model" })).toEqual({ accuracy: "model" });
    expect(() => sessionSettingsFromEnv({ TYPOFIX_ONNX_ACCURACY: "int4" })).toThrow(/TYPOFIX_ONNX_ACCURACY="int4": expected one of model, fp32, int8/);
  });
});

// (after this file's tests, not at the process's exit: bun test's exit ran no "exit" handler, and each run
// left its ~360 MB copy of the model behind)
afterAll(() => {
  if (tmp && existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
});

describe("num_logits_to_keep rewrite", () => {
  test("a q4 graph without it gets the input; the lm head then sees only the kept positions, and the answers are the same", async () => {
    const bytes = readFileSync(modelFile(q4));
    const r = rewriteModel(bytes, { keepLogits: true });
    expect(r.kept).toBe(true);
    expect(r.nodes).toBe(0); // the MatMulNBits nodes are left as they are
    const file = join(tmp, "onnx/model_q4.onnx");
    const kept = preparedModel(file, "model", true);
    expect(kept).not.toBe(file);
    const prompt = Array.from({ length: 23 }, (_, i) => 100 + i * 37);
    const c = readModelConfig(tmp);
    const res: Record<string, { tokens: number[]; forward: number[]; inputs: readonly string[]; logits: number[] }> = {};
    for (const keepLogits of [false, true])
      for (const backend of ["capi", "node"] as const) {
        const m = await OnnxStepModel.load(ort, file, c, { keepLogits, backend });
        // the shape of the logits onnxruntime returns, pass by pass
        const shapes: number[][] = [];
        const run = m.runner.run.bind(m.runner);
        (m.runner as { run: typeof run }).run = async (f, o) => {
          const out = await run(f, o);
          if (out.logits) shapes.push([...out.logits.dims]);
          return out;
        };
        const tokens = (await generate(m, prompt, { maxNewTokens: 6, stopIds: [] })).tokens;
        m.reset();
        const forward = await m.forward(prompt, 5);
        res[`${keepLogits}/${backend}`] = { tokens, forward, inputs: m.runner.inputNames, logits: shapes.at(-1)! };
        await m.dispose();
      }
    for (const backend of ["capi", "node"]) {
      const [all, keep] = [res[`false/${backend}`]!, res[`true/${backend}`]!];
      expect(keep.tokens).toEqual(all.tokens);
      expect(keep.forward).toEqual(all.forward);
      expect(all.inputs).not.toContain("num_logits_to_keep");
      expect(keep.inputs).toContain("num_logits_to_keep");
      // the last pass (23 tokens, the answers after the last 5)
      expect(all.logits).toEqual([1, 23, c.vocab_size]);
      expect(keep.logits).toEqual([1, 5, c.vocab_size]);
    }
  }, 60_000);

  test("left alone: a graph that has the input already, or whose logits are not a MatMul of the hidden states", () => {
    expect(rewriteModel(readFileSync(modelFile(ensureModel("tiny-f16"))), { keepLogits: true }).parts).toBeNull();
    expect(rewriteModel(readFileSync(modelFile(fp)), { keepLogits: true }).parts).toBeNull(); // tied lm head: Gemm + Reshape
  });

  test("setting: TYPOFIX_ONNX_KEEP_LOGITS, on by default", () => {
    expect(DEFAULT_SETTINGS.keepLogits).toBe(true);
    expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_KEEP_LOGITS: "0" })).toEqual({ keepLogits: false });
    expect(() => sessionSettingsFromEnv({ TYPOFIX_ONNX_KEEP_LOGITS: "yes" })).toThrow(/TYPOFIX_ONNX_KEEP_LOGITS="yes": expected 0 or 1/);
  });
});

describe("the kept (C API) shared cache", () => {
  test("grows before it is full: a pass that ends on the capacity leaves room for the next token", async () => {
    const { SharedKvCache, GROW_CAPI } = await import("../src/engines/onnx/kvcache.ts");
    const grown: number[] = [];
    const fakeOrt = { Tensor: class { constructor(_t: string, d: Float32Array, dims: number[]) { grown.push(dims[2]!); Object.assign(this, { data: d, dims }); } } };
    const c = new SharedKvCache(fakeOrt as never, { layers: 1, kvHeads: 1, headDim: 2, maxLength: 4096 } as never, GROW_CAPI, true);
    const pass = (n: number) => { c.bind({}, {}, n); c.update({}, n); };
    for (let i = 0; i < 4; i++) pass(128); // a 512-token prompt in chunks
    const before = grown.length;
    for (let i = 0; i < 16; i++) pass(1); // decode
    expect(grown.length).toBe(before); // no regrowth copy while decoding
    expect(c.bytes).toBeGreaterThanOrEqual((512 + 16) * 2 * 2 * 4);
  });
});
