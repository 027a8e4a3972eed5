/**
 * The ANE binding and generation loop, driven through a C test double of the same header
 * (test/ane/fake_ane.c). On macOS the same tests can run against the real dylib and a real model:
 * TYPOFIX_ANE_DYLIB=… TYPOFIX_ANE_MODEL=… bun test test/ane.test.ts (the real-model tests then replace
 * the scripted expectations with checks that hold for any model).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from "node:fs";
import { join } from "node:path";
import { AneLibrary, SYMBOLS } from "../src/engines/ane/ffi.ts";
import { AneStepModel, createAneEngine } from "../src/engines/ane/index.ts";
import { generate } from "../src/llm/generate.ts";
import { ensureModel } from "../scripts/fixtures.ts";
import { named, noCc } from "./support/skip.ts";
import { buildFakeAne } from "./support/fake-ane.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

let lib: string;
let work: string;

function folder(conf: string): string {
  const d = mkdtempSync(join(work, "model-"));
  writeFileSync(join(d, "fake.conf"), conf);
  return d;
}

beforeAll(() => {
  work = scratch("typofix-ane-");
  if (noCc) return;
  lib = buildFakeAne(work);
});

/** An ANEMLL-shaped folder for the double: the tiny fixture's tokenizer and a script. */
async function tokenizedFolder(conf: (encode: (t: string) => number[]) => string): Promise<string> {
  const tiny = ensureModel("tiny");
  const dir = mkdtempSync(join(work, "anemodel-"));
  cpSync(join(tiny, "tokenizer.json"), join(dir, "tokenizer.json"));
  cpSync(join(tiny, "tokenizer_config.json"), join(dir, "tokenizer_config.json"));
  const { ModelTokenizer } = await import("../src/llm/tokenizer.ts");
  const tok = new ModelTokenizer(dir);
  writeFileSync(join(dir, "fake.conf"), conf((t) => tok.encode(t)));
  return dir;
}

/** An ane engine over the double (TYPOFIX_DRAFT_TOKENS as given while it is made). */
async function aneEngine(dir: string, draftTokens?: string) {
  process.env.TYPOFIX_ANE_ALLOW_ANY_PLATFORM = "1";
  const before = process.env.TYPOFIX_DRAFT_TOKENS;
  if (draftTokens !== undefined) process.env.TYPOFIX_DRAFT_TOKENS = draftTokens;
  try {
    return await createAneEngine({ dir, library: lib });
  } finally {
    delete process.env.TYPOFIX_ANE_ALLOW_ANY_PLATFORM;
    if (before === undefined) delete process.env.TYPOFIX_DRAFT_TOKENS;
    else process.env.TYPOFIX_DRAFT_TOKENS = before;
  }
}

/** The double's counted calls (info "calls"). */
const calls = (h: { info(): Record<string, unknown> }) => h.info().calls as { prefill: number; decode: number; forward: number; truncate: number };

