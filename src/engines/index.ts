/**
 * Engine selection. Every engine implements `Engine` (src/types.ts). `auto` prefers the most capable
 * engine that is usable here (ane → onnx → lexicon) and reports once, through `onNotice`, what it
 * chose and why it fell back. Each engine has a factory below; the CLI never constructs one directly.
 * Also the one answer to "is this server running the engine the client would make?" (plans, specs).
 */
import { exists, nodeFs } from "../runtime/fs.ts";
import { join, nodePath } from "../runtime/path.ts";
import type { Engine, EngineAvailability, EngineName } from "../types.ts";
import { cacheDir } from "../config.ts";
import { LexiconEngine } from "./lexicon/index.ts";

export interface EngineOptions {
  /** Which engine: "auto" (default), "lexicon", "onnx", "ane". */
  engine?: EngineName;
  /** Model name from the registry or a path to a model folder (LLM engines). */
  model?: string;
  /** Show the LLM's raw output without the guard (debugging). */
  noGuard?: boolean;
  /** Called with human-readable notices (which engine, why a fallback). */
  onNotice?: (message: string) => void;
}

export interface EngineFactory {
  name: Exclude<EngineName, "auto">;
  /** Whether this engine can run here, and why not. Must be cheap (no model load). */
  availability(options: EngineOptions): Promise<EngineAvailability>;
  create(options: EngineOptions): Promise<Engine>;
}

const lexiconFactory: EngineFactory = {
  name: "lexicon",
  async availability() {
    return { name: "lexicon", available: true, reason: "embedded dictionary and bigram model" };
  },
  async create() {
    return LexiconEngine.shared();
  },
};

/** The model an LLM engine would use: the one asked for, else the first installed one for that engine. */
async function llmModel(engine: "onnx" | "ane", options: EngineOptions): Promise<{ dir: string; prompt?: string; dtype?: string; name: string } | string> {
  // the common case, nothing installed, is answered without loading the model registry
  if (!options.model && !(await anyInstalled(engine))) return `no ${engine} model installed (run \`typofix model pull ${engine === "onnx" ? "qwen3-0.6b" : "qwen-typo-fixer-coreml"}\`)`;
  const { installed, resolveModel } = await import("../models/index.ts");
  if (options.model) {
    try {
      const m = resolveModel(options.model);
      if (m.engine && m.engine !== engine) return `model ${m.name} is for the ${m.engine} engine`;
      return m;
    } catch (err) {
      return (err as Error).message;
    }
  }
  const m = installed().find((x) => x.engine === engine);
  if (!m) return `no ${engine} model installed (run \`typofix model pull ${engine === "onnx" ? "qwen3-0.6b" : "qwen-typo-fixer-coreml"}\`)`;
  return resolveModel(m.name);
}

async function anyInstalled(engine: string): Promise<boolean> {
  // (static imports: the one-liner asks this on every run, and three awaited imports cost it more than the stat)
  const store = join(cacheDir(), "models");
  if (!exists(store)) return false;
  const { existsSync, readdirSync, readFileSync } = nodeFs();
  for (const name of readdirSync(store)) {
    const m = join(store, name, "manifest.json");
    if (!name.startsWith(".") && existsSync(m) && readFileSync(m, "utf8").includes(`"engine": "${engine}"`)) return true;
  }
  return false;
}

const onnxFactory: EngineFactory = {
  name: "onnx",
  async availability(options) {
    if (process.platform === "darwin" && process.arch === "x64") return { name: "onnx", available: false, reason: "onnxruntime has no macOS Intel build", ordinary: !options.model };
    const m = await llmModel("onnx", options);
    return typeof m === "string" ? { name: "onnx", available: false, reason: m, ordinary: !options.model } : { name: "onnx", available: true, reason: `model ${m.name}` };
  },
  async create(options) {
    const m = await llmModel("onnx", options);
    if (typeof m === "string") throw new Error(m);
    const { createOnnxEngine } = await import("./onnx/index.ts");
    return createOnnxEngine({ dir: m.dir, prompt: m.prompt, dtype: m.dtype, noGuard: options.noGuard, name: `onnx:${m.name}` });
  },
};

