import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ensureModel } from "../scripts/fixtures.ts";
import { SENTENCES } from "../src/bench/measure.ts";
import { capi, capiUnavailable, CapiSession, ortLibraryPath } from "../src/engines/onnx/capi.ts";
import { OnnxStepModel, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { sessionSettingsFromEnv, setAutoBackend } from "../src/engines/onnx/options.ts";
import { CopyDrafter } from "../src/llm/draft.ts";
import { generate } from "../src/llm/generate.ts";
import { promptFormat } from "../src/llm/prompts.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { named } from "./support/skip.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

const noCapi = capi() ? null : `onnxruntime's C API is not usable here (${capiUnavailable()})`;

/** Greedy and speculative tokens of every seed sentence, through one backend. */
async function tokensOf(preset: string, backend: "capi" | "node", settings: { prefillChunk?: number } = {}) {
  const dir = ensureModel(preset);
  const model = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), { backend, ...settings });
  expect(model.runner.backend).toBe(backend);
  const tok = new ModelTokenizer(dir);
  const out: number[][] = [];
  for (const text of SENTENCES) {
    const prompt = tok.prompt(promptFormat("chat"), text);
    const opts = { maxNewTokens: 12, stopIds: [] };
    const greedy = await generate(model, prompt, opts);
    // drafts half right: accepted up to a point, then the cache is cut back
    const half = [...greedy.tokens.slice(0, 4), 7, 7, ...greedy.tokens.slice(4)];
    const spec = await generate(model, prompt, { ...opts, draft: { drafter: new CopyDrafter(half), k: 6 } });
    expect(spec.tokens).toEqual(greedy.tokens);
    out.push(greedy.tokens);
  }
  return { out, model };
}

