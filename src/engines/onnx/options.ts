/**
 * onnxruntime session settings for the onnx engine: intra-op threads, graph optimisation level, and
 * the KV cache form. The defaults were chosen by measurement (bench/README.md, "threads and graph
 * optimisation"); the environment (TYPOFIX_ONNX_THREADS, TYPOFIX_ONNX_OPT, TYPOFIX_ONNX_SPIN, TYPOFIX_ONNX_ATTENTION,
 * TYPOFIX_ONNX_MATMUL, …) or the engine options
 * override them. Cost: none at run time; it only shapes InferenceSession.create's options.
 */
import type { InferenceSession } from "onnxruntime-node";
import { ACCURACIES, type Accuracy } from "./rewrite.ts";
import { ATTENTIONS, MATMULS, type AttentionKind, type MatmulKind } from "./attention.ts";

export const OPT_LEVELS = ["disabled", "basic", "extended", "all"] as const;
export type OptLevel = (typeof OPT_LEVELS)[number];

export interface OnnxSessionSettings {
  /** Intra-op threads; 0 lets onnxruntime pick (one per physical core). */
  threads?: number;
  /** Graph optimisation level. */
  optLevel?: OptLevel;
  /** Whether idle intra-op threads spin-wait for work (fast on an idle machine, wasteful on a busy one). */
  spinning?: boolean;
  /** Force the KV cache form (default: shared when the graph uses GroupQueryAttention). */
  sharedCache?: boolean;
  /** Longest run of tokens fed in one pass (prefill goes in chunks of this size). */
  prefillChunk?: number;
  /** How runs go: onnxruntime's C API through bun:ffi (no output copies), onnxruntime-node, or the first that loads. */
  backend?: "capi" | "node" | "auto";
  /**
   * MatMulNBits (4-bit) compute type: int8 (activations quantised to int8, integer kernels), fp32
   * (weights dequantised to fp32), or model (the file's own accuracy_level). ./accuracy.ts.
   */
  accuracy?: Accuracy;
  /**
   * Give a graph without one a num_logits_to_keep input (./rewrite.ts), so that a prefill computes the
   * lm head for its last position only instead of all of them.
   */
  keepLogits?: boolean;
  /**
   * Whose attention kernel runs GroupQueryAttention nodes: typofix's (native/, a float16 KV cache; used
   * where its library loads and the C API backend runs, else onnxruntime's), onnxruntime's, or auto
   * (typofix's where its library has a build measured faster for this CPU: AVX-512). ./attention.ts.
   */
  attention?: AttentionKind;
  /**
   * Whose kernel runs the 4-bit MatMulNBits nodes: typofix's (native/matmul*.c: AMX-int8 tiles for
   * prefill-sized inputs, an AVX-512 VNNI GEMV for decode; used where its library loads and the C API
   * backend runs, else onnxruntime's), onnxruntime's (MLAS), or auto (typofix's where the CPU has AMX).
   * ./attention.ts.
   */
  matmul?: MatmulKind;
  /** onnxruntime's per-node profile, written as PREFIX_<date>.json when the session is released (bench/onnx-profile.ts reads it). */
  profile?: string;
  /** onnxruntime's CPU memory arena and memory-pattern planning (both on unless set false). */
  cpuArena?: boolean;
  memPattern?: boolean;
}

/**
 * Measured on the 2-core development VM with the q4 fixture (bench/README.md, "threads and graph
 * optimisation"): on a busy machine spinning threads halve decode speed (2 threads: 1.9 tok/s spinning,
 * 3.8 not), while one thread or two that sleep are within the noise of each other; so all physical
 * cores (onnxruntime's choice), not spinning, and the full graph optimisation.
 */
export const DEFAULT_SETTINGS: Required<Pick<OnnxSessionSettings, "threads" | "optLevel" | "spinning" | "prefillChunk" | "accuracy" | "keepLogits" | "attention" | "matmul">> = {
  threads: 0,
  optLevel: "all",
  spinning: false,
  prefillChunk: 128,
  accuracy: "int8",
  keepLogits: true,
  attention: "auto",
  matmul: "auto",
};

