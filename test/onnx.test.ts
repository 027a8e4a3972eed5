import { beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ensureModel } from "../scripts/fixtures.ts";
import { TINY } from "../scripts/onnx/qwen3.ts";
import { Qwen3Reference } from "./support/qwen3-reference.ts";
import { OnnxStepModel, createOnnxEngine, readModelConfig, modelFile } from "../src/engines/onnx/index.ts";
import { generate, type StepModel } from "../src/llm/generate.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { promptFormat } from "../src/llm/prompts.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { segments } from "../src/text/lines.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

let dir: string;
let model: OnnxStepModel;
let ref: Qwen3Reference;
let tok: ModelTokenizer;

beforeAll(async () => {
  dir = ensureModel("tiny");
  model = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir));
  ref = new Qwen3Reference(TINY, 1);
  tok = new ModelTokenizer(dir);
});

describe("tiny Qwen3 in ONNX", () => {
  test("the fixture has the Hugging Face layout", () => {
    const c = readModelConfig(dir);
    expect(c.model_type).toBe("qwen3");
    expect(c.vocab_size).toBe(151936);
    expect(tok.vocabSize).toBeLessThanOrEqual(c.vocab_size);
    expect(tok.stopIds).toEqual([151645, 151643]);
  });
  test("greedy tokens equal an independent TypeScript forward pass (3 prompts × 12 tokens)", async () => {
    for (const text of ["Thi sis a tset", "I went too the stor", "Correct the typos in this text: teh cat"]) {
      const prompt = tok.prompt(promptFormat("chat"), text);
      const g = await generate(model, prompt, { maxNewTokens: 12, stopIds: [] });
      expect(g.tokens).toEqual(ref.greedy(prompt, 12));
    }
  });
  test("decoding with the KV cache equals decoding without it", async () => {
    const prompt = tok.encode("Fix: the quikc brown fox\n");
    const g = await generate(model, prompt, { maxNewTokens: 10, stopIds: [] });
    const seq = [...prompt];
    for (const t of g.tokens) {
      expect(await model.logitsArgmaxNoCache(seq)).toBe(t);
      seq.push(t);
    }
  });
  test("stop tokens and max-new-tokens end generation", async () => {
    const prompt = tok.encode("hello there");
    const free = await generate(model, prompt, { maxNewTokens: 8, stopIds: [] });
    expect(free.tokens).toHaveLength(8);
    expect(free.stoppedBy).toBe("max_tokens");
    const stop = free.tokens[3]!;
    const first = free.tokens.indexOf(stop);
    const stopped = await generate(model, prompt, { maxNewTokens: 8, stopIds: [stop] });
    expect(stopped.stoppedBy).toBe("stop");
    expect(stopped.tokens).toEqual(free.tokens.slice(0, first));
  });
  test("the context cap is never exceeded", async () => {
    const calls: number[] = [];
    const fake: StepModel = {
      contextLength: 10,
      reset() {},
      async prefill(ids) {
        calls.push(ids.length);
        return 5;
      },
      async decode() {
        calls.push(1);
        return 5;
      },
    };
    const g = await generate(fake, [1, 2, 3, 4, 5, 6], { maxNewTokens: 100, stopIds: [] });
    expect(g.stoppedBy).toBe("context");
    expect(6 + g.tokens.length).toBeLessThanOrEqual(10);
    await expect(generate(fake, new Array(10).fill(1), { maxNewTokens: 5, stopIds: [] })).rejects.toThrow(/does not fit/);
  });
});

describe("the onnx engine", () => {
  test("long input is segmented and reassembled exactly; the guard keeps the random model's noise out", async () => {
    const engine = await createOnnxEngine({ dir, maxSegmentChars: 40 });
    const text = "Teh first sentence is here.  The second one has a tset!\tAnd a third, with teh end";
    const r = await engine.fix(text);
    // a random-weight model writes nonsense: every proposal is refused, the lexicon fixes each segment
    const lex = LexiconEngine.shared();
    let expected = "";
    for (const seg of segments(text, 400)) expected += seg.replace(seg.trim(), lex.fixSync(seg.trim()).output);
    expect(r.output.length).toBeGreaterThan(0);
    let rebuilt = "";
    let pos = 0;
    for (const e of r.edits) {
      expect(text.slice(e.start, e.end)).toBe(e.from);
      rebuilt += text.slice(pos, e.start) + e.to;
      pos = e.end;
    }
    expect(rebuilt + text.slice(pos)).toBe(r.output);
    expect(r.output).toBe(expected);
    await engine.dispose();
  });
  test("bad model folders give clear errors", async () => {
    const bad = scratch("typofix-badmodel-");
    cpSync(dir, bad, { recursive: true });
    writeFileSync(join(bad, "onnx/model.onnx"), "this is not a model");
    await expect(createOnnxEngine({ dir: bad })).rejects.toThrow(/cannot be loaded|truncated/);
    const other = scratch("typofix-llama-");
    cpSync(dir, other, { recursive: true });
    const cfg = JSON.parse(readFileSync(join(other, "config.json"), "utf8"));
    writeFileSync(join(other, "config.json"), JSON.stringify({ ...cfg, model_type: "llama" }));
    await expect(createOnnxEngine({ dir: other })).rejects.toThrow(/model_type "llama" is not supported/);
    writeFileSync(join(other, "config.json"), JSON.stringify({ ...cfg, vocab_size: 1000 }));
    await expect(createOnnxEngine({ dir: other })).rejects.toThrow(/tokenizer has \d+ tokens but the model only 1000/);
    await expect(createOnnxEngine({ dir: join(bad, "nope") })).rejects.toThrow(/not a model folder/);
  });
});

describe("the CLI with an onnx model folder", () => {
  test("--model FOLDER streams lines through one loaded model; --json reports rejected edits", async () => {
    const CLI = join(import.meta.dir, "../src/cli.ts");
    const p = Bun.spawn([process.execPath, CLI, "--model", dir, "--json"], { stdin: new TextEncoder().encode("Thi sis a tset\nteh end\n"), stdout: "pipe", stderr: "pipe" });
    const [out, , code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect(code).toBe(0);
    const rows = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    expect(rows[0].engine).toBe("onnx:tiny-qwen3");
    // the random-weight model's answer is refused by the guard; the lexicon's fixes come through
    expect(rows[0].output).toBe("This is a test");
    expect(rows[0].rejected.length).toBeGreaterThan(0);
    expect(rows[1].output).toBe("the end");
  });
});

describe("fallbacks and the full-size model", () => {
  test("--engine auto with a broken installed model falls back to the lexicon and still corrects", async () => {
    const { importModel } = await import("../src/models/index.ts");
    const home = scratch("typofix-auto-");
    const bad = scratch("typofix-broken-");
    cpSync(dir, bad, { recursive: true });
    writeFileSync(join(bad, "onnx/model.onnx"), new Uint8Array(1000).fill(7));
    await importModel(bad, "broken", { env: { ...process.env, TYPOFIX_HOME: home } });
    const CLI = join(import.meta.dir, "../src/cli.ts");
    const p = Bun.spawn([process.execPath, CLI, "Thi sis a tset"], { stdout: "pipe", stderr: "pipe", env: { ...process.env, TYPOFIX_HOME: home } });
    const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect(out).toBe("This is a test\n");
    expect(err).toContain("using lexicon");
    expect(err).toContain("cannot be loaded");
  });
});
