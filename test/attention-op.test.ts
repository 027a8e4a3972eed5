/**
 * typofix's attention op (native/, registered with onnxruntime through the C API) against onnxruntime's
 * com.microsoft GroupQueryAttention on the same random inputs: one node of Qwen3-0.6B's shape (16 query
 * heads, 8 kv heads, head size 128) and a small one (4 heads over 2, head size 16, the generic path for
 * short heads), for decode (one token), a speculative verification pass (a few tokens) and prefill
 * chunks, each with and without a past, the cache shared between past and present as the engine binds
 * it. onnxruntime's node keeps a float32 cache; typofix's rounds keys and values to float16 as it
 * stores them (relative error at most 2^-11), so outputs agree to ~1e-3 of their scale, not exactly.
 * Then the rewrite: the q4 graph's GroupQueryAttention nodes become typofix's, with a float16 cache,
 * the q4f16 graph's (float16 between Casts) are left alone, and an engine without the library (or told
 * to use onnxruntime's) runs onnxruntime's kernel.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ensureModel } from "../scripts/fixtures.ts";
import { capi, CapiSession } from "../src/engines/onnx/capi.ts";
import { AUTO_ISAS, attentionLibrary, attentionUnavailable, resetAttentionProbe } from "../src/engines/onnx/attention.ts";
import { OnnxStepModel, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { sessionSettingsFromEnv } from "../src/engines/onnx/options.ts";
import { DataType, encodeModel } from "../src/engines/onnx/proto.ts";
import { attentionSummary, concat, rewriteModel } from "../src/engines/onnx/rewrite.ts";
import { generate } from "../src/llm/generate.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

const api = capi();
const lib = attentionLibrary();
const noLib = !api ? "onnxruntime's C API is not usable here" : !lib ? `${attentionUnavailable()}; test skipped` : null;

const dir = scratch("typofix-attn-");

/** One attention node: onnxruntime's (float32 cache) or typofix's (float16 cache). */
function nodeModel(kind: "ort" | "typofix", nh: number, nkv: number, hd: number): string {
  const file = join(dir, `${kind}-${nh}-${nkv}-${hd}.onnx`);
  const c = kind === "ort" ? DataType.FLOAT : DataType.FLOAT16;
  writeFileSync(
    file,
    encodeModel({
      name: "attn",
      nodes: [
        {
          op: "GroupQueryAttention",
          domain: kind === "ort" ? "com.microsoft" : "ai.typofix",
          inputs: ["q", "k", "v", "past_key", "past_value", "seqlens_k", "total_sequence_length"],
          outputs: ["out", "present_key", "present_value"],
          attrs: [{ name: "num_heads", i: nh }, { name: "kv_num_heads", i: nkv }, { name: "scale", f: 1 / Math.sqrt(hd) }],
        },
      ],
      initializers: [],
      inputs: [
        { name: "q", elemType: DataType.FLOAT, shape: [1, "s", nh * hd] },
        { name: "k", elemType: DataType.FLOAT, shape: [1, "s", nkv * hd] },
        { name: "v", elemType: DataType.FLOAT, shape: [1, "s", nkv * hd] },
        { name: "past_key", elemType: c, shape: [1, nkv, "cap", hd] },
        { name: "past_value", elemType: c, shape: [1, nkv, "cap", hd] },
        { name: "seqlens_k", elemType: DataType.INT32, shape: [1] },
        { name: "total_sequence_length", elemType: DataType.INT32, shape: [] },
      ],
      outputs: [
        { name: "out", elemType: DataType.FLOAT, shape: [1, "s", nh * hd] },
        { name: "present_key", elemType: c, shape: [1, nkv, "cap", hd] },
        { name: "present_value", elemType: c, shape: [1, nkv, "cap", hd] },
      ],
    }, 17),
  );
  return file;
}

// float16 bits of a float32 value, round to nearest even (as F16C's conversion; no infinities or NaN here)
function half(x: number): number {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  const s = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a < 0x33000000) return s;
  if (a < 0x38800000) {
    // a float16 subnormal
    const e = a >>> 23, m = (a & 0x7fffff) | 0x800000, shift = 126 - e;
    let r = m >>> shift;
    const rem = m & ((1 << shift) - 1), h = 1 << (shift - 1);
    if (rem > h || (rem === h && r & 1)) r++;
    return s | r;
  }
  const r = a - 0x38000000;
  let out = r >>> 13;
  const rem = r & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && out & 1)) out++;
  return s | out;
}

