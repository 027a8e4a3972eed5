/**
 * Two rewrites of an ONNX model file that make a CPU run cheaper, made once and cached beside the
 * original (so external data still resolves) by `preparedModel`, named by a hash of the original's path,
 * size and modification time (older rewrites are removed):
 * - MatMulNBits compute type. onnxruntime's 4-bit MatMulNBits op reads its `accuracy_level` attribute:
 *   0 (absent) or 1 computes in fp32 (weights dequantised to fp32); 4 quantises the activations to int8
 *   per block and runs MLAS's integer kernels (AVX2/AVX-VNNI/AVX-512 on x64, NEON dot products on arm64).
 *   The Hub's q4 exports made by transformers.js's quantize script leave it unset, and no session setting
 *   overrides an attribute a node has (onnxruntime's `session.qdq_matmulnbits_accuracy_level` applies
 *   only to MatMulNBits nodes it fuses from QDQ pairs), so the attribute is set on every com.microsoft
 *   MatMulNBits node (subgraphs included).
 * - num_logits_to_keep. A graph whose `logits` output is a MatMul(NBits) of the hidden states and that
 *   has no num_logits_to_keep input gets one, with Unsqueeze/Neg/Slice nodes that cut the lm head's input
 *   to the last N positions (0 keeps all, as in transformers; the Hub's fp16 exports have this input):
 *   a prefill then computes the lm head (a sixth of the 0.6B model's weights) for one position.
 * The walker reads ModelProto → GraphProto → NodeProto/AttributeProto; every other byte is copied as
 * it is, and only the lengths of the changed messages are re-encoded.
 * Cost: one read of the .onnx file (not its external data) and one write, the first time only.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DataType, Writer, attr, node, tensor, valueInfo } from "./proto.ts";

export const ACCURACY = { model: -1, fp32: 1, int8: 4 } as const;
export type Accuracy = keyof typeof ACCURACY;
export const ACCURACIES = Object.keys(ACCURACY) as Accuracy[];

type Parts = Uint8Array[];
const size = (p: Parts) => p.reduce((n, b) => n + b.length, 0);

interface Field {
  no: number;
  wire: number;
  /** the whole field, tag included */
  start: number;
  end: number;
  /** payload of a length-delimited field; the value of a varint */
  body: number;
  value: number;
}

/** The fields of the message in buf[start, end), in order. */
function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let p = start;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= end) throw new Error("not an ONNX model: a truncated varint");
      const b = buf[p++]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return v;
    }
  };
  while (p < end) {
    const fs = p;
    const tag = varint();
    const wire = tag % 8;
    const no = Math.floor(tag / 8);
    let body = p;
    let value = 0;
    if (wire === 0) value = varint();
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      const n = varint();
      body = p;
      value = n;
      p += n;
    } else throw new Error(`not an ONNX model: protobuf wire type ${wire}`);
    if (p > end) throw new Error("not an ONNX model: a field runs past its message");
    yield { no, wire, start: fs, end: p, body, value };
  }
}

const text = (buf: Uint8Array, f: Field) => new TextDecoder().decode(buf.subarray(f.body, f.body + f.value));
/** A length-delimited field around parts (the views of the model among them are not copied). */
function lenField(no: number, parts: Parts): Parts {
  const head = new Writer();
  head.tag(no, 2);
  head.varint(size(parts));
  return [head.finish(), ...parts];
}

/** A message as field `no` of its parent, encoded (proto.ts). */
function field(no: number, m: Writer): Uint8Array {
  const w = new Writer();
  w.message(no, m);
  return w.finish();
}

/** A string as field `no`. */
function strField(no: number, s: string): Uint8Array {
  const w = new Writer();
  w.string(no, s);
  return w.finish();
}

interface Walk {
  /** accuracy_level to set (-1: leave) */
  level: number;
  nodes: number;
  /** add a num_logits_to_keep input in front of the lm head (top-level graph only) */
  keep: boolean;
  kept: boolean;
}

