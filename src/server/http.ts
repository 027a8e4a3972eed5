/**
 * The HTTP layer of `typofix serve`: the routes and their methods, errors that carry a status and headers,
 * JSON answers, bodies read up to a bound (413 beyond), bodies parsed as UTF-8 JSON (400 with the reason),
 * the socket made ready (a stale one cleared, a live server refused), and listening: on a Unix socket
 * created 0600, or on a port of 127.0.0.1 only. Cost: one pass over each body.
 */
import { chmodSync, existsSync, mkdirSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { MAX_SOCKET_PATH, isLoopbackHost } from "./paths.ts";

export class ServeError extends Error {}

export const ROUTES: Record<string, string[]> = {
  "/v1/fix": ["POST"],
  "/v1/feedback": ["POST"],
  "/v1/health": ["GET", "HEAD"],
  "/metrics": ["GET", "HEAD"],
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } });

/** The error counter's reason for an answer's status. */
export const reasonOf = (status: number) => (status === 413 ? "too_large" : status === 503 ? "overloaded" : status === 409 ? "mismatch" : status >= 500 ? "internal" : "bad_request");

/** Refuse what is not for this server: requests from web pages, and (on a port) Host names that are not loopback. */
export function checkOrigin(req: Request, onPort: boolean): void {
  if (req.headers.get("origin") !== null) throw new HttpError(403, "requests from web pages (with an Origin header) are refused");
  if (onPort) {
    const host = req.headers.get("host") ?? "";
    const name = host.replace(/:\d+$/, "");
    if (!isLoopbackHost(name)) throw new HttpError(403, `Host "${host}" is not a loopback name`);
  }
}

/** The route's methods; 404 for an unknown route, 405 with Allow for a wrong method. */
export function checkRoute(req: Request, path: string): void {
  const methods = ROUTES[path];
  if (!methods) throw new HttpError(404, `no route ${path} (routes: POST /v1/fix, POST /v1/feedback, GET /v1/health, GET /metrics)`);
  if (!methods.includes(req.method)) throw new HttpError(405, `${path} takes ${methods.filter((x) => x !== "HEAD").join(", ")}, not ${req.method}`, { Allow: methods.join(", ") });
}

/** Read a request body, at most `max` bytes (413 beyond, with or without a Content-Length). */
export async function readBody(req: Request, max: number): Promise<Uint8Array> {
  const cl = req.headers.get("content-length");
  const tooBig = (n: string) => new HttpError(413, `request body is ${n} bytes; this server accepts at most ${max} bytes (typofix serve --max-body)`);
  if (cl !== null && Number(cl) > max) throw tooBig(cl);
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let n = 0;
  const reader = req.body.getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      void reader.cancel().catch(() => undefined);
      throw tooBig(`more than ${max}`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

export function parseJson(bytes: Uint8Array): unknown {
  if (!bytes.length) throw new HttpError(400, "empty body: expected a JSON object");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "the body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `malformed JSON: ${(err as Error).message}`);
  }
}

/** Does a server answer on this socket? Its health document, or null (nothing listening, a stale file). */
export async function probeSocket(path: string, timeoutMs = 1000): Promise<Record<string, unknown> | null> {
  try {
    const r = await fetch("http://localhost/v1/health", { unix: path, signal: AbortSignal.timeout(timeoutMs) });
    if (!r.ok) return null;
    return (await r.json()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Check the socket path and clear a stale socket; throws ServeError when a server is live or the path is unusable. */
export async function prepareSocket(path: string, log?: (m: string) => void): Promise<void> {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH)
    throw new ServeError(`socket path is ${bytes} bytes, longer than the ${MAX_SOCKET_PATH} a Unix socket allows: ${path}\n(choose a shorter one with --socket PATH or TYPOFIX_SOCKET)`);
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isSocket()) throw new ServeError(`${path} exists and is not a socket; refusing to replace it`);
  const live = await probeSocket(path);
  if (live) throw new ServeError(`a typofix server is already running on ${path} (pid ${live.pid ?? "?"}, engine ${live.engine ?? "?"}); stop it first (kill ${live.pid ?? "PID"})`);
  unlinkSync(path);
  log?.(`removed a stale socket (no server answered): ${path}`);
}

export type Handler = (req: Request, srv: { timeout(req: Request, seconds: number): void }) => Promise<Response>;

/**
 * Listen with `fetch`: the socket is created 0600 (umask during bind, then chmod), the port only on
 * 127.0.0.1. Returns the server and the socket's inode (so that shutdown removes only its own socket).
 */
export function listen(where: { socket?: string; port?: number }, fetch: Handler, maxBody: number): { server: ReturnType<typeof Bun.serve>; ino?: number } {
  // Bun's own limit only guards against absurd bodies; ours (readBody) answers 413 with a message
  const common = { fetch, maxRequestBodySize: Math.max(maxBody * 4, 16 * 1024 * 1024), development: false };
  if (where.socket !== undefined) {
    let server: ReturnType<typeof Bun.serve>;
    const old = process.umask(0o177);
    try {
      server = Bun.serve({ ...common, unix: where.socket });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ServeError(code === "EADDRINUSE" ? `${where.socket} is in use by another process` : `cannot listen on ${where.socket}: ${(err as Error).message}`);
    } finally {
      process.umask(old);
    }
    chmodSync(where.socket, 0o600);
    return { server, ino: statSync(where.socket).ino };
  }
  let server: ReturnType<typeof Bun.serve>;
  try {
    // reusePort off: a second server on a busy port must fail, not share it (Bun turns it on outside development)
    server = Bun.serve({ ...common, hostname: "127.0.0.1", port: where.port!, reusePort: false });
  } catch (err) {
    throw new ServeError(`cannot listen on 127.0.0.1:${where.port}: ${(err as Error).message}`);
  }
  if (!isLoopbackHost(server.hostname ?? "")) {
    void server.stop(true);
    throw new ServeError(`refusing to serve on ${server.hostname}: only loopback addresses`);
  }
  return { server };
}
