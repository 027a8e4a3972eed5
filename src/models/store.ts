/**
 * The local model store ($TYPOFIX_HOME/models, default $XDG_CACHE_HOME/typofix/models): what is installed
 * (each model's manifest.json), where a model is, resolving a name or a folder to a model and its prompt,
 * telling an ONNX folder from an ANEMLL one, and moving a finished staging folder into place. Needs no
 * network. Cost: a directory listing and one small JSON read per installed model.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { cacheDir } from "../config.ts";
import { aneLayout, parseAneMeta } from "./anemll.ts";
import { checkName, registry, type RegistryEntry } from "./registry.ts";

export interface Manifest {
  name: string;
  engine: "onnx" | "ane";
  repo?: string;
  revision?: string;
  dtype?: string;
  prompt?: string;
  source: "pull" | "import";
  /** The repository commit the Hub reported (X-Repo-Commit) when `revision` is a branch. */
  commit?: string;
  installedAt: string;
  files: Array<{ path: string; size: number; sha256: string }>;
}

export function storeDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "models");
}

export function installed(env: NodeJS.ProcessEnv = process.env): Manifest[] {
  const dir = storeDir(env);
  if (!existsSync(dir)) return [];
  const out: Manifest[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    const m = join(dir, name, "manifest.json");
    if (!existsSync(m)) continue;
    try {
      out.push(JSON.parse(readFileSync(m, "utf8")));
    } catch {
      /* a broken manifest: not a usable install */
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function modelDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(storeDir(env), checkName(name));
}

export interface ResolvedModel {
  dir: string;
  name: string;
  engine?: "onnx" | "ane";
  /** Prompt format name (models/prompts/{prompt}.yaml). */
  prompt?: string;
  /** The same as `prompt`, under the name the engines' brief uses. */
  promptFormat?: string;
  dtype?: string;
  /** The registry entry, when the model is a registry model. */
  entry?: RegistryEntry;
}

type Engine = "onnx" | "ane";

/**
 * A model name (installed) or a folder path → where it is and how to prompt it. Needs no network.
 * With `engine`, a model made for the other engine is an error. A folder without a manifest gets its
 * engine from its layout (config.json + onnx/, or meta.yaml).
 */
export function resolveModel(nameOrPath: string, engineOrEnv?: Engine | NodeJS.ProcessEnv, maybeEnv?: NodeJS.ProcessEnv): ResolvedModel {
  const engine = typeof engineOrEnv === "string" ? engineOrEnv : undefined;
  const env = (typeof engineOrEnv === "object" ? engineOrEnv : maybeEnv) ?? process.env;
  const r = resolveAny(nameOrPath, env);
  if (engine && r.engine && r.engine !== engine) throw new Error(`model ${r.name} is for the ${r.engine} engine, not ${engine}`);
  return r;
}

function resolveAny(nameOrPath: string, env: NodeJS.ProcessEnv): ResolvedModel {
  const asPath = resolve(nameOrPath);
  const entryOf = (name: string) => {
    try {
      return registry().find((e) => e.name === name);
    } catch {
      return undefined; // a broken TYPOFIX_REGISTRY does not stop an installed model from working
    }
  };
  if ((nameOrPath.includes("/") || nameOrPath.startsWith(".")) && existsSync(asPath) && statSync(asPath).isDirectory()) {
    const m = existsSync(join(asPath, "manifest.json")) ? (JSON.parse(readFileSync(join(asPath, "manifest.json"), "utf8")) as Manifest) : undefined;
    let engine = m?.engine;
    if (!engine)
      try {
        engine = detectLayout(asPath);
      } catch {
        /* the engine reports what is wrong with the folder when it loads it */
      }
    const name = m?.name ?? asPath.split("/").pop()!;
    const prompt = m?.prompt;
    return { dir: asPath, name, engine, prompt, promptFormat: prompt, dtype: m?.dtype, entry: m?.source === "pull" ? entryOf(name) : undefined };
  }
  if (!/^[\w.-]+$/.test(nameOrPath) || nameOrPath.startsWith(".")) throw new Error(`no model or folder "${nameOrPath}" (see \`typofix model list\`)`);
  const m = installed(env).find((x) => x.name === nameOrPath);
  const entry = entryOf(nameOrPath);
  if (!m) throw new Error(entry ? `model "${nameOrPath}" is not installed: run \`typofix model pull ${nameOrPath}\`` : `no model or folder "${nameOrPath}" (see \`typofix model list\`)`);
  return { dir: modelDir(m.name, env), name: m.name, engine: m.engine, prompt: m.prompt, promptFormat: m.prompt, dtype: m.dtype, entry };
}

/** Which engine a model folder is for, or an error saying what is missing. */
export function detectLayout(dir: string): "onnx" | "ane" {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a folder`);
  if (existsSync(join(dir, "meta.yaml"))) {
    // ANEMLL: meta.yaml with model_info, a tokenizer, and the CoreML models the runner would open
    if (!existsSync(join(dir, "tokenizer.json"))) {
      parseAneMeta(readFileSync(join(dir, "meta.yaml"), "utf8"), join(dir, "meta.yaml")); // a bad meta.yaml is the first thing to say
      throw new Error(`${dir}: missing tokenizer.json`);
    }
    aneLayout(dir);
    return "ane";
  }
  if (!existsSync(join(dir, "config.json"))) throw new Error(`${dir}: neither a Hugging Face ONNX folder (config.json) nor an ANEMLL folder (meta.yaml)`);
  let c: { model_type?: string };
  try {
    c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  } catch (err) {
    throw new Error(`${dir}/config.json: not valid JSON (${(err as Error).message})`);
  }
  if (!c?.model_type) throw new Error(`${dir}/config.json: no model_type`);
  for (const f of ["tokenizer.json", "tokenizer_config.json"]) if (!existsSync(join(dir, f))) throw new Error(`${dir}: missing ${f}`);
  if (!existsSync(join(dir, "onnx")) || !readdirSync(join(dir, "onnx")).some((f) => f.endsWith(".onnx"))) throw new Error(`${dir}: no onnx/*.onnx file`);
  return "onnx";
}

/** Move a complete staging folder into place; an older install is swapped out, never half replaced. */
export function moveIntoPlace(staging: string, final: string, store: string): void {
  const old = join(store, ".staging", `${basename(final)}.old-${process.pid}-${Date.now()}`);
  if (existsSync(final)) renameSync(final, old);
  renameSync(staging, final);
  rmSync(old, { recursive: true, force: true });
}

export function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name), base) : [relative(base, join(dir, d.name))]));
}
