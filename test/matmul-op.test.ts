/**
 * typofix's 4-bit matmul (native/matmul*.c, domain ai.typofix op MatMulNBits, registered with
 * onnxruntime through the C API): one node against a float64 reference over the dequantised weights
 * and against onnxruntime's com.microsoft MatMulNBits (MLAS, int8 compute) on the same random inputs,
 * for row counts that take each path (the VNNI GEMV below the AMX threshold, AMX tiles from it), shapes
 * with edges (N not a multiple of 16 or 32, K not a multiple of 128, M not a multiple of 16), and every
 * build of the kernel (native/build's matmul-bench under TYPOFIX_MATMUL_ISA). Then the rewrite (which
 * nodes become typofix's: int8-compute ones only), and the engine: typofix's op when asked (by default where the CPU has AMX),
 * onnxruntime's when told or when the library is missing, with the same greedy tokens on the tiny q4
 * fixture. Activations are quantised to int8 per block of 32 (as MLAS's int8 compute does), so results
 * agree with the reference to ~1e-2 of the output's scale, not exactly; typofix's two paths (AMX tiles,
 * VNNI GEMV) agree with each other bit for bit (native/matmul-bench.c checks rows against one-row calls).
 */
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import { ensureModel } from "../scripts/fixtures.ts";
import { capi, CapiSession } from "../src/engines/onnx/capi.ts";
import { AUTO_MATMUL_ISAS, attentionLibrary, attentionUnavailable, resetAttentionProbe } from "../src/engines/onnx/attention.ts";
import { OnnxStepModel, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { sessionSettingsFromEnv } from "../src/engines/onnx/options.ts";
import { DataType, encodeModel } from "../src/engines/onnx/proto.ts";
import { matmulNBitsModel } from "./support/matmul-model.ts";
import { concat, nodeDomains, preparedModel, preparedOps, rewriteModel } from "../src/engines/onnx/rewrite.ts";
import { generate } from "../src/llm/generate.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

const api = capi();
const lib = attentionLibrary();
const noLib = !api ? "onnxruntime's C API is not usable here" : !lib?.matmulIsa ? `${attentionUnavailable() || "the library has no matmul"}; test skipped` : null;

const dir = scratch("typofix-matmul-");

let seed = 99;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

interface Q4 {
  K: number;
  N: number;
  B: Uint8Array;
  S: Float32Array;
}
function randomQ4(K: number, N: number): Q4 {
  const nb = K / 32;
  const B = new Uint8Array(N * nb * 16).map(() => Math.floor(rnd() * 256));
  const S = new Float32Array(N * nb).map(() => 0.02 * (0.5 + rnd()));
  return { K, N, B, S };
}

/** One MatMulNBits node over q's weights, as onnxruntime's (int8 compute) or typofix's. */
function nodeModel(domain: string, q: Q4, extra: Array<{ name: string; i: number }> = []): string {
  const file = join(dir, `${domain}-${q.K}-${q.N}-${extra.length}.onnx`);
  writeFileSync(file, matmulNBitsModel(domain, q.K, q.N, q.B, q.S, extra));
  return file;
}

/** float64 A·W over the dequantised weights ((v - 8) · scale, low nibble first). */
function reference(a: Float32Array, M: number, q: Q4): Float64Array {
  const { K, N, B, S } = q;
  const nb = K / 32;
  const y = new Float64Array(M * N);
  const w = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const byte = B[(n * nb + (k >> 5)) * 16 + ((k & 31) >> 1)]!;
      w[k] = ((k & 1 ? byte >> 4 : byte & 15) - 8) * S[n * nb + (k >> 5)]!;
    }
    for (let m = 0; m < M; m++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += a[m * K + k]! * w[k]!;
      y[m * N + n] = acc;
    }
  }
  return y;
}

const relErr = (y: ArrayLike<number>, ref: Float64Array) => {
  let e = 0;
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    e = Math.max(e, Math.abs(y[i]! - ref[i]!));
    s = Math.max(s, Math.abs(ref[i]!));
  }
  return e / s;
};

