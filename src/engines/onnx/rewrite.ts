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
 * - typofix's attention op. Each com.microsoft GroupQueryAttention node of the top-level graph whose
 *   attributes typofix's kernel supports (num_heads, kv_num_heads, scale; no rotary, local window,
 *   softcap or smooth softmax), whose past key/value are float32 graph inputs and whose present
 *   key/value are graph outputs, becomes domain "ai.typofix" (native/ortop.c: the same inputs and
 *   outputs, a float16 cache); those graph inputs and outputs become float16, and the model imports the
 *   domain. The engine then keeps a float16 cache (half the bytes a decode step reads) and onnxruntime
 *   runs the op from typofix's library, registered with the session (./capi.ts).
 * - typofix's 4-bit matmul. Each com.microsoft MatMulNBits node of the top-level graph in the form the
 *   Hub's q4 exports have (4 bits, blocks of 32, K a multiple of 32; float32 scales and a uint8 B that are
 *   initialisers; no zero points, g_idx or bias) and int8 compute (accuracy_level 4, the engine's default:
 *   typofix's kernels quantise the activations as MLAS's int8 path does) becomes domain "ai.typofix"
 *   (native/ortop.c, matmul.h: the same inputs, attributes and output), run from the same library as the
 *   attention op.
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
  /** swap supported GroupQueryAttention nodes for typofix's op (top-level graph only) */
  attention: boolean;
  /** GroupQueryAttention nodes swapped */
  swapped: number;
  /** swap MatMulNBits nodes of the supported form for typofix's op (top-level graph only) */
  matmul: boolean;
  /** MatMulNBits nodes swapped */
  matmuls: number;
}

export const TYPOFIX_DOMAIN = "ai.typofix";

/** The GroupQueryAttention nodes typofix's op can take (their field starts) and the cache names they read and write. */
function attentionNodes(buf: Uint8Array, start: number, end: number): { nodes: Set<number>; names: Set<string> } {
  const floatInputs = new Set<string>();
  const outputs = new Set<string>();
  for (const f of fields(buf, start, end)) {
    if (f.wire !== 2 || (f.no !== 11 && f.no !== 12)) continue;
    const vi = [...fields(buf, f.body, f.end)];
    const name = vi.find((x) => x.no === 1 && x.wire === 2);
    if (!name) continue;
    if (f.no === 12) {
      outputs.add(text(buf, name));
      continue;
    }
    if (elemType(buf, vi) === DataType.FLOAT) floatInputs.add(text(buf, name));
  }
  const nodes = new Set<number>();
  const names = new Set<string>();
  for (const f of fields(buf, start, end)) {
    if (f.no !== 1 || f.wire !== 2) continue;
    const { op, domain, ins, outs, ok } = readNode(buf, f, (n) => supportedAttribute(buf, n));
    if (op !== "GroupQueryAttention" || domain !== "com.microsoft") continue;
    // query, key, value, past_key, past_value, seqlens_k, total_sequence_length (optional extras left empty)
    const used = ins.filter((x, i) => i < 7 || x !== "");
    if (!ok || used.length !== 7 || ins.slice(0, 7).some((x) => x === "") || outs.length !== 3) continue;
    if (!floatInputs.has(ins[3]!) || !floatInputs.has(ins[4]!) || !outputs.has(outs[1]!) || !outputs.has(outs[2]!)) continue;
    nodes.add(f.start);
    for (const x of [ins[3]!, ins[4]!, outs[1]!, outs[2]!]) names.add(x);
  }
  return { nodes, names };
}

/** The values of a packed repeated varint field's payload buf[start, end). */
function packedVarints(buf: Uint8Array, start: number, end: number): number[] {
  const out: number[] = [];
  let v = 0;
  let mul = 1;
  for (let p = start; p < end; p++) {
    v += (buf[p]! & 0x7f) * mul;
    mul *= 128;
    if (!(buf[p]! & 0x80)) {
      out.push(v);
      v = 0;
      mul = 1;
    }
  }
  return out;
}

