/**
 * MatMulNBits compute type. onnxruntime's 4-bit MatMulNBits op reads its `accuracy_level` attribute:
 * 0 (absent) or 1 computes in fp32 (weights dequantised to fp32, activations fp32); 4 quantises the
 * activations to int8 per block and runs MLAS's integer kernels (AVX2/AVX-VNNI/AVX-512 on x64, NEON
 * dot products on arm64). The Hub's q4 exports made by transformers.js's quantize script leave it unset,
 * and no session setting overrides an attribute a node already has (onnxruntime's
 * `session.qdq_matmulnbits_accuracy_level` applies only to MatMulNBits nodes it fuses from QDQ), so
 * typofix rewrites the attribute in the model file: `rewriteAccuracy` walks ModelProto → GraphProto
 * (and subgraphs) → NodeProto and sets accuracy_level on every com.microsoft MatMulNBits node; every
 * other byte is copied as is (lengths of the changed messages re-encoded). `modelWithAccuracy` caches the
 * rewritten file next to the original (so external data still resolves), named by a hash of the
 * original's path, size and modification time (older rewrites are removed), and returns its path.
 * Cost: one read of the .onnx file (not its external data) and one write, the first time only.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export const ACCURACY = { model: -1, fp32: 1, int8: 4 } as const;
export type Accuracy = keyof typeof ACCURACY;
export const ACCURACIES = Object.keys(ACCURACY) as Accuracy[];

type Parts = Uint8Array[];
const size = (p: Parts) => p.reduce((n, b) => n + b.length, 0);

function varintBytes(v: number): Uint8Array {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Uint8Array.from(out);
}

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
const tagBytes = (no: number, wire: number) => varintBytes(no * 8 + wire);

function lenField(no: number, parts: Parts): Parts {
  return [tagBytes(no, 2), varintBytes(size(parts)), ...parts];
}

/** AttributeProto { name = "accuracy_level", i = level, type = INT } */
function levelAttr(level: number): Parts {
  const name = new TextEncoder().encode("accuracy_level");
  const body = [tagBytes(1, 2), varintBytes(name.length), name, tagBytes(3, 0), varintBytes(level), tagBytes(20, 0), varintBytes(2)];
  return lenField(5, body);
}

interface Walk {
  level: number;
  nodes: number;
}

function rewriteGraph(buf: Uint8Array, start: number, end: number, w: Walk): Parts | null {
  let out: Parts | null = null;
  let last = start;
  for (const f of fields(buf, start, end)) {
    if (f.no !== 1 || f.wire !== 2) continue; // GraphProto.node
    const node = rewriteNode(buf, f.body, f.end, w);
    if (!node) continue;
    (out ??= []).push(buf.subarray(last, f.start), ...lenField(1, node));
    last = f.end;
  }
  if (out) out.push(buf.subarray(last, end));
  return out;
}

function rewriteNode(buf: Uint8Array, start: number, end: number, w: Walk): Parts | null {
  let op = "";
  let domain = "";
  for (const f of fields(buf, start, end)) {
    if (f.no === 4 && f.wire === 2) op = text(buf, f);
    else if (f.no === 7 && f.wire === 2) domain = text(buf, f);
  }
  const out: Parts = [];
  let last = start;
  let changed = false;
  if (op === "MatMulNBits" && domain === "com.microsoft") {
    // drop any accuracy_level attribute, then add ours
    for (const f of fields(buf, start, end)) {
      if (f.no !== 5 || f.wire !== 2) continue;
      const name = [...fields(buf, f.body, f.end)].find((a) => a.no === 1 && a.wire === 2);
      if (!name || text(buf, name) !== "accuracy_level") continue;
      out.push(buf.subarray(last, f.start));
      last = f.end;
    }
    out.push(buf.subarray(last, end), ...levelAttr(w.level));
    w.nodes++;
    return out;
  }
  // subgraphs (If/Loop/Scan): AttributeProto.g (6) and .graphs (11)
  for (const f of fields(buf, start, end)) {
    if (f.no !== 5 || f.wire !== 2) continue;
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
    out.push(buf.subarray(last, f.start), ...lenField(5, attr));
    last = f.end;
    changed = true;
  }
  if (!changed) return null;
  out.push(buf.subarray(last, end));
  return out;
}

/**
 * The model with accuracy_level = `level` on every MatMulNBits node, as parts to concatenate (the
 * unchanged spans are views of `model`), and how many nodes were set; null parts when there are none.
 */
export function rewriteAccuracy(model: Uint8Array, level: number): { parts: Parts | null; nodes: number } {
  const w: Walk = { level, nodes: 0 };
  let out: Parts | null = null;
  let last = 0;
  for (const f of fields(model, 0, model.length)) {
    if (f.no !== 7 || f.wire !== 2) continue; // ModelProto.graph
    const g = rewriteGraph(model, f.body, f.end, w);
    if (!g) continue;
    (out ??= []).push(model.subarray(last, f.start), ...lenField(7, g));
    last = f.end;
  }
  if (out) out.push(model.subarray(last));
  return { parts: w.nodes ? out : null, nodes: w.nodes };
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
 * The path of `file` with its MatMulNBits nodes at `accuracy` ("model": the file itself). The rewritten
 * copy is made once, beside the original; a model without MatMulNBits nodes, or a folder that cannot be
 * written to, gives the original path (the second with `onFallback` told why).
 */
export function modelWithAccuracy(file: string, accuracy: Accuracy, onFallback?: (why: string) => void): string {
  const level = ACCURACY[accuracy];
  if (level < 0) return file;
  const st = statSync(file);
  const key = Bun.hash(`${file}\0${st.size}\0${st.mtimeMs}\0${st.ino}\0${level}`).toString(16).padStart(16, "0");
  const out = join(dirname(file), `.${basename(file)}.acc${level}-${key}.onnx`);
  if (existsSync(out)) return out;
  const none = `${out}.none`; // a stamp: this model has no MatMulNBits node
  if (existsSync(none)) return file;
  const { parts } = rewriteAccuracy(readFileSync(file), level);
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    if (!parts) {
      closeSync(openSync(none, "w"));
      return file;
    }
    const fd = openSync(tmp, "w");
    try {
      for (const p of parts) for (let o = 0; o < p.length; ) o += writeSync(fd, p, o);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, out);
    // rewrites of earlier versions of this file are stale
    const stale = `.${basename(file)}.acc${level}-`;
    for (const f of readdirSync(dirname(file))) if (f.startsWith(stale) && join(dirname(file), f) !== out && !f.endsWith(".tmp")) rmSync(join(dirname(file), f), { force: true });
    return out;
  } catch (err) {
    onFallback?.(`cannot write ${out}: ${(err as Error).message}; using the model's own MatMulNBits accuracy`);
    return file;
  }
}
