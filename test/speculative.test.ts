import { beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import * as ort from "onnxruntime-node";
import { ensureModel } from "../scripts/fixtures.ts";
import { OnnxStepModel, modelFile, readModelConfig } from "../src/engines/onnx/index.ts";
import { CopyDrafter } from "../src/llm/draft.ts";
import { generate, type GenerateOptions, type StepModel } from "../src/llm/generate.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { promptFormat } from "../src/llm/prompts.ts";
import { SENTENCES } from "../src/bench/measure.ts";
import { LlmEngine, draftTokensFromEnv } from "../src/llm/engine.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AneLibrary } from "../src/engines/ane/ffi.ts";
import { AneStepModel } from "../src/engines/ane/index.ts";
import { named, noCc } from "./support/skip.ts";
import { buildFakeAne } from "./support/fake-ane.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

/**
 * A scripted model: the next token is a function of the whole sequence, so a wrong cache (tokens not
 * dropped, fed twice, positions off) changes its answers. It keeps the sequence as the cache and
 * refuses to go past its context.
 */
class ScriptedModel implements StepModel {
  seq: number[] = [];
  passes = 0;
  constructor(
    readonly contextLength: number,
    private next: (seq: readonly number[]) => number,
  ) {}
  reset() {
    this.seq = [];
  }
  private feed(ids: readonly number[], keep: number): number[] {
    if (this.seq.length + ids.length > this.contextLength) throw new Error("past the context");
    this.passes++;
    const out: number[] = [];
    for (const [i, id] of ids.entries()) {
      this.seq.push(id);
      if (i >= ids.length - keep) out.push(this.next(this.seq));
    }
    return out;
  }
  async prefill(ids: readonly number[]) {
    return this.feed(ids, 1)[0]!;
  }
  async decode(id: number) {
    return this.feed([id], 1)[0]!;
  }
  async forward(ids: readonly number[], keep: number) {
    return this.feed(ids, keep);
  }
  truncate(length: number) {
    if (length > this.seq.length) throw new Error("truncate past the end");
    this.seq.length = length;
  }
}

/** Plain greedy decoding of the same model (no forward/truncate: the driver cannot speculate). */
const plain = (m: ScriptedModel): StepModel => ({ contextLength: m.contextLength, reset: () => m.reset(), prefill: (x) => m.prefill(x), decode: (x) => m.decode(x) });

const hashNext = (vocab: number) => (seq: readonly number[]) => {
  let h = 2166136261;
  for (const t of seq) h = Math.imul(h ^ t, 16777619);
  return (h >>> 0) % vocab;
};

describe("copy-speculative decoding equals greedy decoding", () => {
  test("property: scripted models, any drafts, budgets, contexts and stop tokens", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          vocab: fc.integer({ min: 2, max: 12 }),
          prompt: fc.array(fc.integer({ min: 0, max: 11 }), { minLength: 1, maxLength: 12 }),
          source: fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 30 }),
          k: fc.integer({ min: 1, max: 10 }),
          maxNewTokens: fc.integer({ min: 1, max: 40 }),
          slack: fc.integer({ min: 1, max: 50 }),
          stop: fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 2 }),
          copy: fc.boolean(),
        }),
        async (r) => {
          const contextLength = r.prompt.length + r.slack;
          let next = hashNext(r.vocab);
          if (r.copy) {
            // a model that mostly copies the source, as a typo fixer does, so long drafts are accepted
            const noise = next;
            next = (seq) => (noise(seq) % 5 === 0 ? noise(seq) : (r.source[seq.length - r.prompt.length] ?? noise(seq)));
          }
          const a = new ScriptedModel(contextLength, next);
          const b = new ScriptedModel(contextLength, next);
          const opts: GenerateOptions = { maxNewTokens: r.maxNewTokens, stopIds: r.stop };
          const want = await generate(plain(a), r.prompt, opts);
          const got = await generate(b, r.prompt, { ...opts, draft: { drafter: new CopyDrafter(r.source), k: r.k } });
          expect(got.tokens).toEqual(want.tokens);
          expect(got.stoppedBy).toBe(want.stoppedBy);
          expect(got.passes).toBeLessThanOrEqual(want.passes);
          expect(b.passes).toBe(got.passes);
        },
      ),
      { numRuns: 400 },
    );
  });

  test("the drafter copies on after a rewritten word", () => {
    // source: A B C x D E F; output A B C y … → after y, the drafter resumes at D
    const d = new CopyDrafter([1, 2, 3, 9, 4, 5, 6]);
    expect(d.draft([], 3)).toEqual([1, 2, 3]);
    expect(d.draft([1, 2, 3, 7], 3)).toEqual([4, 5, 6]);
    // a word rewritten into two tokens: the next input word is not yet due, a wrong guess costs a pass
    expect(d.draft([1, 2, 3, 7, 4, 5], 2)).toEqual([6]);
  });
});

