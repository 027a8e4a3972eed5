import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importModel, installed, pull, registry, remove, resolveModel, storeDir, verify, type Progress } from "../src/models/index.ts";
import { progressPrinter } from "../src/models/progress.ts";

const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
const big = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
const FILES: Record<string, Uint8Array> = {
  "config.json": new TextEncoder().encode(JSON.stringify({ model_type: "qwen3" })),
  "onnx/model.onnx": big,
};

const enc = (t: string) => new TextEncoder().encode(t);
const weights = new Uint8Array(50_000).map((_, i) => (i * 7) % 253);
/** Repositories served with a file listing (the Hub API), as the ANE registry entries are pulled. */
const LISTED: Record<string, Record<string, Uint8Array>> = {
  "test/ane": {
    "meta.yaml": enc("model_info:\n  parameters:\n    context_length: 256\n    model_prefix: qwen\n    lut_ffn: 8\n    lut_lmhead: 8\n"),
    "tokenizer.json": enc("{}"),
    "README.md": enc("# not wanted"),
    ".gitattributes": enc("*.bin filter=lfs"),
    "qwen_embeddings.mlmodelc/coremldata.bin": enc("c1"),
    "qwen_embeddings.mlmodelc/weights/weight.bin": weights,
    "qwen_FFN_PF_lut8_chunk_01of01.mlmodelc/model.mil": enc("mil"),
    "qwen_lm_head_lut8.mlmodelc/model.mil": enc("mil"),
  },
  "test/ane-zipped": {
    "meta.yaml": enc("model_info:\n  parameters:\n    context_length: 256\n"),
    "tokenizer.json": enc("{}"),
    "qwen_embeddings.mlmodelc.zip": enc("PK"),
  },
};
let corruptListed = false;

