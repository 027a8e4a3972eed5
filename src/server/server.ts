/**
 * `typofix serve`: one warm engine behind a small local HTTP/JSON API, on a Unix socket (mode 0600) or a
 * port on 127.0.0.1 — never another address. Requests for the engine go through a bounded FIFO (one
 * engine call at a time; over the bound: 503 with Retry-After). Bodies are bounded (413), malformed or
 * wrongly shaped JSON is a 400 with the reason, unknown routes 404, wrong methods 405 with Allow.
 *
 *   POST /v1/fix       {"text"} or {"texts": [...]}       → {"output","edits","engine","ms"} (or {"results": [...]})
 *                      optional: "userWords" (replaces the server's dictionary for this request), "continues"
 *                      (the text goes on with the previous line's sentence), and what
 *                      the CLI sends so that it only gets answers its own engine would give: "engine",
 *                      "model", "noGuard", "home" → 409 when this server's engine is another
 *   POST /v1/feedback  {"action": "reject"|"accept", "word"|"from"|"edit": {...}} — rejected words go to
 *                      the user dictionary (file and memory), so the false fix does not come back
 *   GET  /v1/health    engine, version, pid, queue, uptime
 *   GET  /metrics      Prometheus text format
 *
 * Graceful shutdown: stop accepting, finish every accepted request, dispose the engine, remove the socket.
 */
import { fixChunked } from "../engines/chunked.ts";
import { chmodSync, existsSync, mkdirSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import type { Engine, FixResult } from "../types.ts";
import { createEngine, planEngine, type EngineOptions, type EnginePlan } from "../engines/index.ts";
import { cacheDir, readDictionary, writeDictionary } from "../config.ts";
import { BoundedQueue, QueueFullError } from "./queue.ts";
import { Registry } from "./metrics.ts";
import { MAX_SOCKET_PATH, isLoopbackHost } from "./paths.ts";

export const DEFAULT_MAX_BODY = 1024 * 1024;
export const DEFAULT_QUEUE = 64;

export interface ServeOptions {
  /** Serve this engine (tests inject one); otherwise one is created from `engineOptions`. */
  engine?: Engine;
  /** With an injected engine: its identity for clients' engine checks (default: its name). */
  plan?: EnginePlan;
  engineOptions?: EngineOptions;
  /** Listen on this Unix socket … */
  socket?: string;
  /** … or on this port of 127.0.0.1 (0: any free port). */
  port?: number;
  /** Largest request body in bytes (default 1 MiB). */
  maxBody?: number;
  /** Requests that may wait behind the running one (default 64). */
  queue?: number;
  /** Exit after this many seconds without a request (0 or unset: never). */
  idleTimeout?: number;
  /** The user dictionary file: read at start and whenever it changes, written by feedback. */
  dictionary?: string;
  /** Words from the config file's `words:` list (always right, not in the file). */
  words?: string[];
  /** Called when the idle timeout fires (default: shut down). */
  onIdle?: () => void;
  /** Messages for people (stderr in `typofix serve`). */
  log?: (message: string) => void;
}

export class ServeError extends Error {}

export interface TypofixServer {
  /** http://localhost (socket) or http://127.0.0.1:PORT. */
  url: string;
  socket?: string;
  port?: number;
  engine: Engine;
  plan: EnginePlan;
  registry: Registry;
  /** Seconds it took to create the engine (0 when injected). */
  loadSeconds: number;
  /** Stop accepting, finish in-flight requests, dispose the engine, remove the socket. */
  shutdown(): Promise<void>;
  /** Resolves once shut down. */
  closed: Promise<void>;
}

const ROUTES: Record<string, string[]> = {
  "/v1/fix": ["POST"],
  "/v1/feedback": ["POST"],
  "/v1/health": ["GET", "HEAD"],
  "/metrics": ["GET", "HEAD"],
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } });

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

