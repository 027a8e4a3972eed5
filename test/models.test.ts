import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importModel, installed, pull, registry, remove, resolveModel, storeDir, verify, type Progress } from "../src/models/index.ts";
import { progressPrinter } from "../src/models/progress.ts";
import { LISTED, big, modelsHub, sha, weights } from "./support/models-hub.ts";

const fx = modelsHub();
const env = fx.env;

describe("model pull", () => {
  test("downloads, verifies, installs atomically, and lists", async () => {
    const e = env("a");
    const m = await pull("good", { env: e });
    expect(m.files.map((f) => f.path)).toEqual(["config.json", "onnx/model.onnx"]);
    expect(m.files[1]!.sha256).toBe(sha(big));
    expect(readFileSync(join(storeDir(e), "good/onnx/model.onnx"))).toEqual(Buffer.from(big));
    expect(installed(e).map((x) => x.name)).toEqual(["good"]);
    expect(resolveModel("good", e).dir).toBe(join(storeDir(e), "good"));
    expect(existsSync(join(storeDir(e), ".staging/good"))).toBe(false);
  });
  test("a dropped connection is resumed with a Range request", async () => {
    const e = env("b");
    fx.hub.hits.length = 0;
    fx.hub.dropOnce = new Set(["onnx/model.onnx"]);
    const m = await pull("good", { env: e });
    expect(m.files[1]!.sha256).toBe(sha(big));
    const modelHits = fx.hub.hits.filter((h) => h.path.endsWith("model.onnx"));
    expect(modelHits.length).toBe(2);
    // the second request resumes where the first broke off
    expect(modelHits[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(modelHits[1]!.range!)![0])).toBeGreaterThan(0);
  });
  test("a wrong checksum is rejected and nothing is installed", async () => {
    const e = env("c");
    await expect(pull("badsum", { env: e })).rejects.toThrow(/sha256 .* does not match/);
    expect(installed(e)).toEqual([]);
    expect(existsSync(join(storeDir(e), "badsum"))).toBe(false);
  });
  test("a 404 is a clear error and nothing is installed", async () => {
    const e = env("d");
    await expect(pull("missing", { env: e })).rejects.toThrow(/onnx\/nope.onnx: not found/);
    expect(installed(e)).toEqual([]);
  });
  test("a slow server reports progress with speed and ETA", async () => {
    const e = env("e");
    fx.hub.slow = new Set(["onnx/model.onnx"]);
    const seen: Progress[] = [];
    await pull("slow", { env: e, onProgress: (p) => seen.push(p) });
    fx.hub.slow = new Set();
    expect(seen.length).toBeGreaterThan(2);
    const last = seen[seen.length - 1]!;
    expect(last.received).toBe(big.length);
    expect(last.total).toBe(big.length);
    expect(seen.some((p) => p.bytesPerSecond > 0 && p.etaSeconds !== null)).toBe(true);
  });
  test("two concurrent pulls: one waits for the other, the result is intact", async () => {
    const e = env("f");
    let waited = 0;
    const [a, b] = await Promise.all([pull("good", { env: e }), pull("good", { env: e, onWait: () => waited++ })]);
    expect(a.files).toEqual(b.files);
    expect(waited).toBe(1);
    expect(readFileSync(join(storeDir(e), "good/onnx/model.onnx"))).toEqual(Buffer.from(big));
    expect(readdirSync(join(storeDir(e), ".locks"))).toEqual([]);
  });
  test("unknown names and rm", async () => {
    const e = env("a");
    await expect(pull("nope", { env: e })).rejects.toThrow(/no model "nope"/);
    expect(remove("good", e)).toBe(true);
    expect(remove("good", e)).toBe(false);
    expect(() => resolveModel("good", e)).toThrow(/not installed: run `typofix model pull good`/);
  });
  test("import validates the folder layout", async () => {
    const e = env("g");
    const src = join(fx.home, "local-model");
    mkdirSync(join(src, "onnx"), { recursive: true });
    writeFileSync(join(src, "config.json"), JSON.stringify({ model_type: "qwen3" }));
    await expect(importModel(src, "mine", { env: e })).rejects.toThrow(/missing tokenizer.json/);
    writeFileSync(join(src, "tokenizer.json"), "{}");
    writeFileSync(join(src, "tokenizer_config.json"), "{}");
    writeFileSync(join(src, "onnx/model.onnx"), "x");
    const m = await importModel(src, "mine", { env: e, prompt: "completion" });
    expect(m.engine).toBe("onnx");
    expect(m.prompt).toBe("completion");
    expect(resolveModel("mine", e).prompt).toBe("completion");
  });
});