describe.skipIf(!!noLib)(`typofix's 4-bit matmul against a reference and onnxruntime's MatMulNBits${noLib ? ` (${noLib})` : ""}`, () => {
  // [K, N, row counts]: the GEMV below 16 rows, AMX from 16 (on an AMX CPU), with tails everywhere
  const shapes: Array<[number, number, number[]]> = [
    [256, 96, [1, 3, 9, 16, 17, 40, 128]],
    [96, 40, [1, 5, 33]],
    [1024, 200, [1, 16, 130]],
  ];
  for (const [K, N, Ms] of shapes)
    test(`K=${K} N=${N}: M = ${Ms.join(", ")}`, () => {
      const q = randomQ4(K, N);
      const tf = new CapiSession(api!, nodeModel("ai.typofix", q), { customOps: [lib!.path] });
      const ms = new CapiSession(api!, nodeModel("com.microsoft", q), {});
      for (const M of Ms) {
        const a = new Float32Array(M * K).map(() => (rnd() - 0.5) * (1 + 3 * rnd()));
        const feeds = { a: { type: "float32", dims: [1, M, K], data: a } };
        const y = tf.run(feeds as never, { y: null }).y!;
        expect(y.dims).toEqual([1, M, N]);
        const ref = reference(a, M, q);
        const mine = relErr(y.data as Float32Array, ref);
        const theirs = relErr(ms.run(feeds as never, { y: null }).y!.data as Float32Array, ref);
        // int8 activations (MLAS's and typofix's) stay within 1% of the output's scale
        expect(mine).toBeLessThan(1e-2);
        expect(theirs).toBeLessThan(1e-2);
      }
      tf.close();
      ms.close();
    }, 30_000);

  test("a row's result does not depend on the rows that came with it (decode steps and verification passes agree)", () => {
    const q = randomQ4(256, 96);
    const tf = new CapiSession(api!, nodeModel("ai.typofix", q), { customOps: [lib!.path] });
    const K = 256;
    for (const M of [7, 16, 40]) {
      const a = new Float32Array(M * K).map(() => rnd() - 0.5);
      const all = Float32Array.from(tf.run({ a: { type: "float32", dims: [1, M, K], data: a } } as never, { y: null }).y!.data as Float32Array);
      let differ = 0;
      for (let m = 0; m < M; m++) {
        const one = tf.run({ a: { type: "float32", dims: [1, 1, K], data: a.slice(m * K, m * K + K) } } as never, { y: null }).y!.data as Float32Array;
        for (let n = 0; n < 96; n++) if (one[n] !== all[m * 96 + n]) differ++;
      }
      expect(differ).toBe(0);
    }
    tf.close();
  });

  test("an empty batch gives an empty output", () => {
    const q = randomQ4(64, 32);
    const tf = new CapiSession(api!, nodeModel("ai.typofix", q), { customOps: [lib!.path] });
    const y = tf.run({ a: { type: "float32", dims: [1, 0, 64], data: new Float32Array(0) } } as never, { y: null }).y!;
    expect(y.dims).toEqual([1, 0, 32]);
    tf.close();
  });

  test("a node of another form is refused when the session is made (bits 8)", () => {
    const q = randomQ4(64, 32);
    const file = nodeModel("ai.typofix", q, [{ name: "bits", i: 8 }]);
    expect(() => new CapiSession(api!, file, { customOps: [lib!.path] }).close()).toThrow(/4-bit|bits/);
  });

  // every build of the kernel against the float64 reference (native/matmul-bench.c exits 1 past 2e-2)
  const bench = join(dirname(lib?.path ?? "."), "matmul-bench");
  for (const isa of ["generic", "avx512", "amx"])
    test.skipIf(!existsSync(bench))(`matmul-bench under TYPOFIX_MATMUL_ISA=${isa}`, () => {
      const r = spawnSync(bench, [], { env: { ...process.env, TYPOFIX_MATMUL_ISA: isa }, encoding: "utf8" });
      expect(r.status).toBe(0);
      const built = r.stdout.split("\n")[0]!.split(" ")[0]!;
      // a lesser build than asked where the CPU lacks it; never a greater one
      expect(["generic", "avx512", "amx"].indexOf(built)).toBeLessThanOrEqual(["generic", "avx512", "amx"].indexOf(isa));
      if (isa === "generic") expect(built).toBe("generic");
    }, 60_000);
});

