/**
 * Model management: the registry (models/registry.yaml), the local store ($TYPOFIX_HOME/models, default
 * $XDG_CACHE_HOME/typofix/models), and pulling from the Hugging Face hub (or HF_ENDPOINT): resumable
 * downloads (HTTP Range into .partial files; a broken, short or stalled connection resumes), size and sha256
 * checks (the registry's, else the Hub's X-Linked-* metadata or API listing, else the first download's,
 * recorded for `verify`), an exclusive lock per model (O_EXCL file with the owner's pid; a dead owner's lock
 * is taken over) so two pulls never write the same files, and an atomic install: files land in a staging
 * folder that is renamed into place only when complete, so a half-downloaded model is never visible as
 * installed. Listing, resolving and using installed models needs no network.
 * Cost: one HTTP request per file (plus a HEAD where the registry has no digest), one sha256 pass per file.
 * Measured by test/models.test.ts against a local server; no benchmark (network-bound).
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
import { basename, dirname, join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { cacheDir } from "../config.ts";
import { pidAlive } from "../fsutil.ts";
import { aneLayout, parseAneMeta } from "./anemll.ts";
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
  notes?: string;
  files: RegistryFile[];
  folders?: string[];
  /**
   * Glob patterns (`*` within a path part, `**` across parts) of the repository's files to fetch, listed
   * at pull time by the Hub API with their sizes and LFS sha256. For repositories whose file list could
   * not be written down (compiled CoreML folders): what exists is what the Hub says exists.
   */
  include?: string[];
  /**
   * Glob patterns of files fetched when the repository has them (external ONNX data `model*.onnx_data*`, a
   * separate `chat_template.jinja`): matched against the Hub's listing; where no listing can be had, each
   * pattern's literal part (up to its first `*`) is tried and a 404 skipped.
   */
  ifPresent?: string[];
}

/** A revision that is a full commit id: what the Hub serves for it cannot change. */
export const isCommit = (revision: string) => /^[0-9a-f]{40}$/i.test(revision);

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

/** Files inside a compiled CoreML model folder (.mlmodelc). */
const MLMODELC_FILES: RegistryFile[] = [
  { path: "coremldata.bin" },
  { path: "model.mil" },
  { path: "weights/weight.bin" },
  { path: "metadata.json", optional: true },
  { path: "analytics/coremldata.bin", optional: true },
];

/** Model names are plain folder names: letters, digits, `.`, `_`, `-` (never `..` or a path). */
export function checkName(name: string): string {
  if (!/^[\w.-]+$/.test(name) || /^\.+$/.test(name) || name.startsWith(".")) throw new Error(`invalid model name "${name}" (letters, digits, . _ -; not starting with a dot)`);
  return name;
}

/** Registry file paths stay inside the model folder. */
function checkFilePath(model: string, path: string): string {
  if (!path || path.startsWith("/") || path.includes("\\") || path.split("/").some((p) => p === ".." || p === "." || p === "")) throw new Error(`registry entry ${model}: unsafe file path "${path}"`);
  return path;
}

