/**
 * Every registry entry against a local Hub double (127.0.0.1) that serves each repository under its real
 * name with the file names it publishes, in the layouts known for it (tiny bodies: the ONNX files are the
 * tiny Qwen3 fixtures with each export's input/output contract, the CoreML parts are placeholders). An
 * entry either installs into a layout its engine loads — an onnx model is then loaded and run, an ane
 * model's parts are resolved as the Swift runner resolves them — or it is import-only and says so.
 *
 * The file lists: onnx-community exports publish onnx/model{,_fp16,_q4,_q4f16,_quantized,_int8,_uint8,
 * _bnb4}.onnx, larger ones with `.onnx_data` beside each (both layouts are served); ANEMLL 0.3.4 publishes
 * compiled .mlmodelc folders named in meta.yaml (LUT6 FFN and head for the ctx512 0.6B conversion); the
 * seed's CoreML repository publishes .mlpackage files with the prefix qwen-typo-fixer (both layouts its
 * README has described: separate FFN_PF/FFN files, and prefill_/FFN_ files). Commit ids are not served:
 * none could be read here (see models/registry.yaml), so pinning is tested with a made-up one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ensureModel, writeTinyOnnx } from "../scripts/fixtures.ts";
import { pull, registry, resolveModel, type RegistryEntry } from "../src/models/index.ts";
import { aneLayout } from "../src/models/anemll.ts";
import { createOnnxEngine } from "../src/engines/onnx/index.ts";
import { ModelTokenizer, chatTemplate } from "../src/llm/tokenizer.ts";

const enc = (t: string) => new TextEncoder().encode(t);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
type Repo = Record<string, Uint8Array>;
let work: string;
let server: ReturnType<typeof Bun.serve>;
/** repo → file path → body; what the double serves (the "layout" of a test decides it). */
let repos: Record<string, Repo> = {};
let servedCommit = "ab".repeat(20);
let listing = true;