/** The MatMulNBits nodes typofix's 4-bit matmul can take (their field starts): see the header. */
function matmulNodes(buf: Uint8Array, start: number, end: number, level: number): Set<number> {
  // initialisers: name -> [data type, element count]
  const inits = new Map<string, [number, number]>();
  for (const f of fields(buf, start, end)) {
    if (f.no !== 5 || f.wire !== 2) continue;
    let name = "";
    let type = 0;
    let count = 1;
    for (const t of fields(buf, f.body, f.end)) {
      if (t.no === 8 && t.wire === 2) name = text(buf, t);
      else if (t.no === 2 && t.wire === 0) type = t.value;
      else if (t.no === 1 && t.wire === 0) count *= t.value;
      else if (t.no === 1 && t.wire === 2) for (const d of packedVarints(buf, t.body, t.end)) count *= d;
    }
    if (name) inits.set(name, [type, count]);
  }
  const nodes = new Set<number>();
  for (const f of fields(buf, start, end)) {
    if (f.no !== 1 || f.wire !== 2) continue;
    const at = new Map<string, number>();
    const { op, domain, ins, outs, ok } = readNode(buf, f, (n) => {
      const a = [...fields(buf, n.body, n.end)];
      const nameF = a.find((x) => x.no === 1 && x.wire === 2);
      const name = nameF ? text(buf, nameF) : "";
      at.set(name, a.find((x) => x.no === 3 && x.wire === 0)?.value ?? -1);
      return ["K", "N", "bits", "block_size", "accuracy_level"].includes(name);
    });
    if (op !== "MatMulNBits" || domain !== "com.microsoft" || !ok || outs.length !== 1) continue;
    if (ins.length < 3 || ins.slice(0, 3).some((x) => x === "") || ins.slice(3).some((x) => x !== "")) continue;
    const K = at.get("K") ?? 0;
    const N = at.get("N") ?? 0;
    if (at.get("bits") !== 4 || at.get("block_size") !== 32 || K <= 0 || N <= 0 || K % 32) continue;
    // int8 compute only (accuracy_level 4, as set by this rewrite or by the file): fp32 compute is MLAS's
    if ((level >= 0 ? level : (at.get("accuracy_level") ?? 0)) !== 4) continue;
    const B = inits.get(ins[1]!);
    const S = inits.get(ins[2]!);
    if (!B || !S || B[0] !== DataType.UINT8 || B[1] !== (N * K) / 2 || S[0] !== DataType.FLOAT || S[1] !== (N * K) / 32) continue;
    nodes.add(f.start);
  }
  return nodes;
}

/**
 * A NodeProto (the graph's field f): its op type (field 4), domain (7), inputs (1) and outputs (2), and
 * whether `attribute` accepts every AttributeProto (5) of it (each is passed to it, even after a refusal).
 */
function readNode(buf: Uint8Array, f: Field, attribute: (n: Field) => boolean): { op: string; domain: string; ins: string[]; outs: string[]; ok: boolean } {
  let op = "";
  let domain = "";
  const ins: string[] = [];
  const outs: string[] = [];
  let ok = true;
  for (const n of fields(buf, f.body, f.end)) {
    if (n.wire !== 2) continue;
    if (n.no === 4) op = text(buf, n);
    else if (n.no === 7) domain = text(buf, n);
    else if (n.no === 1) ins.push(text(buf, n));
    else if (n.no === 2) outs.push(text(buf, n));
    else if (n.no === 5) ok = attribute(n) && ok;
  }
  return { op, domain, ins, outs, ok };
}

/** A ValueInfoProto's tensor element type (0 when it is not a tensor). */
function elemType(buf: Uint8Array, vi: Field[]): number {
  const type = vi.find((x) => x.no === 2 && x.wire === 2);
  if (!type) return 0;
  const tensorType = [...fields(buf, type.body, type.end)].find((x) => x.no === 1 && x.wire === 2);
  if (!tensorType) return 0;
  return [...fields(buf, tensorType.body, tensorType.end)].find((x) => x.no === 1 && x.wire === 0)?.value ?? 0;
}

/** Whether typofix's op computes what a GroupQueryAttention attribute asks (AttributeProto at n). */
function supportedAttribute(buf: Uint8Array, n: Field): boolean {
  const a = [...fields(buf, n.body, n.end)];
  const nameF = a.find((x) => x.no === 1 && x.wire === 2);
  if (!nameF) return false;
  const name = text(buf, nameF);
  const i = a.find((x) => x.no === 3 && x.wire === 0)?.value ?? 0;
  const fF = a.find((x) => x.no === 2 && x.wire === 5);
  const f = fF ? new DataView(buf.buffer, buf.byteOffset + fF.body, 4).getFloat32(0, true) : 0;
  switch (name) {
    case "num_heads":
    case "kv_num_heads":
    case "scale":
      return true;
    case "do_rotary":
    case "rotary_interleaved":
    case "smooth_softmax":
      return i === 0;
    case "softcap":
      return f === 0;
    case "local_window_size":
      // -1 (no window) is a 10-byte varint: read as 2^64 - 1
      return i >= 2 ** 63;
    default:
      return false;
  }
}