let server: ReturnType<typeof Bun.serve>;
let home: string;
const hits: Array<{ path: string; range: string | null; method: string; cdn?: boolean }> = [];
let dropOnce = new Set<string>();
let stallOnce = new Set<string>();
let ignoreRange = false;
let slow = false;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "typofix-models-"));
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const url = new URL(req.url);
      const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
      if (api) {
        const repo = LISTED[api[1]!];
        if (!repo) return new Response("not found", { status: 404 });
        // as the Hub answers with ?blobs=true: LFS files carry their sha256
        const siblings = Object.entries(repo).map(([rfilename, b]) => ({ rfilename, size: b.length, ...(b.length > 1000 ? { lfs: { sha256: sha(b), size: b.length } } : {}) }));
        return Response.json({ id: api[1], sha: "cd".repeat(20), siblings });
      }
      const m = /^(?:\/cdn)?\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (!m) return new Response("bad path", { status: 400 });
      const [, repo, , file] = m;
      const key = decodeURIComponent(file!);
      hits.push({ path: `${repo}/${key}`, range: req.headers.get("range"), method: req.method, cdn: url.pathname.startsWith("/cdn/") });
      if (LISTED[repo!]) {
        const b = LISTED[repo!]![key];
        if (!b) return new Response("not found", { status: 404 });
        return new Response(corruptListed && b.length > 1000 ? b.map((x, i) => (i === 5 ? x ^ 1 : x)) : b);
      }
      if (repo === "test/hub" || repo === "test/hub-bad") {
        // the Hub's metadata for an LFS file: its size and sha256 in X-Linked-* headers of a redirect
        if (req.method === "HEAD")
          return new Response(null, { status: 302, headers: { location: "/elsewhere", "x-linked-size": String(big.length), "x-linked-etag": `"${sha(big)}"`, "x-repo-commit": "ab".repeat(20) } });
        // and the file itself from the CDN it redirects to
        if (!url.searchParams.has("cdn")) return Response.redirect(`/cdn/${repo}/resolve/main/${file}?cdn=1`, 302);
        const body = repo === "test/hub" ? big : big.map((b, i) => (i === 777 ? b ^ 1 : b));
        return new Response(body, { headers: { "content-length": String(body.length) } });
      }
      const body = repo === "test/model" || repo === "test/badsum" || repo === "test/slow" ? FILES[key] : undefined;
      if (!body) return new Response("not found", { status: 404 });
      const r = ignoreRange ? null : /^bytes=(\d+)-$/.exec(req.headers.get("range") ?? "");
      const start = r ? Number(r[1]) : 0;
      const part = body.subarray(start);
      const headers = { "content-length": String(part.length), ...(r ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}) };
      if (dropOnce.has(key)) {
        dropOnce.delete(key);
        // send half, then break the connection
        const half = part.subarray(0, Math.floor(part.length / 2));
        let sent = false;
        return new Response(
          new ReadableStream({
            async pull(c) {
              if (!sent) {
                sent = true;
                c.enqueue(half);
                return;
              }
              await Bun.sleep(20);
              c.close(); // ends the response short of its Content-Length: the client sees a broken download
            },
          }),
          { status: r ? 206 : 200, headers },
        );
      }
      if (stallOnce.has(key)) {
        stallOnce.delete(key);
        // send a third, then go quiet without closing the connection
        let sent = false;
        return new Response(
          new ReadableStream({
            async pull(c) {
              if (!sent) {
                sent = true;
                c.enqueue(part.subarray(0, Math.floor(part.length / 3)));
                return;
              }
              await Bun.sleep(1500);
              c.close();
            },
          }),
          { status: r ? 206 : 200, headers },
        );
      }
      if (slow && key === "onnx/model.onnx") {
        let off = 0;
        return new Response(
          new ReadableStream({
            async pull(c) {
              if (off >= part.length) return c.close();
              await Bun.sleep(60);
              c.enqueue(part.subarray(off, off + 30_000));
              off += 30_000;
            },
          }),
          { status: r ? 206 : 200, headers },
        );
      }
      return new Response(part, { status: r ? 206 : 200, headers });
    },
  });
  const reg = {
    models: {
      good: { engine: "onnx", repo: "test/model", revision: "main", prompt: "chat", files: [{ path: "config.json", sha256: sha(FILES["config.json"]!) }, { path: "onnx/model.onnx", size: big.length, sha256: sha(big) }] },
      badsum: { engine: "onnx", repo: "test/badsum", revision: "main", files: [{ path: "config.json", sha256: "0".repeat(64) }] },
      missing: { engine: "onnx", repo: "test/model", revision: "main", files: [{ path: "config.json" }, { path: "onnx/nope.onnx" }] },
      slow: { engine: "onnx", repo: "test/slow", revision: "main", files: [{ path: "onnx/model.onnx" }] },
      hub: { engine: "onnx", repo: "test/hub", revision: "main", files: [{ path: "onnx/model.onnx", size: null, sha256: null }] },
      ane: { engine: "ane", repo: "test/ane", revision: "main", files: [], include: ["meta.yaml", "tokenizer*.json", "*.mlmodelc/**"] },
      "ane-zipped": { engine: "ane", repo: "test/ane-zipped", revision: "main", files: [], include: ["meta.yaml", "tokenizer*.json", "*.mlmodelc/**"] },
      "ane-gone": { engine: "ane", repo: "test/nowhere", revision: "main", files: [], include: ["*"] },
      "hub-bad": { engine: "onnx", repo: "test/hub-bad", revision: "main", files: [{ path: "onnx/model.onnx", size: null, sha256: null }] },
    },
  };
  writeFileSync(join(home, "registry.yaml"), JSON.stringify(reg)); // JSON is YAML
  process.env.TYPOFIX_REGISTRY = join(home, "registry.yaml");
});
afterAll(() => {
  server.stop(true);
  delete process.env.TYPOFIX_REGISTRY;
  rmSync(home, { recursive: true, force: true });
});

