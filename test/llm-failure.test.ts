/**
 * An LLM engine that fails is not silent: the engine knows it has failed on every segment so far, the
 * CLI says so once on stderr (and each --json line carries the warning), the server counts each failed
 * segment in typofix_errors_total{reason="engine_fallback"}, and `typofix doctor --engine onnx --model`
 * runs one real correction and reports it. The input always comes through (the lexicon's correction).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureModel } from "../scripts/fixtures.ts";
import { LlmEngine } from "../src/llm/engine.ts";
import { ModelTokenizer } from "../src/llm/tokenizer.ts";
import { promptFormat } from "../src/llm/prompts.ts";
import type { StepModel } from "../src/llm/generate.ts";
import { startServer } from "../src/server/server.ts";
import { parseMetrics } from "../src/server/metrics.ts";
import { cc, named, noCc } from "./support/skip.ts";

const CLI = join(import.meta.dir, "../src/cli.ts");
let tiny: string;
let work: string;

/** A model that fails on its first call, or after `okCalls` calls. */
function failingModel(message: string, okCalls = 0): StepModel {
  let calls = 0;
  return {
    contextLength: 512,
    reset() {},
    async prefill() {
      if (calls++ >= okCalls) throw new Error(message);
      return 151645; // <|im_end|>: an empty answer
    },
    async decode() {
      return 151645;
    },
  };
}

beforeAll(() => {
  tiny = ensureModel("tiny");
  work = mkdtempSync(join(tmpdir(), "typofix-llmfail-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the engine keeps count", () => {
  test("failing on every segment: `failing` holds the error; the lexicon's correction comes through with a warning", async () => {
    const e = new LlmEngine({ name: "onnx:broken", model: failingModel("expected tensor(float16)"), tokenizer: new ModelTokenizer(tiny), format: promptFormat("chat") });
    const r = await e.fix("Thi sis a tset. Teh end.");
    expect(r.output).toBe("This is a test. The end.");
    expect(r.warning).toContain("onnx:broken failed (expected tensor(float16)); used the lexicon engine");
    expect(e.segmentsFailed).toBe(e.segmentsRun);
    expect(e.failing).toBe("expected tensor(float16)");
  });
  test("an engine that works once is not `failing`, though it counts its failures", async () => {
    const e = new LlmEngine({ name: "onnx:flaky", model: failingModel("boom", 1), tokenizer: new ModelTokenizer(tiny), format: promptFormat("chat") });
    await e.fix("first text");
    await e.fix("second text");
    expect(e.segmentsRun).toBe(2);
    expect(e.segmentsFailed).toBe(1);
    expect(e.failing).toBeNull();
  });
});

describe("the server counts failed segments as errors", () => {
  test('typofix_errors_total{reason="engine_fallback"}', async () => {
    const engine = new LlmEngine({ name: "onnx:broken", model: failingModel("no"), tokenizer: new ModelTokenizer(tiny), format: promptFormat("chat") });
    const s = await startServer({ socket: join(work, "s.sock"), engine });
    try {
      const call = (path: string, init?: RequestInit) => fetch(`http://localhost${path}`, { ...init, unix: s.socket! });
      const m0 = parseMetrics(await (await call("/metrics")).text());
      expect(m0.get('typofix_errors_total{reason="engine_fallback"}')).toBe(0);
      const res = await call("/v1/fix", { method: "POST", body: JSON.stringify({ texts: ["Thi sis a tset", "teh end"] }), headers: { "Content-Type": "application/json" } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: Array<{ output: string; warning?: string }> };
      expect(body.results.map((r) => r.output)).toEqual(["This is a test", "the end"]);
      expect(body.results[0]!.warning).toContain("failed (no)");
      const m1 = parseMetrics(await (await call("/metrics")).text());
      expect(m1.get('typofix_errors_total{reason="engine_fallback"}')).toBe(2);
    } finally {
      await s.shutdown();
    }
  });
});


/** The C double of the ANE library, built once, and a model folder whose every prefill fails. */
function failingAneModel(): { lib: string; dir: string } {
  const lib = join(work, process.platform === "darwin" ? "libfake.dylib" : "libfake.so");
  const dir = join(work, "failing-model");
  if (!existsSync(lib)) {
    const built = Bun.spawnSync([cc!, "-shared", "-fPIC", "-O2", "-o", lib, join(import.meta.dir, "ane/fake_ane.c")]);
    if (built.exitCode !== 0) throw new Error(built.stderr.toString());
    cpSync(join(tiny, "tokenizer.json"), join(dir, "tokenizer.json"));
    cpSync(join(tiny, "tokenizer_config.json"), join(dir, "tokenizer_config.json"));
    // "forward":"step" (a conversion whose prefill returns one row): the engine decodes plainly, so
    // prefill is the first call, and fails (test/ane.test.ts fails forward and truncate on the batch path)
    writeFileSync(join(dir, "fake.conf"), "context=256\nforward=step\nfail=prefill\n");
  }
  return { lib, dir };
}

describe("the CLI", () => {
  test.skipIf(Boolean(noCc))(named("a model that fails on every line (the C double of the ANE library, failing prefill): one stderr notice, a warning on every --json line, the lexicon's output", noCc), async () => {
    const { lib, dir } = failingAneModel();
    const p = Bun.spawn([process.execPath, CLI, "--engine", "ane", "--model", dir, "--json"], {
      stdin: new TextEncoder().encode("Thi sis a tset\nteh end\nanother tset\n"),
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, TYPOFIX_ANE_ALLOW_ANY_PLATFORM: "1", TYPOFIX_ANE_DYLIB: lib, TYPOFIX_NO_SERVER: "1" },
    });
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect(code).toBe(0);
    const rows = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((r) => r.output)).toEqual(["This is a test", "the end", "another test"]);
    for (const r of rows) expect(r.warning).toContain("scripted failure in prefill");
    expect(err.match(/engine fails \(prefill failed: scripted failure in prefill\)/g)).toHaveLength(1);
  }, 30_000);
});

describe("typofix doctor --engine --model", () => {
  const doctor = (args: string[], env: Record<string, string> = {}) => {
    const p = Bun.spawnSync([process.execPath, CLI, "doctor", ...args], { env: { ...process.env, TYPOFIX_HOME: work, ...env } });
    return { out: p.stdout.toString(), code: p.exitCode };
  };
  test("a working model: one real correction, its answer and times", () => {
    const r = doctor(["--json", "--engine", "onnx", "--model", ensureModel("tiny-f16")]);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out).check;
    expect(c.ok).toBe(true);
    expect(c.engine).toBe("onnx:tiny-qwen3-f16");
    expect(c.input).toBe("Thi sis a test sentenc with typos");
    expect(typeof c.output).toBe("string");
    expect(c.tokens_generated).toBeGreaterThan(0);
    expect(c.load_ms).toBeGreaterThanOrEqual(0);
  }, 30_000);
  test.skipIf(Boolean(noCc))(named("a model that fails: exit 1, the stage and the error", noCc), () => {
    const { lib, dir } = failingAneModel();
    const r = doctor(["--engine", "ane", "--model", dir], { TYPOFIX_ANE_ALLOW_ANY_PLATFORM: "1", TYPOFIX_ANE_DYLIB: lib });
    expect(r.code).toBe(1);
    expect(r.out).toContain("check ane:failing-model: FAILED at run — prefill failed: scripted failure in prefill");
    const missing = doctor(["--json", "--engine", "onnx", "--model", join(work, "nope")]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out).check).toMatchObject({ ok: false, stage: "load" });
  }, 30_000);
});