/** Read a request body, at most `max` bytes (413 beyond, with or without a Content-Length). */
async function readBody(req: Request, max: number): Promise<Uint8Array> {
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

function parseJson(bytes: Uint8Array): unknown {
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const typeName = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`);

function expectKeys(body: Record<string, unknown>, allowed: string[], what: string): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new HttpError(400, `${what}: unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} (allowed: ${allowed.join(", ")})`);
}

interface FixRequest {
  texts: string[];
  single: boolean;
  userWords?: string[];
  /** Per text: it continues the sentence of the text before it (a wrapped line). */
  continues: boolean[];
  spec?: { engine?: string; model?: string; noGuard?: boolean; home?: string };
}

function parseFixRequest(body: unknown): FixRequest {
  if (!isObject(body)) throw new HttpError(400, `expected a JSON object like {"text": "..."}, got ${typeName(body)}`);
  expectKeys(body, ["text", "texts", "userWords", "continues", "engine", "model", "noGuard", "home"], "/v1/fix");
  const has = (k: string) => body[k] !== undefined;
  if (has("text") === has("texts")) throw new HttpError(400, `expected exactly one of "text" (a string) or "texts" (an array of strings)`);
  let texts: string[];
  if (has("text")) {
    if (typeof body.text !== "string") throw new HttpError(400, `"text" must be a string, got ${typeName(body.text)}`);
    texts = [body.text];
  } else {
    if (!Array.isArray(body.texts)) throw new HttpError(400, `"texts" must be an array of strings, got ${typeName(body.texts)}`);
    const bad = body.texts.findIndex((t) => typeof t !== "string");
    if (bad >= 0) throw new HttpError(400, `"texts"[${bad}] must be a string, got ${typeName(body.texts[bad])}`);
    texts = body.texts as string[];
  }
  let userWords: string[] | undefined;
  if (has("userWords")) {
    if (!Array.isArray(body.userWords) || body.userWords.some((w) => typeof w !== "string")) throw new HttpError(400, `"userWords" must be an array of strings`);
    userWords = body.userWords as string[];
  }
  let continues = texts.map(() => false);
  if (has("continues")) {
    const c = body.continues;
    if (typeof c === "boolean") continues = texts.map(() => c);
    else if (Array.isArray(c) && c.length === texts.length && c.every((x) => typeof x === "boolean")) continues = c as boolean[];
    else throw new HttpError(400, `"continues" must be true or false, or an array of them as long as "texts"`);
  }
  for (const k of ["engine", "model", "home"] as const) if (has(k) && typeof body[k] !== "string") throw new HttpError(400, `"${k}" must be a string, got ${typeName(body[k])}`);
  if (has("noGuard") && typeof body.noGuard !== "boolean") throw new HttpError(400, `"noGuard" must be true or false, got ${typeName(body.noGuard)}`);
  const spec = ["engine", "model", "noGuard", "home"].some(has)
    ? { engine: body.engine as string | undefined, model: body.model as string | undefined, noGuard: body.noGuard as boolean | undefined, home: body.home as string | undefined }
    : undefined;
  return { texts, single: has("text"), userWords, continues, spec };
}

interface FeedbackRequest {
  action: "accept" | "reject";
  words: string[];
}

function parseFeedback(body: unknown): FeedbackRequest {
  if (!isObject(body)) throw new HttpError(400, `expected a JSON object like {"action": "reject", "word": "kubectl"}, got ${typeName(body)}`);
  const action = body.action;
  if (action !== "accept" && action !== "reject") throw new HttpError(400, `"action" must be "accept" or "reject"${action === undefined ? "" : `, got ${JSON.stringify(action)}`}`);
  // an edit object as /v1/fix returned it, posted as is or under "edit"
  const edit = isObject(body.edit) ? body.edit : body;
  if (body.edit !== undefined && !isObject(body.edit)) throw new HttpError(400, `"edit" must be an edit object ({"from", "to", …}), got ${typeName(body.edit)}`);
  const word = body.word ?? edit.from;
  if (typeof word !== "string") throw new HttpError(400, `expected "word" (a string) or an edit with "from" (the text the fix replaced)`);
  const words = word.split(/\s+/).filter(Boolean);
  if (!words.length) throw new HttpError(400, `the word is empty`);
  for (const w of words) {
    if (w.length > 100) throw new HttpError(400, `"${w.slice(0, 20)}…" is too long for a dictionary word (100 characters at most)`);
    if (/[\u0000-\u001f\u007f#]/.test(w)) throw new HttpError(400, `"${w}" cannot go in the dictionary (control characters and # are not allowed)`);
  }
  return { action, words };
}