describe("robustness", () => {
  test("a connection that goes quiet is dropped and resumed", async () => {
    const e = env("stall");
    fx.hub.hits.length = 0;
    fx.hub.stallOnce = new Set(["onnx/model.onnx"]);
    const t0 = performance.now();
    const m = await pull("good", { env: e, stallMs: 300 });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(m.files[1]!.sha256).toBe(sha(big));
    const modelHits = fx.hub.hits.filter((h) => h.path.endsWith("model.onnx"));
    expect(modelHits.map((h) => h.range)).toEqual([null, `bytes=${Math.floor(big.length / 3)}-`]);
  });
  test("a server that ignores Range gets the whole file again, not a spliced one", async () => {
    const e = env("norange");
    fx.hub.dropOnce = new Set(["onnx/model.onnx"]);
    fx.hub.ignoreRange = true;
    try {
      const m = await pull("good", { env: e });
      expect(m.files[1]!.sha256).toBe(sha(big));
      expect(readFileSync(join(storeDir(e), "good/onnx/model.onnx"))).toEqual(Buffer.from(big));
    } finally {
      fx.hub.ignoreRange = false;
    }
  });
  test("where the registry has no digest, the Hub's (X-Linked-Etag) is checked", async () => {
    const e = env("hub");
    const m = await pull("hub", { env: e });
    expect(m.files[0]!.sha256).toBe(sha(big));
    expect(m.commit).toBe("ab".repeat(20));
    // the file came through the redirect, as the Hub sends LFS files to its CDN
    expect(fx.hub.hits.filter((h) => h.path === "test/hub/onnx/model.onnx" && h.method === "GET").map((h) => h.cdn)).toEqual([false, true]);
    expect(fx.hub.hits.some((h) => h.path === "test/hub/onnx/model.onnx" && h.method === "HEAD")).toBe(true);
    await expect(pull("hub-bad", { env: e })).rejects.toThrow(/sha256 [0-9a-f]{64} does not match the hub's/);
    expect(installed(e).map((x) => x.name)).toEqual(["hub"]);
  });
  test("a listed repository (compiled CoreML folders): the Hub's file list, filtered, with its LFS digests", async () => {
    const e = env("listed");
    const m = await pull("ane", { env: e });
    expect(m.engine).toBe("ane");
    expect(m.commit).toBe("cd".repeat(20));
    expect(m.files.map((f) => f.path).sort()).toEqual(Object.keys(LISTED["test/ane"]!).filter((p) => p !== "README.md" && p !== ".gitattributes").sort());
    expect(resolveModel("ane", "ane", e).dir).toBe(join(storeDir(e), "ane"));
    expect(readFileSync(join(storeDir(e), "ane/qwen_embeddings.mlmodelc/weights/weight.bin"))).toEqual(Buffer.from(weights));
    // a corrupted LFS file does not match the digest in the listing
    const e2 = env("listed-bad");
    fx.corruptListed = true;
    try {
      await expect(pull("ane", { env: e2 })).rejects.toThrow(/qwen_embeddings.mlmodelc\/weights\/weight.bin: sha256 .* does not match/);
    } finally {
      fx.corruptListed = false;
    }
    expect(installed(e2)).toEqual([]);
  });
  test("a listed repository without the engine's layout, or without a listing, installs nothing", async () => {
    const e = env("listed-wrong");
    await expect(pull("ane-zipped", { env: e })).rejects.toThrow(/not a model folder the ane engine loads .*no embeddings model/);
    await expect(pull("ane-gone", { env: e })).rejects.toThrow(/cannot list the files of test\/nowhere: HTTP 404/);
    expect(installed(e)).toEqual([]);
    expect(readdirSync(storeDir(e)).filter((f) => !f.startsWith("."))).toEqual([]);
  });
  test("progress: a bar redrawn in place on a terminal, plain lines every 10 % elsewhere", () => {
    const steps = [0, 5, 12, 30, 31, 50, 99, 100].map((pct) => ({ file: "onnx/model.onnx", received: pct * 10_000, total: 1_000_000, bytesPerSecond: 1e5, etaSeconds: ((100 - pct) * 10_000) / 1e5 }));
    const tty: string[] = [];
    const ttyPrint = progressPrinter(true, (x) => tty.push(x));
    steps.forEach(ttyPrint);
    expect(tty).toHaveLength(steps.length);
    expect(tty.every((x) => x.startsWith("\r["))).toBe(true);
    expect(tty[3]).toContain("[#######                 ] onnx/model.onnx  0.3 MB / 1.0 MB (30%)  0.1 MB/s  ETA 7s");
    expect(tty.at(-1)).toMatch(/\[#{24}\] .*\(100%\).*ETA 0s\x1b\[K\n$/);
    const plain: string[] = [];
    const plainPrint = progressPrinter(false, (x) => plain.push(x));
    steps.forEach(plainPrint);
    expect(plain.join("")).not.toContain("\r");
    expect(plain.map((x) => /\((\d+)%\)/.exec(x)![1])).toEqual(["0", "12", "30", "50", "99", "100"]);
  });
  test("rm refuses a model another process is installing", () => {
    const e = env("rm-locked");
    mkdirSync(join(storeDir(e), ".locks"), { recursive: true });
    mkdirSync(join(storeDir(e), "x"), { recursive: true });
    writeFileSync(join(storeDir(e), "x/manifest.json"), JSON.stringify({ name: "x", engine: "onnx", source: "import", installedAt: "", files: [] }));
    const other = Bun.spawn(["sleep", "30"]);
    try {
      writeFileSync(join(storeDir(e), ".locks/x.lock"), String(other.pid));
      expect(() => remove("x", e)).toThrow(new RegExp(`being installed by another typofix \\(pid ${other.pid}\\)`));
      expect(existsSync(join(storeDir(e), "x/manifest.json"))).toBe(true);
    } finally {
      other.kill();
    }
  });
  test("a stale lock (its process is gone) is taken over", async () => {
    const e = env("stale");
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    mkdirSync(join(storeDir(e), ".locks"), { recursive: true });
    writeFileSync(join(storeDir(e), ".locks/good.lock"), String(dead.pid));
    const m = await pull("good", { env: e });
    expect(m.name).toBe("good");
    expect(readdirSync(join(storeDir(e), ".locks"))).toEqual([]);
  });
  test("a live lock of another process: waits, then fails clearly, installing nothing", async () => {
    const e = env("live");
    const other = Bun.spawn(["sleep", "30"]);
    try {
      mkdirSync(join(storeDir(e), ".locks"), { recursive: true });
      writeFileSync(join(storeDir(e), ".locks/good.lock"), String(other.pid));
      const waits: number[] = [];
      await expect(pull("good", { env: e, lockWaitMs: 300, onWait: (p) => waits.push(p) })).rejects.toThrow(new RegExp(`another typofix \\(pid ${other.pid}\\) is installing good`));
      expect(waits).toEqual([other.pid]);
      expect(installed(e)).toEqual([]);
      // the other process's lock is left alone
      expect(readFileSync(join(storeDir(e), ".locks/good.lock"), "utf8")).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });
  test("an interrupted pull leaves nothing installed, and the next pull resumes from its partial file", async () => {
    const e = env("interrupted");
    fx.hub.dropOnce = new Set(["onnx/model.onnx"]);
    await expect(pull("good", { env: e, retries: 0 })).rejects.toThrow(/download from http:\/\/127.0.0.1:\d+\/test\/model\/resolve\/main\/onnx\/model.onnx failed after 1 attempts \(onnx\/model.onnx: connection closed at 150000 of 300000 bytes\)/);
    expect(installed(e)).toEqual([]);
    expect(existsSync(join(storeDir(e), "good"))).toBe(false);
    expect(() => resolveModel("good", e)).toThrow(/not installed/);
    fx.hub.hits.length = 0;
    const m = await pull("good", { env: e });
    expect(m.files[1]!.sha256).toBe(sha(big));
    expect(fx.hub.hits.find((h) => h.path.endsWith("model.onnx"))!.range).toMatch(/^bytes=[1-9]\d*-$/);
  });
  test("verify re-hashes the files against the digests recorded at install", async () => {
    const e = env("verify");
    await pull("good", { env: e });
    expect(await verify("good", e)).toEqual([]);
    const f = join(storeDir(e), "good/onnx/model.onnx");
    const bytes = readFileSync(f);
    bytes[1000] ^= 1;
    writeFileSync(f, bytes);
    expect(await verify("good", e)).toEqual(["onnx/model.onnx: sha256 differs from the one recorded at install"]);
  });
  test("names and paths never leave the store", async () => {
    const e = env("names");
    expect(() => remove("../names", e)).toThrow(/invalid model name/);
    expect(() => remove("..", e)).toThrow(/invalid model name/);
    await expect(importModel(join(fx.home, "nowhere"), "../x", { env: e })).rejects.toThrow(/invalid model name/);
    expect(() => resolveModel("../no/such/folder", e)).toThrow(/no model or folder/);
    expect(() => resolveModel("a b", e)).toThrow(/no model or folder/);
    expect(() => registry(JSON.stringify({ models: { evil: { engine: "onnx", repo: "a/b", files: [{ path: "../../.bashrc" }] } } }))).toThrow(/unsafe file path/);
    expect(() => registry(JSON.stringify({ models: { x: { engine: "gpu", repo: "a/b", files: [] } } }))).toThrow(/engine must be onnx or ane/);
  });
  test("resolveModel checks the engine and gives the prompt format and registry entry", async () => {
    const e = env("resolve");
    await pull("good", { env: e });
    const r = resolveModel("good", "onnx", e);
    expect(r.promptFormat).toBe("chat");
    expect(r.entry?.repo).toBe("test/model");
    expect(() => resolveModel("good", "ane", e)).toThrow(/is for the onnx engine/);
    // a folder path works offline too, its engine read from its layout
    expect(resolveModel(join(storeDir(e), "good"), "onnx", e).name).toBe("good");
  });
  test("an ANEMLL folder is validated on import", async () => {
    const e = env("ane");
    const src = join(fx.home, "ane-model");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "meta.yaml"), "model_info:\n  name: x\n");
    await expect(importModel(src, "ane1", { env: e })).rejects.toThrow(/no model_info.parameters/);
    writeFileSync(join(src, "meta.yaml"), "model_info:\n  parameters:\n    context_length: 256\n    model_prefix: qwen\n    lut_ffn: 4\n    lut_lmhead: 6\n");
    await expect(importModel(src, "ane1", { env: e })).rejects.toThrow(/missing tokenizer.json/);
    writeFileSync(join(src, "tokenizer.json"), "{}");
    for (const part of ["qwen_embeddings.mlmodelc", "qwen_FFN_PF_lut4_chunk_01of01.mlmodelc"]) {
      mkdirSync(join(src, part, "weights"), { recursive: true });
      writeFileSync(join(src, part, "weights/weight.bin"), "w");
    }
    await expect(importModel(src, "ane1", { env: e })).rejects.toThrow(/no lm_head model/);
    mkdirSync(join(src, "qwen_lm_head_lut6.mlmodelc"));
    writeFileSync(join(src, "qwen_lm_head_lut6.mlmodelc/model.mil"), "m");
    const m = await importModel(src, "ane1", { env: e, prompt: "completion" });
    expect(m.engine).toBe("ane");
    expect(m.files.map((f) => f.path).sort()).toContain("qwen_embeddings.mlmodelc/weights/weight.bin");
    expect(resolveModel("ane1", "ane", e).dir).toBe(join(storeDir(e), "ane1"));
  });
});