const env = (sub: string) => ({ ...process.env, TYPOFIX_HOME: join(home, sub), HF_ENDPOINT: `http://127.0.0.1:${server.port}` });

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
    hits.length = 0;
    dropOnce = new Set(["onnx/model.onnx"]);
    const m = await pull("good", { env: e });
    expect(m.files[1]!.sha256).toBe(sha(big));
    const modelHits = hits.filter((h) => h.path.endsWith("model.onnx"));
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
    slow = true;
    const seen: Progress[] = [];
    await pull("slow", { env: e, onProgress: (p) => seen.push(p) });
    slow = false;
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
    const src = join(home, "local-model");
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
    hits.length = 0;
    stallOnce = new Set(["onnx/model.onnx"]);
    const t0 = performance.now();
    const m = await pull("good", { env: e, stallMs: 300 });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(m.files[1]!.sha256).toBe(sha(big));
    const modelHits = hits.filter((h) => h.path.endsWith("model.onnx"));
    expect(modelHits.map((h) => h.range)).toEqual([null, `bytes=${Math.floor(big.length / 3)}-`]);
  });
  test("a server that ignores Range gets the whole file again, not a spliced one", async () => {
    const e = env("norange");
    dropOnce = new Set(["onnx/model.onnx"]);
    ignoreRange = true;
    try {
      const m = await pull("good", { env: e });
      expect(m.files[1]!.sha256).toBe(sha(big));
      expect(readFileSync(join(storeDir(e), "good/onnx/model.onnx"))).toEqual(Buffer.from(big));
    } finally {
      ignoreRange = false;
    }
  });
  test("where the registry has no digest, the Hub's (X-Linked-Etag) is checked", async () => {
    const e = env("hub");
    const m = await pull("hub", { env: e });
    expect(m.files[0]!.sha256).toBe(sha(big));
    expect(m.commit).toBe("ab".repeat(20));
    // the file came through the redirect, as the Hub sends LFS files to its CDN
    expect(hits.filter((h) => h.path === "test/hub/onnx/model.onnx" && h.method === "GET").map((h) => h.cdn)).toEqual([false, true]);
    expect(hits.some((h) => h.path === "test/hub/onnx/model.onnx" && h.method === "HEAD")).toBe(true);
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
    corruptListed = true;
    try {
      await expect(pull("ane", { env: e2 })).rejects.toThrow(/qwen_embeddings.mlmodelc\/weights\/weight.bin: sha256 .* does not match/);
    } finally {
      corruptListed = false;
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
    dropOnce = new Set(["onnx/model.onnx"]);
    await expect(pull("good", { env: e, retries: 0 })).rejects.toThrow(/download from http:\/\/127.0.0.1:\d+\/test\/model\/resolve\/main\/onnx\/model.onnx failed after 1 attempts \(onnx\/model.onnx: connection closed at 150000 of 300000 bytes\)/);
    expect(installed(e)).toEqual([]);
    expect(existsSync(join(storeDir(e), "good"))).toBe(false);
    expect(() => resolveModel("good", e)).toThrow(/not installed/);
    hits.length = 0;
    const m = await pull("good", { env: e });
    expect(m.files[1]!.sha256).toBe(sha(big));
    expect(hits.find((h) => h.path.endsWith("model.onnx"))!.range).toMatch(/^bytes=[1-9]\d*-$/);
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
    await expect(importModel(join(home, "nowhere"), "../x", { env: e })).rejects.toThrow(/invalid model name/);
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
    const src = join(home, "ane-model");
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

describe("typofix model (CLI)", () => {
  const CLI = join(import.meta.dir, "../src/cli.ts");
  const run = async (args: string[], e: Record<string, string | undefined>) => {
    const p = Bun.spawn([process.execPath, CLI, ...args], { stdout: "pipe", stderr: "pipe", env: { ...e, TYPOFIX_REGISTRY: join(home, "registry.yaml") } });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { stdout, stderr, code };
  };
  test("list, pull, info, path, rm", async () => {
    const e = env("cli");
    expect((await run(["model", "list"], e)).stdout).toContain("good");
    const p = await run(["model", "pull", "good"], e);
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/model\.onnx .*MB/);
    expect(p.stderr).not.toContain("\r"); // not a TTY: plain lines, no redrawn bar
    expect((await run(["model", "list"], e)).stdout).toMatch(/\* good/);
    // offline: listing and resolving installed models needs no network
    const offline = { ...e, HF_ENDPOINT: "http://127.0.0.1:9" };
    expect((await run(["model", "list"], offline)).stdout).toMatch(/\* good/);
    expect((await run(["model", "path", "good"], offline)).stdout.trim()).toBe(join(storeDir(e), "good"));
    expect((await run(["model", "pull", "good"], offline)).code).toBe(0); // already installed: nothing to fetch
    expect(JSON.parse((await run(["model", "info", "good"], e)).stdout).installed.name).toBe("good");
    expect((await run(["model", "path", "good"], e)).stdout.trim()).toBe(join(storeDir(e), "good"));
    expect((await run(["model", "rm", "good"], e)).code).toBe(0);
    const again = await run(["model", "path", "good"], e);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("typofix model pull good");
  });
  test("import, verify, and clear errors for bad folders and names", async () => {
    const e = env("cli-import");
    const src = join(home, "cli-model");
    mkdirSync(join(src, "onnx"), { recursive: true });
    writeFileSync(join(src, "config.json"), JSON.stringify({ model_type: "qwen3" }));
    const bad = await run(["model", "import", src, "--name", "mine"], e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("missing tokenizer.json");
    expect(existsSync(join(storeDir(e), "mine"))).toBe(false);
    writeFileSync(join(src, "tokenizer.json"), "{}");
    writeFileSync(join(src, "tokenizer_config.json"), "{}");
    writeFileSync(join(src, "onnx/model_q4.onnx"), "weights");
    const ok = await run(["model", "import", src, "--name", "mine", "--prompt", "completion"], e);
    expect(ok.code).toBe(0);
    expect((await run(["model", "list"], e)).stdout).toMatch(/\* mine +onnx/);
    expect(JSON.parse((await run(["model", "info", "mine"], e)).stdout).installed.prompt).toBe("completion");
    expect((await run(["model", "verify", "mine"], e)).code).toBe(0);
    writeFileSync(join(storeDir(e), "mine/onnx/model_q4.onnx"), "weightz");
    const v = await run(["model", "verify", "mine"], e);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain("onnx/model_q4.onnx: sha256 differs");
    const evil = await run(["model", "rm", "../cli-import"], e);
    expect(evil.code).toBe(1);
    expect(evil.stderr).toContain("invalid model name");
    expect(existsSync(storeDir(e))).toBe(true);
  });
  test("two typofix processes pulling the same model: the second waits for the first, the install is intact", async () => {
    const e = env("cli-two");
    slow = true;
    try {
      const spawn = () => Bun.spawn([process.execPath, CLI, "model", "pull", "slow"], { stdout: "pipe", stderr: "pipe", env: { ...e, TYPOFIX_REGISTRY: join(home, "registry.yaml") } });
      const first = spawn();
      const lock = join(storeDir(e), ".locks/slow.lock");
      for (let i = 0; i < 200 && !existsSync(lock); i++) await Bun.sleep(10);
      expect(existsSync(lock)).toBe(true);
      const second = spawn();
      const [c1, c2, err2] = await Promise.all([first.exited, second.exited, new Response(second.stderr).text()]);
      expect([c1, c2]).toEqual([0, 0]);
      expect(err2).toContain(`waiting for another typofix (pid ${first.pid}) installing slow`);
      expect(readFileSync(join(storeDir(e), "slow/onnx/model.onnx"))).toEqual(Buffer.from(big));
      expect(readdirSync(join(storeDir(e), ".locks"))).toEqual([]);
    } finally {
      slow = false;
    }
  });
  test("a failed pull exits 1 with the reason and installs nothing", async () => {
    const e = env("cli-fail");
    const r = await run(["model", "pull", "badsum"], e);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sha256 .* does not match the registry's/);
    expect((await run(["model", "list"], e)).stdout).not.toMatch(/\* badsum/);
  });
  test("--engine onnx without a model names the command that installs one", async () => {
    const r = await run(["--engine", "onnx", "teh"], env("none"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("typofix model pull");
  });
});