describe("the matmul rewrite", () => {
  test("TYPOFIX_ONNX_MATMUL: auto, typofix or onnxruntime; anything else is an error that lists them", () => {
    for (const v of ["auto", "typofix", "onnxruntime"] as const) expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_MATMUL: v }).matmul).toBe(v);
    expect(sessionSettingsFromEnv({}).matmul).toBeUndefined();
    expect(() => sessionSettingsFromEnv({ TYPOFIX_ONNX_MATMUL: "amx" })).toThrow(/auto, typofix, onnxruntime/);
  });

  test("the q4 graph's MatMulNBits nodes become typofix's; other forms are left", () => {
    const q4 = readFileSync(modelFile(ensureModel("tiny-q4")));
    const before = nodeDomains(q4, "MatMulNBits");
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((d) => d === "com.microsoft")).toBe(true);
    const r = rewriteModel(q4, { matmul: true, level: 4 });
    expect(r.matmuls).toBe(before.length);
    const out = concat(r.parts!);
    expect(nodeDomains(out, "MatMulNBits").every((d) => d === "ai.typofix")).toBe(true);
    // attention left alone unless asked
    expect(nodeDomains(out, "GroupQueryAttention").every((d) => d === "com.microsoft")).toBe(true);
    expect(rewriteModel(q4, { level: 4 }).matmuls).toBe(0);
    // 8 bits, another block size, or zero points: onnxruntime's
    const q = randomQ4(64, 32);
    const mk = (attrs: Array<{ name: string; i: number }>, inputs = ["a", "B", "S"]) =>
      encodeModel({
        name: "mm",
        nodes: [{ op: "MatMulNBits", domain: "com.microsoft", inputs, outputs: ["y"], attrs: [{ name: "K", i: 64 }, { name: "N", i: 32 }, ...attrs] }],
        initializers: [
          { name: "B", dims: [32, 2, 16], dataType: DataType.UINT8, raw: q.B },
          { name: "S", dims: [64], dataType: DataType.FLOAT, raw: new Uint8Array(q.S.buffer) },
          { name: "Z", dims: [32], dataType: DataType.UINT8, raw: new Uint8Array(32) },
        ],
        inputs: [{ name: "a", elemType: DataType.FLOAT, shape: [1, "m", 64] }],
        outputs: [{ name: "y", elemType: DataType.FLOAT, shape: [1, "m", 32] }],
      });
    const four = [{ name: "bits", i: 4 }, { name: "block_size", i: 32 }];
    expect(rewriteModel(mk(four), { matmul: true, level: 4 }).matmuls).toBe(1);
    // int8 compute only: the file's own accuracy_level 4 counts, fp32 compute (level 1 or none) is MLAS's
    expect(rewriteModel(mk([...four, { name: "accuracy_level", i: 4 }]), { matmul: true }).matmuls).toBe(1);
    expect(rewriteModel(mk(four), { matmul: true }).matmuls).toBe(0);
    expect(rewriteModel(mk(four), { matmul: true, level: 1 }).matmuls).toBe(0);
    expect(rewriteModel(mk([{ name: "bits", i: 8 }, { name: "block_size", i: 32 }]), { matmul: true, level: 4 }).matmuls).toBe(0);
    expect(rewriteModel(mk([{ name: "bits", i: 4 }, { name: "block_size", i: 16 }]), { matmul: true, level: 4 }).matmuls).toBe(0);
    expect(rewriteModel(mk(four, ["a", "B", "S", "Z"]), { matmul: true, level: 4 }).matmuls).toBe(0);
  });

  test("preparedModel names what it swapped, and falls back to what applies", () => {
    const d = ensureModel("tiny-q4");
    const both = preparedModel(modelFile(d), "int8", true, undefined, true, true);
    expect(preparedOps(both)).toEqual({ attention: true, matmul: true });
    expect(preparedOps(preparedModel(modelFile(d), "int8", true, undefined, false, true))).toEqual({ attention: false, matmul: true });
    expect(preparedOps(modelFile(d))).toEqual({ attention: false, matmul: false });
    // fp32 compute asked: MLAS's kernels, not typofix's int8 ones
    expect(preparedOps(preparedModel(modelFile(d), "fp32", true, undefined, false, true))).toEqual({ attention: false, matmul: false });
    // the q4f16 graph's attention is float16 between Casts (not swapped); its MatMulNBits nodes still are
    const f16 = ensureModel("tiny-q4f16");
    const p = preparedModel(modelFile(f16), "int8", true, undefined, true, true);
    expect(preparedOps(p)).toEqual({ attention: false, matmul: true });
    // and again from the stamp the first call left
    expect(preparedModel(modelFile(f16), "int8", true, undefined, true, true)).toBe(p);
  });

  test.skipIf(!!noLib)(`the engine runs typofix's matmul when asked (by default with AMX) and onnxruntime's when told or when the library is missing${noLib ? ` (${noLib})` : ""}`, async () => {
    const d = ensureModel("tiny-q4");
    const prompt = Array.from({ length: 150 }, (_, i) => (i * 37) % 500);
    const dflt = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi" });
    expect(dflt.runner.matmul).toBe(AUTO_MATMUL_ISAS.includes(lib!.matmulIsa!) ? "typofix" : "onnxruntime");
    await dflt.dispose();
    const tf = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi", matmul: "typofix", attention: "onnxruntime" });
    expect(tf.runner.matmul).toBe("typofix");
    expect(tf.runner.attention).toBe("onnxruntime");
    const a = await generate(tf, prompt, { maxNewTokens: 8, stopIds: [] });
    await tf.dispose();
    const o = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi", matmul: "onnxruntime", attention: "onnxruntime" });
    expect(o.runner.matmul).toBe("onnxruntime");
    const b = await generate(o, prompt, { maxNewTokens: 8, stopIds: [] });
    await o.dispose();
    // the tiny fixture's logits are far apart: the two kernels give the same greedy tokens
    expect(a.tokens).toEqual(b.tokens);
    // the library missing, or a file that is not one: onnxruntime's kernels, as before
    const saved = process.env.TYPOFIX_ATTENTION_LIBRARY;
    const broken = join(dir, "broken-library.so");
    writeFileSync(broken, "not a shared library");
    try {
      for (const path of [join(dir, "no-such-library.so"), broken]) {
        process.env.TYPOFIX_ATTENTION_LIBRARY = path;
        resetAttentionProbe();
        expect(attentionLibrary()).toBeNull();
        const m = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi", matmul: "typofix" });
        expect(m.runner.matmul).toBe("onnxruntime");
        expect((await generate(m, prompt, { maxNewTokens: 8, stopIds: [] })).tokens.length).toBe(a.tokens.length);
        await m.dispose();
      }
    } finally {
      if (saved === undefined) delete process.env.TYPOFIX_ATTENTION_LIBRARY;
      else process.env.TYPOFIX_ATTENTION_LIBRARY = saved;
      resetAttentionProbe();
    }
  }, 60_000);
});