function readTree(dir: string, prefix = ""): Repo {
  const out: Repo = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[prefix + relative(dir, p)] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const mlmodelc = (name: string): Repo => ({
  [`${name}/coremldata.bin`]: enc("c"),
  [`${name}/model.mil`]: enc("program(1.0)"),
  [`${name}/metadata.json`]: enc("[]"),
  [`${name}/analytics/coremldata.bin`]: enc("a"),
  [`${name}/weights/weight.bin`]: new Uint8Array(2048).fill(3),
});
const mlpackage = (name: string): Repo => ({
  [`${name}/Manifest.json`]: enc("{}"),
  [`${name}/Data/com.apple.CoreML/model.mlmodel`]: enc("m"),
  [`${name}/Data/com.apple.CoreML/weights/weight.bin`]: new Uint8Array(2048).fill(5),
});

/** The onnx-community export, every dtype; `external`: weights in `.onnx_data` files; `jinja`: the template apart. */
const onnxRepos = new Map<string, Repo>();
function onnxCommunity(external: boolean, jinja: boolean): Repo {
  const key = `${external}/${jinja}`;
  if (!onnxRepos.has(key)) onnxRepos.set(key, makeOnnxCommunity(external, jinja));
  return onnxRepos.get(key)!;
}
function makeOnnxCommunity(external: boolean, jinja: boolean): Repo {
  const tiny = ensureModel("tiny");
  const dir = mkdtempSync(join(work, "onnx-repo-"));
  const f16 = { cache: "float16", logits: "float16" } as const;
  for (const [file, io] of [
    ["model.onnx", {}],
    ["model_fp16.onnx", f16],
    ["model_q4.onnx", {}],
    ["model_q4f16.onnx", f16],
    ["model_quantized.onnx", {}],
    ["model_int8.onnx", {}],
  ] as const)
    writeTinyOnnx(join(dir, "onnx", file), io, external);
  const tc = JSON.parse(readFileSync(join(tiny, "tokenizer_config.json"), "utf8"));
  const repo: Repo = {
    ...readTree(dir),
    "config.json": new Uint8Array(readFileSync(join(tiny, "config.json"))),
    "generation_config.json": new Uint8Array(readFileSync(join(tiny, "generation_config.json"))),
    "tokenizer.json": new Uint8Array(readFileSync(join(tiny, "tokenizer.json"))),
    ".gitattributes": enc("*.onnx filter=lfs"),
    "README.md": enc("# Qwen3-0.6B-ONNX"),
  };
  if (jinja) {
    repo["tokenizer_config.json"] = enc(JSON.stringify({ ...tc, chat_template: undefined }));
    repo["chat_template.jinja"] = enc(tc.chat_template);
  } else repo["tokenizer_config.json"] = enc(JSON.stringify(tc));
  return repo;
}

const TOKENIZER = () => ({ "tokenizer.json": new Uint8Array(readFileSync(join(ensureModel("tiny"), "tokenizer.json"))), "tokenizer_config.json": new Uint8Array(readFileSync(join(ensureModel("tiny"), "tokenizer_config.json"))) });

function anemll(): Repo {
  return {
    "meta.yaml": enc(
      [
        "model_info:",
        "  name: anemll-Qwen3-0.6B-ctx512",
        "  version: 0.3.4",
        "  architecture: qwen3",
        "  parameters:",
        "    context_length: 512",
        "    batch_size: 64",
        "    lut_embeddings: none",
        "    lut_ffn: 6",
        "    lut_lmhead: 6",
        "    num_chunks: 1",
        "    model_prefix: qwen",
        "    embeddings: qwen_embeddings.mlmodelc",
        "    lm_head: qwen_lm_head_lut6.mlmodelc",
        "    ffn: qwen_FFN_PF_lut6_chunk_01of01.mlmodelc",
        "    split_lm_head: 16",
        "",
      ].join("\n"),
    ),
    "config.json": enc(JSON.stringify({ model_type: "qwen3" })),
    ...TOKENIZER(),
    "README.md": enc("# ANEMLL"),
    ...mlmodelc("qwen_embeddings.mlmodelc"),
    ...mlmodelc("qwen_FFN_PF_lut6_chunk_01of01.mlmodelc"),
    ...mlmodelc("qwen_lm_head_lut6.mlmodelc"),
  };
}

function typoFixerCoreml(layout: "FFN_PF+FFN" | "prefill+FFN"): Repo {
  const meta = [
    "model_info:",
    "  name: qwen-typo-fixer",
    "  parameters:",
    "    context_length: 256",
    "    batch_size: 64",
    "    lut_embeddings: none",
    `    lut_ffn: ${layout === "FFN_PF+FFN" ? "4" : "none"}`,
    `    lut_lmhead: ${layout === "FFN_PF+FFN" ? "6" : "none"}`,
    "    num_chunks: 1",
    "    model_prefix: qwen-typo-fixer",
    "    split_lm_head: 16",
    "",
  ].join("\n");
  const parts =
    layout === "FFN_PF+FFN"
      ? ["qwen-typo-fixer_embeddings", "qwen-typo-fixer_FFN_PF_lut4_chunk_01of01", "qwen-typo-fixer_FFN_lut4_chunk_01of01", "qwen-typo-fixer_lm_head_lut6"]
      : ["qwen-typo-fixer_embeddings", "qwen-typo-fixer_prefill_chunk_01of01", "qwen-typo-fixer_FFN_chunk_01of01", "qwen-typo-fixer_lm_head"];
  return {
    "meta.yaml": enc(meta),
    "config.json": enc(JSON.stringify({ model_type: "qwen3" })),
    ...TOKENIZER(),
    "vocab.json": enc("{}"),
    "merges.txt": enc("#"),
    "README.md": enc("# Qwen Typo Fixer — CoreML"),
    ...Object.assign({}, ...parts.map((p) => mlpackage(`${p}.mlpackage`))),
  };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "typofix-hub-"));
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const url = new URL(req.url);
      const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
      if (api) {
        const repo = repos[api[1]!];
        if (!repo || !listing) return new Response("not found", { status: 404 });
        const siblings = Object.entries(repo).map(([rfilename, b]) => ({ rfilename, size: b.length, ...(b.length > 1000 ? { lfs: { sha256: sha(b), size: b.length } } : {}) }));
        return Response.json({ id: api[1], sha: servedCommit, siblings });
      }
      const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (!m) return new Response("bad path", { status: 400 });
      const body = repos[m[1]!]?.[decodeURIComponent(m[3]!)];
      if (!body) return new Response("not found", { status: 404 });
      const headers = { "x-repo-commit": servedCommit, "content-length": String(body.length) };
      return req.method === "HEAD" ? new Response(null, { headers }) : new Response(body, { headers });
    },
  });
});
afterAll(() => {
  server.stop(true);
  rmSync(work, { recursive: true, force: true });
});

