/**
 * The ane engine: an ANEMLL CoreML conversion of the typo-fixing LLM on the Apple Neural Engine, run by
 * the Swift library in swift/ (C ABI: swift/Sources/CTypofixANE/include/typofix_ane.h) through bun:ffi. The library runs
 * the model (prefill, one decode step, a batched forward pass over several tokens, truncation, argmax);
 * TypeScript owns tokenisation, prompting, stopping, segmentation and the guard (src/llm). Decoding is
 * copy-speculative (src/llm/generate.ts) where the library reads the next tokens from the prefill
 * function's rows (info "forward":"batch"); on "step" a forward pass costs an `infer` call per token,
 * as decoding does, so drafts would only add calls and the engine decodes plainly. Where the Neural Engine is not available (any platform but
 * macOS 15+ on Apple Silicon, no library, no model) the engine reports why and `auto` moves on.
 * Measured by `typofix bench` (ANE vs CPU, compute units).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { StepModel } from "../../llm/generate.ts";
import { LlmEngine } from "../../llm/engine.ts";
import { ModelTokenizer } from "../../llm/tokenizer.ts";
import { promptFormat } from "../../llm/prompts.ts";
import { AneLibrary, type AneHandle, type ComputeUnits } from "./ffi.ts";

const root = join(import.meta.dir, "../../..");

/** Whether this machine can run the Neural Engine path, and why not. */
export function anePlatform(): { ok: boolean; reason: string } {
  if (process.env.TYPOFIX_ANE_ALLOW_ANY_PLATFORM === "1") return { ok: true, reason: "any platform allowed (TYPOFIX_ANE_ALLOW_ANY_PLATFORM=1, for tests)" };
  if (process.platform !== "darwin") return { ok: false, reason: `the Neural Engine needs macOS (this is ${process.platform})` };
  if (process.arch !== "arm64") return { ok: false, reason: "the Neural Engine needs Apple Silicon (this Mac is Intel)" };
  const release = Number((require("node:os") as typeof import("node:os")).release().split(".")[0]);
  if (release < 24) return { ok: false, reason: "the ANE runner needs macOS 15 or later (stateful CoreML models)" };
  return { ok: true, reason: "Apple Silicon, macOS 15+" };
}

/** Where the dylib is: embedded in the binary (extracted once), TYPOFIX_ANE_DYLIB, or the Swift build. */
export async function locateDylib(): Promise<{ path: string | null; tried: string[] }> {
  const tried: string[] = [];
  try {
    const { embeddedAneDylib } = await import("../../runtime/native.ts");
    const p = await embeddedAneDylib();
    if (p) return { path: p, tried: ["embedded"] };
    tried.push("embedded: none in this build");
  } catch (err) {
    tried.push(`embedded: ${(err as Error).message}`);
  }
  const env = process.env.TYPOFIX_ANE_DYLIB;
  if (env) {
    if (existsSync(env)) return { path: env, tried };
    tried.push(`TYPOFIX_ANE_DYLIB=${env}: no such file`);
  }
  const build = join(root, "swift/.build/release/libTypofixANE.dylib");
  if (existsSync(build)) return { path: build, tried };
  tried.push(`${build}: not built (cd swift && swift build -c release)`);
  return { path: null, tried };
}

/** StepModel over a library handle; with forward/truncate (speculation) on the batch path only. */
export class AneStepModel implements StepModel {
  readonly contextLength: number;
  /** How the library's forward finds the next tokens (info "forward"). */
  forwardPath: "batch" | "step";
  forward?: (ids: readonly number[], keep: number) => Promise<number[]>;
  truncate?: (length: number) => void;
  constructor(readonly handle: AneHandle) {
    const info = handle.info();
    this.contextLength = Number(info.context_length);
    this.forwardPath = info.forward === "batch" ? "batch" : "step";
    if (this.forwardPath === "batch") {
      this.forward = async (ids, keep) => handle.forward(ids, keep);
      this.truncate = (length) => handle.truncate(length);
    }
  }
  async prefill(ids: readonly number[]): Promise<number> {
    return this.handle.prefill(ids);
  }
  async decode(id: number): Promise<number> {
    return this.handle.decode(id);
  }
  reset(): void {
    this.handle.reset();
    // the library checks its first batch forward against infer and may fall to "step" for good:
    // generate() reads forward/truncate right after this reset, so the next sequence decodes plainly
    if (this.forward && this.handle.info().forward !== "batch") {
      this.forwardPath = "step";
      this.forward = undefined;
      this.truncate = undefined;
    }
  }
  async dispose(): Promise<void> {
    this.handle.close();
  }
}

export interface AneEngineOptions {
  dir: string;
  name?: string;
  prompt?: string;
  units?: ComputeUnits;
  noGuard?: boolean;
  library?: string;
}

export async function createAneEngine(o: AneEngineOptions): Promise<LlmEngine> {
  const p = anePlatform();
  if (!p.ok) throw new Error(p.reason);
  const lib = o.library ?? (await locateDylib()).path;
  if (!lib) throw new Error("the ANE library was not found (see `typofix doctor`)");
  const { checkModelFiles } = await import("../../models/index.ts");
  await checkModelFiles(o.dir);
  const tokenizer = new ModelTokenizer(o.dir);
  const handle = AneLibrary.open(lib).openModel(o.dir, o.units);
  return new LlmEngine({ name: o.name ?? `ane:${o.dir.split("/").filter(Boolean).pop()}`, model: new AneStepModel(handle), tokenizer, format: promptFormat(o.prompt ?? "chat"), noGuard: o.noGuard });
}
