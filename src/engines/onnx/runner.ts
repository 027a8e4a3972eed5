/**
 * How a decoder session is run: through onnxruntime's C API (./capi.ts; outputs bound in place and
 * read without a copy) where bun:ffi and onnxruntime's shared library are there, else through
 * onnxruntime-node's InferenceSession (every output copied into JavaScript on every run). Both are
 * created from a file path (nothing of the model is read into JavaScript) with the same settings, and
 * both take onnxruntime-common Tensors as feeds and bound outputs. Cost: see ./capi.ts; the node path
 * adds one copy of every output per run.
 */
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { capi, capiUnavailable, CapiSession } from "./capi.ts";
import { preparedModel, preparedOps } from "./rewrite.ts";
import { wantsTypofixAttention, wantsTypofixMatmul } from "./attention.ts";
import { autoBackendChoice, DEFAULT_SETTINGS, sessionOptions, type OnnxSessionSettings } from "./options.ts";

type Ort = typeof import("onnxruntime-node");
export type TensorLike = Pick<Tensor, "type" | "dims" | "data">;

export interface Runner {
  readonly backend: "capi" | "node";
  /** Whose kernel runs the graph's attention: typofix's op (a float16 cache) or onnxruntime's. */
  readonly attention: "typofix" | "onnxruntime";
  /** Whose kernel runs the 4-bit MatMulNBits nodes: typofix's (native/matmul*.c) or onnxruntime's. */
  readonly matmul: "typofix" | "onnxruntime";
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly InferenceSession.ValueMetadata[];
  /** Outputs wanted: a tensor to write into (bound in place), or null. Returns the unbound ones. */
  run(feeds: Record<string, TensorLike>, fetches: Record<string, TensorLike | null>): Promise<Record<string, TensorLike>>;
  release(): Promise<void>;
}

class NodeRunner implements Runner {
  readonly backend = "node" as const;
  readonly attention = "onnxruntime" as const;
  readonly matmul = "onnxruntime" as const;
  constructor(private session: InferenceSession) {}
  get inputNames() {
    return this.session.inputNames;
  }
  get outputNames() {
    return this.session.outputNames;
  }
  get inputMetadata() {
    return (this.session as { inputMetadata?: readonly InferenceSession.ValueMetadata[] }).inputMetadata ?? [];
  }
  async run(feeds: Record<string, TensorLike>, fetches: Record<string, TensorLike | null>) {
    const out = await this.session.run(feeds as never, fetches as never);
    // onnxruntime-node's output copies (the whole cache, every run) are external memory the garbage
    // collector does not see growing: ask for a collection so they do not pile up; non-blocking
    if (typeof Bun !== "undefined") Bun.gc(false);
    return out as Record<string, TensorLike>;
  }
  async release() {
    await this.session.release?.();
  }
}

class CapiRunner implements Runner {
  readonly backend = "capi" as const;
  constructor(
    readonly session: CapiSession,
    readonly attention: "typofix" | "onnxruntime" = "onnxruntime",
    readonly matmul: "typofix" | "onnxruntime" = "onnxruntime",
  ) {}
  get inputNames() {
    return this.session.inputNames;
  }
  get outputNames() {
    return this.session.outputNames;
  }
  get inputMetadata() {
    return this.session.inputMetadata;
  }
  async run(feeds: Record<string, TensorLike>, fetches: Record<string, TensorLike | null>) {
    return this.session.run(feeds, fetches) as Record<string, TensorLike>;
  }
  async release() {
    this.session.close();
  }
}

/** The backend asked for (settings, then TYPOFIX_ONNX_BACKEND), "auto" by default. */
export function wantedBackend(s: OnnxSessionSettings): "capi" | "node" | "auto" {
  return s.backend ?? "auto";
}

/**
 * Open `file` with the asked backend; "auto" takes the C API when it loads, else onnxruntime-node (and
 * onnxruntime-node in a process that asked for it: options.ts setAutoBackend).
 */
export async function openRunner(ort: Ort, file: string, s: OnnxSessionSettings): Promise<Runner> {
  const want = wantedBackend(s);
  // the MatMulNBits compute type (an attribute of the graph's nodes), num_logits_to_keep and, through the
  // C API, typofix's attention op with a float16 cache and its 4-bit matmul: a rewritten copy of the file
  const prepare = (attention: boolean, matmul = false) =>
    preparedModel(file, s.accuracy ?? DEFAULT_SETTINGS.accuracy, s.keepLogits ?? DEFAULT_SETTINGS.keepLogits, (why) => process.stderr.write(`typofix: ${why}\n`), attention, matmul);
  if (want === "capi" || (want === "auto" && autoBackendChoice() === "capi")) {
    const api = capi();
    if (api) {
      const o = { threads: s.threads, optLevel: s.optLevel, spinning: s.spinning, cpuArena: s.cpuArena, memPattern: s.memPattern, profile: s.profile };
      const att = wantsTypofixAttention(s.attention ?? DEFAULT_SETTINGS.attention);
      const mm = wantsTypofixMatmul(s.matmul ?? DEFAULT_SETTINGS.matmul);
      const lib = att ?? mm;
      if (lib) {
        const swapped = prepare(!!att, !!mm);
        const ops = preparedOps(swapped);
        const kind = (x: boolean) => (x ? ("typofix" as const) : ("onnxruntime" as const));
        try {
          if (ops.attention || ops.matmul) return new CapiRunner(new CapiSession(api, swapped, { ...o, customOps: [lib.path] }), kind(ops.attention), kind(ops.matmul));
        } catch (err) {
          // the library did not register or an op did not fit: onnxruntime's kernels, as without it
          process.stderr.write(`typofix: typofix's ops could not be used (${(err as Error).message.split("\n")[0]}); using onnxruntime's\n`);
        }
      }
      return new CapiRunner(new CapiSession(api, prepare(false), o));
    }
    if (want === "capi") throw new Error(`onnxruntime's C API cannot be used here: ${capiUnavailable()}`);
  }
  return new NodeRunner(await ort.InferenceSession.create(prepare(false), sessionOptions(s)));
}