const envFor = (label: string) => ({ ...process.env, HF_ENDPOINT: `http://127.0.0.1:${server.port}`, TYPOFIX_HOME: mkdtempSync(join(work, `home-${label}-`)) });
const entries = registry();
const onnxEntries = entries.filter((e) => e.engine === "onnx" && !e.importOnly);

describe("every registry entry against the Hub double", () => {
  test("the registry's entries are all covered here", () => {
    const covered = new Set([...onnxEntries.map((e) => e.name), "anemll-qwen3-0.6b-ctx512", "qwen-typo-fixer-coreml", "qwen-typo-fixer"]);
    expect(entries.map((e) => e.name).filter((n) => !covered.has(n))).toEqual([]);
  });

  for (const [label, external, jinja] of [
    ["one file per dtype, template in tokenizer_config.json", false, false],
    ["weights in .onnx_data, template in chat_template.jinja", true, true],
  ] as const)
    test.each(onnxEntries.map((e) => [e.name, e] as [string, RegistryEntry]))(`onnx entry %s (${label}): installs, loads and runs its dtype`, async (name, entry) => {
      repos = { [entry.repo]: onnxCommunity(external, jinja) };
      const env = envFor(name);
      const m = await pull(name, { env });
      const paths = m.files.map((f) => f.path);
      const file = `onnx/${{ q4: "model_q4", q4f16: "model_q4f16", quantized: "model_quantized", fp16: "model_fp16" }[entry.dtype!]}.onnx`;
      expect(paths).toContain(file);
      // the external data of its own dtype only, never another dtype's
      expect(paths.filter((p) => p.endsWith("_data"))).toEqual(external ? [`${file}_data`] : []);
      expect(paths.includes("chat_template.jinja")).toBe(jinja);
      expect(m.commit).toBe(servedCommit);
      const r = resolveModel(name, "onnx", env);
      expect(new ModelTokenizer(r.dir).prompt({ name: "chat", kind: "chat", user: "{text}" }, "hi").length).toBeGreaterThan(3);
      const engine = await createOnnxEngine({ dir: r.dir, dtype: r.dtype, prompt: r.prompt });
      const out = await engine.fix("Thi sis a tset");
      expect(out.warning ?? "").not.toContain("failed");
      expect(engine.tokensGenerated).toBeGreaterThan(0);
      await engine.dispose();
    }, 60_000);

  test("anemll-qwen3-0.6b-ctx512: installs the LUT6 .mlmodelc folders meta.yaml names", async () => {
    const entry = entries.find((e) => e.name === "anemll-qwen3-0.6b-ctx512")!;
    expect(entry.notes).toContain("qwen_FFN_PF_lut6_chunk_01of01.mlmodelc");
    repos = { [entry.repo]: anemll() };
    const env = envFor("anemll");
    const m = await pull(entry.name, { env });
    expect(m.files.map((f) => f.path)).not.toContain("README.md");
    const l = aneLayout(resolveModel(entry.name, "ane", env).dir);
    expect([l.embeddings, l.chunks[0]!.prefill, l.chunks[0]!.infer, l.lmHead]).toEqual([
      "qwen_embeddings.mlmodelc",
      "qwen_FFN_PF_lut6_chunk_01of01.mlmodelc",
      "qwen_FFN_PF_lut6_chunk_01of01.mlmodelc",
      "qwen_lm_head_lut6.mlmodelc",
    ]);
  }, 30_000);

  test.each(["FFN_PF+FFN", "prefill+FFN"] as const)("qwen-typo-fixer-coreml (%s .mlpackage layout): installs, prefill and infer resolved to their own files", async (layout) => {
    const entry = entries.find((e) => e.name === "qwen-typo-fixer-coreml")!;
    expect(entry.prompt).toBe("completion");
    repos = { [entry.repo]: typoFixerCoreml(layout) };
    const env = envFor("seed");
    await pull(entry.name, { env });
    const l = aneLayout(resolveModel(entry.name, "ane", env).dir);
    expect(l.meta.prefix).toBe("qwen-typo-fixer");
    expect(l.embeddings).toBe("qwen-typo-fixer_embeddings.mlpackage");
    expect(l.chunks[0]!.prefill).toBe(layout === "FFN_PF+FFN" ? "qwen-typo-fixer_FFN_PF_lut4_chunk_01of01.mlpackage" : "qwen-typo-fixer_prefill_chunk_01of01.mlpackage");
    expect(l.chunks[0]!.infer).toBe(layout === "FFN_PF+FFN" ? "qwen-typo-fixer_FFN_lut4_chunk_01of01.mlpackage" : "qwen-typo-fixer_FFN_chunk_01of01.mlpackage");
    expect(l.lmHead).toBe(layout === "FFN_PF+FFN" ? "qwen-typo-fixer_lm_head_lut6.mlpackage" : "qwen-typo-fixer_lm_head.mlpackage");
  });

  test("qwen-typo-fixer (PyTorch weights only) is import-only and says how", async () => {
    await expect(pull("qwen-typo-fixer", { env: envFor("pt") })).rejects.toThrow(/not downloadable as is: .*typofix model import/);
  });
});

