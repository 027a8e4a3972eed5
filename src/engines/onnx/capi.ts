/**
 * onnxruntime's C API through bun:ffi, for the one thing onnxruntime-node cannot do: run a session
 * with outputs written into buffers we own and read back without a copy. onnxruntime-node (1.30)
 * converts every output of every run into a fresh JavaScript ArrayBuffer (a memcpy, bound outputs
 * included), which makes a decode step O(KV cache) and leaves the copies to the garbage collector.
 * Here a run creates OrtValues over the feeds' own typed arrays, binds the caller's pre-allocated
 * outputs (the KV cache) the same way, and hands the outputs onnxruntime allocated (the logits) back as
 * views of onnxruntime's memory, valid until the next run or close().
 *
 * The library is the libonnxruntime that onnxruntime-node ships (bin/napi-v6/<os>/<arch>/), the same
 * file its add-on links, so both share one process-wide OrtEnv. Function pointers are read from the
 * OrtApi table at their index in onnxruntime_c_api.h (the table is append-only across versions; the
 * indices used are below 140, present since 1.6, but RegisterCustomOpsLibrary_V2 at 228, API 13 / 1.13). Cost: a few microseconds of FFI calls per input
 * and output per run; no copy of any tensor.
 */
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import type { InferenceSession, Tensor } from "onnxruntime-node";

type Ffi = typeof import("bun:ffi");
type Fn = (...args: unknown[]) => unknown;

/** OrtApi table indices (onnxruntime_c_api.h, struct OrtApi). */
const IDX = {
  GetErrorMessage: 2,
  CreateEnv: 3,
  CreateSession: 7,
  Run: 9,
  CreateSessionOptions: 10,
  SetSessionExecutionMode: 13,
  EnableProfiling: 14,
  DisableMemPattern: 17,
  DisableCpuMemArena: 19,
  SetSessionLogSeverityLevel: 22,
  SetSessionGraphOptimizationLevel: 23,
  SetIntraOpNumThreads: 24,
  SessionGetInputCount: 30,
  SessionGetOutputCount: 31,
  SessionGetInputTypeInfo: 33,
  SessionGetOutputTypeInfo: 34,
  SessionGetInputName: 36,
  SessionGetOutputName: 37,
  CreateTensorWithDataAsOrtValue: 49,
  GetTensorMutableData: 51,
  CastTypeInfoToTensorInfo: 55,
  GetOnnxTypeFromTypeInfo: 56,
  GetTensorElementType: 60,
  GetDimensionsCount: 61,
  GetDimensions: 62,
  GetSymbolicDimensions: 63,
  GetTensorTypeAndShape: 65,
  CreateCpuMemoryInfo: 69,
  AllocatorFree: 76,
  GetAllocatorWithDefaultOptions: 78,
  ReleaseStatus: 93,
  ReleaseSession: 95,
  ReleaseValue: 96,
  ReleaseTypeInfo: 98,
  ReleaseTensorTypeAndShapeInfo: 99,
  ReleaseSessionOptions: 100,
  AddSessionConfigEntry: 130,
  RegisterCustomOpsLibrary_V2: 228,
} as const;

/** ONNXTensorElementDataType ↔ onnxruntime-common's type names. */
const TYPES: Record<number, string> = { 1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64" };
const TYPE_IDS = Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [v, Number(k)])) as Record<string, number>;
const ARRAYS: Record<string, new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView> = { float32: Float32Array, float16: Uint16Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array, int8: Int8Array, bool: Uint8Array, uint16: Uint16Array, int16: Int16Array, float64: Float64Array, uint32: Uint32Array, uint64: BigUint64Array };
const SIZES: Record<string, number> = { float32: 4, float16: 2, int32: 4, int64: 8, uint8: 1, int8: 1, bool: 1, uint16: 2, int16: 2, float64: 8, uint32: 4, uint64: 8 };
const OPT = { disabled: 0, basic: 1, extended: 2, all: 99 } as const;