const KEEP = "num_logits_to_keep";

/** NodeProto (GraphProto field 1) with inputs, one output, an op type (default domain) and a name. */
const nodeField = (op: string, inputs: string[], output: string) => field(1, node({ op, inputs, outputs: [output], name: `typofix_${output}` }));

/** TensorProto int64 [n] as an initialiser (GraphProto field 5). */
function int64Init(name: string, xs: bigint[]): Uint8Array {
  const raw = new Uint8Array(xs.length * 8);
  xs.forEach((x, i) => new DataView(raw.buffer).setBigInt64(i * 8, x, true));
  return field(5, tensor({ name, dims: [xs.length], dataType: DataType.INT64, raw }));
}

/**
 * The nodes and initialisers that cut the lm head's input to its last `num_logits_to_keep` positions
 * (0 keeps all, as in transformers): Slice(x, -keep, INT64_MAX, axis 1), and the graph input.
 */
function keepParts(x: string): { nodes: Parts; tail: Parts; input: string } {
  const nodes = [
    nodeField("Unsqueeze", [KEEP, "typofix_axis0"], "typofix_keep_1d"),
    nodeField("Neg", ["typofix_keep_1d"], "typofix_keep_from"),
    nodeField("Slice", [x, "typofix_keep_from", "typofix_int64_max", "typofix_axis1"], "typofix_lm_head_input"),
  ];
  // the graph input (GraphProto field 11): a scalar int64
  const input = field(11, valueInfo({ name: KEEP, elemType: DataType.INT64, shape: [] }));
  const tail = [int64Init("typofix_axis0", [0n]), int64Init("typofix_axis1", [1n]), int64Init("typofix_int64_max", [0x7fffffffffffffffn]), input];
  return { nodes, tail, input: "typofix_lm_head_input" };
}

/** The node that writes the graph output `logits`, when it is a MatMul(Nbits) of the hidden states (its field index). */
function lmHead(buf: Uint8Array, start: number, end: number): number | null {
  let outputs = new Set<string>();
  const inputs = new Set<string>();
  for (const f of fields(buf, start, end)) {
    if (f.wire !== 2 || (f.no !== 11 && f.no !== 12)) continue;
    const name = [...fields(buf, f.body, f.end)].find((x) => x.no === 1 && x.wire === 2);
    if (name) (f.no === 11 ? inputs : outputs).add(text(buf, name));
  }
  if (!outputs.has("logits") || inputs.has(KEEP) || inputs.has("logits_to_keep")) return null;
  outputs = new Set(["logits"]);
  for (const f of fields(buf, start, end)) {
    if (f.no !== 1 || f.wire !== 2) continue;
    let op = "";
    let writes = false;
    for (const n of fields(buf, f.body, f.end)) {
      if (n.no === 4 && n.wire === 2) op = text(buf, n);
      if (n.no === 2 && n.wire === 2 && outputs.has(text(buf, n))) writes = true;
    }
    if (writes) return op === "MatMulNBits" || op === "MatMul" ? f.start : null;
  }
  return null;
}

function rewriteGraph(buf: Uint8Array, start: number, end: number, w: Walk, top = false): Parts | null {
  let out: Parts | null = null;
  let last = start;
  const head = top && w.keep ? lmHead(buf, start, end) : null;
  let tail: Parts = [];
  for (const f of fields(buf, start, end)) {
    if (f.no !== 1 || f.wire !== 2) continue; // GraphProto.node
    let extra: Parts = [];
    let input0: string | undefined;
    if (f.start === head) {
      const x = [...fields(buf, f.body, f.end)].find((n) => n.no === 1 && n.wire === 2);
      if (x) {
        const k = keepParts(text(buf, x));
        extra = k.nodes;
        tail = k.tail;
        input0 = k.input;
        w.kept = true;
      }
    }
    const node = rewriteNode(buf, f.body, f.end, w, input0);
    if (!node && !extra.length) continue;
    (out ??= []).push(buf.subarray(last, f.start), ...extra, ...(node ? lenField(1, node) : [buf.subarray(f.start, f.end)]));
    last = f.end;
  }
  if (out) out.push(buf.subarray(last, end), ...tail);
  return out;
}