describe("the chat template's source", () => {
  test("tokenizer_config.json's string, else its list's default, else chat_template.jinja, else none", () => {
    const d = mkdtempSync(join(work, "tpl-"));
    expect(chatTemplate(d, "A")).toBe("A");
    expect(chatTemplate(d, [{ name: "tool_use", template: "T" }, { name: "default", template: "D" }])).toBe("D");
    expect(chatTemplate(d, undefined)).toBeUndefined();
    writeFileSync(join(d, "chat_template.jinja"), "J");
    expect(chatTemplate(d, undefined)).toBe("J");
    expect(chatTemplate(d, "A")).toBe("A");
  });
});

describe("pinning and probing", () => {
  test("a pinned entry is fetched at its commit; a Hub serving another commit is refused", async () => {
    const e = onnxEntries[0]!;
    const pin = "12".repeat(20);
    const reg = join(work, "pinned.yaml");
    writeFileSync(reg, `models:\n  pinned:\n    engine: onnx\n    repo: ${e.repo}\n    revision: "${pin}"\n    dtype: ${e.dtype}\n    files:\n${e.files.map((f) => `      - { path: ${f.path} }`).join("\n")}\n    ifPresent: ${JSON.stringify(e.ifPresent)}\n`);
    repos = { [e.repo]: onnxCommunity(true, false) };
    const env = { ...envFor("pin"), TYPOFIX_REGISTRY: reg };
    const saved = process.env.TYPOFIX_REGISTRY;
    process.env.TYPOFIX_REGISTRY = reg;
    try {
      servedCommit = "34".repeat(20);
      await expect(pull("pinned", { env })).rejects.toThrow(`served commit ${"34".repeat(20)} for the pinned revision ${pin}`);
      servedCommit = pin;
      const m = await pull("pinned", { env });
      expect(m.commit).toBe(pin);
      expect(m.revision).toBe(pin);
    } finally {
      servedCommit = "ab".repeat(20);
      if (saved === undefined) delete process.env.TYPOFIX_REGISTRY;
      else process.env.TYPOFIX_REGISTRY = saved;
    }
  }, 60_000);
  test("without a listing (a plain mirror), the external data and the template are probed by name", async () => {
    const e = onnxEntries.find((x) => x.dtype === "fp16")!;
    repos = { [e.repo]: onnxCommunity(true, true) };
    listing = false;
    try {
      const m = await pull(e.name, { env: envFor("nolist") });
      expect(m.files.map((f) => f.path)).toEqual(expect.arrayContaining(["onnx/model_fp16.onnx", "onnx/model_fp16.onnx_data", "chat_template.jinja"]));
    } finally {
      listing = true;
    }
  }, 60_000);
});
