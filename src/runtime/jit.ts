/**
 * The compiled binary starts with JavaScriptCore's JIT tier-up thresholds scaled up (scripts/build.ts,
 * JIT_POLICY): a one-liner runs each function a few times only, and compiling them cost it more CPU than
 * it saved (measured: ~15 ms of a ~50 ms one-liner went to the JIT threads). Work that goes on — a stream,
 * files, a tree, the server, the language server, bench — sets the normal policy back with normalJit() as
 * soon as it knows, and the hot functions are compiled as before. From source (policy 1) it changes nothing.
 *
 * A stream or file of the command line (and the bench's throughput worker, which measures the engine as
 * the command line runs it) calls streamJit() instead: the normal policy, but the engine's hot functions
 * (registered with hotPath) never reach JavaScriptCore's top tier, the FTL. Its compiler costs far more
 * CPU than its code saves over a run of seconds: on one core, 172,762 words of prose took 2.5–2.9 s of
 * CPU without the FTL against 3.6–4.5 s with it (BUN_JSC_useFTLJIT=0, in alternation), and less memory.
 * A long-lived process (the server, the language server) keeps the FTL.
 */
let normal = false;

/** Back to the normal JIT policy (once; a no-op where Bun lacks Bun.unsafe.setJITPolicy). */
export function normalJit(): void {
  if (normal) return;
  normal = true;
  const unsafe = (globalThis as { Bun?: { unsafe?: { setJITPolicy?: (scale: number) => void } } }).Bun?.unsafe;
  unsafe?.setJITPolicy?.(1);
}

/** A function, or a class's prototype (its methods), that streamJit keeps out of the FTL. */
type Hot = ((...args: never[]) => unknown) | object;

/** The engine's hot functions (hotPath), for streamJit: each call's list, made when asked for. */
const hot: Array<() => Hot[]> = [];
let streaming = false;

/**
 * Register functions that a long run calls for every word, and prototypes whose methods it calls, as a
 * function that lists them: `hotPath(() => [f, g, C.prototype])`. A one-liner never looks at them: each
 * module's call costs it one push, not an array of the module's functions (the start-up of every module
 * ran those reads and built the array).
 */
export function hotPath(list: () => Hot[]): void {
  hot.push(list);
  if (streaming) noFTL(list());
}

/** The normal JIT policy, with the hot functions kept out of the FTL (see above; once). */
export function streamJit(): void {
  normalJit();
  if (streaming) return;
  streaming = true;
  for (const list of hot) noFTL(list());
}

/** Methods of a class (its prototype's own functions but the constructor). */
export function methodsOf(proto: object): Array<(...args: never[]) => unknown> {
  const out: Array<(...args: never[]) => unknown> = [];
  for (const k of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, k);
    if (k !== "constructor" && typeof d?.value === "function") out.push(d.value);
  }
  return out;
}

function noFTL(items: Hot[]): void {
  let jsc: { noFTL?: (f: (...args: never[]) => unknown) => void } | undefined;
  try {
    jsc = require("bun:jsc");
  } catch {
    return;
  }
  for (const item of items) for (const f of typeof item === "function" ? [item as (...args: never[]) => unknown] : methodsOf(item)) jsc?.noFTL?.(f);
}

/**
 * Input bytes a run corrects under the start-up policy before normalJit(): about 300 words, which a
 * one-liner or a short pipe never reach, and a stream passes within its first few milliseconds.
 */
export const STARTUP_JIT_BYTES = 2048;
