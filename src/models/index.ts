/**
 * Model management: the registry (models/registry.yaml), the local store ($TYPOFIX_HOME/models, default
 * $XDG_CACHE_HOME/typofix/models), and pulling from the Hugging Face hub (or HF_ENDPOINT): resumable
 * downloads (HTTP Range into .partial files), size and sha256 checks, an exclusive lock per model so two
 * pulls never write the same files, and an atomic install: files land in a staging folder that is renamed
 * into place only when complete, so a half-downloaded model is never visible as installed.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { cacheDir } from "../config.ts";
// @ts-ignore: Bun text import (embedded in the compiled binary)
import registryText from "../../models/registry.yaml" with { type: "text" };

export interface RegistryFile {
  path: string;
  size?: number | null;
  sha256?: string | null;
  optional?: boolean;
}

export interface RegistryEntry {
  name: string;
  engine: "onnx" | "ane";
  description?: string;
  repo: string;
  revision: string;
  dtype?: string;
  prompt?: string;
  license?: string;
  importOnly?: boolean;
  files: RegistryFile[];
  folders?: string[];
}

export interface Manifest {
  name: string;
  engine: "onnx" | "ane";
  repo?: string;
  revision?: string;
  dtype?: string;
  prompt?: string;
  source: "pull" | "import";
  installedAt: string;
  files: Array<{ path: string; size: number; sha256: string }>;
}

/** Files inside a compiled CoreML model folder (.mlmodelc). */
const MLMODELC_FILES: RegistryFile[] = [
  { path: "coremldata.bin" },
  { path: "model.mil" },
  { path: "weights/weight.bin" },
  { path: "metadata.json", optional: true },
  { path: "analytics/coremldata.bin", optional: true },
];

export function registry(text: string = process.env.TYPOFIX_REGISTRY ? readFileSync(process.env.TYPOFIX_REGISTRY, "utf8") : (registryText as unknown as string)): RegistryEntry[] {
  const doc = parse(text) as { models?: Record<string, Omit<RegistryEntry, "name">> };
  return Object.entries(doc.models ?? {}).map(([name, e]) => ({
    ...e,
    name,
    revision: e.revision ?? "main",
    files: [...(e.files ?? []), ...(e.folders ?? []).flatMap((f) => MLMODELC_FILES.map((x) => ({ ...x, path: `${f}/${x.path}` })))],
  }));
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
  return join(storeDir(env), name);
}

export interface ResolvedModel {
  dir: string;
  name: string;
  engine?: "onnx" | "ane";
  prompt?: string;
  dtype?: string;
}

/** A model name (installed) or a folder path → where it is and how to prompt it. */
export function resolveModel(nameOrPath: string, env: NodeJS.ProcessEnv = process.env): ResolvedModel {
  const asPath = resolve(nameOrPath);
  if ((nameOrPath.includes("/") || nameOrPath.startsWith(".")) && existsSync(asPath) && statSync(asPath).isDirectory()) {
    const m = existsSync(join(asPath, "manifest.json")) ? (JSON.parse(readFileSync(join(asPath, "manifest.json"), "utf8")) as Manifest) : undefined;
    return { dir: asPath, name: m?.name ?? asPath.split("/").pop()!, engine: m?.engine, prompt: m?.prompt, dtype: m?.dtype };
  }
  const m = installed(env).find((x) => x.name === nameOrPath);
  if (!m) {
    const known = registry().some((e) => e.name === nameOrPath);
    throw new Error(known ? `model "${nameOrPath}" is not installed: run \`typofix model pull ${nameOrPath}\`` : `no model or folder "${nameOrPath}" (see \`typofix model list\`)`);
  }
  return { dir: modelDir(m.name, env), name: m.name, engine: m.engine, prompt: m.prompt, dtype: m.dtype };
}

