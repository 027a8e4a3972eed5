/**
 * The model tests' Hub (test/models.test.ts, test/models-cli.test.ts): the fake Hub of hub.ts serving small
 * repositories (a plain one, one with a bad digest, a slow one, Hub-style X-Linked metadata behind a CDN
 * redirect, listed ANE repositories) and a registry naming them (TYPOFIX_REGISTRY), set up before the
 * file's tests and removed after them. Cost: one Bun.serve and a temporary folder per test file.
 */
import { afterAll, beforeAll } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeHub, type FakeHub } from "./hub.ts";

export const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
export const big = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
export const FILES: Record<string, Uint8Array> = {
  "config.json": new TextEncoder().encode(JSON.stringify({ model_type: "qwen3" })),
  "onnx/model.onnx": big,
};

const enc = (t: string) => new TextEncoder().encode(t);
export const weights = new Uint8Array(50_000).map((_, i) => (i * 7) % 253);
/** Repositories served with a file listing (the Hub API), as the ANE registry entries are pulled. */
export const LISTED: Record<string, Record<string, Uint8Array>> = {
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
export interface ModelsHub {
  hub: FakeHub;
  /** The temporary folder: registry.yaml and the stores of the tests. */
  home: string;
  /** Serve the listed repositories' large files with one byte flipped. */
  corruptListed: boolean;
  /** An environment with its own store under `home` and HF_ENDPOINT at the hub. */
  env: (sub: string) => NodeJS.ProcessEnv;
}

export function modelsHub(): ModelsHub {
  const fx: ModelsHub = {
    hub: undefined as unknown as FakeHub,
    home: "",
    corruptListed: false,
    env: (sub) => ({ ...process.env, TYPOFIX_HOME: join(fx.home, sub), HF_ENDPOINT: fx.hub.url }),
  };
  beforeAll(() => {
    fx.home = mkdtempSync(join(tmpdir(), "typofix-models-"));
    fx.hub = startFakeHub({ repos: { ...LISTED, "test/model": FILES, "test/badsum": FILES, "test/slow": FILES }, commit: "cd".repeat(20) });
    fx.hub.commitHeader = false;
    fx.hub.respond = ({ req, url, repo, body }) => {
      if (LISTED[repo] && body && fx.corruptListed && body.length > 1000) return new Response(body.map((x, i) => (i === 5 ? x ^ 1 : x)));
      if (LISTED[repo] && body) return new Response(body);
      if (repo !== "test/hub" && repo !== "test/hub-bad") return undefined;
      // the Hub's metadata for an LFS file: its size and sha256 in X-Linked-* headers of a redirect
      if (req.method === "HEAD")
        return new Response(null, { status: 302, headers: { location: "/elsewhere", "x-linked-size": String(big.length), "x-linked-etag": `"${sha(big)}"`, "x-repo-commit": "ab".repeat(20) } });
      // and the file itself from the CDN it redirects to
      if (!url.searchParams.has("cdn")) return Response.redirect(`/cdn${url.pathname}?cdn=1`, 302);
      const b = repo === "test/hub" ? big : big.map((x, i) => (i === 777 ? x ^ 1 : x));
      return new Response(b, { headers: { "content-length": String(b.length) } });
    };
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
    writeFileSync(join(fx.home, "registry.yaml"), JSON.stringify(reg)); // JSON is YAML
    process.env.TYPOFIX_REGISTRY = join(fx.home, "registry.yaml");
  });
  afterAll(() => {
    fx.hub.stop();
    delete process.env.TYPOFIX_REGISTRY;
    rmSync(fx.home, { recursive: true, force: true });
  });

  return fx;
}