/** A run's output: a view of onnxruntime's memory (shape of onnxruntime-common's Tensor, read-only use). */
export interface OutTensor {
  type: string;
  dims: readonly number[];
  data: ArrayBufferView;
}

export interface CapiSessionOptions {
  threads?: number;
  optLevel?: keyof typeof OPT;
  spinning?: boolean;
  /** onnxruntime's CPU memory arena (on by default in onnxruntime). */
  cpuArena?: boolean;
  /** onnxruntime's memory pattern planning (on by default in onnxruntime). */
  memPattern?: boolean;
  /** Extra session config entries (onnxruntime_session_options_config_keys.h). */
  config?: Record<string, string>;
  /** onnxruntime's per-node profiling: written as PREFIX_<date>.json when the session is closed. */
  profile?: string;
  /** Custom-op libraries to register (RegisterCustomOpsLibrary_V2: the library's RegisterCustomOps). */
  customOps?: string[];
}

/** Where onnxruntime-node's shared library is for this platform; null when there is none. */
export function ortLibraryPath(): string | null {
  const override = process.env.TYPOFIX_ORT_LIBRARY;
  if (override) return existsSync(override) ? override : null;
  const name = process.platform === "darwin" ? "libonnxruntime.1.dylib" : process.platform === "win32" ? "onnxruntime.dll" : "libonnxruntime.so.1";
  // a compiled binary extracts it beside the add-on (src/runtime/native.ts)
  if (globalThis.__typofixOrtDir) return existsSync(join(globalThis.__typofixOrtDir, name)) ? join(globalThis.__typofixOrtDir, name) : null;
  let root: string;
  try {
    root = dirname(require.resolve("onnxruntime-node/package.json"));
  } catch {
    return null;
  }
  const p = join(root, "bin", "napi-v6", process.platform, process.arch, name);
  return existsSync(p) ? p : null;
}

