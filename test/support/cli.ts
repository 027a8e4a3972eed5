/**
 * Running the typofix CLI from tests (test/cli.test.ts, test/serve-cli.test.ts, test/reliability/): one
 * spawn with the bytes on standard input, and a line reader for streaming checks. Each test file keeps
 * its own environment (home folders, server settings).
 */
import { join } from "node:path";

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

/** Reads a process's output a line at a time (up to and including the next newline, or to the end). */
export function lineReader(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  return async () => {
    let line = "";
    while (!line.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      line += dec.decode(value);
    }
    return line;
  };
}