let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;

describe.skipIf(!!noLib)(`typofix's attention op against onnxruntime's GroupQueryAttention${noLib ? ` (${noLib})` : ""}`, () => {
  for (const [nh, nkv, hd] of [
    [16, 8, 128],
    [4, 2, 16],
  ] as const)
    for (const [past, S] of [
      [0, 1],
      [37, 1],
      [300, 1],
      [0, 9],
      [150, 9],
      [0, 40],
      [200, 128],
    ] as const)
      test(`${nh} heads over ${nkv}, head size ${hd}: ${S} new token(s) after ${past}`, () => {
        const ortS = new CapiSession(api!, nodeModel("ort", nh, nkv, hd), { threads: 2 });
        const tfS = new CapiSession(api!, nodeModel("typofix", nh, nkv, hd), { threads: 2, customOps: [lib!.path] });
        const cap = past + S + 16;
        // the past as float16 values (so both caches hold the same numbers), keys/values/queries random
        const pastK = new Float32Array(nkv * cap * hd);
        const pastV = new Float32Array(nkv * cap * hd);
        const bitsK = new Uint16Array(nkv * cap * hd);
        const bitsV = new Uint16Array(nkv * cap * hd);
        for (let h = 0; h < nkv; h++)
          for (let t = 0; t < past; t++)
            for (let d = 0; d < hd; d++) {
              const i = (h * cap + t) * hd + d;
              bitsK[i] = half(rnd());
              bitsV[i] = half(rnd());
            }
        // float16 bits → float32 through onnxruntime-free arithmetic
        const f16 = (b: number) => {
          const e = (b >> 10) & 31, m = b & 1023, v = e ? 2 ** (e - 15) * (1 + m / 1024) : 2 ** -14 * (m / 1024);
          return b & 0x8000 ? -v : v;
        };
        for (let i = 0; i < bitsK.length; i++) (pastK[i] = f16(bitsK[i]!)), (pastV[i] = f16(bitsV[i]!));
        const q = Float32Array.from({ length: S * nh * hd }, () => rnd() * 3);
        const k = Float32Array.from({ length: S * nkv * hd }, rnd);
        const v = Float32Array.from({ length: S * nkv * hd }, rnd);
        const lens = { seqlens_k: { type: "int32" as const, dims: [1], data: Int32Array.of(past + S - 1) }, total_sequence_length: { type: "int32" as const, dims: [], data: Int32Array.of(past + S) } };
        const qkv = { q: { type: "float32" as const, dims: [1, S, nh * hd], data: q }, k: { type: "float32" as const, dims: [1, S, nkv * hd], data: k }, v: { type: "float32" as const, dims: [1, S, nkv * hd], data: v } };
        const kc = { type: "float32" as const, dims: [1, nkv, cap, hd], data: pastK };
        const vc = { type: "float32" as const, dims: [1, nkv, cap, hd], data: pastV };
        const a = ortS.run({ ...qkv, past_key: kc, past_value: vc, ...lens }, { out: null, present_key: kc, present_value: vc }).out!.data as Float32Array;
        const hk = { type: "float16" as const, dims: [1, nkv, cap, hd], data: bitsK };
        const hv = { type: "float16" as const, dims: [1, nkv, cap, hd], data: bitsV };
        const b = tfS.run({ ...qkv, past_key: hk, past_value: hv, ...lens }, { out: null, present_key: hk, present_value: hv }).out!.data as Float32Array;
        let diff = 0;
        let scale = 0;
        for (let i = 0; i < a.length; i++) {
          diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
          scale = Math.max(scale, Math.abs(a[i]!));
        }
        // outputs are averages of values in [-1, 1]: float16 rounding of the new keys and values bounds the difference
        expect(scale).toBeGreaterThan(0.01);
        expect(diff).toBeLessThan(2e-3);
        // the new tokens were written in place, rounded to float16, at rows past..past+S-1
        let wrong = 0;
        for (let h = 0; h < nkv; h++)
          for (let i = 0; i < S; i++)
            for (let d = 0; d < hd; d += 7) {
              if (bitsK[(h * cap + past + i) * hd + d] !== half(k[i * nkv * hd + h * hd + d]!)) wrong++;
              if (bitsV[(h * cap + past + i) * hd + d] !== half(v[i * nkv * hd + h * hd + d]!)) wrong++;
            }
        expect(wrong).toBe(0);
        ortS.close();
        tfS.close();
      }, 60_000);
});