class Api {
  readonly f: Record<keyof typeof IDX, Fn>;
  readonly env: number;
  readonly cpu: number;
  readonly allocator: number;
  constructor(
    readonly ffi: Ffi,
    lib: string,
  ) {
    const { dlopen, FFIType: T, CFunction, read } = ffi;
    const base = dlopen(lib, { OrtGetApiBase: { args: [], returns: T.ptr } }).symbols.OrtGetApiBase() as number;
    if (!base) throw new Error(`${lib}: OrtGetApiBase returned null`);
    const getApi = CFunction({ ptr: read.ptr(base, 0) as never, args: [T.u32], returns: T.ptr });
    // API version 16 (onnxruntime 1.16) has every function used here; newer libraries serve it too
    const api = getApi(16) as number;
    if (!api) throw new Error(`${lib}: this onnxruntime does not serve C API version 16`);
    const p = T.ptr;
    const sig: Record<keyof typeof IDX, [unknown[], unknown]> = {
      GetErrorMessage: [[p], T.cstring],
      CreateEnv: [[T.i32, p, p], p],
      CreateSession: [[p, p, p, p], p],
      Run: [[p, p, p, p, T.u64, p, T.u64, p], p],
      CreateSessionOptions: [[p], p],
      SetSessionExecutionMode: [[p, T.i32], p],
      EnableProfiling: [[p, p], p],
      DisableMemPattern: [[p], p],
      DisableCpuMemArena: [[p], p],
      SetSessionLogSeverityLevel: [[p, T.i32], p],
      SetSessionGraphOptimizationLevel: [[p, T.i32], p],
      SetIntraOpNumThreads: [[p, T.i32], p],
      SessionGetInputCount: [[p, p], p],
      SessionGetOutputCount: [[p, p], p],
      SessionGetInputTypeInfo: [[p, T.u64, p], p],
      SessionGetOutputTypeInfo: [[p, T.u64, p], p],
      SessionGetInputName: [[p, T.u64, p, p], p],
      SessionGetOutputName: [[p, T.u64, p, p], p],
      CreateTensorWithDataAsOrtValue: [[p, p, T.u64, p, T.u64, T.i32, p], p],
      GetTensorMutableData: [[p, p], p],
      CastTypeInfoToTensorInfo: [[p, p], p],
      GetOnnxTypeFromTypeInfo: [[p, p], p],
      GetTensorElementType: [[p, p], p],
      GetDimensionsCount: [[p, p], p],
      GetDimensions: [[p, p, T.u64], p],
      GetSymbolicDimensions: [[p, p, T.u64], p],
      GetTensorTypeAndShape: [[p, p], p],
      CreateCpuMemoryInfo: [[T.i32, T.i32, p], p],
      AllocatorFree: [[p, p], p],
      GetAllocatorWithDefaultOptions: [[p], p],
      ReleaseStatus: [[p], T.void],
      ReleaseSession: [[p], T.void],
      ReleaseValue: [[p], T.void],
      ReleaseTypeInfo: [[p], T.void],
      ReleaseTensorTypeAndShapeInfo: [[p], T.void],
      ReleaseSessionOptions: [[p], T.void],
      AddSessionConfigEntry: [[p, p, p], p],
      RegisterCustomOpsLibrary_V2: [[p, p], p],
    };
    const f = {} as Record<keyof typeof IDX, Fn>;
    for (const [name, i] of Object.entries(IDX) as Array<[keyof typeof IDX, number]>) {
      const [args, returns] = sig[name];
      f[name] = CFunction({ ptr: read.ptr(api, i * 8) as never, args: args as never, returns: returns as never }) as unknown as Fn;
    }
    this.f = f;
    // ORT_LOGGING_LEVEL_ERROR: onnxruntime's warnings are not the user's business
    this.env = this.out((o) => f.CreateEnv(3, cstr("typofix"), o));
    // OrtDeviceAllocator = 0, OrtMemTypeDefault = 0
    this.cpu = this.out((o) => f.CreateCpuMemoryInfo(0, 0, o));
    this.allocator = this.out((o) => f.GetAllocatorWithDefaultOptions(o));
  }
  /** Throw onnxruntime's message for a non-null OrtStatus. */
  check(status: unknown): void {
    if (!status) return;
    const msg = String(this.f.GetErrorMessage(status));
    this.f.ReleaseStatus(status);
    throw new Error(msg);
  }
  /** Call with a pointer-sized out parameter; return what was written there. */
  out(call: (o: BigUint64Array) => unknown): number {
    const o = new BigUint64Array(1);
    this.check(call(o));
    return Number(o[0]);
  }
}

const cstr = (s: string) => Buffer.from(s + "\0", "utf8");

let API: Api | null | undefined;
let API_ERROR = "";
/** The C API, loaded once; null (with the reason in capiUnavailable()) where bun:ffi or the library is missing. */
export function capi(): Api | null {
  if (API !== undefined) return API;
  try {
    if (typeof Bun === "undefined") throw new Error("not running under Bun (no bun:ffi)");
    const lib = ortLibraryPath();
    if (!lib) throw new Error("onnxruntime's shared library was not found beside onnxruntime-node");
    API = new Api(require("bun:ffi") as Ffi, lib);
  } catch (err) {
    API_ERROR = (err as Error).message;
    API = null;
  }
  return API;
}
export const capiUnavailable = (): string => API_ERROR;

