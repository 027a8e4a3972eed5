import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importModel, installed, pull, remove, resolveModel, storeDir, type Progress } from "../src/models/index.ts";

const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
const big = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
const FILES: Record<string, Uint8Array> = {
  "config.json": new TextEncoder().encode(JSON.stringify({ model_type: "qwen3" })),
  "onnx/model.onnx": big,
};

let server: ReturnType<typeof Bun.serve>;
let home: string;
const hits: Array<{ path: string; range: string | null }> = [];
let dropOnce = new Set<string>();
let slow = false;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "typofix-models-"));
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const url = new URL(req.url);
      const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (!m) return new Response("bad path", { status: 400 });
      const [, repo, , file] = m;
      const key = decodeURIComponent(file!);
      hits.push({ path: `${repo}/${key}`, range: req.headers.get("range") });
      const body = repo === "test/model" || repo === "test/badsum" || repo === "test/slow" ? FILES[key] : undefined;
      if (!body) return new Response("not found", { status: 404 });
      const r = /^bytes=(\d+)-$/.exec(req.headers.get("range") ?? "");
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
              c.error(new Error("connection dropped"));
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
    expect((await run(["model", "list"], e)).stdout).toMatch(/\* good/);
    expect(JSON.parse((await run(["model", "info", "good"], e)).stdout).installed.name).toBe("good");
    expect((await run(["model", "path", "good"], e)).stdout.trim()).toBe(join(storeDir(e), "good"));
    expect((await run(["model", "rm", "good"], e)).code).toBe(0);
    const again = await run(["model", "path", "good"], e);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("typofix model pull good");
  });
  test("--engine onnx without a model names the command that installs one", async () => {
    const r = await run(["--engine", "onnx", "teh"], env("none"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("typofix model pull");
  });
});
