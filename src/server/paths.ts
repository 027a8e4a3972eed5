/**
 * Where `typofix serve` listens and how the CLI finds it. Kept tiny: the one-liner imports this module
 * on every run, and when no server is running the whole cost is one stat() of the socket path.
 *
 * The socket: $TYPOFIX_SOCKET, else <$TYPOFIX_HOME>/serve.sock, else $XDG_RUNTIME_DIR/typofix/serve.sock,
 * else <cache dir>/serve.sock (~/.cache/typofix/serve.sock). $TYPOFIX_SERVER=http://127.0.0.1:PORT points
 * the CLI at a server on a loopback port instead.
 */
import { noEntry, nodeFs } from "../runtime/fs.ts";
import { join } from "../runtime/path.ts";
import { cacheDir } from "../config.ts";

/** The default socket path of `typofix serve` for this environment. */
export function socketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TYPOFIX_SOCKET) return env.TYPOFIX_SOCKET;
  if (env.TYPOFIX_HOME) return join(env.TYPOFIX_HOME, "serve.sock");
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, "typofix", "serve.sock");
  return join(cacheDir(env), "serve.sock");
}

/** The longest socket path the OS takes (sun_path holds 108 bytes on Linux, 104 on macOS/BSD, NUL included). */
export const MAX_SOCKET_PATH = process.platform === "linux" ? 107 : 103;

/** Where a client should talk to a server: a Unix socket, or a loopback URL. */
export type ServerTarget = { unix: string } | { url: string };

/** True when the environment asks the CLI not to use a server (TYPOFIX_NO_SERVER=1). */
export function serverDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.TYPOFIX_NO_SERVER;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** Is `host` (a URL's hostname) a loopback address? */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The server the CLI should try, or null (the usual case: nothing running, nothing to pay). Only a stat:
 * whether anything answers is the client's business.
 */
export function findServer(env: NodeJS.ProcessEnv = process.env): ServerTarget | null {
  if (env.TYPOFIX_SERVER) {
    try {
      const u = new URL(env.TYPOFIX_SERVER);
      if (u.protocol === "http:" && isLoopbackHost(u.hostname)) return { url: u.origin };
    } catch {
      /* not a URL: ignored, like an unset variable */
    }
    return null;
  }
  const path = socketPath(env);
  // (no socket, the usual case, is found without node:fs)
  const st = noEntry(path) ? undefined : nodeFs().statSync(path, { throwIfNoEntry: false });
  return st?.isSocket() ? { unix: path } : null;
}