/** A ValueInfoProto (bytes of buf in f) with its tensor element type set to `to`. */
function retypeValueInfo(buf: Uint8Array, f: Field, to: number): Parts {
  const sub = (start: number, end: number, no: number, inner: (g: Field) => Parts): Parts => {
    const out: Parts = [];
    let last = start;
    for (const g of fields(buf, start, end)) {
      if (g.no !== no) continue;
      out.push(buf.subarray(last, g.start), ...inner(g));
      last = g.end;
    }
    out.push(buf.subarray(last, end));
    return out;
  };
  const elem = (g: Field): Parts => {
    if (g.wire !== 0) return [buf.subarray(g.start, g.end)];
    const w = new Writer();
    w.int(1, to);
    return [w.finish()];
  };
  const tensorType = (g: Field): Parts => (g.wire === 2 ? lenField(1, sub(g.body, g.end, 1, elem)) : [buf.subarray(g.start, g.end)]);
  const typeProto = (g: Field): Parts => (g.wire === 2 ? lenField(2, sub(g.body, g.end, 1, tensorType)) : [buf.subarray(g.start, g.end)]);
  return lenField(f.no, sub(f.body, f.end, 2, typeProto));
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
  const att = top && w.attention ? attentionNodes(buf, start, end) : null;
  const mm = top && w.matmul ? matmulNodes(buf, start, end, w.level) : null;
  let tail: Parts = [];
  for (const f of fields(buf, start, end)) {
    if (att?.names.size && f.wire === 2 && (f.no === 11 || f.no === 12 || f.no === 13)) {
      // the cache's graph inputs and outputs (and any value_info of them) become float16
      const name = [...fields(buf, f.body, f.end)].find((x) => x.no === 1 && x.wire === 2);
      if (!name || !att.names.has(text(buf, name))) continue;
      (out ??= []).push(buf.subarray(last, f.start), ...retypeValueInfo(buf, f, DataType.FLOAT16));
      last = f.end;
      continue;
    }
    if (f.no !== 1 || f.wire !== 2) continue; // GraphProto.node
    if (att?.nodes.has(f.start)) {
      // NodeProto.domain (7) → ai.typofix
      const node: Parts = [];
      let nlast = f.body;
      for (const n of fields(buf, f.body, f.end)) {
        if (n.no !== 7 || n.wire !== 2) continue;
        node.push(buf.subarray(nlast, n.start), strField(7, TYPOFIX_DOMAIN));
        nlast = n.end;
      }
      node.push(buf.subarray(nlast, f.end));
      (out ??= []).push(buf.subarray(last, f.start), ...lenField(1, node));
      last = f.end;
      w.swapped++;
      continue;
    }
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
    const node = rewriteNode(buf, f.body, f.end, w, input0, mm?.has(f.start));
    if (!node && !extra.length) continue;
    (out ??= []).push(buf.subarray(last, f.start), ...extra, ...(node ? lenField(1, node) : [buf.subarray(f.start, f.end)]));
    last = f.end;
  }
  if (out) out.push(buf.subarray(last, end), ...tail);
  return out;
}

function rewriteNode(buf: Uint8Array, start: number, end: number, w: Walk, input0?: string, toTypofix = false): Parts | null {
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
    } else if (f.no === 7 && toTypofix) {
      replace(f, [strField(7, TYPOFIX_DOMAIN)]); // typofix's 4-bit matmul
      w.matmuls++;
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
  /** swap supported GroupQueryAttention nodes for typofix's op, with a float16 cache */
  attention?: boolean;
  /** swap supported MatMulNBits nodes for typofix's 4-bit matmul */
  matmul?: boolean;
}

/**
 * The model rewritten, as parts to concatenate (the unchanged spans are views of `model`): null parts
 * when nothing applied. `nodes`: MatMulNBits nodes set; `kept`: whether num_logits_to_keep was added.
 */
export function rewriteModel(model: Uint8Array, r: Rewrite): { parts: Parts | null; nodes: number; kept: boolean; swapped: number; matmuls: number } {
  const w: Walk = { level: r.level ?? -1, nodes: 0, keep: !!r.keepLogits && opset(model) >= 13, kept: false, attention: !!r.attention, swapped: 0, matmul: !!r.matmul, matmuls: 0 };
  let out: Parts | null = null;
  let last = 0;
  for (const f of fields(model, 0, model.length)) {
    if (f.no !== 7 || f.wire !== 2) continue; // ModelProto.graph
    const g = rewriteGraph(model, f.body, f.end, w, true);
    if (!g) continue;
    (out ??= []).push(model.subarray(last, f.start), ...lenField(7, g));
    last = f.end;
  }
  if (out && (w.swapped || w.matmuls)) {
    // ModelProto.opset_import (8): OperatorSetIdProto { domain = "ai.typofix", version = 1 }
    const m = new Writer();
    m.string(1, TYPOFIX_DOMAIN);
    m.int(2, 1);
    out.push(model.subarray(last), field(8, m));
  } else if (out) out.push(model.subarray(last));
  return { parts: out, nodes: w.nodes, kept: w.kept, swapped: w.swapped, matmuls: w.matmuls };
}