describe("onnxruntime's C API path (bun:ffi)", () => {
  for (const preset of ["tiny", "tiny-q4", "tiny-f16", "tiny-q4f16"])
    test.skipIf(Boolean(noCapi))(named(`${preset}: the same greedy and speculative tokens as onnxruntime-node`, noCapi), async () => {
      const node = await tokensOf(preset, "node");
      const viaC = await tokensOf(preset, "capi");
      expect(viaC.out).toEqual(node.out);
      expect(viaC.model.cacheMode).toBe(node.model.cacheMode);
      for (const m of [node.model, viaC.model]) await m.dispose();
      if (preset !== "tiny-q4" && preset !== "tiny-q4f16") return;
      // prefill in small chunks (the shared cache grows between them): the same tokens again
      const chunked = await tokensOf(preset, "capi", { prefillChunk: 5 });
      expect(chunked.out).toEqual(node.out);
      await chunked.model.dispose();
    }, 120_000);

  for (const preset of ["tiny-q4", "tiny-q4f16"])
  test.skipIf(Boolean(noCapi))(named(`${preset}: the shared KV cache is written in place: onnxruntime allocates only the logits, never a present.* copy`, noCapi), async () => {
    const dir = ensureModel(preset);
    const model = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), { backend: "capi" });
    expect(model.cacheMode).toBe("shared");
    const session = (model.runner as unknown as { session: CapiSession }).session;
    const prompt = Array.from({ length: 20 }, (_, i) => 100 + i);
    let t = await model.prefill(prompt);
    for (let i = 0; i < 5; i++) t = await model.decode(t);
    expect(model.length).toBe(25);
    // 6 runs, each handing back one onnxruntime-allocated output: the logits; the cache outputs were bound
    expect(session.counts.runs).toBe(6);
    expect([...session.counts.allocatedOutputs]).toEqual([["logits", 6]]);
    // and the bound buffers are our own arrays, holding the 25 positions written by onnxruntime
    const bufs = (model as unknown as { cache: { bufs: ort.Tensor[] } }).cache.bufs;
    const [, heads, cap, d] = bufs[0]!.dims as number[];
    // a float16 cache (q4f16, or typofix's attention op where its library is built) is held as its bit patterns
    expect(bufs[0]!.type).toBe(preset === "tiny-q4f16" || model.runner.attention === "typofix" ? "float16" : "float32");
    const data = bufs[0]!.data as Float32Array | Uint16Array;
    const used = (pos: number) => data.subarray(pos * d!, (pos + 1) * d!).some((x) => x !== 0);
    expect(used(0) && used(24)).toBe(true);
    expect(used(25)).toBe(false);
    expect(heads! * cap! * d!).toBe(data.length);
    await model.dispose();
  }, 60_000);

  test.skipIf(Boolean(noCapi))(named("tiny-q4f16: the float16 cache shared in place gives the tokens the same graph gives with a chained float16 cache", noCapi), async () => {
    const dir = ensureModel("tiny-q4f16");
    const tok = new ModelTokenizer(dir);
    const out: Record<string, number[][]> = {};
    for (const form of ["shared", "chained"] as const) {
      const model = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), { backend: "capi", sharedCache: form === "shared" });
      expect(model.cacheMode).toBe(form);
      out[form] = [];
      for (const text of SENTENCES) out[form]!.push((await generate(model, tok.prompt(promptFormat("chat"), text), { maxNewTokens: 12, stopIds: [] })).tokens);
      await model.dispose();
    }
    expect(out.shared).toEqual(out.chained!);
  }, 60_000);

  test.skipIf(Boolean(noCapi))(named("a chained cache feeds the previous run's outputs back without copying them into JavaScript", noCapi), async () => {
    const dir = ensureModel("tiny");
    const model = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), { backend: "capi" });
    expect(model.cacheMode).toBe("chained");
    const session = (model.runner as unknown as { session: CapiSession }).session;
    let t = await model.prefill([5, 6, 7, 8]);
    t = await model.decode(t);
    // the present.* outputs stay in onnxruntime's memory (views), valid while the next run reads them
    const past = (model as unknown as { cache: { past: ort.Tensor[] } }).cache.past;
    expect(past[0]!.dims[2]).toBe(5);
    expect(session.counts.allocatedOutputs.get("present.0.key")).toBe(2);
    await model.dispose();
  }, 60_000);

  test.skipIf(Boolean(noCapi))(named("settings.profile: onnxruntime's per-node profile (complete once the session closes)", noCapi), async () => {
    const dir = ensureModel("tiny-q4");
    const out = scratch("typofix-profile-");
    expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_PROFILE: join(out, "p") }).profile).toBe(join(out, "p"));
    const model = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), { backend: "capi", profile: join(out, "p") });
    await model.decode(await model.prefill([5, 6, 7]));
    await model.dispose();
    const files = readdirSync(out);
    expect(files.length).toBe(1);
    const events = JSON.parse(readFileSync(join(out, files[0]!), "utf8")) as Array<{ cat: string; name: string; args?: { op_name?: string } }>;
    expect(events.filter((e) => e.cat === "Session" && e.name === "model_run").length).toBe(2);
    expect(events.some((e) => e.cat === "Node" && e.args?.op_name === "GroupQueryAttention")).toBe(true);
  }, 60_000);

  test.skipIf(Boolean(noCapi))(named("a file onnxruntime cannot read is refused with its message", noCapi), () => {
    const bad = join(scratch("typofix-capi-"), "model.onnx");
    writeFileSync(bad, "not a model at all, but long enough to pass the size check".repeat(4));
    expect(() => new CapiSession(capi()!, bad)).toThrow(/protobuf|parse|model/i);
  });

  test("settings: TYPOFIX_ONNX_BACKEND, and where the library is looked for", () => {
    expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_BACKEND: "node" }).backend).toBe("node");
    expect(sessionSettingsFromEnv({ TYPOFIX_ONNX_BACKEND: "capi" }).backend).toBe("capi");
    expect(() => sessionSettingsFromEnv({ TYPOFIX_ONNX_BACKEND: "gpu" })).toThrow(/TYPOFIX_ONNX_BACKEND="gpu": expected capi, node or auto/);
    const saved = process.env.TYPOFIX_ORT_LIBRARY;
    try {
      process.env.TYPOFIX_ORT_LIBRARY = "/nonexistent/libonnxruntime.so.1";
      expect(ortLibraryPath()).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.TYPOFIX_ORT_LIBRARY;
      else process.env.TYPOFIX_ORT_LIBRARY = saved;
    }
    if (process.platform === "linux" && (process.arch === "x64" || process.arch === "arm64")) expect(ortLibraryPath()).toEndWith("libonnxruntime.so.1");
  });

  test.skipIf(Boolean(noCapi))(named("auto is the C API, unless the process asked for onnxruntime-node (typofix serve and lsp: their event loops must stay free)", noCapi), async () => {
    const dir = ensureModel("tiny-q4");
    setAutoBackend("capi");
    const auto = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), {});
    expect(auto.runner.backend).toBe("capi");
    await auto.dispose();
    setAutoBackend("node");
    try {
      const served = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), {});
      expect(served.runner.backend).toBe("node");
      await served.dispose();
      const explicit = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), { backend: "capi" });
      expect(explicit.runner.backend).toBe("capi");
      await explicit.dispose();
    } finally {
      setAutoBackend("capi");
    }
  });

  test("the node backend can still be chosen, and says so", async () => {
    const dir = ensureModel("tiny-q4");
    const model = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir), { backend: "node" });
    expect(model.runner.backend).toBe("node");
    expect(model.cacheMode).toBe("shared");
    await model.dispose();
  });
});