describe("the header and the binding agree", () => {
  test("every prototype in typofix_ane.h is bound with the same arity and kinds", () => {
    const h = readFileSync(join(import.meta.dir, "../swift/Sources/CTypofixANE/include/typofix_ane.h"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const protos = [...h.matchAll(/^([\w ]+?\*?)\s*(typofix_ane_\w+)\(([^)]*)\);/gm)].map((m) => ({ ret: m[1]!.trim(), name: m[2]!, args: m[3]!.trim() === "void" ? [] : m[3]!.split(",").map((a) => a.trim()) }));
    expect(protos.map((p) => p.name).sort()).toEqual(Object.keys(SYMBOLS).sort());
    const { FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    // C type → the FFI types that may carry it
    const allowed = (c: string): number[] =>
      c === "void" ? [FFIType.void] : c.includes("char") && c.includes("*") ? [FFIType.cstring, FFIType.ptr] : c.includes("*") ? [FFIType.ptr] : c.startsWith("int32_t") ? [FFIType.i32] : [];
    for (const p of protos) {
      const s = SYMBOLS[p.name as keyof typeof SYMBOLS];
      expect(s.args.length as number).toBe(p.args.length);
      p.args.forEach((a, i) => expect(allowed(a.replace(/\s*\w+$/, "").replace("const ", "")) as number[]).toContain(s.args[i] as number));
      expect(allowed(p.ret.replace("const ", ""))).toContain(s.returns as number);
    }
  });
});

describe.skipIf(Boolean(noCc))(named("through the C test double", noCc), () => {
  test("open, info, prefill, decode with stop tokens", async () => {
    const l = AneLibrary.open(lib);
    const h = l.openModel(folder("context=64\nreplay=11 12 13 14\n"), "cpuOnly");
    const info = h.info();
    expect(info.context_length).toBe(64);
    expect(info.compute_units).toBe("cpuOnly");
    const m = new AneStepModel(h);
    const g = await generate(m, [1, 2, 3], { maxNewTokens: 20, stopIds: [151645] });
    expect(g.tokens).toEqual([11, 12, 13, 14]);
    expect(g.stoppedBy).toBe("stop");
    const capped = await generate(m, [1, 2, 3], { maxNewTokens: 2, stopIds: [151645] });
    expect(capped.tokens).toEqual([11, 12]);
    h.close();
  });
  test("the context cap: the loop stops before it, the library refuses past it", async () => {
    const l = AneLibrary.open(lib);
    const h = l.openModel(folder(`context=8\nreplay=${Array.from({ length: 50 }, (_, i) => i + 100).join(" ")}\n`));
    const g = await generate(new AneStepModel(h), [1, 2, 3], { maxNewTokens: 50, stopIds: [] });
    expect(g.stoppedBy).toBe("context");
    expect(3 + g.tokens.length).toBeLessThanOrEqual(8);
    expect(() => h.prefill(new Array(8).fill(1))).toThrow(/does not fit the context of 8/);
    h.reset();
    h.prefill([1, 2, 3, 4, 5, 6, 7]);
    expect(() => h.decode(5)).toThrow(/past the context length/);
    h.close();
  });
  test.each(["prefill", "decode", "reset", "info"])("a failing %s comes back as an error, not a crash", (call) => {
    const l = AneLibrary.open(lib);
    const h = l.openModel(folder(`replay=1 2 3\nfail=${call}\n`));
    const run = () => {
      if (call === "info") h.info();
      else if (call === "reset") h.reset();
      else {
        h.prefill([1]);
        h.decode(1);
      }
    };
    expect(run).toThrow(new RegExp(`scripted failure in ${call}`));
    h.close();
  });
  test("open errors: missing folder, scripted failure", () => {
    const l = AneLibrary.open(lib);
    expect(() => l.openModel(join(work, "nope"))).toThrow(/missing fake.conf/);
    expect(() => l.openModel(folder("fail=open\n"))).toThrow(/scripted failure in open/);
  });
  test("a handle is reusable after reset; use after close is refused in TypeScript", () => {
    const l = AneLibrary.open(lib);
    const h = l.openModel(folder("replay=7 8 9\n"));
    expect(h.prefill([1, 2])).toBe(7);
    expect(h.decode(7)).toBe(8);
    h.reset();
    expect(h.prefill([1, 2])).toBe(7);
    h.close();
    expect(h.closed).toBe(true);
    expect(() => h.decode(1)).toThrow(/closed/);
    h.close(); // closing twice is harmless
  });
  test("no leak over 10,000 calls (RSS stable)", () => {
    const l = AneLibrary.open(lib);
    const dir = folder("context=100000\nreplay=1 2 3\n");
    const round = () => {
      for (let i = 0; i < 1000; i++) {
        const h = l.openModel(dir);
        h.prefill([1, 2, 3]);
        h.decode(1);
        h.info();
        h.reset();
        h.close();
      }
    };
    round();
    Bun.gc(true);
    const before = process.memoryUsage().rss;
    for (let k = 0; k < 10; k++) round();
    Bun.gc(true);
    const grown = process.memoryUsage().rss - before;
    expect(grown).toBeLessThan(20 * 1024 * 1024);
  });
  test("forward and truncate (ABI 2): scripted answers after each fed token, a wrong draft gets a wrong answer, truncate rewinds, calls counted", () => {
    const h = AneLibrary.open(lib).openModel(folder("context=32\nreplay=11 12 13 14\nmiss=7\n"));
    expect(h.info().forward).toBe("batch");
    expect(h.info().abi_version).toBe(2);
    // the prompt 1 2 3 and the drafts 11 12 99: the answers after 3, 11, 12 and 99
    expect(h.forward([1, 2, 3, 11, 12, 99], 4)).toEqual([11, 12, 13, 7]);
    h.truncate(5); // drop 99
    expect(h.forward([13, 14], 2)).toEqual([14, 151645]);
    expect(calls(h)).toEqual({ prefill: 0, decode: 0, forward: 2, truncate: 1 });
    // refused, and the sequence stays as it was
    expect(() => h.forward([1], 2)).toThrow(/forward failed: keep 2 is not in 1…1/);
    expect(() => h.forward(new Array(26).fill(1), 1)).toThrow(/forward failed: position 32 is past the context length 32/);
    expect(() => h.forward([-1], 1)).toThrow(/token id -1 out of range/);
    expect(() => h.truncate(8)).toThrow(/truncate failed: cannot truncate to 8 tokens: the sequence has 7/);
    expect(h.forward([151645], 1)).toEqual([151645]);
    // decode and forward agree on the same sequence
    h.reset();
    expect(h.prefill([1, 2, 3])).toBe(11);
    expect(h.decode(11)).toBe(12);
    h.truncate(3);
    expect(h.forward([11, 12], 2)).toEqual([12, 13]);
    h.close();
  });
  test("an ABI version 1 library (no forward, no truncate) is refused with its version, not a linker error", () => {
    const v1 = buildFakeAne(work, { abi1: true });
    expect(() => AneLibrary.open(v1)).toThrow(/has ABI version 1; this typofix needs 2 \(rebuild it: cd swift && swift build -c release\)/);
  });
  test("the ane engine speculates on the batch path only: same answer, fewer model calls; plain decoding on the step path", async () => {
    const text = "I went too the stor to buy som milk";
    const outputs: string[] = [];
    const counted: Array<ReturnType<typeof calls>> = [];
    for (const [conf, drafts] of [["", "0"], ["", "8"], ["forward=step\n", "8"]] as const) {
      const dir = await tokenizedFolder((enc) => `context=256\n${conf}replay=${enc("I went to the store to buy some milk").join(" ")}\n`);
      const engine = await aneEngine(dir, drafts);
      const m = (engine as unknown as { o: { model: AneStepModel } }).o.model;
      expect(m.forwardPath).toBe(conf ? "step" : "batch");
      expect(typeof m.forward).toBe(conf ? "undefined" : "function");
      const r = await engine.fix(text, {});
      outputs.push(r.output);
      counted.push(calls(m.handle));
      await engine.dispose();
    }
    expect(outputs).toEqual(new Array(3).fill("I went to the store to buy some milk"));
    const passes = counted.map((c) => c.prefill + c.decode + c.forward);
    expect(counted[0]).toMatchObject({ forward: 0, truncate: 0, prefill: 1 });
    expect(counted[1]).toMatchObject({ prefill: 0, decode: 0 });
    expect(passes[1]!).toBeLessThan(passes[0]! / 2);
    expect(counted[2]).toEqual(counted[0]!);
  });
  test("a library that falls from the batch path to step (its first rows disagreed with infer): the next text decodes plainly, same answer", async () => {
    const text = "I went too the stor to buy som milk";
    const dir = await tokenizedFolder((enc) => `context=256\nstep_after=1\nreplay=${enc("I went to the store to buy some milk").join(" ")}\n`);
    const engine = await aneEngine(dir, "8");
    const m = (engine as unknown as { o: { model: AneStepModel } }).o.model;
    expect(m.forwardPath).toBe("batch");
    const first = await engine.fix(text, {});
    const c1 = calls(m.handle);
    expect(c1.forward).toBeGreaterThan(1); // the sequence under way keeps speculating
    const second = await engine.fix(text, {});
    const c2 = calls(m.handle);
    expect(m.forwardPath).toBe("step");
    expect(m.forward).toBeUndefined();
    expect(c2.forward).toBe(c1.forward);
    expect(c2.prefill).toBe(c1.prefill + 1);
    expect(second.output).toBe(first.output);
    expect(first.output).toBe("I went to the store to buy some milk");
    await engine.dispose();
  });
  test.each([
    ["forward", 0],
    ["forward", 1],
    ["truncate", 0],
  ])("a %s that fails after %i successful calls, during speculation: a clear error, and the lexicon's correction of the text", async (call, after) => {
    const text = "I went too the stor to buy som milk";
    const dir = await tokenizedFolder((enc) => `context=256\nfail=${call}\nfail_after=${after}\nreplay=${enc("I went to the store to buy some milk").join(" ")}\n`);
    const engine = await aneEngine(dir);
    const r = await engine.fix(text, {});
    expect(r.warning).toMatch(new RegExp(`^ane:anemodel-\\w+ failed \\(${call} failed: scripted failure in ${call}\\); used the lexicon engine$`));
    expect(r.output).toBe(LexiconEngine.shared().fixSync(text).output);
    expect(calls((engine as unknown as { o: { model: AneStepModel } }).o.model.handle)[call as "forward"]).toBe(after);
    await engine.dispose();
  });
  test("the ane engine end to end: tokenizer, prompt, guard", async () => {
    // the scripted "model" answers with the tokens of the corrected text
    const dir = await tokenizedFolder((encode) => `context=256\nreplay=${encode("This is a test").join(" ")}\n`);
    process.env.TYPOFIX_ANE_ALLOW_ANY_PLATFORM = "1";
    try {
      const engine = await createAneEngine({ dir, library: lib });
      const r = await engine.fix("Thi sis a tset");
      expect(r.output).toBe("This is a test");
      expect(r.engine).toMatch(/^ane:/);
      expect(r.rejected).toBeUndefined();
      await engine.dispose();
    } finally {
      delete process.env.TYPOFIX_ANE_ALLOW_ANY_PLATFORM;
    }
  });
});

/** meta.yaml cases the runner refuses at open, with the message part both libraries give. */
const BAD_META: Array<[string, RegExp]> = [
  ["num_chunks: 0", /meta\.yaml: num_chunks must be a whole number of at least 1 \(got 0\)/],
  ["split_lm_head: 0", /meta\.yaml: split_lm_head must be a whole number of at least 1 \(got 0\)/],
  ["batch_size: 0", /meta\.yaml: batch_size must be a whole number of at least 1 \(got 0\)/],
  ["context_length: -8", /meta\.yaml: context_length must be a whole number of at least 1 \(got -8\)/],
  ["batch_size: many", /meta\.yaml: batch_size must be a whole number of at least 1 \(got many\)/],
];
const metaFolder = (line: string) => {
  const d = mkdtempSync(join(work, "meta-"));
  writeFileSync(join(d, "meta.yaml"), `model_info:\n  parameters:\n    context_length: 256\n    ${line}\n`);
  writeFileSync(join(d, "fake.conf"), "replay=1\n");
  return d;
};

describe.skipIf(Boolean(noCc))(named("open refuses what would make the runner trap (the C double mirrors each check)", noCc), () => {
  test.each(BAD_META)("meta.yaml %s: an error, not a crash", (line, message) => {
    expect(() => AneLibrary.open(lib).openModel(metaFolder(line))).toThrow(message);
  });
  test("a good meta.yaml sets the context; non-integer LUT values are fine", () => {
    const d = metaFolder("lut_ffn: \"4,0\"\n    lut_lmhead: 6.0\n    batch_size: 64");
    writeFileSync(join(d, "fake.conf"), "replay=1\n"); // no context= line: meta.yaml's 256 applies
    const h = AneLibrary.open(lib).openModel(d);
    expect(h.info().context_length).toBe(256);
    h.close();
  });
  test("an lm head without logits outputs, or with logits of another type, is refused at open", () => {
    expect(() => AneLibrary.open(lib).openModel(folder("lm_head_outputs=hidden_states,scores\n"))).toThrow(/lm head: no logits outputs \(.*it has hidden_states,scores\)/);
    expect(() => AneLibrary.open(lib).openModel(folder("logits_type=int32\n"))).toThrow("lm head: output logits1 has data type int32; expected float16 or float32");
    for (const ok of ["logits_type=float32\n", "lm_head_outputs=logits\n"]) AneLibrary.open(lib).openModel(folder(ok)).close();
  });
});

describe("platform", () => {
  test.skipIf(process.platform === "darwin")(named("on this platform the engine says why it is unavailable", process.platform === "darwin" && "on macOS the engine may be available"), async () => {
    const { anePlatform } = await import("../src/engines/ane/index.ts");
    const p = anePlatform();
    expect(p.ok).toBe(false);
    expect(p.reason).toMatch(/macOS/);
  });
});

// On macOS the workflow points these at the real Swift library (and a real ANEMLL model).
const REAL = process.env.TYPOFIX_ANE_DYLIB;
describe.skipIf(!REAL)(named("against the real library (TYPOFIX_ANE_DYLIB)", !REAL && "TYPOFIX_ANE_DYLIB is not set (the macOS workflow sets it)"), () => {
  test("ABI version, open errors as strings, use after close refused", () => {
    const l = AneLibrary.open(REAL!);
    expect(() => l.openModel(join(work, "no-such-model"))).toThrow(/meta.yaml|macOS 15/);
  });
  test.each(BAD_META)("meta.yaml %s: the real runner refuses it at open with the double's message", (line, message) => {
    expect(() => AneLibrary.open(REAL!).openModel(metaFolder(line))).toThrow(message);
  });
  test.skipIf(!process.env.TYPOFIX_ANE_MODEL)(named("greedy decoding on a real model stays in the vocabulary and the context", !process.env.TYPOFIX_ANE_MODEL && "TYPOFIX_ANE_MODEL is not set"), async () => {
    const h = AneLibrary.open(REAL!).openModel(process.env.TYPOFIX_ANE_MODEL!);
    const m = new AneStepModel(h);
    const info = h.info();
    const g = await generate(m, [151644, 872, 198, 9707], { maxNewTokens: 8, stopIds: [151645] });
    for (const t of g.tokens) expect(t).toBeLessThan(Number(info.vocab_size));
    h.reset();
    expect(await m.prefill([151644, 872])).toBeGreaterThanOrEqual(0);
    // forward from an empty sequence gives prefill's and decode's tokens; truncate rewinds
    expect(["batch", "step"]).toContain(info.forward as string);
    const ids = [151644, 872, 198, 9707];
    const t0 = h.prefill(ids);
    const t1 = h.decode(t0);
    h.reset();
    expect(h.forward([...ids, t0], 2)).toEqual([t0, t1]);
    h.truncate(ids.length);
    expect(h.decode(t0)).toBe(t1);
    h.close();
    expect(() => h.decode(1)).toThrow(/closed/);
  }, 120_000);
});