const CORRECT = ["The quick brown fox jumps over the lazy dog", "I went to the store to buy some milk", "This is a test sentence with typos"];

describe("forward passes per output token on the seed's sentences", () => {
  let tok: ModelTokenizer;
  beforeAll(() => {
    tok = new ModelTokenizer(ensureModel("tiny"));
  });

  test("a scripted model that answers the correct sentence: ≤ 0.4 passes a token, same tokens as greedy", async () => {
    let passes = 0;
    let tokens = 0;
    const rows: string[] = [];
    for (const [i, text] of SENTENCES.entries()) {
      const prompt = tok.prompt(promptFormat("chat"), text);
      const answer = [...tok.encode(CORRECT[i]!), tok.stopIds[0]!];
      // answers the correct sentence while the sequence follows it; anything else gets a wrong token
      const m = new ScriptedModel(512, (seq) => {
        const out = seq.slice(prompt.length);
        return out.every((t, j) => t === answer[j]) ? answer[out.length] ?? 0 : 0;
      });
      const opts = { maxNewTokens: 40, stopIds: tok.stopIds };
      const drafter = new CopyDrafter([...tok.encode(text), tok.stopIds[0]!], (id) => tok.startsWord(id));
      const g = await generate(m, prompt, { ...opts, draft: { drafter, k: 8 } });
      const want = await generate(plain(new ScriptedModel(512, m["next"])), prompt, opts);
      expect(g.tokens).toEqual(want.tokens);
      expect(tok.decode(g.tokens)).toBe(CORRECT[i]!);
      passes += g.passes;
      tokens += g.tokens.length + 1; // the stop token is an output of the model too
      rows.push(`${g.passes} passes / ${g.tokens.length + 1} tokens: ${CORRECT[i]}`);
    }
    console.log(`copy-speculative decoding, k=8: ${passes} passes for ${tokens} tokens = ${(passes / tokens).toFixed(3)} a token (plain greedy: 1)\n  ${rows.join("\n  ")}`);
    expect(passes / tokens).toBeLessThanOrEqual(0.4);
  });
});

