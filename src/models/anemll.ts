/**
 * The ANEMLL model-folder rules, as the Swift runner (swift/Sources/TypofixANE/Meta.swift) applies them,
 * so that a pull or an import is refused here when the runner could not open it: meta.yaml's parameters
 * validated (context_length, batch_size, num_chunks, split_lm_head all at least 1; LUT values such as 4,
 * "6", "4,0" or "none"), and each part found — meta.yaml's explicit `embeddings`, `lm_head` and `ffn` file
 * names first (as AnemllCore's YAMLConfig does), else the names rebuilt from `model_prefix` and the LUT
 * bits — as a compiled `.mlmodelc` or an uncompiled `.mlpackage` (the runner compiles it once). An FFN
 * chunk is one multi-function model (prefill + infer) or two files: `{prefix}_FFN_PF…` / `{prefix}_prefill…`
 * for prefill and `{prefix}_FFN…` for infer. Cost: a few stat calls and one small YAML parse.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface AneMeta {
  contextLength: number;
  batchSize: number;
  numChunks: number;
  splitLMHead: number;
  prefix: string;
  lutEmbeddings: number | null;
  lutFFN: number | null;
  lutLMHead: number | null;
  /** Explicit file names from meta.yaml, when it has them. */
  embeddings?: string;
  lmHead?: string;
  ffn?: string;
}

export interface AneLayout {
  meta: AneMeta;
  embeddings: string;
  lmHead: string;
  /** Per chunk: the prefill model and the infer model (the same file when it is one multi-function model). */
  chunks: Array<{ prefill: string; infer: string }>;
}

/** LUT bits from a meta.yaml value: 4, "6", "4,0" (bits, then a group size), 6.0; "none", null or absent: none. */
export function lutBits(v: unknown): number | null {
  if (v === null || v === undefined || v === false) return null;
  const m = /^\s*(\d+)/.exec(String(v));
  return m ? Number(m[1]) : null;
}

const int = (v: unknown, dflt: number) => (v === undefined || v === null || v === "" ? dflt : Number(String(v).trim()));

/** meta.yaml → parameters, with the runner's checks; throws a clear error naming the bad value. */
export function parseAneMeta(text: string, where = "meta.yaml"): AneMeta {
  let doc: { model_info?: { parameters?: Record<string, unknown> } } | null;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${where}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
  }
  const p = doc?.model_info?.parameters;
  if (!p) throw new Error(`${where}: no model_info.parameters (not an ANEMLL conversion?)`);
  const meta: AneMeta = {
    contextLength: int(p.context_length, 512),
    batchSize: int(p.batch_size, 64),
    numChunks: int(p.num_chunks, 1),
    splitLMHead: int(p.split_lm_head, 16),
    prefix: typeof p.model_prefix === "string" && p.model_prefix ? p.model_prefix : "qwen",
    lutEmbeddings: lutBits(p.lut_embeddings),
    lutFFN: lutBits(p.lut_ffn),
    lutLMHead: lutBits(p.lut_lmhead),
  };
  for (const [key, v] of [
    ["context_length", meta.contextLength],
    ["batch_size", meta.batchSize],
    ["num_chunks", meta.numChunks],
    ["split_lm_head", meta.splitLMHead],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${key} must be a whole number of at least 1 (got ${JSON.stringify(p[key])})`);
  for (const [key, field] of [
    ["embeddings", "embeddings"],
    ["lm_head", "lmHead"],
    ["ffn", "ffn"],
  ] as const) {
    const v = p[key];
    if (typeof v === "string" && v.trim()) {
      if (v.includes("/") || v.includes("\\") || v.startsWith(".")) throw new Error(`${where}: ${key} must be a file name in the model folder (got "${v}")`);
      meta[field] = v.trim();
    }
  }
  return meta;
}

const lut = (bits: number | null) => (bits === null ? "" : `_lut${bits}`);
const two = (n: number) => String(n).padStart(2, "0");

/** Candidate names for one part, in order; each tried as .mlmodelc then .mlpackage. */
function candidates(meta: AneMeta) {
  const P = meta.prefix;
  const N = meta.numChunks;
  const chunk = (c: number) => `_chunk_${two(c + 1)}of${two(N)}`;
  // an explicit ffn name is the first chunk's: the others differ in their "01ofNN"
  const explicitFfn = (c: number) => (meta.ffn ? [meta.ffn.replace(/_chunk_01of(\d+)/, (_m, n: string) => `_chunk_${two(c + 1)}of${n}`)] : []);
  return {
    embeddings: [...(meta.embeddings ? [meta.embeddings] : []), `${P}_embeddings${lut(meta.lutEmbeddings)}`, `${P}_embeddings`],
    lmHead: [...(meta.lmHead ? [meta.lmHead] : []), `${P}_lm_head${lut(meta.lutLMHead)}`, `${P}_lm_head`],
    prefill: (c: number) => [
      ...explicitFfn(c),
      `${P}_FFN_PF${lut(meta.lutFFN)}${chunk(c)}`,
      ...(N === 1 ? [`${P}_FFN_PF${lut(meta.lutFFN)}`] : []),
      `${P}_prefill${lut(meta.lutFFN)}${chunk(c)}`,
      `${P}_prefill${chunk(c)}`,
    ],
    infer: (c: number) => [`${P}_FFN${lut(meta.lutFFN)}${chunk(c)}`, `${P}_FFN${chunk(c)}`, ...(N === 1 ? [`${P}_FFN${lut(meta.lutFFN)}`] : [])],
  };
}

/** The first candidate present in `dir` (a name with its extension, or none). */
function find(dir: string, names: string[]): string | undefined {
  for (const n of names) {
    const bases = /\.(mlmodelc|mlpackage)$/.test(n) ? [n, n.replace(/\.(mlmodelc|mlpackage)$/, "")] : [n];
    for (const b of bases)
      for (const ext of ["", ".mlmodelc", ".mlpackage"]) {
        const f = b + ext;
        if ((ext || /\.(mlmodelc|mlpackage)$/.test(f)) && existsSync(join(dir, f))) return f;
      }
  }
  return undefined;
}

/** Resolve an ANEMLL folder's parts as the runner does, or throw an error naming what is missing. */
export function aneLayout(dir: string): AneLayout {
  const metaPath = join(dir, "meta.yaml");
  if (!existsSync(metaPath)) throw new Error(`${dir}: missing meta.yaml (not an ANEMLL model folder)`);
  const meta = parseAneMeta(readFileSync(metaPath, "utf8"), metaPath);
  const c = candidates(meta);
  const need = (what: string, all: string[]) => {
    const names = [...new Set(all)];
    const f = find(dir, names);
    if (!f) throw new Error(`${dir}: no ${what} model (${names.map((n) => `${n.replace(/\.(mlmodelc|mlpackage)$/, "")}.mlmodelc|.mlpackage`).join(" or ")})`);
    return f;
  };
  const embeddings = need("embeddings", c.embeddings);
  const lmHead = need("lm_head", c.lmHead);
  const chunks: AneLayout["chunks"] = [];
  for (let k = 0; k < meta.numChunks; k++) {
    const prefill = need(`FFN chunk ${k + 1}`, c.prefill(k));
    const infer = find(dir, c.infer(k)) ?? prefill;
    chunks.push({ prefill, infer });
  }
  return { meta, embeddings, lmHead, chunks };
}