/** Start serving. Resolves once listening (the engine loaded); throws ServeError for a busy or unusable address. */
export async function startServer(o: ServeOptions): Promise<TypofixServer> {
  if ((o.socket === undefined) === (o.port === undefined)) throw new ServeError("listen on a socket or a port (one of them)");
  const log = o.log ?? (() => undefined);
  const maxBody = o.maxBody ?? DEFAULT_MAX_BODY;
  if (!(maxBody > 0)) throw new ServeError(`--max-body must be a positive number of bytes`);
  const queue = new BoundedQueue(o.queue ?? DEFAULT_QUEUE);
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535)) throw new ServeError(`--port must be 0–65535 (got ${o.port})`);
  if (o.socket !== undefined) await prepareSocket(o.socket, log);

  // the engine, loaded once
  let engine: Engine;
  let plan: EnginePlan;
  let loadSeconds = 0;
  const owned = !o.engine;
  if (o.engine) {
    engine = o.engine;
    plan = o.plan ?? { name: engine.name, key: engine.name, notices: [] };
  } else {
    const eo = o.engineOptions ?? {};
    try {
      plan = await planEngine(eo);
    } catch (err) {
      throw new ServeError((err as Error).message);
    }
    const t0 = performance.now();
    try {
      engine = await createEngine(eo);
    } catch (err) {
      throw new ServeError((err as Error).message);
    }
    loadSeconds = (performance.now() - t0) / 1000;
    // one correction before the first client's: pages in the lexicon, lets the runtime allocate
    try {
      await engine.fix("Teh warm-up sentense.");
    } catch {
      /* a failing engine shows up on real requests */
    }
    // auto moved past an engine that failed to load: no client's plan can match this one
    if (engine.name !== plan.name) plan = { name: engine.name, key: `loaded\u0000${engine.name}`, notices: [] };
  }

  // the user dictionary, reloaded when its file changes
  let words = new Set<string>(o.words ?? []);
  let dictStamp = "";
  const dictionaryWords = (): ReadonlySet<string> => {
    if (!o.dictionary) return words;
    const st = statSync(o.dictionary, { throwIfNoEntry: false });
    const stamp = st ? `${st.mtimeMs}:${st.size}:${st.ino}` : "none";
    if (stamp !== dictStamp) {
      dictStamp = stamp;
      words = new Set([...readDictionary(o.dictionary), ...(o.words ?? [])]);
    }
    return words;
  };
  dictionaryWords();

  // metrics
  const registry = new Registry();
  const m = {
    requests: registry.counter("typofix_requests_total", "HTTP requests answered, by route and status code."),
    duration: registry.histogram("typofix_request_duration_seconds", "Time from receiving a request to answering it (queue wait included), by route.", [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]),
    texts: registry.counter("typofix_texts_total", "Texts corrected."),
    edits: registry.counter("typofix_edits_total", "Edits made in corrected texts."),
    tokens: registry.counter("typofix_tokens_generated_total", "Tokens generated by the LLM engine (0 for the lexicon engine)."),
    engineSeconds: registry.counter("typofix_engine_seconds_total", "Time spent in the engine."),
    errors: registry.counter("typofix_errors_total", "Requests that failed, by reason."),
    feedback: registry.counter("typofix_feedback_total", "Feedback received, by action."),
    engineInfo: registry.gauge("typofix_engine_info", "The engine this server runs (value 1)."),
    load: registry.gauge("typofix_model_load_seconds", "Seconds it took to load the engine and its model."),
    depth: registry.gauge("typofix_queue_depth", "Requests waiting for the engine or running in it."),
    capacity: registry.gauge("typofix_queue_capacity", "Requests that may wait behind the running one before the server answers 503."),
    inflight: registry.gauge("typofix_requests_in_flight", "HTTP requests being handled."),
    start: registry.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds."),
    rss: registry.gauge("process_resident_memory_bytes", "Resident memory of the process, in bytes."),
  };
  m.engineInfo.set({ engine: engine.name, version: pkg.version }, 1);
  m.load.set({}, loadSeconds);
  m.depth.set({}, () => queue.depth);
  m.capacity.set({}, queue.capacity);
  m.start.set({}, Math.floor(Date.now() / 1000 - process.uptime()));
  m.rss.set({}, () => process.memoryUsage.rss());
  m.tokens.touch();
  m.texts.touch();
  m.edits.touch();
  for (const reason of ["bad_request", "too_large", "overloaded", "engine", "engine_fallback", "mismatch", "internal"]) m.errors.touch({ reason });
  const started = Date.now();

  // which clients this engine may answer: their plan must be ours (cached briefly; plans read the model store)
  const plans = new Map<string, { at: number; plan: Promise<EnginePlan> }>();
  const planFor = (spec: NonNullable<FixRequest["spec"]>): Promise<EnginePlan> => {
    const key = JSON.stringify([spec.engine ?? "auto", spec.model ?? "", Boolean(spec.noGuard)]);
    const hit = plans.get(key);
    if (hit && Date.now() - hit.at < 2000) return hit.plan;
    const p = planEngine({ engine: (spec.engine ?? "auto") as EngineOptions["engine"], model: spec.model, noGuard: spec.noGuard });
    plans.set(key, { at: Date.now(), plan: p });
    if (plans.size > 64) plans.delete(plans.keys().next().value!);
    return p;
  };

  // a running mean of the engine time per request, for Retry-After
  let meanJobSeconds = 0.05;
  const retryAfter = () => String(Math.min(60, Math.max(1, Math.ceil(meanJobSeconds * (queue.depth + 1)))));

  let inFlight = 0;
  let stopping = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let drained: (() => void) | undefined;
  const armIdle = () => {
    if (!o.idleTimeout || stopping) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (inFlight || queue.depth) return armIdle();
      log(`no request for ${o.idleTimeout} s: exiting`);
      (o.onIdle ?? (() => void shutdown()))();
    }, o.idleTimeout * 1000);
    idleTimer.unref?.();
  };

  async function handleFix(req: Request): Promise<Response> {
    const body = parseFixRequest(parseJson(await readBody(req, maxBody)));
    if (body.spec) {
      if (body.spec.home !== undefined && body.spec.home !== cacheDir()) throw new HttpError(409, `this server uses the typofix home ${cacheDir()}, the request ${body.spec.home}`, { "X-Typofix-Engine": engine.name });
      let want: EnginePlan;
      try {
        want = await planFor(body.spec);
      } catch (err) {
        throw new HttpError(409, `the requested engine cannot run here: ${(err as Error).message}`);
      }
      if (want.key !== plan.key) throw new HttpError(409, `this server runs ${plan.name}; the request asks for ${want.name}`);
    }
    const t0 = performance.now();
    if (!body.texts.length) return json(200, { results: [], engine: engine.name, ms: 0, notices: body.spec ? (await planFor(body.spec)).notices : [] });
    const userWords = body.userWords ? new Set(body.userWords) : dictionaryWords();
    let results: Array<{ r: FixResult; ms: number }>;
    try {
      results = await queue.run(async () => {
        const out: Array<{ r: FixResult; ms: number }> = [];
        const j0 = performance.now();
        let yielded = j0;
        for (const [i, text] of body.texts.entries()) {
          // a long batch lets other connections in now and then (health checks, 503s for the overflow)
          if (performance.now() - yielded > 20) {
            await new Promise((r) => setImmediate(r));
            yielded = performance.now();
          }
          const tok0 = (engine as { tokensGenerated?: number }).tokensGenerated ?? 0;
          const failed0 = (engine as { segmentsFailed?: number }).segmentsFailed ?? 0;
          const s = performance.now();
          // a long text goes to the engine in pieces, as in the CLI: memory bounded by the piece, same result
          const r = await fixChunked(engine, text, body.continues[i] ? { userWords, continues: true } : { userWords });
          const ms = performance.now() - s;
          out.push({ r, ms });
          m.tokens.inc({}, ((engine as { tokensGenerated?: number }).tokensGenerated ?? 0) - tok0);
          // segments the model failed on (the lexicon answered instead) are errors, though the request succeeds
          const failed = ((engine as { segmentsFailed?: number }).segmentsFailed ?? 0) - failed0;
          if (failed > 0) m.errors.inc({ reason: "engine_fallback" }, failed);
        }
        const secs = (performance.now() - j0) / 1000;
        m.engineSeconds.inc({}, secs);
        meanJobSeconds = meanJobSeconds * 0.8 + secs * 0.2;
        return out;
      });
    } catch (err) {
      if (err instanceof QueueFullError) throw new HttpError(503, `${err.message}; retry later`, { "Retry-After": retryAfter() });
      m.errors.inc({ reason: "engine" });
      return json(500, { error: `the ${engine.name} engine failed: ${(err as Error).message}` });
    }
    m.texts.inc({}, results.length);
    m.edits.inc({}, results.reduce((a, x) => a + x.r.edits.length, 0));
    const shape = ({ r, ms }: { r: FixResult; ms: number }) => {
      const o: Record<string, unknown> = { output: r.output, edits: r.edits, engine: r.engine, ms: +ms.toFixed(3) };
      if (r.rejected?.length) o.rejected = r.rejected;
      if (r.warning) o.warning = r.warning;
      return o;
    };
    if (body.single) return json(200, shape(results[0]!));
    return json(200, { results: results.map(shape), engine: engine.name, ms: +(performance.now() - t0).toFixed(3) });
  }

  function handleFeedback(f: FeedbackRequest): Response {
    m.feedback.inc({ action: f.action });
    if (f.action === "accept") return json(200, { action: "accept", words: f.words });
    if (!o.dictionary) {
      for (const w of f.words) words.add(w);
      return json(200, { action: "reject", added: f.words, dictionary: null });
    }
    const before = readDictionary(o.dictionary);
    const added = f.words.filter((w) => !before.includes(w));
    if (added.length) {
      try {
        writeDictionary(o.dictionary, [...before, ...added]);
      } catch (err) {
        m.errors.inc({ reason: "internal" });
        return json(500, { error: `could not write the dictionary ${o.dictionary}: ${(err as Error).message}` });
      }
    }
    dictStamp = "";
    dictionaryWords();
    return json(200, { action: "reject", added, already: f.words.filter((w) => !added.includes(w)), dictionary: o.dictionary });
  }

  async function route(req: Request, path: string): Promise<Response> {
    if (req.headers.get("origin") !== null) throw new HttpError(403, "requests from web pages (with an Origin header) are refused");
    if (o.port !== undefined) {
      const host = req.headers.get("host") ?? "";
      const name = host.replace(/:\d+$/, "");
      if (!isLoopbackHost(name)) throw new HttpError(403, `Host "${host}" is not a loopback name`);
    }
    const methods = ROUTES[path];
    if (!methods) throw new HttpError(404, `no route ${path} (routes: POST /v1/fix, POST /v1/feedback, GET /v1/health, GET /metrics)`);
    if (!methods.includes(req.method)) throw new HttpError(405, `${path} takes ${methods.filter((x) => x !== "HEAD").join(", ")}, not ${req.method}`, { Allow: methods.join(", ") });
    if (stopping) throw new HttpError(503, "the server is shutting down", { "Retry-After": "1", Connection: "close" });
    switch (path) {
      case "/v1/fix":
        return handleFix(req);
      case "/v1/feedback":
        return handleFeedback(parseFeedback(parseJson(await readBody(req, maxBody))));
      case "/v1/health":
        return json(200, {
          status: "ok",
          engine: engine.name,
          version: pkg.version,
          pid: process.pid,
          uptime_s: +((Date.now() - started) / 1000).toFixed(3),
          queue: { depth: queue.depth, capacity: queue.capacity },
          model_load_s: +loadSeconds.toFixed(3),
          max_body: maxBody,
          listen: o.socket !== undefined ? { socket: o.socket } : { host: "127.0.0.1", port: server.port },
        });
      default:
        return new Response(registry.render(), { headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } });
    }
  }

  const reasonOf = (status: number) => (status === 413 ? "too_large" : status === 503 ? "overloaded" : status === 409 ? "mismatch" : status >= 500 ? "internal" : "bad_request");

  async function handle(req: Request, srv: { timeout(req: Request, seconds: number): void }): Promise<Response> {
    const t0 = performance.now();
    // a request may wait long for an LLM behind others: no 10-second request timeout
    srv.timeout(req, 0);
    const path = new URL(req.url).pathname;
    const label = ROUTES[path] ? path : "other";
    inFlight++;
    m.inflight.set({}, inFlight);
    clearTimeout(idleTimer);
    let res: Response;
    try {
      res = await route(req, path);
    } catch (err) {
      if (err instanceof HttpError) {
        res = json(err.status, { error: err.message }, err.headers);
        m.errors.inc({ reason: reasonOf(err.status) });
      } else {
        log(`internal error: ${(err as Error).stack ?? err}`);
        m.errors.inc({ reason: "internal" });
        res = json(500, { error: `internal error: ${(err as Error).message}` });
      }
    }
    inFlight--;
    m.inflight.set({}, inFlight);
    m.requests.inc({ route: label, status: String(res.status) });
    m.duration.observe({ route: label }, (performance.now() - t0) / 1000);
    if (!inFlight) {
      if (stopping) drained?.();
      else armIdle();
    }
    return res;
  }

  // listen: the socket is created 0600 (umask during bind, then chmod), the port only on 127.0.0.1
  let server: ReturnType<typeof Bun.serve>;
  let ino: number | undefined;
  // Bun's own limit only guards against absurd bodies; ours (above) answers 413 with a message
  const common = { fetch: handle, maxRequestBodySize: Math.max(maxBody * 4, 16 * 1024 * 1024), development: false };
  if (o.socket !== undefined) {
    const old = process.umask(0o177);
    try {
      server = Bun.serve({ ...common, unix: o.socket });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ServeError(code === "EADDRINUSE" ? `${o.socket} is in use by another process` : `cannot listen on ${o.socket}: ${(err as Error).message}`);
    } finally {
      process.umask(old);
    }
    chmodSync(o.socket, 0o600);
    ino = statSync(o.socket).ino;
  } else {
    try {
      // reusePort off: a second server on a busy port must fail, not share it (Bun turns it on outside development)
      server = Bun.serve({ ...common, hostname: "127.0.0.1", port: o.port!, reusePort: false });
    } catch (err) {
      throw new ServeError(`cannot listen on 127.0.0.1:${o.port}: ${(err as Error).message}`);
    }
    if (!isLoopbackHost(server.hostname ?? "")) {
      void server.stop(true);
      throw new ServeError(`refusing to serve on ${server.hostname}: only loopback addresses`);
    }
  }

  let closing: Promise<void> | undefined;
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  async function shutdown(): Promise<void> {
    if (closing) return closing;
    stopping = true;
    clearTimeout(idleTimer);
    closing = (async () => {
      const stopped = server.stop(false);
      if (inFlight) await new Promise<void>((r) => (drained = r));
      await queue.drain();
      await Promise.race([stopped, Bun.sleep(2000)]);
      if (owned) await engine.dispose?.();
      if (o.socket !== undefined) {
        const st = statSync(o.socket, { throwIfNoEntry: false });
        // only our own socket: another server may have taken the path since
        if (st && st.ino === ino) unlinkSync(o.socket);
      }
      closedResolve();
    })();
    return closing;
  }

  armIdle();
  return {
    url: o.socket !== undefined ? "http://localhost" : `http://127.0.0.1:${server.port}`,
    socket: o.socket,
    port: o.socket === undefined ? server.port : undefined,
    engine,
    plan,
    registry,
    loadSeconds,
    shutdown,
    closed,
  };
}