// ---------------------------------------------------------------- locking

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take the model's lock (O_EXCL file holding our pid); a lock of a dead process is taken over. */
export async function withLock<T>(name: string, env: NodeJS.ProcessEnv, fn: () => Promise<T>, opts: { waitMs?: number; onWait?: (pid: number) => void } = {}): Promise<T> {
  const dir = join(storeDir(env), ".locks");
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, `${name}.lock`);
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  let told = false;
  while (true) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(lock, "utf8") || 0);
      if (!pid || !pidAlive(pid)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!told) opts.onWait?.(pid);
      told = true;
      if (Date.now() > deadline) throw new Error(`another typofix (pid ${pid}) is installing ${name}; try again later`);
      await Bun.sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

// ---------------------------------------------------------------- download

export interface Progress {
  file: string;
  received: number;
  total: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface PullOptions {
  env?: NodeJS.ProcessEnv;
  onProgress?: (p: Progress) => void;
  onWait?: (pid: number) => void;
  /** Retries per file after a broken connection (each resumes with a Range request). */
  retries?: number;
  fetch?: typeof fetch;
}

export function endpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");
}

export function fileUrl(e: RegistryEntry, path: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${endpoint(env)}/${e.repo}/resolve/${encodeURIComponent(e.revision)}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  const reader = Bun.file(path).stream().getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) h.update(r.value);
  return h.digest("hex");
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Download one file to `dest`, resuming from `dest.partial`. */
async function download(url: string, dest: string, label: string, o: PullOptions): Promise<void> {
  const partial = `${dest}.partial`;
  mkdirSync(dirname(dest), { recursive: true });
  const f = o.fetch ?? fetch;
  let attempt = 0;
  while (true) {
    const have = existsSync(partial) ? statSync(partial).size : 0;
    try {
      const res = await f(url, { headers: have ? { Range: `bytes=${have}-` } : {}, redirect: "follow" });
      if (res.status === 404) throw new HttpError(404, `${label}: not found at ${url}`);
      if (res.status === 416) {
        // the partial file is already complete
        renameSync(partial, dest);
        return;
      }
      if (!res.ok) throw new HttpError(res.status, `${label}: HTTP ${res.status} from ${url}`);
      const resumed = res.status === 206;
      const start = resumed ? have : 0;
      const len = Number(res.headers.get("content-length") ?? NaN);
      const total = Number.isFinite(len) ? start + len : null;
      const fd = openSync(partial, resumed ? "a" : "w");
      let received = start;
      const t0 = performance.now();
      try {
        const reader = res.body!.getReader();
        let last = 0;
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          let off = 0;
          while (off < r.value.length) off += writeSync(fd, r.value, off);
          received += r.value.length;
          const now = performance.now();
          if (o.onProgress && now - last > 100) {
            last = now;
            const bps = (received - start) / Math.max(0.001, (now - t0) / 1000);
            o.onProgress({ file: label, received, total, bytesPerSecond: bps, etaSeconds: total && bps ? (total - received) / bps : null });
          }
        }
      } finally {
        closeSync(fd);
      }
      if (total !== null && received < total) throw new Error(`${label}: connection closed at ${received} of ${total} bytes`);
      o.onProgress?.({ file: label, received, total: total ?? received, bytesPerSecond: (received - start) / Math.max(0.001, (performance.now() - t0) / 1000), etaSeconds: 0 });
      renameSync(partial, dest);
      return;
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) throw err;
      if (++attempt > (o.retries ?? 3)) throw new Error(`${label}: download failed after ${attempt} attempts (${(err as Error).message})`);
      await Bun.sleep(Math.min(2000, 100 * 2 ** attempt));
    }
  }
}