function rewriteNode(buf: Uint8Array, start: number, end: number, w: Walk, input0?: string): Parts | null {
  let op = "";
  let domain = "";
  for (const f of fields(buf, start, end)) {
    if (f.no === 4 && f.wire === 2) op = text(buf, f);
    else if (f.no === 7 && f.wire === 2) domain = text(buf, f);
  }
  const nbits = op === "MatMulNBits" && domain === "com.microsoft" && w.level >= 0;
  const out: Parts = [];
  let last = start;
  let changed = false;
  const replace = (f: Field, with_: Parts) => {
    out.push(buf.subarray(last, f.start), ...with_);
    last = f.end;
    changed = true;
  };
  for (const f of fields(buf, start, end)) {
    if (f.wire !== 2) continue;
    if (f.no === 1 && input0 !== undefined) {
      replace(f, [strField(1, input0)]); // the first input
      input0 = undefined;
    } else if (f.no === 5 && nbits) {
      // drop any accuracy_level attribute (ours is added at the end)
      const name = [...fields(buf, f.body, f.end)].find((a) => a.no === 1 && a.wire === 2);
      if (name && text(buf, name) === "accuracy_level") replace(f, []);
    } else if (f.no === 5) {
      // subgraphs (If/Loop/Scan): AttributeProto.g (6) and .graphs (11)
      const attr: Parts = [];
      let alast = f.body;
      for (const a of fields(buf, f.body, f.end)) {
        if ((a.no !== 6 && a.no !== 11) || a.wire !== 2) continue;
        const g = rewriteGraph(buf, a.body, a.end, w);
        if (!g) continue;
        attr.push(buf.subarray(alast, a.start), ...lenField(a.no, g));
        alast = a.end;
      }
      if (!attr.length) continue;
      attr.push(buf.subarray(alast, f.end));
      replace(f, lenField(5, attr));
    }
  }
  if (nbits) {
    // AttributeProto { name = "accuracy_level", i = level, type = INT } (NodeProto field 5)
    out.push(buf.subarray(last, end), field(5, attr({ name: "accuracy_level", i: w.level })));
    w.nodes++;
    return out;
  }
  if (!changed) return null;
  out.push(buf.subarray(last, end));
  return out;
}

/** The default-domain opset a model imports (0 when none is given). */
function opset(model: Uint8Array): number {
  for (const f of fields(model, 0, model.length)) {
    if (f.no !== 8 || f.wire !== 2) continue;
    const x = [...fields(model, f.body, f.end)];
    const d = x.find((a) => a.no === 1 && a.wire === 2);
    if (!d || text(model, d) === "") return x.find((a) => a.no === 2 && a.wire === 0)?.value ?? 0;
  }
  return 0;
}

export interface Rewrite {
  /** accuracy_level for every MatMulNBits node (omit: leave them) */
  level?: number;
  /** add a num_logits_to_keep input that cuts the lm head's input (needs opset 13 or later) */
  keepLogits?: boolean;
}

/**
 * The model rewritten, as parts to concatenate (the unchanged spans are views of `model`): null parts
 * when nothing applied. `nodes`: MatMulNBits nodes set; `kept`: whether num_logits_to_keep was added.
 */
export function rewriteModel(model: Uint8Array, r: Rewrite): { parts: Parts | null; nodes: number; kept: boolean } {
  const w: Walk = { level: r.level ?? -1, nodes: 0, keep: !!r.keepLogits && opset(model) >= 13, kept: false };
  let out: Parts | null = null;
  let last = 0;
  for (const f of fields(model, 0, model.length)) {
    if (f.no !== 7 || f.wire !== 2) continue; // ModelProto.graph
    const g = rewriteGraph(model, f.body, f.end, w, true);
    if (!g) continue;
    (out ??= []).push(model.subarray(last, f.start), ...lenField(7, g));
    last = f.end;
  }
  if (out) out.push(model.subarray(last));
  return { parts: out, nodes: w.nodes, kept: w.kept };
}

