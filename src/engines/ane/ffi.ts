/**
 * bun:ffi binding of swift/Sources/CTypofixANE/include/typofix_ane.h. The symbol table below is checked against the header
 * by a test (test/ane.test.ts parses the prototypes), so the two cannot drift apart. Handles are wrapped
 * so that a closed handle is refused here — a freed pointer never reaches the library.
 */
import type { Pointer } from "bun:ffi";
// required, not imported: a bundle hoists static imports of built-in modules to its start, and the
// one-liner (which never uses the ANE) would load bun:ffi (~1 ms)
const { dlopen, FFIType, CString, ptr } = require("bun:ffi") as typeof import("bun:ffi");
// @ts-ignore: Bun text import (embedded in the compiled binary)
import header from "../../../swift/Sources/CTypofixANE/include/typofix_ane.h" with { type: "text" };

/** The ABI version this binding speaks: the header's TYPOFIX_ANE_ABI_VERSION (written there only). */
export const ABI_VERSION = Number(/#define TYPOFIX_ANE_ABI_VERSION (\d+)/.exec(header as unknown as string)?.[1] ?? NaN);

export const SYMBOLS = {
  typofix_ane_abi_version: { args: [], returns: FFIType.i32 },
  typofix_ane_open: { args: [FFIType.cstring, FFIType.i32], returns: FFIType.ptr },
  typofix_ane_info_json: { args: [FFIType.ptr], returns: FFIType.ptr },
  typofix_ane_prefill: { args: [FFIType.ptr, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  typofix_ane_decode: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  typofix_ane_forward: { args: [FFIType.ptr, FFIType.ptr, FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  typofix_ane_truncate: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  typofix_ane_reset: { args: [FFIType.ptr], returns: FFIType.i32 },
  typofix_ane_close: { args: [FFIType.ptr], returns: FFIType.void },
  typofix_ane_last_error: { args: [], returns: FFIType.ptr },
} as const;

export const COMPUTE_UNITS = { cpuAndNeuralEngine: 0, cpuOnly: 1, all: 2 } as const;
export type ComputeUnits = keyof typeof COMPUTE_UNITS;

type Lib = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

export class AneLibrary {
  private constructor(
    readonly path: string,
    private lib: ReturnType<typeof dlopen<typeof SYMBOLS>>,
  ) {}

  static open(path: string): AneLibrary {
    // the version first, through its one symbol: a library of another version may lack symbols of this
    // one (version 1 has no typofix_ane_forward), and binding those would fail with a linker message
    let v: number;
    try {
      const probe = dlopen(path, { typofix_ane_abi_version: SYMBOLS.typofix_ane_abi_version });
      v = probe.symbols.typofix_ane_abi_version();
      probe.close();
    } catch (err) {
      throw new Error(`cannot load the ANE library ${path}: ${(err as Error).message}`);
    }
    if (v !== ABI_VERSION) throw new Error(`${path} has ABI version ${v}; this typofix needs ${ABI_VERSION} (rebuild it: cd swift && swift build -c release)`);
    let lib;
    try {
      lib = dlopen(path, SYMBOLS);
    } catch (err) {
      throw new Error(`cannot load the ANE library ${path}: ${(err as Error).message}`);
    }
    return new AneLibrary(path, lib);
  }

  get s(): Lib {
    return this.lib.symbols;
  }

  lastError(): string {
    const p = this.s.typofix_ane_last_error();
    return p ? new CString(p as Pointer).toString() : "";
  }

  openModel(dir: string, units: ComputeUnits = "cpuAndNeuralEngine"): AneHandle {
    const h = this.s.typofix_ane_open(Buffer.from(dir + "\0") as unknown as string, COMPUTE_UNITS[units]);
    if (!h) throw new Error(`cannot open ${dir}: ${this.lastError() || "unknown error"}`);
    return new AneHandle(this, h as Pointer);
  }

  close(): void {
    this.lib.close();
  }
}

export class AneHandle {
  private h: Pointer | null;
  constructor(
    private lib: AneLibrary,
    h: Pointer,
  ) {
    this.h = h;
  }

  private get live(): Pointer {
    if (!this.h) throw new Error("the ANE model was closed");
    return this.h;
  }

  private check(v: number, what: string): number {
    if (v < 0) throw new Error(`${what} failed: ${this.lib.lastError() || "unknown error"}`);
    return v;
  }

  info(): Record<string, unknown> {
    const p = this.lib.s.typofix_ane_info_json(this.live);
    if (!p) throw new Error(`info failed: ${this.lib.lastError()}`);
    return JSON.parse(new CString(p as Pointer).toString());
  }

  prefill(ids: readonly number[]): number {
    const buf = Int32Array.from(ids);
    return this.check(this.lib.s.typofix_ane_prefill(this.live, ptr(buf), buf.length), "prefill");
  }

  decode(id: number): number {
    return this.check(this.lib.s.typofix_ane_decode(this.live, id), "decode");
  }

  /** Feed `ids` at the next positions; the greedy next token after each of the last `keep` of them. */
  forward(ids: readonly number[], keep: number): number[] {
    const buf = Int32Array.from(ids);
    const out = new Int32Array(Math.max(1, keep));
    this.check(this.lib.s.typofix_ane_forward(this.live, ptr(buf), buf.length, keep, ptr(out)), "forward");
    return Array.from(out.subarray(0, keep));
  }

  /** Keep the first `length` tokens of the sequence. */
  truncate(length: number): void {
    this.check(this.lib.s.typofix_ane_truncate(this.live, length), "truncate");
  }

  reset(): void {
    this.check(this.lib.s.typofix_ane_reset(this.live), "reset");
  }

  close(): void {
    if (!this.h) return;
    this.lib.s.typofix_ane_close(this.h);
    this.h = null;
  }

  get closed(): boolean {
    return this.h === null;
  }
}