/** A session run through the C API. Feeds and bound outputs are onnxruntime-common Tensors (any object with type/dims/data). */
export class CapiSession {
  readonly inputNames: string[] = [];
  readonly outputNames: string[] = [];
  readonly inputMetadata: InferenceSession.ValueMetadata[] = [];
  /** Runs since creation; and outputs onnxruntime allocated, by name (tests count them: a bound cache is never among them). */
  readonly counts = { runs: 0, allocatedOutputs: new Map<string, number>() };
  private handle: number;
  private names = new Map<string, Buffer>();
  private held: number[] = [];
  constructor(
    private api: Api,
    file: string,
    o: CapiSessionOptions = {},
  ) {
    const f = api.f;
    const opts = api.out((out) => f.CreateSessionOptions(out));
    try {
      api.check(f.SetIntraOpNumThreads(opts, o.threads ?? 0));
      api.check(f.SetSessionGraphOptimizationLevel(opts, OPT[o.optLevel ?? "all"]));
      api.check(f.SetSessionExecutionMode(opts, 0)); // ORT_SEQUENTIAL
      api.check(f.SetSessionLogSeverityLevel(opts, 3));
      if (o.cpuArena === false) api.check(f.DisableCpuMemArena(opts));
      if (o.memPattern === false) api.check(f.DisableMemPattern(opts));
      if (o.profile) api.check(f.EnableProfiling(opts, cstr(o.profile)));
      for (const lib of o.customOps ?? []) api.check(f.RegisterCustomOpsLibrary_V2(opts, cstr(lib)));
      const config = { "session.intra_op.allow_spinning": o.spinning ? "1" : "0", ...o.config };
      for (const [k, v] of Object.entries(config)) api.check(f.AddSessionConfigEntry(opts, cstr(k), cstr(v)));
      this.handle = api.out((out) => f.CreateSession(api.env, cstr(file), opts, out));
    } finally {
      f.ReleaseSessionOptions(opts);
    }
    const { CString } = api.ffi;
    const count = (fn: Fn) => api.out((out) => fn(this.handle, out));
    const name = (fn: Fn, i: number) => {
      const p = api.out((out) => fn(this.handle, i, api.allocator, out));
      const s = new CString(p as never).toString();
      api.check(f.AllocatorFree(api.allocator, p));
      return s;
    };
    for (let i = 0, n = count(f.SessionGetInputCount); i < n; i++) {
      const nm = name(f.SessionGetInputName, i);
      this.inputNames.push(nm);
      this.inputMetadata.push(this.meta(nm, f.SessionGetInputTypeInfo, i));
    }
    for (let i = 0, n = count(f.SessionGetOutputCount); i < n; i++) this.outputNames.push(name(f.SessionGetOutputName, i));
  }

  private meta(name: string, fn: Fn, i: number): InferenceSession.ValueMetadata {
    const { api } = this;
    const f = api.f;
    const info = api.out((out) => fn(this.handle, i, out));
    try {
      const kind = new Int32Array(1);
      api.check(f.GetOnnxTypeFromTypeInfo(info, kind));
      if (kind[0] !== 1) return { name, isTensor: false } as InferenceSession.ValueMetadata; // ONNX_TYPE_TENSOR = 1
      const t = api.out((out) => f.CastTypeInfoToTensorInfo(info, out));
      const type = new Int32Array(1);
      api.check(f.GetTensorElementType(t, type));
      const n = api.out((out) => f.GetDimensionsCount(t, out));
      const dims = new BigInt64Array(Math.max(n, 1));
      const syms = new BigUint64Array(Math.max(n, 1));
      api.check(f.GetDimensions(t, dims, n));
      api.check(f.GetSymbolicDimensions(t, syms, n));
      const shape: Array<number | string> = [];
      for (let d = 0; d < n; d++) shape.push(dims[d]! >= 0n ? Number(dims[d]) : syms[d] ? new api.ffi.CString(Number(syms[d]) as never).toString() : "?");
      return { name, isTensor: true, type: (TYPES[type[0]!] ?? `type${type[0]}`) as never, shape } as InferenceSession.ValueMetadata;
    } finally {
      f.ReleaseTypeInfo(info);
    }
  }

  private nameBuf(n: string): Buffer {
    let b = this.names.get(n);
    if (!b) this.names.set(n, (b = cstr(n)));
    return b;
  }

  /** An OrtValue over a tensor's own bytes (no copy); the caller releases it. */
  private value(t: Pick<Tensor, "type" | "dims" | "data">): number {
    const { api } = this;
    const { ptr } = api.ffi;
    const size = SIZES[t.type];
    const type = TYPE_IDS[t.type];
    if (!size || !type) throw new Error(`tensor type ${t.type} is not supported by the C API path`);
    const data = t.data as ArrayBufferView & { length: number };
    const shape = BigInt64Array.from(t.dims, (d) => BigInt(d));
    const bytes = data.length * size;
    // a zero-length tensor still needs a valid pointer: any live buffer will do
    const p = bytes ? ptr(data as never) : ptr(shape);
    return api.out((out) => api.f.CreateTensorWithDataAsOrtValue(api.cpu, p, bytes, shape.length ? shape : null, shape.length, type, out));
  }