/** accuracy_level on every MatMulNBits node (null parts when there is none). */
export function rewriteAccuracy(model: Uint8Array, level: number): { parts: Parts | null; nodes: number } {
  const r = rewriteModel(model, { level });
  return { parts: r.nodes ? r.parts : null, nodes: r.nodes };
}

export function concat(parts: Parts): Uint8Array {
  const out = new Uint8Array(size(parts));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The accuracy_level of each MatMulNBits node (tests; 0 where absent). */
export function accuracyLevels(model: Uint8Array): number[] {
  const levels: number[] = [];
  const graph = (s: number, e: number): void => {
    for (const f of fields(model, s, e)) {
      if (f.no !== 1 || f.wire !== 2) continue;
      let op = "";
      let level = 0;
      for (const n of fields(model, f.body, f.end)) {
        if (n.no === 4 && n.wire === 2) op = text(model, n);
        if (n.no !== 5 || n.wire !== 2) continue;
        const a = [...fields(model, n.body, n.end)];
        const name = a.find((x) => x.no === 1 && x.wire === 2);
        if (name && text(model, name) === "accuracy_level") level = a.find((x) => x.no === 3 && x.wire === 0)?.value ?? 0;
        for (const x of a) if ((x.no === 6 || x.no === 11) && x.wire === 2) graph(x.body, x.end);
      }
      if (op === "MatMulNBits") levels.push(level);
    }
  };
  for (const f of fields(model, 0, model.length)) if (f.no === 7 && f.wire === 2) graph(f.body, f.end);
  return levels;
}

/**
 * The path of `file` rewritten (accuracy "model" and no keepLogits: the file itself). The rewritten copy
 * is made once, beside the original; a model the rewrite does not apply to, or a folder that cannot be
 * written to, gives the original path (the second with `onFallback` told why).
 */
export function preparedModel(file: string, accuracy: Accuracy, keepLogits: boolean, onFallback?: (why: string) => void): string {
  const level = ACCURACY[accuracy];
  if (level < 0 && !keepLogits) return file;
  const st = statSync(file);
  const tag = `${level < 0 ? "" : `acc${level}`}${keepLogits ? "keep" : ""}`;
  const key = Bun.hash(`${file}\0${st.size}\0${st.mtimeMs}\0${st.ino}\0${tag}`).toString(16).padStart(16, "0");
  const stale = `.${basename(file)}.${tag}-`;
  const out = join(dirname(file), `${stale}${key}.onnx`);
  if (existsSync(out)) return out;
  const none = `${out}.none`; // a stamp: nothing to rewrite in this model
  if (existsSync(none)) return file;
  const { parts } = rewriteModel(readFileSync(file), { level: level < 0 ? undefined : level, keepLogits });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    if (!parts) {
      closeSync(openSync(none, "w"));
      return file;
    }
    const fd = openSync(tmp, "w");
    try {
      for (const p of parts) for (let o = 0; o < p.length; ) o += writeSync(fd, p, o);
      // on disk before the rename makes it the copy every later run loads
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, out);
    // rewrites of earlier versions of this file are stale
    for (const f of readdirSync(dirname(file))) if (f.startsWith(stale) && join(dirname(file), f) !== out && !f.endsWith(".tmp")) rmSync(join(dirname(file), f), { force: true });
    return out;
  } catch (err) {
    // (a full disk leaves no half-written copy behind)
    try {
      rmSync(tmp, { force: true });
    } catch {}
    onFallback?.(`cannot write ${out}: ${(err as Error).message}; using ${file} as it is`);
    return file;
  }
}

/** `preparedModel` for the compute type alone. */
export function modelWithAccuracy(file: string, accuracy: Accuracy, onFallback?: (why: string) => void): string {
  return preparedModel(file, accuracy, false, onFallback);
}