const aneFactory: EngineFactory = {
  name: "ane",
  async availability(options) {
    // the common case (not a Mac with Apple Silicon) is answered without loading the engine's modules
    if (process.env.TYPOFIX_ANE_ALLOW_ANY_PLATFORM !== "1" && (process.platform !== "darwin" || process.arch !== "arm64"))
      return { name: "ane", available: false, reason: process.platform !== "darwin" ? `the Neural Engine needs macOS (this is ${process.platform})` : "the Neural Engine needs Apple Silicon (this Mac is Intel)", ordinary: true };
    const { anePlatform, locateDylib } = await import("./ane/index.ts");
    const p = anePlatform();
    if (!p.ok) return { name: "ane", available: false, reason: p.reason, ordinary: true };
    const m = await llmModel("ane", options);
    if (typeof m === "string") return { name: "ane", available: false, reason: m, ordinary: !options.model };
    const lib = await locateDylib();
    if (!lib.path) return { name: "ane", available: false, reason: `the ANE library was not found (${lib.tried.join("; ")})` };
    return { name: "ane", available: true, reason: `model ${m.name}, library ${lib.path}` };
  },
  async create(options) {
    const m = await llmModel("ane", options);
    if (typeof m === "string") throw new Error(m);
    const { createAneEngine } = await import("./ane/index.ts");
    return createAneEngine({ dir: m.dir, prompt: m.prompt, noGuard: options.noGuard, name: `ane:${m.name}` });
  },
};

/** The engines in `auto` preference order (most capable first). */
const factories: readonly EngineFactory[] = [aneFactory, onnxFactory, lexiconFactory];

export async function engineAvailability(options: EngineOptions = {}): Promise<EngineAvailability[]> {
  return Promise.all(factories.map((f) => f.availability(options)));
}

/** What `createEngine(options)` would create here, found without creating it (no model load). */
export interface EnginePlan {
  /** The engine's name as createEngine gives it ("lexicon", "onnx:qwen3-0.6b"). */
  name: string;
  /** Everything that decides the engine's results (engine, model folder, dtype, prompt, guard): same key, same results. */
  key: string;
  /** What createEngine would report through `onNotice` (auto's surprising fallbacks). */
  notices: string[];
}

async function planOf(f: EngineFactory, options: EngineOptions): Promise<Omit<EnginePlan, "notices">> {
  if (f.name === "lexicon") return { name: "lexicon", key: "lexicon" };
  const m = await llmModel(f.name, options);
  if (typeof m === "string") throw new Error(m);
  return { name: `${f.name}:${m.name}`, key: [f.name, m.dir, m.dtype ?? "", m.prompt ?? "", options.noGuard ? "noguard" : "guard"].join("\u0000") };
}

/**
 * The factory the options ask for, used through `use`: an explicit engine must be available and its
 * failure is the caller's; `auto` walks ane → onnx → lexicon, moving on when one is unavailable or fails,
 * and gives the surprising reasons it moved on (no model installed is the ordinary state, not worth one).
 */
