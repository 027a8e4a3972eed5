/**
 * A minimal ONNX protobuf writer: just the messages a decoder graph needs (ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto, ValueInfoProto). The test fixtures (scripts/fixtures.ts) write
 * whole models with it, and rewrite.ts the few messages it adds to a model. Protobuf wire format: varint tags, varint /
 * length-delimited / fixed32 fields. Large tensors can be written as external data (the 2 GB protobuf
 * limit), as the ONNX spec allows: data_location = EXTERNAL with location/offset/length entries.
 */

export type Bytes = Uint8Array;

export class Writer {
  private parts: Bytes[] = [];
  private n = 0;
  private push(b: Bytes) {
    this.parts.push(b);
    this.n += b.length;
  }
  varint(v: number | bigint) {
    let x = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x) byte |= 0x80;
      out.push(byte);
    } while (x);
    this.push(Uint8Array.from(out));
  }
  tag(field: number, wire: number) {
    this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint) {
    this.tag(field, 0);
    this.varint(v);
  }
  bytes(field: number, b: Bytes) {
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
  }
  string(field: number, s: string) {
    this.bytes(field, new TextEncoder().encode(s));
  }
  float(field: number, f: number) {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, f, true);
    this.push(b);
  }
  message(field: number, m: Writer) {
    this.tag(field, 2);
    this.varint(m.n);
    for (const p of m.parts) this.push(p);
  }
  finish(): Bytes {
    const out = new Uint8Array(this.n);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export const DataType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;

export interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Raw little-endian bytes (inline), or an external location. */
  raw?: Bytes;
  external?: { location: string; offset: number; length: number };
}

export interface Attr {
  name: string;
  i?: number;
  f?: number;
  s?: string;
  ints?: number[];
  t?: Tensor;
}

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Operator set domain ("" for standard ONNX, "com.microsoft" for onnxruntime's contrib ops). */
  domain?: string;
  attrs?: Attr[];
}

export interface ValueInfo {
  name: string;
  elemType: number;
  /** Numbers are fixed sizes, strings symbolic dimensions. */
  shape: Array<number | string>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export function tensor(t: Tensor): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  if (t.raw) w.bytes(9, t.raw);
  if (t.external) {
    for (const [k, v] of [
      ["location", t.external.location],
      ["offset", String(t.external.offset)],
      ["length", String(t.external.length)],
    ]) {
      const e = new Writer();
      e.string(1, k!);
      e.string(2, v!);
      w.message(13, e);
    }
    w.int(14, 1);
  }
  return w;
}

export function attr(a: Attr): Writer {
  const w = new Writer();
  w.string(1, a.name);
  if (a.f !== undefined) {
    w.float(2, a.f);
    w.int(20, 1);
  } else if (a.i !== undefined) {
    w.int(3, a.i);
    w.int(20, 2);
  } else if (a.s !== undefined) {
    w.string(4, a.s);
    w.int(20, 3);
  } else if (a.t) {
    w.message(5, tensor(a.t));
    w.int(20, 4);
  } else if (a.ints) {
    for (const x of a.ints) w.int(8, x);
    w.int(20, 7);
  }
  return w;
}

export function valueInfo(v: ValueInfo): Writer {
  const shape = new Writer();
  for (const d of v.shape) {
    const dim = new Writer();
    if (typeof d === "number") dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tt = new Writer();
  tt.int(1, v.elemType);
  tt.message(2, shape);
  const type = new Writer();
  type.message(1, tt);
  const w = new Writer();
  w.string(1, v.name);
  w.message(2, type);
  return w;
}

/** NodeProto (named `${op}_${i}` when it has no name). */
export function node(n: Node, i = 0): Writer {
  const w = new Writer();
  for (const x of n.inputs) w.string(1, x);
  for (const x of n.outputs) w.string(2, x);
  w.string(3, n.name ?? `${n.op}_${i}`);
  w.string(4, n.op);
  for (const a of n.attrs ?? []) w.message(5, attr(a));
  if (n.domain) w.string(7, n.domain);
  return w;
}

export function encodeModel(g: Graph, opset = 17): Bytes {
  const graph = new Writer();
  g.nodes.forEach((n, i) => graph.message(1, node(n, i)));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensor(t));
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  const model = new Writer();
  model.int(1, 8); // IR version 8
  model.string(2, "typofix-fixtures");
  model.message(7, graph);
  const op = new Writer();
  op.string(1, "");
  op.int(2, opset);
  model.message(8, op);
  // contrib ops (MatMulNBits, GroupQueryAttention) need their domain imported too
  if (g.nodes.some((n) => n.domain === "com.microsoft")) {
    const ms = new Writer();
    ms.string(1, "com.microsoft");
    ms.int(2, 1);
    model.message(8, ms);
  }
  return model.finish();
}
