/**
 * Native code: onnxruntime's add-on (and its shared library), typofix's attention op (native/, extracted
 * beside onnxruntime) and the Swift ANE library. In development they come from node_modules,
 * native/build and swift/.build. In a compiled binary (scripts/build.ts) they are embedded;
 * on first use they are extracted once, together, into a versioned cache folder
 * ($TYPOFIX_HOME/runtime/<version>-<target>/, atomically: written to a temporary folder, then renamed)
 * and loaded from there by absolute path, so the add-on finds its shared library beside it.
 */
import { nodeFs } from "./fs.ts";
import { join } from "./path.ts";
import { cacheDir } from "../config.ts";

interface Embedded {
  target: string;
  version: string;
  ort: Array<{ name: string; path: string }>;
  ane: { name: string; path: string } | null;
  /** typofix's attention op (native/), extracted beside onnxruntime; absent in builds without it. */
  attention?: { name: string; path: string } | null;
}

export const isCompiled = (): boolean => process.env.TYPOFIX_COMPILED === "1";

let embedded: Embedded | null | undefined;
async function embeddedFiles(): Promise<Embedded | null> {
  if (embedded !== undefined) return embedded;
  if (!isCompiled()) return (embedded = null);
  try {
    // a virtual module that only the build provides
    embedded = (await import("typofix:embedded" as string)) as Embedded;
  } catch {
    embedded = null;
  }
  return embedded;
}

/** The versioned runtime folder that extractOnce(files, tag) fills. */
export const runtimeDir = (tag: string): string => join(cacheDir(), "runtime", tag);

/** Extract files into the versioned runtime folder once; returns the folder. */
export function extractOnce(files: Array<{ name: string; path: string }>, tag: string): string {
  const { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = nodeFs();
  const dir = runtimeDir(tag);
  const complete = (d: string) => files.every((f) => existsSync(join(d, f.name)) && statSync(join(d, f.name)).size === statSync(f.path).size);
  if (existsSync(dir) && complete(dir)) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const f of files) {
    writeFileSync(join(tmp, f.name), readFileSync(f.path));
    chmodSync(join(tmp, f.name), 0o755);
  }
  try {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch {
    // another process won the race: use its folder
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

declare global {
  // eslint-disable-next-line no-var
  var __typofixOrtBinding: (() => unknown) | undefined;
  /** Where a compiled binary extracted onnxruntime (its shared library is used through the C API too). */
  // eslint-disable-next-line no-var
  var __typofixOrtDir: string | undefined;
}

/**
 * onnxruntime (1.2x on Linux and macOS) records telemetry in ~/.cache/Microsoft/DeveloperTools/.onnxruntime
 * unless ORT_DISABLE_TELEMETRY is set in the C environment when it starts. Bun's process.env does not
 * reach the C environment of a native library, so it is set with libc's setenv (a user's own value is kept).
 */
function disableOrtTelemetry(): void {
  if (process.env.ORT_DISABLE_TELEMETRY) return;
  process.env.ORT_DISABLE_TELEMETRY = "1";
  try {
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    const libc = dlopen(process.platform === "darwin" ? "libSystem.B.dylib" : "libc.so.6", { setenv: { args: [FFIType.cstring, FFIType.cstring, FFIType.i32], returns: FFIType.i32 } });
    const z = (s: string) => Buffer.from(s + "\0");
    libc.symbols.setenv(z("ORT_DISABLE_TELEMETRY") as never, z("1") as never, 0);
  } catch {
    /* no libc by that name (musl, another OS): the process.env value is what is left */
  }
}

export async function loadOrt(): Promise<typeof import("onnxruntime-node")> {
  if (process.platform === "darwin" && process.arch === "x64") throw new Error("onnxruntime has no build for macOS on Intel; use the lexicon engine");
  const e = await embeddedFiles();
  if (e) {
    if (!e.ort.length) throw new Error(`this typofix build (${e.target}) has no onnxruntime; use the lexicon engine`);
    const dir = extractOnce(e.attention ? [...e.ort, e.attention] : e.ort, `${e.version}-${e.target}-ort`);
    const addon = join(dir, "onnxruntime_binding.node");
    globalThis.__typofixOrtDir = dir;
    if (e.attention) globalThis.__typofixAttentionLib = join(dir, e.attention.name);
    globalThis.__typofixOrtBinding = () => require(addon);
  }
  // offline means offline: onnxruntime's own telemetry (a database under ~/.cache/Microsoft/DeveloperTools)
  // stays off; set before the library loads, which reads it from the environment
  disableOrtTelemetry();
  try {
    return await import("onnxruntime-node");
  } catch (err) {
    throw new Error(`onnxruntime-node could not be loaded (${(err as Error).message.split("\n")[0]})`);
  }
}

/**
 * The Swift ANE library embedded in a compiled binary, extracted once to a versioned cache folder;
 * null when this build has none (the engine then looks at TYPOFIX_ANE_DYLIB and swift/.build).
 */
export async function embeddedAneDylib(): Promise<string | null> {
  const e = await embeddedFiles();
  if (!e?.ane) return null;
  return join(extractOnce([e.ane], `${e.version}-${e.target}-ane`), e.ane.name);
}