async function choose<T>(options: EngineOptions, use: (f: EngineFactory) => Promise<T>): Promise<{ value: T; reasons: string[] }> {
  const want = options.engine ?? "auto";
  if (want !== "auto") {
    const f = factories.find((x) => x.name === want);
    if (!f) throw new Error(`unknown engine "${want}" (known: ${factories.map((x) => x.name).join(", ")}, auto)`);
    const a = await f.availability(options);
    if (!a.available) throw new Error(`engine "${want}" is not available: ${a.reason}`);
    return { value: await use(f), reasons: [] };
  }
  const reasons: string[] = [];
  for (const f of factories) {
    const a = await f.availability(options);
    if (!a.available) {
      if (!a.ordinary) reasons.push(`${f.name}: ${a.reason}`);
      continue;
    }
    try {
      return { value: await use(f), reasons };
    } catch (err) {
      reasons.push(`${f.name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no engine available: ${reasons.join("; ")}`);
}

/**
 * The engine `createEngine(options)` would create, its identity and its notices, without loading it:
 * `typofix serve` answers a client only when the client would have made the same engine. Fails like
 * createEngine for an unknown or unavailable engine.
 */
export async function planEngine(options: EngineOptions = {}): Promise<EnginePlan> {
  const { value: p, reasons } = await choose(options, (f) => planOf(f, options));
  return { ...p, notices: reasons.length ? [`using ${p.name} (${reasons.join("; ")})`] : [] };
}

/**
 * Whether choose would take the lexicon engine without a notice, known without its asynchronous checks:
 * the lexicon asked for, or `auto` without a model where the Neural Engine is out of the question (not a
 * Mac with Apple Silicon, nor TYPOFIX_ANE_ALLOW_ANY_PLATFORM) and no model is installed (no model store).
 */
function lexiconOnly(options: EngineOptions): boolean {
  const want = options.engine ?? "auto";
  if (want === "lexicon") return true;
  if (want !== "auto" || options.model) return false;
  if (process.env.TYPOFIX_ANE_ALLOW_ANY_PLATFORM === "1" || (process.platform === "darwin" && process.arch === "arm64")) return false;
  return !exists(join(cacheDir(), "models"));
}

/** Create the engine the options ask for. `auto` falls back down the list; an explicit engine fails loudly. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  // the usual case, where choose would come to the lexicon engine with nothing to report, without its
  // awaited checks (a dozen async calls in the one-liner's interpreted start-up); anything else, a failure
  // included, goes through choose
  if (lexiconOnly(options))
    try {
      return LexiconEngine.shared();
    } catch {
      /* choose reports it as it always has */
    }
  const { value: engine, reasons } = await choose(options, (f) => f.create(options));
  if (reasons.length) options.onNotice?.(`using ${engine.name} (${reasons.join("; ")})`);
  return engine;
}

/** What a client tells `typofix serve` about the engine it would make; the server answers only if it runs that one. */
export interface EngineSpec {
  /** The engine asked for ("auto", "lexicon", …) after config defaults. */
  engine: string;
  /** A model name, or a model folder as an absolute path (the server's working directory is another). */
  model?: string;
  noGuard?: boolean;
  /** The client's typofix home (cache dir): model names are resolved there. */
  home: string;
}

/** A model given as a folder is sent as an absolute path: the server's working directory is another. */
export function absoluteModel(model: string | undefined): string | undefined {
  if (model && (model.includes("/") || model.startsWith(".")) && exists(model)) return nodePath().resolve(model);
  return model;
}

/** The spec of the engine these options make in this process. */
export function engineSpec(options: EngineOptions): EngineSpec {
  return { engine: options.engine ?? "auto", model: absoluteModel(options.model), noGuard: options.noGuard, home: cacheDir() };
}

/** Why a running engine is not the one a client's spec asks for. `home`: the two typofix homes differ. */
export class EngineMismatch extends Error {
  constructor(
    message: string,
    readonly home = false,
  ) {
    super(message);
  }
}

/**
 * The judge of clients for an engine that runs with `running` as its plan (in this process, with this
 * process's typofix home): `check(spec)` gives the client's plan (its notices included) when it is the
 * same engine, and throws EngineMismatch saying why not otherwise. Plans read the model store, so each
 * spec's is kept for `ttlMs` (at most 64 specs).
 */
export function sameEngineCheck(running: EnginePlan, ttlMs = 2000): (spec: Partial<EngineSpec>) => Promise<EnginePlan> {
  const plans = new Map<string, { at: number; plan: Promise<EnginePlan> }>();
  const planFor = (spec: Partial<EngineSpec>): Promise<EnginePlan> => {
    const key = JSON.stringify([spec.engine ?? "auto", spec.model ?? "", Boolean(spec.noGuard)]);
    const hit = plans.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.plan;
    const p = planEngine({ engine: (spec.engine ?? "auto") as EngineOptions["engine"], model: spec.model, noGuard: spec.noGuard });
    plans.set(key, { at: Date.now(), plan: p });
    if (plans.size > 64) plans.delete(plans.keys().next().value!);
    return p;
  };
  return async (spec) => {
    if (spec.home !== undefined && spec.home !== cacheDir()) throw new EngineMismatch(`this server uses the typofix home ${cacheDir()}, the request ${spec.home}`, true);
    let want: EnginePlan;
    try {
      want = await planFor(spec);
    } catch (err) {
      throw new EngineMismatch(`the requested engine cannot run here: ${(err as Error).message}`);
    }
    if (want.key !== running.key) throw new EngineMismatch(`this server runs ${running.name}; the request asks for ${want.name}`);
    return want;
  };
}