/** Install a registry model. Returns its manifest (the existing one if already installed). */
export async function pull(name: string, o: PullOptions = {}): Promise<Manifest> {
  const env = o.env ?? process.env;
  const entry = registry().find((e) => e.name === name);
  if (!entry) throw new Error(`no model "${name}" in the registry (see \`typofix model list\`)`);
  if (entry.importOnly || !entry.files.length) throw new Error(`${name} is not downloadable as is: ${entry.description ?? "import it with `typofix model import DIR`"}`);
  return withLock(
    name,
    env,
    async () => {
      const existing = installed(env).find((m) => m.name === name);
      if (existing) return existing;
      const store = storeDir(env);
      const staging = join(store, ".staging", name);
      mkdirSync(staging, { recursive: true });
      const files: Manifest["files"] = [];
      for (const file of entry.files) {
        const dest = join(staging, file.path);
        if (!existsSync(dest)) {
          try {
            await download(fileUrl(entry, file.path, env), dest, file.path, o);
          } catch (err) {
            if (file.optional && err instanceof HttpError && err.status === 404) continue;
            throw err;
          }
        }
        const size = statSync(dest).size;
        const digest = await sha256File(dest);
        if (file.size != null && size !== file.size) {
          rmSync(dest, { force: true });
          throw new Error(`${file.path}: size ${size} does not match the registry's ${file.size}; nothing installed`);
        }
        if (file.sha256 && digest !== file.sha256.toLowerCase()) {
          rmSync(dest, { force: true });
          throw new Error(`${file.path}: sha256 ${digest} does not match the registry's ${file.sha256}; nothing installed`);
        }
        files.push({ path: file.path, size, sha256: digest });
      }
      const manifest: Manifest = {
        name,
        engine: entry.engine,
        repo: entry.repo,
        revision: entry.revision,
        dtype: entry.dtype,
        prompt: entry.prompt,
        source: "pull",
        installedAt: new Date().toISOString(),
        files,
      };
      writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
      const final = modelDir(name, env);
      rmSync(final, { recursive: true, force: true });
      renameSync(staging, final);
      return manifest;
    },
    { onWait: o.onWait },
  );
}

export function remove(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = modelDir(name, env);
  if (!existsSync(join(dir, "manifest.json"))) return false;
  const trash = join(storeDir(env), ".staging", `${name}.removing-${process.pid}`);
  mkdirSync(dirname(trash), { recursive: true });
  renameSync(dir, trash);
  rmSync(trash, { recursive: true, force: true });
  return true;
}

/** Which engine a model folder is for, or an error saying what is missing. */
export function detectLayout(dir: string): "onnx" | "ane" {
  if (existsSync(join(dir, "meta.yaml"))) return "ane";
  if (!existsSync(join(dir, "config.json"))) throw new Error(`${dir}: neither a Hugging Face ONNX folder (config.json) nor an ANEMLL folder (meta.yaml)`);
  const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  if (!c.model_type) throw new Error(`${dir}/config.json: no model_type`);
  for (const f of ["tokenizer.json", "tokenizer_config.json"]) if (!existsSync(join(dir, f))) throw new Error(`${dir}: missing ${f}`);
  if (!existsSync(join(dir, "onnx")) || !readdirSync(join(dir, "onnx")).some((f) => f.endsWith(".onnx"))) throw new Error(`${dir}: no onnx/*.onnx file`);
  return "onnx";
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name), base) : [relative(base, join(dir, d.name))]));
}

/** Copy a local model folder into the store under `name`. */
export async function importModel(src: string, name: string, o: { env?: NodeJS.ProcessEnv; prompt?: string } = {}): Promise<Manifest> {
  const env = o.env ?? process.env;
  if (!/^[\w.-]+$/.test(name)) throw new Error(`invalid model name "${name}" (letters, digits, . _ -)`);
  const engine = detectLayout(src);
  return withLock(name, env, async () => {
    const staging = join(storeDir(env), ".staging", name);
    rmSync(staging, { recursive: true, force: true });
    cpSync(src, staging, { recursive: true });
    const files = [];
    for (const p of listFiles(staging).filter((f) => f !== "manifest.json")) files.push({ path: p, size: statSync(join(staging, p)).size, sha256: await sha256File(join(staging, p)) });
    const entry = registry().find((e) => e.name === name);
    const manifest: Manifest = { name, engine, source: "import", prompt: o.prompt ?? entry?.prompt ?? "chat", installedAt: new Date().toISOString(), files };
    writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
    const final = modelDir(name, env);
    rmSync(final, { recursive: true, force: true });
    renameSync(staging, final);
    return manifest;
  });
}