/** The domain of each GroupQueryAttention node and the element type of each past_key_values.* input (tests). */
export function attentionSummary(model: Uint8Array): { domains: string[]; cacheTypes: number[]; opsets: string[] } {
  const domains: string[] = [];
  const cacheTypes: number[] = [];
  const opsets: string[] = [];
  for (const f of fields(model, 0, model.length)) {
    if (f.no === 8 && f.wire === 2) {
      const d = [...fields(model, f.body, f.end)].find((x) => x.no === 1 && x.wire === 2);
      opsets.push(d ? text(model, d) : "");
    }
    if (f.no !== 7 || f.wire !== 2) continue;
    for (const g of fields(model, f.body, f.end)) {
      if (g.wire !== 2 || (g.no !== 1 && g.no !== 11)) continue;
      const x = [...fields(model, g.body, g.end)];
      if (g.no === 1) {
        const op = x.find((n) => n.no === 4 && n.wire === 2);
        const dom = x.find((n) => n.no === 7 && n.wire === 2);
        if (op && text(model, op) === "GroupQueryAttention") domains.push(dom ? text(model, dom) : "");
      } else if (g.no === 11) {
        const name = x.find((n) => n.no === 1 && n.wire === 2);
        if (name && text(model, name).startsWith("past_key_values.")) cacheTypes.push(elemType(model, x));
      }
    }
  }
  return { domains, cacheTypes, opsets };
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
 * The path of `file` rewritten (accuracy "model" and no keepLogits: the file itself; `attention`: with
 * typofix's attention op where the graph has a node for it; `matmul`: with typofix's 4-bit matmul where
 * it has MatMulNBits nodes of its form; else as without them). The rewritten copy is made once, beside
 * the original; a model the rewrite does not apply to, or a folder that cannot be written to, gives the
 * original path (the second with `onFallback` told why). preparedOps(path) says which ops it runs.
 */
export function preparedModel(file: string, accuracy: Accuracy, keepLogits: boolean, onFallback?: (why: string) => void, attention = false, matmul = false): string {
  const level = ACCURACY[accuracy];
  if (level < 0 && !keepLogits && !attention && !matmul) return file;
  const st = statSync(file);
  const tag = `${level < 0 ? "" : `acc${level}`}${keepLogits ? "keep" : ""}${attention ? "tfattn" : ""}${matmul ? "tfmm" : ""}`;
  const key = Bun.hash(`${file}\0${st.size}\0${st.mtimeMs}\0${st.ino}\0${tag}`).toString(16).padStart(16, "0");
  const stale = `.${basename(file)}.${tag}-`;
  const out = join(dirname(file), `${stale}${key}.onnx`);
  if (existsSync(out)) return out;
  const none = `${out}.none`; // a stamp: not all of it applies to this model ("attention matmul": which did, 1 or 0)
  // prepared with only the typofix ops the graph has nodes for
  const without = (a: boolean, m: boolean) => (attention || matmul ? preparedModel(file, accuracy, keepLogits, onFallback, attention && a, matmul && m) : file);
  if (existsSync(none)) {
    const [a, m] = readFileSync(none, "utf8").split(" ");
    return without(a === "1", m === "1");
  }
  const { parts, swapped, matmuls } = rewriteModel(readFileSync(file), { level: level < 0 ? undefined : level, keepLogits, attention, matmul });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    if (!parts || (attention && !swapped) || (matmul && !matmuls)) {
      const fd = openSync(none, "w");
      writeSync(fd, `${swapped ? 1 : 0} ${matmuls ? 1 : 0}`);
      closeSync(fd);
      return without(swapped > 0, matmuls > 0);
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

/** Which of typofix's ops a path preparedModel returned runs (its name says what was swapped). */
export function preparedOps(path: string): { attention: boolean; matmul: boolean } {
  const m = /\.([a-z0-9]*)-[0-9a-f]{16}\.onnx$/.exec(basename(path));
  return { attention: !!m && m[1]!.includes("tfattn"), matmul: !!m && m[1]!.includes("tfmm") };
}

/** The domain of each node of an op type in the top-level graph (tests). */
export function nodeDomains(model: Uint8Array, opType: string): string[] {
  const out: string[] = [];
  for (const f of fields(model, 0, model.length)) {
    if (f.no !== 7 || f.wire !== 2) continue;
    for (const g of fields(model, f.body, f.end)) {
      if (g.no !== 1 || g.wire !== 2) continue;
      const x = [...fields(model, g.body, g.end)];
      const op = x.find((n) => n.no === 4 && n.wire === 2);
      const dom = x.find((n) => n.no === 7 && n.wire === 2);
      if (op && text(model, op) === opType) out.push(dom ? text(model, dom) : "");
    }
  }
  return out;
}

/** `preparedModel` for the compute type alone. */
export function modelWithAccuracy(file: string, accuracy: Accuracy, onFallback?: (why: string) => void): string {
  return preparedModel(file, accuracy, false, onFallback);
}
