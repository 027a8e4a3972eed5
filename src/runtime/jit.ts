/**
 * The compiled binary starts with JavaScriptCore's JIT tier-up thresholds scaled up (scripts/build.ts,
 * JIT_POLICY): a one-liner runs each function a few times only, and compiling them cost it more CPU than
 * it saved (measured: ~15 ms of a ~50 ms one-liner went to the JIT threads). Work that goes on — a stream,
 * files, a tree, the server, the language server, bench — sets the normal policy back with normalJit() as
 * soon as it knows, and the hot functions are compiled as before. From source (policy 1) it changes nothing.
 */
let normal = false;

/** Back to the normal JIT policy (once; a no-op where Bun lacks Bun.unsafe.setJITPolicy). */
export function normalJit(): void {
  if (normal) return;
  normal = true;
  const unsafe = (globalThis as { Bun?: { unsafe?: { setJITPolicy?: (scale: number) => void } } }).Bun?.unsafe;
  unsafe?.setJITPolicy?.(1);
}

/**
 * Input bytes a run corrects under the start-up policy before normalJit(): about 300 words, which a
 * one-liner or a short pipe never reach, and a stream passes within its first few milliseconds.
 */
export const STARTUP_JIT_BYTES = 2048;
