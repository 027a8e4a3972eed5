/**
 * A Hugging Face Hub double on 127.0.0.1 for the model tests (test/models.test.ts, test/registry-hub.test.ts,
 * test/reliability/faults.test.ts): repositories as maps of file path → bytes, served as the Hub serves them
 * (the API listing `/api/models/{repo}/revision/{rev}` with sizes and the sha256 of LFS files, files at
 * `/{repo}/resolve/{rev}/{path}` with Range requests answered 206, HEAD with X-Repo-Commit). Faults are
 * switched on per test: a connection broken half-way or gone quiet once, Range ignored, a slow stream, or
 * a `respond` hook for anything else. Every file request is recorded in `hits`. Cost: one Bun.serve.
 */
import { createHash } from "node:crypto";

export type Repo = Record<string, Uint8Array>;

export interface Hit {
  /** `{repo}/{path}`. */
  path: string;
  range: string | null;
  method: string;
  /** The request came through the `/cdn/` prefix (a redirect target). */
  cdn: boolean;
}

export interface FileRequest {
  req: Request;
  url: URL;
  repo: string;
  /** The file's path inside the repository (decoded). */
  path: string;
  /** What the repository holds there, if anything. */
  body?: Uint8Array;
}

export interface FakeHub {
  /** For HF_ENDPOINT. */
  url: string;
  /** What is served; tests may change it between requests. */
  repos: Record<string, Repo>;
  /** The commit reported by the listing and X-Repo-Commit. */
  commit: string;
  /** Whether the API listing answers (false: 404, as for a mirror without the API). */
  listing: boolean;
  /** Whether file responses carry X-Repo-Commit (the Hub's do; a plain file server's do not). */
  commitHeader: boolean;
  hits: Hit[];
  /** Break the next download of these paths half-way (the response ends short of its Content-Length). */
  dropOnce: Set<string>;
  /** Send a third of the next download of these paths, then nothing for 1.5 s. */
  stallOnce: Set<string>;
  /** Answer every Range request with the whole file (200). */
  ignoreRange: boolean;
  /** Stream these paths in `chunkBytes` pieces, `chunkDelayMs` apart. */
  slow: Set<string>;
  chunkBytes: number;
  chunkDelayMs: number;
  /** Answer a file request differently (undefined: as usual). */
  respond?: (f: FileRequest) => Response | undefined;
  stop(): void;
}

export const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

/** The API's `siblings`, as with ?blobs=true: files over 1000 bytes are LFS files and carry their sha256. */
export function siblings(repo: Repo) {
  return Object.entries(repo).map(([rfilename, b]) => ({ rfilename, size: b.length, ...(b.length > 1000 ? { lfs: { sha256: sha256(b), size: b.length } } : {}) }));
}

/** A body sent in pieces by `next` until it returns null. */
function streamed(next: () => Promise<Uint8Array | null>, init: ResponseInit): Response {
  return new Response(
    new ReadableStream({
      async pull(c) {
        const piece = await next();
        if (piece) c.enqueue(piece);
        else c.close();
      },
    }),
    init,
  );
}

export function startFakeHub(o: { repos?: Record<string, Repo>; commit?: string } = {}): FakeHub {
  const hub: FakeHub = {
    url: "",
    repos: o.repos ?? {},
    commit: o.commit ?? "ab".repeat(20),
    listing: true,
    commitHeader: true,
    hits: [],
    dropOnce: new Set(),
    stallOnce: new Set(),
    ignoreRange: false,
    slow: new Set(),
    chunkBytes: 30_000,
    chunkDelayMs: 60,
    stop: () => server.stop(true),
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const url = new URL(req.url);
      const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
      if (api) {
        const repo = hub.repos[api[1]!];
        if (!repo || !hub.listing) return new Response("not found", { status: 404 });
        return Response.json({ id: api[1], sha: hub.commit, siblings: siblings(repo) });
      }
      const m = /^(?:\/cdn)?\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (!m) return new Response("bad path", { status: 400 });
      const repo = m[1]!;
      const path = decodeURIComponent(m[3]!);
      hub.hits.push({ path: `${repo}/${path}`, range: req.headers.get("range"), method: req.method, cdn: url.pathname.startsWith("/cdn/") });
      const body = hub.repos[repo]?.[path];
      const special = hub.respond?.({ req, url, repo, path, body });
      if (special) return special;
      if (!body) return new Response("not found", { status: 404 });
      const commit: Record<string, string> = hub.commitHeader ? { "x-repo-commit": hub.commit } : {};
      if (req.method === "HEAD") return new Response(null, { headers: { ...commit, "content-length": String(body.length) } });
      const r = hub.ignoreRange ? null : /^bytes=(\d+)-$/.exec(req.headers.get("range") ?? "");
      const start = r ? Number(r[1]) : 0;
      const part = body.subarray(start);
      const init = {
        status: r ? 206 : 200,
        headers: { ...commit, "content-length": String(part.length), ...(r ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}) },
      };
      // a part of the body, then `quietMs` of nothing, then its end short of the Content-Length
      const cutShort = (fraction: number, quietMs: number) => {
        let sent = false;
        return streamed(async () => {
          if (sent) return Bun.sleep(quietMs).then(() => null);
          sent = true;
          return part.subarray(0, Math.floor(part.length * fraction));
        }, init);
      };
      // a broken connection (the client sees a short download), or one that goes quiet
      if (hub.dropOnce.delete(path)) return cutShort(1 / 2, 20);
      if (hub.stallOnce.delete(path)) return cutShort(1 / 3, 1500);
      if (hub.slow.has(path)) {
        let off = 0;
        return streamed(async () => {
          if (off >= part.length) return null;
          await Bun.sleep(hub.chunkDelayMs);
          off += hub.chunkBytes;
          return part.subarray(off - hub.chunkBytes, off);
        }, init);
      }
      return new Response(part, init);
    },
  });
  hub.url = `http://127.0.0.1:${server.port}`;
  return hub;
}