  /** Release held outputs (their views must no longer be used). */
  private release(vals: number[]): void {
    for (const v of vals) this.api.f.ReleaseValue(v);
  }

  /**
   * Run: `fetches` maps each output wanted to a pre-allocated tensor (written in place) or null
   * (onnxruntime allocates it; returned as a view of its memory). A view stays valid until the end of
   * the next successful run, so it can be fed to that run (a chained KV cache). Synchronous.
   */
  run(feeds: Record<string, Pick<Tensor, "type" | "dims" | "data">>, fetches: Record<string, Pick<Tensor, "type" | "dims" | "data"> | null>): Record<string, OutTensor> {
    const { api } = this;
    const { ptr } = api.ffi;
    const f = api.f;
    const inNames = Object.keys(feeds);
    const outNames = Object.keys(fetches);
    const created: number[] = [];
    const result: Record<string, OutTensor> = {};
    const previous = this.held;
    const held: number[] = [];
    try {
      const inVals = new BigUint64Array(inNames.length);
      const inPtrs = new BigUint64Array(inNames.length);
      inNames.forEach((n, i) => {
        const v = this.value(feeds[n]!);
        created.push(v);
        inVals[i] = BigInt(v);
        inPtrs[i] = BigInt(ptr(this.nameBuf(n)));
      });
      const outVals = new BigUint64Array(outNames.length);
      const outPtrs = new BigUint64Array(outNames.length);
      outNames.forEach((n, i) => {
        const t = fetches[n];
        if (t) {
          const v = this.value(t);
          created.push(v);
          outVals[i] = BigInt(v);
        }
        outPtrs[i] = BigInt(ptr(this.nameBuf(n)));
      });
      api.check(f.Run(this.handle, null, inPtrs, inVals, inNames.length, outPtrs, outNames.length, outVals));
      this.counts.runs++;
      outNames.forEach((n, i) => {
        if (!fetches[n]) held.push(Number(outVals[i]));
      });
      this.held = held;
      this.release(previous);
      outNames.forEach((n, i) => {
        if (fetches[n]) return;
        const v = Number(outVals[i]);
        const m = this.counts.allocatedOutputs;
        m.set(n, (m.get(n) ?? 0) + 1);
        result[n] = this.view(v);
      });
    } finally {
      for (const v of created) f.ReleaseValue(v);
    }
    return result;
  }

  private view(v: number): OutTensor {
    const { api } = this;
    const f = api.f;
    const info = api.out((out) => f.GetTensorTypeAndShape(v, out));
    try {
      const type = new Int32Array(1);
      api.check(f.GetTensorElementType(info, type));
      const n = api.out((out) => f.GetDimensionsCount(info, out));
      const dims = new BigInt64Array(Math.max(n, 1));
      api.check(f.GetDimensions(info, dims, n));
      const shape = Array.from(dims.subarray(0, n), Number);
      const name = TYPES[type[0]!];
      if (!name || !ARRAYS[name]) throw new Error(`output type ${type[0]} is not supported by the C API path`);
      const count = shape.reduce((a, b) => a * b, 1);
      const p = api.out((out) => f.GetTensorMutableData(v, out));
      const buf = count ? api.ffi.toArrayBuffer(p as never, 0, count * SIZES[name]!) : new ArrayBuffer(0);
      return { type: name, dims: shape, data: new ARRAYS[name]!(buf, 0, count) };
    } finally {
      f.ReleaseTensorTypeAndShapeInfo(info);
    }
  }

  close(): void {
    this.release(this.held);
    this.held = [];
    if (this.handle) this.api.f.ReleaseSession(this.handle);
    this.handle = 0;
  }
}
