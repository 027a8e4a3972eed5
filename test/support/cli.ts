/**
 * Running the typofix CLI from tests (test/cli.test.ts, test/serve-cli.test.ts, test/reliability/): one
 * spawn with the bytes on standard input, a line reader for streaming checks, and `typofix serve` started
 * and waited for. Each test file keeps
 * its own environment (home folders, server settings).
 */
import { join } from "node:path";
import type { Subprocess } from "bun";
import { parseMetrics } from "../../src/server/metrics.ts";

export const CLI = join(import.meta.dir, "../../src/cli.ts");

export interface CliRun {
  bytes: Uint8Array;
  stdout: string;
  stderr: string;
  code: number;
  ms: number;
}

/** Run `typofix ARGS` with `stdin` (none: ignored) in `env`; stdout is decoded with `decoder`. */
export async function spawnCli(args: string[], env: Record<string, string>, stdin?: string | Uint8Array, decoder = new TextDecoder()): Promise<CliRun> {
  const t0 = performance.now();
  const p = Bun.spawn([process.execPath, CLI, ...args], {
    stdin: stdin === undefined ? "ignore" : typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin,
    stdout: "pipe",
    stderr: "pipe",
    env,
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).arrayBuffer(), new Response(p.stderr).text(), p.exited]);
  return { bytes: new Uint8Array(out), stdout: decoder.decode(out), stderr: err, code, ms: performance.now() - t0 };
}

/**
 * Reads a process's output a line at a time: up to and including the next newline (or to the end); what
 * came after it in the same chunk is kept for the next call.
 */
export function lineReader(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let buf = "";
  return async () => {
    while (!buf.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
    }
    const end = buf.includes("\n") ? buf.indexOf("\n") + 1 : buf.length;
    const line = buf.slice(0, end);
    buf = buf.slice(end);
    return line;
  };
}

export interface Served {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** The socket path or the http://127.0.0.1:PORT URL it printed. */
  where: string;
  /** Everything it has written to stderr so far. */
  stderr: () => string;
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  metrics: () => Promise<Map<string, number>>;
  /** Texts it has corrected (typofix_texts_total). */
  texts: () => Promise<number>;
}

/** Start `typofix serve ARGS` in `env` and wait for "listening on …" (or its exit, or `timeoutMs`). */
export async function startServe(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Served> {
  const proc = Bun.spawn([process.execPath, CLI, "serve", ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe", env });
  let err = "";
  const reader = proc.stderr.getReader();
  const dec = new TextDecoder();
  void (async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      err += dec.decode(value);
    }
  })();
  const t0 = Date.now();
  while (!/listening on (\S+)/.test(err)) {
    if (proc.exitCode !== null || Date.now() - t0 > timeoutMs) {
      proc.kill("SIGKILL");
      throw new Error(`typofix serve did not start (exit ${proc.exitCode}): ${err}`);
    }
    await Bun.sleep(20);
  }
  const where = /listening on (\S+)/.exec(err)![1]!;
  const f = (path: string, init: RequestInit = {}) => (where.startsWith("http") ? fetch(where + path, init) : fetch(`http://localhost${path}`, { ...init, unix: where }));
  const metrics = async () => parseMetrics(await (await f("/metrics")).text());
  return { proc, where, stderr: () => err, fetch: f, metrics, texts: async () => (await metrics()).get("typofix_texts_total")! };
}