describe("in the LLM engine", () => {
  test("fix() gives the same answer with and without drafts, in fewer passes; TYPOFIX_DRAFT_TOKENS", async () => {
    const tok = new ModelTokenizer(ensureModel("tiny"));
    const text = "I went too the stor to buy som milk";
    const answer = [...tok.encode("I went to the store to buy some milk"), tok.stopIds[0]!];
    const make = () => {
      let start = -1;
      const m = new ScriptedModel(512, (seq) => {
        const out = seq.slice(start);
        return out.every((t, j) => t === answer[j]) ? answer[out.length] ?? 0 : 0;
      });
      const prefill = m.prefill.bind(m);
      const forward = m.forward.bind(m);
      // the answer starts after the prompt, whichever way the prompt comes in
      m.prefill = (ids) => ((start = ids.length), prefill(ids));
      m.forward = (ids, keep) => {
        if (m.seq.length === 0) start = ids.length - keep + 1; // the prompt and its drafts in one pass
        return forward(ids, keep);
      };
      return m;
    };
    const results = [];
    for (const draftTokens of [0, 8]) {
      const m = make();
      const engine = new LlmEngine({ name: "scripted", model: m, tokenizer: tok, format: promptFormat("chat"), noGuard: true, draftTokens });
      const r = await engine.fix(text);
      results.push({ output: r.output, passes: m.passes });
    }
    expect(results[0]!.output).toBe("I went to the store to buy some milk");
    expect(results[1]!.output).toBe(results[0]!.output);
    expect(results[1]!.passes).toBeLessThan(results[0]!.passes / 2);
    expect(draftTokensFromEnv({})).toBe(8);
    expect(draftTokensFromEnv({ TYPOFIX_DRAFT_TOKENS: "0" })).toBe(0);
    expect(() => draftTokensFromEnv({ TYPOFIX_DRAFT_TOKENS: "-1" })).toThrow(/TYPOFIX_DRAFT_TOKENS="-1"/);
  }, 60_000);
});

describe("with the ONNX fixtures", () => {
  // tiny-f16: a float16 cache (chained) and float16 logits cut to the drafted positions by num_logits_to_keep
  for (const preset of ["tiny", "tiny-q4", "tiny-f16"]) {
    test(`${preset}: speculative tokens equal greedy tokens, whatever the drafts`, async () => {
      const dir = ensureModel(preset);
      const model = await OnnxStepModel.load(ort, modelFile(dir), readModelConfig(dir));
      expect(model.cacheMode).toBe(preset === "tiny-q4" ? "shared" : "chained");
      const tok = new ModelTokenizer(dir);
      for (const text of SENTENCES) {
        const prompt = tok.prompt(promptFormat("chat"), text);
        const opts = { maxNewTokens: 16, stopIds: [] };
        const want = await generate(model, prompt, opts);
        // drafts from the input (mostly rejected by a random model), and drafts of the answer itself
        // (all accepted): both must give greedy's tokens, the second in far fewer passes
        const fromInput = await generate(model, prompt, { ...opts, draft: { drafter: new CopyDrafter(tok.encode(text)), k: 5 } });
        expect(fromInput.tokens).toEqual(want.tokens);
        const fromAnswer = await generate(model, prompt, { ...opts, draft: { drafter: new CopyDrafter(want.tokens), k: 6 } });
        expect(fromAnswer.tokens).toEqual(want.tokens);
        expect(fromAnswer.passes).toBeLessThanOrEqual(4);
        // a half-right answer: drafts accepted up to a point, then the cache is cut back
        const half = [...want.tokens.slice(0, 5), 7, 7, 7, ...want.tokens.slice(5)];
        const mixed = await generate(model, prompt, { ...opts, draft: { drafter: new CopyDrafter(half), k: 8 } });
        expect(mixed.tokens).toEqual(want.tokens);
      }
      await model.dispose();
    }, 120_000);
  }
});

/**
 * The ane engine's model (AneStepModel over the C ABI) through the library's C test double
 * (test/ane/fake_ane.c): its answers follow a script while the sequence does, so drafts that match
 * advance and a wrong one gets a wrong answer after it; it counts the calls it gets.
 */
