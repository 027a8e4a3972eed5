/**
 * `typofix serve` in the test's own process (test/server.test.ts, test/server-queue.test.ts): servers
 * started and shut down after the file, fetch against a socket or a port, the lexicon's own answer to
 * compare with, and a gated engine that holds every call until the test opens the gate (queue overflow
 * made deterministic). Cost: one Bun.serve per server.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine, FixOptions, FixResult } from "../../src/types.ts";
import { LexiconEngine } from "../../src/engines/lexicon/index.ts";
import { startServer, type TypofixServer } from "../../src/server/server.ts";
import { parseMetrics } from "../../src/server/metrics.ts";

export const lexicon = LexiconEngine.shared();

/** A temporary folder and the servers of one test file, all shut down and removed after it. */
export function serverFixture(): { dir: () => string; serve: (o: Parameters<typeof startServer>[0]) => Promise<TypofixServer> } {
  let dir = "";
  const servers: TypofixServer[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tf-srv-"));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.shutdown().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    serve: async (o) => {
      const s = await startServer(o);
      servers.push(s);
      return s;
    },
  };
}

/** fetch against a server: its socket or its port. */
export function call(s: TypofixServer, path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return s.socket ? fetch(`http://localhost${path}`, { ...init, unix: s.socket }) : fetch(`${s.url}${path}`, init);
}
export const post = (s: TypofixServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(s, path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } });
export const metrics = async (s: TypofixServer) => parseMetrics(await (await call(s, "/metrics")).text());
export const expected = (text: string, words?: Iterable<string>) => lexicon.fixSync(text, { userWords: words ? new Set(words) : undefined });

/** An engine that holds every call until the test opens the gate; records order and concurrency. */
export class GatedEngine implements Engine {
  readonly name = "gated";
  calls: string[] = [];
  active = 0;
  maxActive = 0;
  private waiters: Array<() => void> = [];
  private open = false;
  async fix(text: string, _o?: FixOptions): Promise<FixResult> {
    this.calls.push(text);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    if (!this.open) await new Promise<void>((r) => this.waiters.push(r));
    this.active--;
    return { input: text, output: text.toUpperCase(), edits: [], engine: this.name };
  }
  release(): void {
    this.open = true;
    for (const w of this.waiters.splice(0)) w();
  }
}

export async function until(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await Bun.sleep(10);
  }
}
export const depth = async (s: TypofixServer) => ((await (await call(s, "/v1/health")).json()) as { queue: { depth: number } }).queue.depth;
