/**
 * The CLI's side of `typofix serve`: a RemoteEngine that sends each text to the running server and
 * gives back exactly the FixResult the in-process engine would have given. The client says which engine
 * it would use (engine, model, guard, typofix home) and sends its user words; the server answers only if
 * it runs that same engine (409 otherwise). Whenever the server is gone, hung or answers an error (busy:
 * after a few waits as its Retry-After says), the text is corrected in-process instead (the local engine is
 * created on first need), so output never depends on whether a server runs.
 */
import type { Engine, FixOptions, FixResult } from "../types.ts";
import type { EngineSpec } from "../engines/index.ts";
import type { ServerTarget } from "./paths.ts";

/** What the client sends about its engine (engines/index.ts builds it: engineSpec). */
export type ClientSpec = EngineSpec;
// the CLI's call site (cli/fix.ts) imports it from here; engines/index.ts's engineSpec builds the whole spec
export { absoluteModel } from "../engines/index.ts";

function request(target: ServerTarget, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body), signal };
  return "unix" in target ? fetch(`http://localhost${path}`, { ...init, unix: target.unix }) : fetch(`${target.url}${path}`, init);
}

export class RemoteEngine implements Engine {
  private local?: Promise<Engine>;
  private gone = false;
  private wordsFor?: ReadonlySet<string>;
  private wordsJson = "[]";
  /** Texts the server corrected (the rest went in-process). */
  served = 0;
  /** How often a 503 (queue full) is retried after its Retry-After (at most 2 s each) before working in-process. */
  busyRetries = 3;

  constructor(
    readonly name: string,
    private target: ServerTarget,
    private spec: ClientSpec,
    private createLocal: () => Promise<Engine>,
  ) {}

  private fallback(): Promise<Engine> {
    return (this.local ??= this.createLocal());
  }

  private userWordsJson(words: ReadonlySet<string> | undefined): string {
    if (words !== this.wordsFor) {
      this.wordsFor = words;
      this.wordsJson = JSON.stringify(words ? [...words] : []);
    }
    return this.wordsJson;
  }

  async fix(text: string, options: FixOptions = {}): Promise<FixResult> {
    if (!this.gone) {
      const body = `{"text":${JSON.stringify(text)},${options.continues ? `"continues":true,` : ""}${options.minConfidence !== undefined ? `"minConfidence":${options.minConfidence},` : ""}${options.technical ? `"technical":true,${options.recurring ? `"recurring":${JSON.stringify([...options.recurring])},` : ""}` : ""}"userWords":${this.userWordsJson(options.userWords)},"engine":${JSON.stringify(this.spec.engine)}${this.spec.model ? `,"model":${JSON.stringify(this.spec.model)}` : ""},"noGuard":${Boolean(this.spec.noGuard)},"home":${JSON.stringify(this.spec.home)}}`;
      try {
        let res = await request(this.target, "/v1/fix", body);
        // busy: wait as told, a few times, before loading an engine here (a second copy of an LLM in
        // every waiting client is exactly the memory the server's bounded queue protects)
        for (let k = 0; k < this.busyRetries && res.status === 503 && res.headers.get("connection") !== "close"; k++) {
          await res.arrayBuffer().catch(() => undefined);
          await Bun.sleep(Math.min(2, Math.max(0.05, Number(res.headers.get("retry-after")) || 1)) * 1000);
          res = await request(this.target, "/v1/fix", body);
        }
        if (res.ok) {
          const r = (await res.json()) as Omit<FixResult, "input"> & { ms?: number };
          if (typeof r.output === "string" && Array.isArray(r.edits)) {
            this.served++;
            const out: FixResult = { input: text, output: r.output, edits: r.edits, engine: r.engine };
            if (r.rejected) out.rejected = r.rejected;
            if (r.warning) out.warning = r.warning;
            return out;
          }
        } else {
          await res.arrayBuffer().catch(() => undefined);
          // another engine now (the server was restarted), or shutting down: stop asking it
          if (res.status === 409 || res.status === 503) this.gone = res.status === 409 || res.headers.get("connection") === "close";
        }
      } catch {
        this.gone = true; // connection refused or reset: the server is gone
      }
    }
    return (await this.fallback()).fix(text, options);
  }

  async dispose(): Promise<void> {
    if (this.local) await (await this.local).dispose?.();
  }
}

/**
 * Ask the server (quickly: it answers this outside its queue) whether it runs the engine the client would
 * create. A RemoteEngine when it does; null when nothing answers in time, the socket is stale, or the
 * engine differs — the caller then works in-process. `onNotice` gets what createEngine would have said.
 */
export async function connect(
  target: ServerTarget,
  spec: ClientSpec,
  createLocal: () => Promise<Engine>,
  opts: { timeoutMs?: number; onNotice?: (m: string) => void } = {},
): Promise<RemoteEngine | null> {
  try {
    const res = await request(target, "/v1/fix", { texts: [], engine: spec.engine, model: spec.model, noGuard: Boolean(spec.noGuard), home: spec.home }, AbortSignal.timeout(opts.timeoutMs ?? 1500));
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      return null;
    }
    const h = (await res.json()) as { engine?: unknown; notices?: unknown };
    if (typeof h.engine !== "string") return null;
    if (Array.isArray(h.notices)) for (const n of h.notices) if (typeof n === "string") opts.onNotice?.(n);
    return new RemoteEngine(h.engine, target, spec, createLocal);
  } catch {
    return null;
  }
}