describe.skipIf(Boolean(noCc))(named("the ane engine's model through the C double of its library", noCc), () => {
  let lib: string;
  let work: string;
  beforeAll(() => {
    work = scratch("typofix-spec-ane-");
    lib = buildFakeAne(work);
  });
  const open = (conf: string) => {
    const d = mkdtempSync(join(work, "model-"));
    writeFileSync(join(d, "fake.conf"), conf);
    const m = new AneStepModel(AneLibrary.open(lib).openModel(d));
    const calls = () => m.handle.info().calls as { prefill: number; decode: number; forward: number; truncate: number };
    return { m, calls };
  };
  const plainAne = (m: AneStepModel): StepModel => ({ contextLength: m.contextLength, reset: () => m.reset(), prefill: (x) => m.prefill(x), decode: (x) => m.decode(x) });

  test("property: speculative tokens equal greedy tokens, whatever the script, drafts, budget, context and stop tokens", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          script: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 30 }),
          prompt: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 12 }),
          noise: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 30 }),
          mix: fc.integer({ min: 0, max: 2 }),
          k: fc.integer({ min: 1, max: 10 }),
          maxNewTokens: fc.integer({ min: 1, max: 40 }),
          slack: fc.integer({ min: 2, max: 50 }),
          stop: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 2 }),
          miss: fc.integer({ min: 0, max: 9 }),
        }),
        async (r) => {
          const contextLength = r.prompt.length + r.slack;
          const { m, calls } = open(`context=${contextLength}\nreplay=${r.script.join(" ")}\nmiss=${r.miss}\n`);
          // drafts: the script itself (accepted), noise (rejected), or the script with noise spliced in
          const source = r.mix === 0 ? r.script : r.mix === 1 ? r.noise : [...r.script.slice(0, 4), ...r.noise.slice(0, 3), ...r.script.slice(4)];
          const opts: GenerateOptions = { maxNewTokens: r.maxNewTokens, stopIds: [...r.stop, 151645] };
          const want = await generate(plainAne(m), r.prompt, opts);
          const before = calls();
          const got = await generate(m, r.prompt, { ...opts, draft: { drafter: new CopyDrafter(source), k: r.k } });
          const after = calls();
          expect(got.tokens).toEqual(want.tokens);
          expect(got.stoppedBy).toBe(want.stoppedBy);
          expect(got.passes).toBeLessThanOrEqual(want.passes);
          // every pass is one call of the library; plain decoding made prefill + decode calls
          expect(after.forward + after.decode - before.forward - before.decode).toBe(got.passes);
          expect(before.prefill + before.decode).toBe(want.passes);
          m.handle.close();
        },
      ),
      { numRuns: 200 },
    );
  });

  test("a script that answers the correct sentence: ≤ 0.4 library calls an output token, same tokens as greedy", async () => {
    const tok = new ModelTokenizer(ensureModel("tiny"));
    let passes = 0;
    let tokens = 0;
    const rows: string[] = [];
    for (const [i, text] of SENTENCES.entries()) {
      const prompt = tok.prompt(promptFormat("chat"), text);
      // the double answers the script, then 151645 (<|im_end|>, the tokenizer's first stop token)
      expect(tok.stopIds[0]).toBe(151645);
      const { m, calls } = open(`context=512\nreplay=${tok.encode(CORRECT[i]!).join(" ")}\n`);
      const opts = { maxNewTokens: 40, stopIds: tok.stopIds };
      const drafter = new CopyDrafter([...tok.encode(text), tok.stopIds[0]!], (id) => tok.startsWord(id));
      const want = await generate(plainAne(m), prompt, opts);
      const before = calls();
      const g = await generate(m, prompt, { ...opts, draft: { drafter, k: 8 } });
      const c = calls();
      expect(g.tokens).toEqual(want.tokens);
      expect(tok.decode(g.tokens)).toBe(CORRECT[i]!);
      const made = c.forward + c.decode - before.forward - before.decode;
      expect(made).toBe(g.passes);
      passes += made;
      tokens += g.tokens.length + 1; // the stop token is an output of the model too
      rows.push(`${made} calls / ${g.tokens.length + 1} tokens: ${CORRECT[i]}`);
      m.handle.close();
    }
    console.log(`ane (C double), copy-speculative decoding, k=8: ${passes} library calls for ${tokens} tokens = ${(passes / tokens).toFixed(3)} a token (plain greedy: 1)\n  ${rows.join("\n  ")}`);
    expect(passes / tokens).toBeLessThanOrEqual(0.4);
  });
});