describe("the attention rewrite", () => {
  test("TYPOFIX_ONNX_ATTENTION: auto, typofix or onnxruntime; anything else is an error that lists them", () => {
    for (const v of ["auto", "typofix", "onnxruntime"] as const) expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_ATTENTION: v }).attention).toBe(v);
    expect(sessionSettingsFromEnv({}).attention).toBeUndefined();
    expect(() => sessionSettingsFromEnv({ TYPOFIX_ONNX_ATTENTION: "fast" })).toThrow(/auto, typofix, onnxruntime/);
  });

  test("the q4 graph's GroupQueryAttention nodes become typofix's, with a float16 cache; q4f16's are left", () => {
    const q4 = readFileSync(modelFile(ensureModel("tiny-q4")));
    const before = attentionSummary(q4);
    expect(before.domains.every((d) => d === "com.microsoft")).toBe(true);
    expect(before.cacheTypes.every((t) => t === DataType.FLOAT)).toBe(true);
    const r = rewriteModel(q4, { attention: true });
    expect(r.swapped).toBe(before.domains.length);
    const after = attentionSummary(concat(r.parts!));
    expect(after.domains.every((d) => d === "ai.typofix")).toBe(true);
    expect(after.cacheTypes.every((t) => t === DataType.FLOAT16)).toBe(true);
    expect(after.opsets).toContain("ai.typofix");
    // no rewrite asked: nothing swapped
    expect(rewriteModel(q4, { keepLogits: true }).swapped).toBe(0);
    // the q4f16 graph: GroupQueryAttention in float16 between Casts, its cache float16 already: left to onnxruntime
    const q4f16 = readFileSync(modelFile(ensureModel("tiny-q4f16")));
    expect(rewriteModel(q4f16, { attention: true }).swapped).toBe(0);
  });

  test.skipIf(!!noLib)(`the engine runs typofix's op when asked (by default on AVX-512) and onnxruntime's when told or when the library is missing${noLib ? ` (${noLib})` : ""}`, async () => {
    const d = ensureModel("tiny-q4");
    const dflt = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi" });
    expect(dflt.runner.attention).toBe(AUTO_ISAS.includes(lib!.isa) ? "typofix" : "onnxruntime");
    await dflt.dispose();
    const tf = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi", attention: "typofix" });
    expect(tf.runner.attention).toBe("typofix");
    expect(tf.feeds.cacheType).toBe("float16");
    const prompt = Array.from({ length: 150 }, (_, i) => (i * 37) % 500);
    const a = await generate(tf, prompt, { maxNewTokens: 8, stopIds: [] });
    await tf.dispose();
    // a chained cache (present not bound: onnxruntime allocates it and the op copies the past into it) gives the same tokens
    const chained = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi", attention: "typofix", sharedCache: false });
    expect(chained.runner.attention).toBe("typofix");
    expect(chained.cacheMode).toBe("chained");
    expect((await generate(chained, prompt, { maxNewTokens: 8, stopIds: [] })).tokens).toEqual(a.tokens);
    await chained.dispose();
    const o = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi", attention: "onnxruntime" });
    expect(o.runner.attention).toBe("onnxruntime");
    expect(o.feeds.cacheType).toBe("float32");
    await o.dispose();
    // the library missing, or a file that is not one: onnxruntime's kernel, as before
    const saved = process.env.TYPOFIX_ATTENTION_LIBRARY;
    const broken = join(dir, "broken-library.so");
    writeFileSync(broken, "not a shared library");
    try {
      for (const path of [join(dir, "no-such-library.so"), broken]) {
        process.env.TYPOFIX_ATTENTION_LIBRARY = path;
        resetAttentionProbe();
        expect(attentionLibrary()).toBeNull();
        const m = await OnnxStepModel.load(ort, modelFile(d), readModelConfig(d), { backend: "capi", attention: "typofix" });
        expect(m.runner.attention).toBe("onnxruntime");
        expect(m.feeds.cacheType).toBe("float32");
        const b = await generate(m, prompt, { maxNewTokens: 8, stopIds: [] });
        expect(b.tokens.length).toBe(a.tokens.length);
        await m.dispose();
      }
    } finally {
      if (saved === undefined) delete process.env.TYPOFIX_ATTENTION_LIBRARY;
      else process.env.TYPOFIX_ATTENTION_LIBRARY = saved;
      resetAttentionProbe();
    }
  }, 60_000);
});
