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
 *
 * This module is the lifecycle (the engine loaded once, listening, the idle timer, shutdown); the HTTP
 * layer is http.ts, request shapes requests.ts, the routes' work handlers.ts over a ServerState, the user
 * dictionary dictionary.ts. Cost: the engine's load, then per request what handlers.ts says.
 */
import type { Engine } from "../types.ts";
import { createEngine, planEngine, sameEngineCheck, type EngineOptions, type EnginePlan } from "../engines/index.ts";
import { statSync, unlinkSync } from "node:fs";
import { BoundedQueue } from "./queue.ts";
import { Registry } from "./metrics.ts";
import { UserDictionary } from "./dictionary.ts";
import { HttpError, ROUTES, ServeError, json, listen, prepareSocket, reasonOf } from "./http.ts";
import { route, serverMetrics, type ServerState } from "./handlers.ts";

export { ServeError, probeSocket, prepareSocket } from "./http.ts";

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

/** Load the engine the options ask for (or take the injected one), with its plan and load time. */
async function loadEngine(o: ServeOptions): Promise<{ engine: Engine; plan: EnginePlan; loadSeconds: number }> {
  if (o.engine) return { engine: o.engine, plan: o.plan ?? { name: o.engine.name, key: o.engine.name, notices: [] }, loadSeconds: 0 };
  const eo = o.engineOptions ?? {};
  let plan: EnginePlan;
  try {
    plan = await planEngine(eo);
  } catch (err) {
    throw new ServeError((err as Error).message);
  }
  const t0 = performance.now();
  let engine: Engine;
  try {
    engine = await createEngine(eo);
  } catch (err) {
    throw new ServeError((err as Error).message);
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  // one correction before the first client's: pages in the lexicon, lets the runtime allocate
  try {
    await engine.fix("Teh warm-up sentense.");
  } catch {
    /* a failing engine shows up on real requests */
  }
  // auto moved past an engine that failed to load: no client's plan can match this one
  if (engine.name !== plan.name) plan = { name: engine.name, key: `loaded\u0000${engine.name}`, notices: [] };
  return { engine, plan, loadSeconds };
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

  const { engine, plan, loadSeconds } = await loadEngine(o);
  const registry = new Registry();
  const state: ServerState = {
    engine,
    plan,
    sameEngine: sameEngineCheck(plan),
    queue,
    dictionary: new UserDictionary(o.dictionary, o.words ?? []),
    registry,
    m: serverMetrics(registry, engine, loadSeconds, queue),
    maxBody,
    loadSeconds,
    started: Date.now(),
    listen: { socket: o.socket ?? "" },
    onPort: o.port !== undefined,
    stopping: false,
    meanJobSeconds: 0.05,
  };
  const m = state.m;

  let inFlight = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let drained: (() => void) | undefined;
  const armIdle = () => {
    if (!o.idleTimeout || state.stopping) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (inFlight || queue.depth) return armIdle();
      log(`no request for ${o.idleTimeout} s: exiting`);
      (o.onIdle ?? (() => void shutdown()))();
    }, o.idleTimeout * 1000);
    idleTimer.unref?.();
  };

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
      res = await route(state, req, path);
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
      if (state.stopping) drained?.();
      else armIdle();
    }
    return res;
  }

  const { server, ino } = listen({ socket: o.socket, port: o.port }, handle, maxBody);
  state.listen = o.socket !== undefined ? { socket: o.socket } : { host: "127.0.0.1", port: server.port! };

  let closing: Promise<void> | undefined;
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  async function shutdown(): Promise<void> {
    if (closing) return closing;
    state.stopping = true;
    clearTimeout(idleTimer);
    closing = (async () => {
      const stopped = server.stop(false);
      if (inFlight) await new Promise<void>((r) => (drained = r));
      await queue.drain();
      await Promise.race([stopped, Bun.sleep(2000)]);
      if (!o.engine) await engine.dispose?.();
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