/** Parse the settings from the environment; a bad value is an error that says what is allowed. */
/**
 * What "auto" means in this process. A C API run (./capi.ts) is a synchronous call that holds the
 * JavaScript thread until the forward pass ends; onnxruntime-node runs it on a worker thread. A one-shot
 * CLI run waits for the answer anyway and takes the faster C API; `typofix serve` must keep answering
 * (health checks, 503 with Retry-After once its queue is full) while a model runs, so it asks for
 * onnxruntime-node (setAutoBackend("node")). An explicit backend (setting or TYPOFIX_ONNX_BACKEND) wins.
 */
let autoBackend: "capi" | "node" = "capi";
export function setAutoBackend(b: "capi" | "node"): void {
  autoBackend = b;
}
export function autoBackendChoice(): "capi" | "node" {
  return autoBackend;
}

export function sessionSettingsFromEnv(env: Record<string, string | undefined> = process.env): OnnxSessionSettings {
  const s: OnnxSessionSettings = {};
  const t = env.TYPOFIX_ONNX_THREADS;
  if (t !== undefined && t !== "") {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 0 || n > 256) throw new Error(`TYPOFIX_ONNX_THREADS="${t}": expected a whole number of threads, 0 for onnxruntime's choice`);
    s.threads = n;
  }
  const o = env.TYPOFIX_ONNX_OPT;
  if (o !== undefined && o !== "") {
    if (!(OPT_LEVELS as readonly string[]).includes(o)) throw new Error(`TYPOFIX_ONNX_OPT="${o}": expected one of ${OPT_LEVELS.join(", ")}`);
    s.optLevel = o as OptLevel;
  }
  const spin = env.TYPOFIX_ONNX_SPIN;
  if (spin !== undefined && spin !== "") {
    if (spin !== "0" && spin !== "1") throw new Error(`TYPOFIX_ONNX_SPIN="${spin}": expected 0 or 1`);
    s.spinning = spin === "1";
  }
  const a = env.TYPOFIX_ONNX_ACCURACY;
  if (a !== undefined && a !== "") {
    if (!(ACCURACIES as string[]).includes(a)) throw new Error(`TYPOFIX_ONNX_ACCURACY="${a}": expected one of ${ACCURACIES.join(", ")}`);
    s.accuracy = a as Accuracy;
  }
  const k = env.TYPOFIX_ONNX_KEEP_LOGITS;
  if (k !== undefined && k !== "") {
    if (k !== "0" && k !== "1") throw new Error(`TYPOFIX_ONNX_KEEP_LOGITS="${k}": expected 0 or 1`);
    s.keepLogits = k === "1";
  }
  const att = env.TYPOFIX_ONNX_ATTENTION;
  if (att !== undefined && att !== "") {
    if (!(ATTENTIONS as readonly string[]).includes(att)) throw new Error(`TYPOFIX_ONNX_ATTENTION="${att}": expected one of ${ATTENTIONS.join(", ")}`);
    s.attention = att as AttentionKind;
  }
  const mm = env.TYPOFIX_ONNX_MATMUL;
  if (mm !== undefined && mm !== "") {
    if (!(MATMULS as readonly string[]).includes(mm)) throw new Error(`TYPOFIX_ONNX_MATMUL="${mm}": expected one of ${MATMULS.join(", ")}`);
    s.matmul = mm as MatmulKind;
  }
  if (env.TYPOFIX_ONNX_PROFILE) s.profile = env.TYPOFIX_ONNX_PROFILE;
  const b = env.TYPOFIX_ONNX_BACKEND;
  if (b !== undefined && b !== "") {
    if (b !== "capi" && b !== "node" && b !== "auto") throw new Error(`TYPOFIX_ONNX_BACKEND="${b}": expected capi, node or auto`);
    s.backend = b;
  }
  return s;
}

export function sessionOptions(s: OnnxSessionSettings = {}): InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: s.optLevel ?? DEFAULT_SETTINGS.optLevel,
    intraOpNumThreads: s.threads ?? DEFAULT_SETTINGS.threads,
    // one request at a time: no inter-op pool to share the two cores with
    executionMode: "sequential",
    ...(s.cpuArena === false ? { enableCpuMemArena: false } : {}),
    ...(s.memPattern === false ? { enableMemPattern: false } : {}),
    ...(s.profile ? { enableProfiling: true, profileFilePrefix: s.profile } : {}),
    // onnxruntime's warnings (unused initialisers and the like) are not the user's business
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: (s.spinning ?? DEFAULT_SETTINGS.spinning) ? "1" : "0" } } },
  };
}
