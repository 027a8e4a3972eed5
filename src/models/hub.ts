/**
 * Talking to the Hugging Face hub (or HF_ENDPOINT): file URLs, what the Hub says about a file before it
 * is fetched (X-Linked-Size / X-Linked-Etag / X-Repo-Commit), the repository listing and glob matching
 * for `include` / `ifPresent` entries, and resumable downloads (HTTP Range into .partial files; a broken,
 * short or stalled connection resumes). Cost: one HTTP request per file, plus a HEAD where the registry
 * has no digest and one listing per pull for listed entries. Measured by test/models.test.ts against a
 * local server; no benchmark (network-bound).
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { checkFilePath, type RegistryEntry, type RegistryFile } from "./registry.ts";

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

export class HttpError extends Error {
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
export async function hubMetadata(url: string, o: PullOptions): Promise<{ size?: number; sha256?: string; commit?: string }> {
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
export async function wantedFiles(entry: RegistryEntry, env: NodeJS.ProcessEnv, o: PullOptions): Promise<{ files: RegistryFile[]; commit?: string }> {
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
export async function download(url: string, dest: string, label: string, o: PullOptions, size?: number): Promise<void> {
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
