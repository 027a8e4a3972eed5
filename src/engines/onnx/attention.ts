/**
 * typofix's own attention op for onnxruntime (native/: a C kernel over a float16 KV cache, built as a
 * custom-op library by `bun run build:native`). Where the library is there and loads, the onnx engine
 * swaps the model's GroupQueryAttention nodes for it (./rewrite.ts) and registers it with the session
 * (./capi.ts); elsewhere (no library for this platform, onnxruntime-node backend, a graph it does not
 * fit) onnxruntime's own kernel runs as before. Why: a decode step at 512 tokens of context reads the
 * whole KV cache once per layer; onnxruntime's CPU kernel reads a float32 cache at ~5–6 GB/s on the
 * dev VM, typofix's reads half the bytes (float16) in one streaming pass (bench/README.md).
 * Cost: one dlopen at first use; nothing per run.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

declare global {
  /** Where a compiled binary extracted typofix's attention library (src/runtime/native.ts). */
  // eslint-disable-next-line no-var
  var __typofixAttentionLib: string | undefined;
}

export type AttentionKind = "typofix" | "onnxruntime" | "auto";
export const ATTENTIONS: readonly AttentionKind[] = ["auto", "typofix", "onnxruntime"];

/**
 * The kernel builds "auto" takes typofix's op for: those measured faster than onnxruntime's kernel in
 * decode and prefill alike (bench/README.md, "typofix's own attention kernel"). On the dev VM (Sapphire
 * Rapids, 2026-12-03 08:32, load 4.4–5.1), one node of Qwen3-0.6B's shape, one thread, medians: a decode
 * step over 512 tokens with the caches cold 0.36 ms (AVX-512 build), 0.83 (AVX2), 4.5 (generic C),
 * onnxruntime's 1.54; the last 128-token chunk of a 512-token prefill 10.2, 19.5 and 64 ms,
 * onnxruntime's 13.0. With the softmax vectorised (08:55, alternating with onnxruntime's node, load
 * 5.6–6.5): prefill chunk 12.3–12.6 ms (AVX-512), 16.0–23.0 (AVX2), onnxruntime's 13.5–21.0. Only the
 * AVX-512 build is clearly faster than onnxruntime at both, so only it is used by default; "typofix"
 * forces the op with any build.
 */
export const AUTO_ISAS: readonly string[] = ["avx512"];

const FILE = process.platform === "darwin" ? "libtypofix_attention.dylib" : process.platform === "win32" ? "typofix_attention.dll" : "libtypofix_attention.so";
const arch = process.arch === "arm64" ? "arm64" : process.arch;

/** native/build/<os>-<arch>/ of this checkout (where build.sh writes). */
export function builtLibraryPath(): string {
  return join(dirname(dirname(dirname(import.meta.dir))), "native", "build", `${process.platform}-${arch}`, FILE);
}

/** The library's path: TYPOFIX_ATTENTION_LIBRARY, the compiled binary's extracted copy, or this checkout's build; null when none exists. */
export function attentionLibraryPath(env: Record<string, string | undefined> = process.env): string | null {
  const override = env.TYPOFIX_ATTENTION_LIBRARY;
  if (override !== undefined && override !== "") return existsSync(override) ? override : null;
  if (globalThis.__typofixAttentionLib) return existsSync(globalThis.__typofixAttentionLib) ? globalThis.__typofixAttentionLib : null;
  const p = builtLibraryPath();
  return existsSync(p) ? p : null;
}

export interface TypofixLibrary {
  path: string;
  /** the attention kernel's build for this CPU */
  isa: string;
  /** the 4-bit matmul's build for this CPU ("amx", "avx512", "generic"); null in a library without it */
  matmulIsa: string | null;
}

let probed: TypofixLibrary | null | undefined;
let why = "";
/**
 * The library, loaded once to check that it is one (its TypofixAttentionIsa entry answers); null with
 * the reason in attentionUnavailable() where it is missing or does not load.
 */
export function attentionLibrary(): TypofixLibrary | null {
  if (probed !== undefined) return probed;
  const path = attentionLibraryPath();
  if (!path) {
    why = `typofix's attention library is not built for ${process.platform}-${arch} (bun run build:native)`;
    return (probed = null);
  }
  try {
    if (typeof Bun === "undefined") throw new Error("not running under Bun");
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    const lib = dlopen(path, { TypofixAttentionIsa: { args: [], returns: FFIType.cstring } });
    const isa = String(lib.symbols.TypofixAttentionIsa());
    let matmulIsa: string | null = null;
    try {
      matmulIsa = String(dlopen(path, { TypofixMatmulIsa: { args: [], returns: FFIType.cstring } }).symbols.TypofixMatmulIsa());
    } catch {}
    probed = { path, isa, matmulIsa };
  } catch (err) {
    why = `${path}: ${(err as Error).message}`;
    probed = null;
  }
  return probed;
}
export const attentionUnavailable = (): string => why;
/** Whether a session should use typofix's op: asked for, or "auto" and the library's build for this CPU is one of AUTO_ISAS. */
export function wantsTypofixAttention(setting: AttentionKind): TypofixLibrary | null {
  if (setting === "onnxruntime") return null;
  const lib = attentionLibrary();
  if (!lib) return null;
  return setting === "typofix" || AUTO_ISAS.includes(lib.isa) ? lib : null;
}

/**
 * typofix's 4-bit matmul (native/matmul*.c, in the same library): the builds "auto" takes it for. Only
 * AMX: measured faster than onnxruntime's MLAS kernels for prefill (2–3×) and decode alike on the dev VM
 * (bench/README.md, "typofix's 4-bit matmul"); without AMX it was not measured, so MLAS stays.
 */
export const AUTO_MATMUL_ISAS: readonly string[] = ["amx"];
export type MatmulKind = "typofix" | "onnxruntime" | "auto";
export const MATMULS: readonly MatmulKind[] = ["auto", "typofix", "onnxruntime"];
/** Whether a session should use typofix's 4-bit matmul: asked for, or "auto" and the library's matmul build is one of AUTO_MATMUL_ISAS. */
export function wantsTypofixMatmul(setting: MatmulKind): TypofixLibrary | null {
  if (setting === "onnxruntime") return null;
  const lib = attentionLibrary();
  if (!lib || !lib.matmulIsa) return null;
  return setting === "typofix" || AUTO_MATMUL_ISAS.includes(lib.matmulIsa) ? lib : null;
}

/** Forget the probe (tests that move the library). */
export function resetAttentionProbe(): void {
  probed = undefined;
  why = "";
}