export function registry(text: string = process.env.TYPOFIX_REGISTRY ? readFileSync(process.env.TYPOFIX_REGISTRY, "utf8") : (registryText as unknown as string)): RegistryEntry[] {
  const doc = parse(text) as { models?: Record<string, Omit<RegistryEntry, "name">> };
  return Object.entries(doc.models ?? {}).map(([name, e]) => {
    checkName(name);
    if (e.engine !== "onnx" && e.engine !== "ane") throw new Error(`registry entry ${name}: engine must be onnx or ane, not ${e.engine}`);
    const files = [...(e.files ?? []), ...(e.folders ?? []).flatMap((f) => MLMODELC_FILES.map((x) => ({ ...x, path: `${f}/${x.path}` })))];
    for (const f of files) checkFilePath(name, f.path);
    return { ...e, name, revision: e.revision ?? "main", files };
  });
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

// ---------------------------------------------------------------- locking

/** The pid in a lock file; null while its creator has not written it yet (or the file is gone). */
function lockOwner(lock: string): number | null {
  try {
    const text = readFileSync(lock, "utf8").trim();
    if (!text) return Date.now() - statSync(lock).mtimeMs > 5000 ? 0 : null; // an old empty lock is stale
    return Number(text) || 0;
  } catch {
    return null;
  }
}

/** Remove a lock whose owner is dead, under a second short-lived lock so two waiters never both break it. */
function breakStaleLock(lock: string, deadPid: number): void {
  const breaker = `${lock}.break`;
  try {
    closeSync(openSync(breaker, "wx"));
  } catch {
    try {
      if (Date.now() - statSync(breaker).mtimeMs > 10_000) rmSync(breaker, { force: true });
    } catch {
      /* gone already */
    }
    return;
  }
  try {
    if (lockOwner(lock) === deadPid) rmSync(lock, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

/**
 * Take the model's lock: `.locks/NAME.lock`, created with O_EXCL and holding our pid. A lock whose pid is
 * no longer running is stale and taken over; a live one is waited for (up to `waitMs`, then a clear error).
 */
export async function withLock<T>(name: string, env: NodeJS.ProcessEnv, fn: () => Promise<T>, opts: { waitMs?: number; onWait?: (pid: number) => void } = {}): Promise<T> {
  const dir = join(storeDir(env), ".locks");
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, `${checkName(name)}.lock`);
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  let told = false;
  while (true) {
    try {
      const fd = openSync(lock, "wx");
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = lockOwner(lock);
      if (pid !== null && (pid === 0 || !pidAlive(pid))) {
        breakStaleLock(lock, pid);
        continue;
      }
      if (!told && pid) opts.onWait?.(pid);
      told = true;
      if (Date.now() > deadline) throw new Error(`another typofix (pid ${pid ?? "?"}) is installing ${name} (lock ${lock}); try again when it is done`);
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
  /** How long to wait for another process's pull of the same model (default 10 minutes). */
  lockWaitMs?: number;
  /** A connection that sends nothing for this long is dropped and resumed (default 60 s). */
  stallMs?: number;
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

/**
 * What the Hub says about a file before it is fetched (as huggingface_hub does: a HEAD request, redirects
 * not followed): `X-Linked-Size` / `X-Linked-Etag` for LFS files, whose ETag is their sha256. Used where
 * the registry could not record size or digest. Anything else (a git blob's sha1 ETag, no headers, a
 * server that refuses HEAD) gives nothing.
 */
async function hubMetadata(url: string, o: PullOptions): Promise<{ size?: number; sha256?: string; commit?: string }> {
  try {
    const res = await (o.fetch ?? fetch)(url, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(o.stallMs ?? 60_000) });
    if (res.status >= 400) return {};
    const etag = (res.headers.get("x-linked-etag") ?? res.headers.get("etag") ?? "").replace(/^W\//, "").replace(/"/g, "");
    const size = Number(res.headers.get("x-linked-size") ?? NaN);
    const commit = res.headers.get("x-repo-commit") ?? "";
    return {
      size: Number.isFinite(size) && size >= 0 ? size : undefined,
      sha256: /^[0-9a-f]{64}$/i.test(etag) ? etag.toLowerCase() : undefined,
      commit: /^[0-9a-f]{40}$/i.test(commit) ? commit.toLowerCase() : undefined,
    };
  } catch {
    return {};
  }
}

/** A glob (`*` within a path part, `**` across parts, `?` one character) as a regular expression. */
export function globRegex(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
      if (glob[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * The repository's files at `revision`, from the Hub API (`/api/models/{repo}/revision/{rev}?blobs=true`,
 * as huggingface_hub's model_info reads it): paths, sizes, and the sha256 of LFS files; filtered by the
 * entry's `include` patterns.
 */
async function hubListing(entry: RegistryEntry, env: NodeJS.ProcessEnv, o: PullOptions): Promise<{ files: RegistryFile[]; commit?: string }> {
  const url = `${endpoint(env)}/api/models/${entry.repo}/revision/${encodeURIComponent(entry.revision)}?blobs=true`;
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, { signal: AbortSignal.timeout(o.stallMs ?? 60_000) });
  } catch (err) {
    throw new Error(`cannot list the files of ${entry.repo} (${url}): ${(err as Error).message}`);
  }
  if (!res.ok) throw new Error(`cannot list the files of ${entry.repo}: HTTP ${res.status} from ${url}`);
  let info: { sha?: string; siblings?: Array<{ rfilename: string; size?: number; lfs?: { sha256?: string; size?: number } }> };
  try {
    info = (await res.json()) as typeof info;
  } catch {
    throw new Error(`cannot list the files of ${entry.repo}: ${url} did not answer JSON`);
  }
  const files: RegistryFile[] = [];
  for (const s of info.siblings ?? []) {
    if (typeof s?.rfilename !== "string") continue;
    files.push({ path: s.rfilename, size: s.lfs?.size ?? s.size ?? null, sha256: s.lfs?.sha256 ?? null });
  }
  return { files, commit: typeof info.sha === "string" && /^[0-9a-f]{40}$/.test(info.sha) ? info.sha : undefined };
}

/** The listed files matching any of the patterns (their paths checked to stay inside the model folder). */
function matching(entry: RegistryEntry, files: RegistryFile[], patterns: string[]): RegistryFile[] {
  const res = patterns.map(globRegex);
  return files.filter((f) => res.some((r) => r.test(f.path))).map((f) => ({ ...f, path: checkFilePath(entry.name, f.path) }));
}

/**
 * The files a pull fetches: the entry's own, those its `include` patterns match in the Hub's listing
 * (required), and those its `ifPresent` patterns match (optional; without a listing, their literal
 * parts are tried). Also the commit the Hub reports for the revision.
 */
async function wantedFiles(entry: RegistryEntry, env: NodeJS.ProcessEnv, o: PullOptions): Promise<{ files: RegistryFile[]; commit?: string }> {
  const files = [...entry.files];
  const add = (fs: RegistryFile[]) => {
    for (const f of fs) if (!files.some((x) => x.path === f.path)) files.push(f);
  };
  if (!entry.include?.length && !entry.ifPresent?.length) return { files };
  let listed: { files: RegistryFile[]; commit?: string } | undefined;
  try {
    listed = await hubListing(entry, env, o);
  } catch (err) {
    if (entry.include?.length) throw err;
  }
  if (entry.include?.length) {
    const inc = matching(entry, listed!.files, entry.include);
    if (!inc.length) throw new Error(`${entry.repo}@${entry.revision} has no file matching ${entry.include.join(", ")}; nothing installed`);
    add(inc);
  }
  if (entry.ifPresent?.length) {
    if (listed) add(matching(entry, listed.files, entry.ifPresent).map((f) => ({ ...f, optional: true })));
    else add(entry.ifPresent.map((p) => ({ path: checkFilePath(entry.name, p.split("*")[0]!), optional: true })).filter((f) => f.path && !/[?[]/.test(f.path)));
  }
  return { files, commit: listed?.commit };
}

/** Download one file to `dest`, resuming from `dest.partial`. `size`, when known, detects a short body. */
async function download(url: string, dest: string, label: string, o: PullOptions, size?: number): Promise<void> {
  const partial = `${dest}.partial`;
  mkdirSync(dirname(dest), { recursive: true });
  const f = o.fetch ?? fetch;
  let attempt = 0;
  while (true) {
    const have = existsSync(partial) ? statSync(partial).size : 0;
    // a connection that goes quiet is dropped, and the next attempt resumes where it stopped
    const ac = new AbortController();
    const stallMs = o.stallMs ?? 60_000;
    let timer = setTimeout(() => ac.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ac.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
    };
    try {
      const res = await f(url, { headers: have ? { Range: `bytes=${have}-` } : {}, redirect: "follow", signal: ac.signal });
      if (res.status === 404) throw new HttpError(404, `${label}: not found at ${url}`);
      if (res.status === 401 || res.status === 403) throw new HttpError(res.status, `${label}: HTTP ${res.status} from ${url} (a gated or private repository?)`);
      if (res.status === 416) {
        // nothing left to send: the partial file is complete if its size is the file's size, else start over
        const size = Number(/\/(\d+)$/.exec(res.headers.get("content-range") ?? "")?.[1] ?? NaN);
        await res.body?.cancel();
        if (size === have) {
          renameSync(partial, dest);
          return;
        }
        rmSync(partial, { force: true });
        throw new Error(`${label}: the partial download (${have} bytes) does not fit the file${Number.isFinite(size) ? ` (${size} bytes)` : ""}; starting over`);
      }
      if (!res.ok) throw new HttpError(res.status, `${label}: HTTP ${res.status} from ${url}`);
      const resumed = res.status === 206;
      if (resumed && Number(/^bytes (\d+)-/.exec(res.headers.get("content-range") ?? "")?.[1]) !== have) {
        // the server answered another range than asked: do not splice it in
        await res.body?.cancel();
        rmSync(partial, { force: true });
        throw new Error(`${label}: the server resumed at the wrong offset; starting over`);
      }
      const start = resumed ? have : 0;
      const len = Number(res.headers.get("content-length") ?? NaN);
      const total = Number.isFinite(len) ? start + len : (size ?? null);
      const fd = openSync(partial, resumed ? "a" : "w");
      let received = start;
      const t0 = performance.now();
      try {
        const reader = res.body!.getReader();
        let last = 0;
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          alive();
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
      if (size !== undefined && received < size) throw new Error(`${label}: the body ended at ${received} of ${size} bytes`);
      o.onProgress?.({ file: label, received, total: total ?? received, bytesPerSecond: (received - start) / Math.max(0.001, (performance.now() - t0) / 1000), etaSeconds: 0 });
      renameSync(partial, dest);
      return;
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) throw err;
      if ((err as NodeJS.ErrnoException).code === "ENOSPC") throw new Error(`${label}: the disk is full (${dirname(dest)}); free some space and pull again: the partial download is kept and resumes`);
      if (ac.signal.aborted) err = ac.signal.reason;
      // a connection that delivered data before breaking does not use up a retry
      if (existsSync(partial) && statSync(partial).size > have) attempt = 0;
      if (++attempt > (o.retries ?? 3)) throw new Error(`${label}: download from ${url} failed after ${attempt} attempts (${(err as Error).message})`);
      await Bun.sleep(Math.min(2000, 100 * 2 ** attempt));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Install a registry model. Returns its manifest (the existing one if already installed). */
export async function pull(name: string, o: PullOptions = {}): Promise<Manifest> {
  const env = o.env ?? process.env;
  const entry = registry().find((e) => e.name === name);
  if (!entry) throw new Error(`no model "${name}" in the registry (see \`typofix model list\`)`);
  if (entry.importOnly || (!entry.files.length && !entry.include?.length)) throw new Error(`${name} is not downloadable as is: ${entry.description ?? "import it with `typofix model import DIR`"}`);
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
      const { files: wanted, commit: listedCommit } = await wantedFiles(entry, env, o);
      let commit = listedCommit;
      // a pinned entry gets exactly that commit: a Hub (or mirror) answering with another is refused
      const pinned = isCommit(entry.revision) ? entry.revision.toLowerCase() : undefined;
      const checkPin = (c: string | undefined) => {
        if (pinned && c && c !== pinned) throw new Error(`${entry.repo}: the hub served commit ${c} for the pinned revision ${pinned}; nothing installed`);
      };
      checkPin(commit);
      for (const file of wanted) {
        const dest = join(staging, file.path);
        const url = fileUrl(entry, file.path, env);
        // the registry's size and digest; where it has none, the Hub's own (X-Linked-Size / X-Linked-Etag)
        const hub: { size?: number; sha256?: string; commit?: string } = file.size == null || !file.sha256 ? await hubMetadata(url, o) : {};
        checkPin(hub.commit);
        commit ??= hub.commit;
        const want = { size: file.size ?? hub.size, sha256: file.sha256?.toLowerCase() ?? hub.sha256, from: file.sha256 ? "the registry's" : "the hub's" };
        if (!existsSync(dest)) {
          try {
            await download(url, dest, file.path, o, want.size);
          } catch (err) {
            if (file.optional && err instanceof HttpError && err.status === 404) continue;
            throw err;
          }
        }
        const size = statSync(dest).size;
        const digest = await sha256File(dest);
        if (want.size != null && size !== want.size) {
          rmSync(dest, { force: true });
          throw new Error(`${file.path}: size ${size} does not match ${file.size != null ? "the registry's" : "the hub's"} ${want.size}; nothing installed`);
        }
        if (want.sha256 && digest !== want.sha256) {
          rmSync(dest, { force: true });
          throw new Error(`${file.path}: sha256 ${digest} does not match ${want.from} ${want.sha256}; nothing installed`);
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
        ...(commit ?? pinned ? { commit: commit ?? pinned } : {}),
        installedAt: new Date().toISOString(),
        files,
      };
      if (entry.include?.length || entry.ifPresent?.length) {
        // a repository pulled by listing is only installed if it has the layout its engine loads
        let layout: string;
        try {
          layout = detectLayout(staging);
        } catch (err) {
          throw new Error(`${entry.repo}: the downloaded files are not a model folder the ${entry.engine} engine loads (${(err as Error).message.replace(staging, "…")}); nothing installed`);
        }
        if (layout !== entry.engine) throw new Error(`${entry.repo}: the downloaded files are a ${layout} model, not ${entry.engine}; nothing installed`);
      }
      writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
      install(staging, modelDir(name, env), store);
      stampInstall(modelDir(name, env), files);
      return manifest;
    },
    { onWait: o.onWait, waitMs: o.lockWaitMs },
  );
}

export function remove(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = modelDir(name, env); // checks the name: never a path outside the store
  const owner = lockOwner(join(storeDir(env), ".locks", `${name}.lock`));
  if (owner && pidAlive(owner)) throw new Error(`${name} is being installed by another typofix (pid ${owner}); remove it when that is done`);
  if (!existsSync(join(dir, "manifest.json"))) return false;
  const trash = join(storeDir(env), ".staging", `${name}.removing-${process.pid}`);
  mkdirSync(dirname(trash), { recursive: true });
  renameSync(dir, trash);
  rmSync(trash, { recursive: true, force: true });
  return true;
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
function install(staging: string, final: string, store: string): void {
  const old = join(store, ".staging", `${basename(final)}.old-${process.pid}-${Date.now()}`);
  if (existsSync(final)) renameSync(final, old);
  renameSync(staging, final);
  rmSync(old, { recursive: true, force: true });
}

// ---------------------------------------------------------------- checks on load

/** Where the last successful hash of each file is remembered: size, inode and times at that moment. */
const STAMP = ".verified.json";
type Stamp = Record<string, { size: number; ino: number; mtimeMs: number; ctimeMs: number; sha256: string }>;

function readStamp(dir: string): Stamp {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP), "utf8")) as Stamp;
  } catch {
    return {};
  }
}

function writeStamp(dir: string, stamp: Stamp): void {
  try {
    writeFileSync(join(dir, STAMP), JSON.stringify(stamp));
  } catch {
    /* a read-only store: the files are hashed again next time */
  }
}

/** Remember the files of a fresh install as hashed (their digests were just checked). */
function stampInstall(dir: string, files: Manifest["files"]): void {
  const stamp: Stamp = {};
  for (const f of files) {
    const st = statSync(join(dir, f.path));
    stamp[f.path] = { size: st.size, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, sha256: f.sha256 };
  }
  writeStamp(dir, stamp);
}

/**
 * Check a model folder's files before an engine loads them: every file of its manifest present with the
 * size recorded at install (a truncation is caught by a stat), and with the recorded sha256 unless the
 * file is unchanged since it was last hashed — same size, inode, modification and change time, remembered
 * in `.verified.json` (written at install and after each full check; the change time cannot be set back by
 * a program, so a file written after install is always hashed again). Throws an error naming every damaged
 * file and how to reinstall. A folder without a manifest (a model used by its path) has nothing to check
 * against. Cost: one stat per file; a full sha256 pass only for files changed since their last check.
 */
export async function checkModelFiles(dir: string): Promise<void> {
  const mf = join(dir, "manifest.json");
  if (!existsSync(mf)) return;
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(mf, "utf8")) as Manifest;
  } catch (err) {
    throw new Error(`${mf}: not valid JSON (${(err as Error).message}); reinstall the model`);
  }
  const stamp = readStamp(dir);
  const problems: string[] = [];
  let changed = false;
  for (const f of m.files ?? []) {
    const p = join(dir, f.path);
    let st;
    try {
      st = statSync(p);
    } catch {
      problems.push(`${f.path}: missing`);
      continue;
    }
    if (st.size !== f.size) {
      problems.push(`${f.path}: ${st.size} bytes, ${f.size} when installed (truncated or replaced)`);
      continue;
    }
    const s = stamp[f.path];
    if (s && s.sha256 === f.sha256 && s.size === st.size && s.ino === st.ino && s.mtimeMs === st.mtimeMs && s.ctimeMs === st.ctimeMs) continue;
    if ((await sha256File(p)) !== f.sha256) {
      problems.push(`${f.path}: sha256 differs from the one recorded at install (modified)`);
      continue;
    }
    stamp[f.path] = { size: st.size, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, sha256: f.sha256 };
    changed = true;
  }
  if (problems.length) {
    const how = m.source === "pull" ? `\`typofix model rm ${m.name}\` then \`typofix model pull ${m.name}\`` : `\`typofix model rm ${m.name}\` then import it again`;
    throw new Error(`model ${m.name} is damaged (${problems.join("; ")}); reinstall it: ${how}`);
  }
  if (changed) writeStamp(dir, stamp);
}

/** Re-hash an installed model's files against its manifest (the registry's digests, or those of its first download). */
export async function verify(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const m = installed(env).find((x) => x.name === name);
  if (!m) throw new Error(`${name} is not installed`);
  const dir = modelDir(name, env);
  const problems: string[] = [];
  for (const f of m.files) {
    const p = join(dir, f.path);
    if (!existsSync(p)) problems.push(`${f.path}: missing`);
    else if (statSync(p).size !== f.size) problems.push(`${f.path}: ${statSync(p).size} bytes, expected ${f.size}`);
    else if ((await sha256File(p)) !== f.sha256) problems.push(`${f.path}: sha256 differs from the one recorded at install`);
  }
  return problems;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name), base) : [relative(base, join(dir, d.name))]));
}

/** Copy a local model folder into the store under `name`. */
export async function importModel(src: string, name: string, o: { env?: NodeJS.ProcessEnv; prompt?: string } = {}): Promise<Manifest> {
  const env = o.env ?? process.env;
  checkName(name);
  const engine = detectLayout(src);
  return withLock(name, env, async () => {
    const staging = join(storeDir(env), ".staging", name);
    rmSync(staging, { recursive: true, force: true });
    cpSync(src, staging, { recursive: true });
    const files = [];
    for (const p of listFiles(staging).filter((f) => f !== "manifest.json" && f !== STAMP)) files.push({ path: p, size: statSync(join(staging, p)).size, sha256: await sha256File(join(staging, p)) });
    const entry = registry().find((e) => e.name === name);
    const manifest: Manifest = { name, engine, source: "import", prompt: o.prompt ?? entry?.prompt ?? "chat", installedAt: new Date().toISOString(), files };
    writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
    rmSync(join(staging, STAMP), { force: true });
    install(staging, modelDir(name, env), storeDir(env));
    stampInstall(modelDir(name, env), files);
    return manifest;
  });
}
