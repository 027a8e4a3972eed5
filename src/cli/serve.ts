/**
 * `typofix serve`: keep one engine warm behind a local socket (or a 127.0.0.1 port) so the one-liner and
 * editors get answers without loading anything. `--install` prints or writes the systemd user unit /
 * launchd agent that starts it on login. The server itself is src/server/server.ts.
 */
import { defineCommand } from "citty";
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname } from "node:path";
import { consola } from "./log.ts";
import type { EngineName } from "../types.ts";
import { configOrFail, fail } from "./args.ts";
import { EXIT } from "./exit.ts";
import { atomicWriteFile } from "../fsutil.ts";
import { socketPath } from "../server/paths.ts";

/** "1048576", "512k", "2M" → bytes. */
export function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(s);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * 1024 ** " kmg".indexOf((m[2] || " ").toLowerCase()));
}

function count(name: string, v: unknown, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || String(v).trim() === "") fail(`--${name} must be a number ≥ ${min} (got "${v}")`);
  return n;
}

async function ask(question: string): Promise<boolean> {
  process.stderr.write(question);
  for await (const line of console) return /^\s*y(es)?\s*$/i.test(line);
  return false;
}

/** The serve flags to put in the unit's command line (everything but --install, --yes, --platform). */
function passThrough(rawArgs: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === "--install" || a === "--yes" || a === "-y") continue;
    if (a === "--platform") {
      i++;
      continue;
    }
    if (a.startsWith("--platform=")) continue;
    // options arrive normalised (--name=value, src/cli/argv.ts): the unit gets them as two words
    const m = /^(--[\w-]+)=([\s\S]*)$/.exec(a);
    if (m) out.push(m[1]!, m[2]!);
    else out.push(a);
  }
  return out;
}

export default defineCommand({
  meta: { name: "serve", description: "Keep an engine warm on a local socket: the CLI and editors get answers in milliseconds" },
  args: {
    socket: { type: "string", alias: "s", description: "Unix socket to listen on (default: $XDG_RUNTIME_DIR/typofix/serve.sock, else ~/.cache/typofix/serve.sock)" },
    port: { type: "string", alias: "p", description: "Listen on this port of 127.0.0.1 instead (0: any free port; never another address)" },
    engine: { type: "string", alias: "e", description: "Engine: auto, lexicon, onnx, ane (default: auto, or the config file's)" },
    model: { type: "string", alias: "m", description: "LLM engines: a model name from `typofix model list` or a model folder" },
    guard: { type: "boolean", default: true, negativeDescription: "Serve an LLM's raw output without the guard (debugging)" },
    "idle-timeout": { type: "string", description: "Exit after this many seconds without a request (default: never)" },
    "max-body": { type: "string", description: "Largest request body (bytes, or 512k, 4M; default 1M): larger ones get 413" },
    queue: { type: "string", description: "Requests that may wait for the engine (default 64): beyond, 503 with Retry-After" },
    install: { type: "boolean", description: "Print the systemd user unit (Linux) or launchd agent (macOS) that starts the server on login" },
    yes: { type: "boolean", alias: "y", description: "With --install: write it without asking, and print how to enable it" },
    platform: { type: "string", description: "With --install: the unit for linux or darwin (default: this OS)" },
    quiet: { type: "boolean", alias: "q", description: "No messages on stderr except errors" },
  },
  async run({ args, rawArgs }) {
    if (args.quiet) consola.level = 1;
    if (args.install) return install(args, rawArgs);
    const config = await configOrFail();
    if (args.socket !== undefined && args.port !== undefined) fail("choose --socket or --port, not both");
    const port = count("port", args.port, 0);
    if (port !== undefined && (!Number.isInteger(port) || port > 65535)) fail(`--port must be a whole number 0–65535 (got "${args.port}")`);
    const idle = count("idle-timeout", args["idle-timeout"], 0);
    const queue = count("queue", args.queue, 0);
    if (queue !== undefined && !Number.isInteger(queue)) fail(`--queue must be a whole number (got "${args.queue}")`);
    let maxBody: number | undefined;
    if (args["max-body"] !== undefined) {
      maxBody = parseSize(String(args["max-body"]));
      if (!(maxBody > 0)) fail(`--max-body must be a size in bytes like 1048576, 512k or 4M (got "${args["max-body"]}")`);
    }
    const socket = port === undefined ? ((args.socket as string | undefined) ?? socketPath()) : undefined;
    // an LLM's forward pass must not hold the server's event loop (health checks, 503s): onnxruntime-node
    // runs it on a worker thread, where a C API run would block (engines/onnx/options.ts)
    (await import("../engines/onnx/options.ts")).setAutoBackend("node");
    const { startServer, ServeError } = await import("../server/server.ts");
    const log = (m: string) => consola.info(`typofix serve: ${m}`);
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer({
        socket,
        port,
        engineOptions: {
          engine: ((args.engine as string | undefined) ?? config.engine ?? "auto") as EngineName,
          model: (args.model as string | undefined) ?? config.model,
          noGuard: args.guard === false,
          onNotice: log,
        },
        maxBody,
        queue,
        idleTimeout: idle,
        dictionary: config.dictionary,
        words: config.words,
        log,
      });
    } catch (err) {
      const m = (err as Error).message;
      // a server already there, or the port taken: busy (4); an engine or model that cannot run: 3
      if (err instanceof ServeError) fail(m, /already running|in use|EADDRINUSE/i.test(m) ? EXIT.busy : EXIT.usage);
      fail(m, /^unknown engine/.test(m) ? EXIT.usage : /engine|model/i.test(m) ? EXIT.model : EXIT.failed);
    }
    const where = server.socket ?? server.url;
    consola.info(`typofix serve: ${server.engine.name} ready${server.loadSeconds ? ` (loaded in ${(server.loadSeconds * 1000).toFixed(0)} ms)` : ""}; listening on ${where} (pid ${process.pid})`);
    let signals = 0;
    const stop = (sig: string) => {
      if (++signals > 1) {
        consola.warn(`typofix serve: ${sig} again: exiting without waiting`);
        process.exit(1);
      }
      log(`${sig}: finishing requests in flight, then exiting`);
      void server.shutdown();
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    await server.closed;
    log("stopped");
    process.exit(0);
  },
});

async function install(args: Record<string, unknown>, rawArgs: string[]): Promise<void> {
  const { serveCommand, unitEnv, unitFor } = await import("../server/install.ts");
  let unit;
  try {
    unit = unitFor({ platform: args.platform as string | undefined, command: serveCommand(passThrough(rawArgs)), home: process.env.HOME || homedir(), env: unitEnv() });
  } catch (err) {
    fail((err as Error).message);
  }
  const how = `${unit.enable.map((c) => `  ${c}`).join("\n")}`;
  let write = Boolean(args.yes);
  if (!write) {
    process.stdout.write(unit.text);
    if (process.stdin.isTTY && process.stderr.isTTY) write = await ask(`\nWrite this to ${unit.path}? [y/N] `);
    if (!write) {
      process.stderr.write(`\nnot written. To install it: typofix serve --install --yes (writes ${unit.path}), then:\n${how}\n`);
      return;
    }
  }
  try {
    mkdirSync(dirname(unit.path), { recursive: true });
    atomicWriteFile(unit.path, unit.text);
  } catch (err) {
    fail(`${unit.path}: could not write (${(err as Error).message})`, EXIT.usage);
  }
  process.stdout.write(`wrote ${unit.path}\nenable and start it (it then starts on every login):\n${how}\nto remove it later:\n${unit.disable.map((c) => `  ${c}`).join("\n")}\n`);
}
