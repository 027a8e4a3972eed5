/** Command-line helpers shared by the subcommands. */
import { ConfigError, loadConfig, type Config } from "../config.ts";
import { EXIT } from "./exit.ts";
import { consola } from "./log.ts";

/** Every value of a repeatable flag (`--flag a --flag b`, `--flag=c`), in order. */
export function repeated(rawArgs: readonly string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === "--") break;
    if (a === flag && rawArgs[i + 1] !== undefined) out.push(rawArgs[++i]!);
    else if (a.startsWith(flag + "=")) out.push(a.slice(flag.length + 1));
  }
  return out;
}

/** Say what went wrong on stderr in one line and exit (2: bad usage or input; codes in ./exit.ts). */
export function fail(message: string, code: number = EXIT.usage): never {
  process.stderr.write(`typofix: ${message}\n`);
  process.exit(code);
}

/** A numeric option's value: a number (a whole one when `integer`) within [min, max], else a usage error. */
export function numberArg(name: string, v: unknown, o: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  const n = Number(s);
  const range = o.max !== undefined ? `${o.min ?? "-∞"}–${o.max}` : `≥ ${o.min ?? 0}`;
  if (s === "" || !Number.isFinite(n) || (o.integer && !Number.isInteger(n)) || n < (o.min ?? -Infinity) || n > (o.max ?? Infinity))
    fail(`--${name} must be ${o.integer ? "a whole number" : "a number"} ${range} (got "${v}")`);
  return n;
}

/** The config file's settings; a broken file is a clear error naming file and line, not a stack trace. */
export async function configOrFail(): Promise<Config> {
  let config: Config;
  try {
    config = await loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`config: ${err.message}`);
    throw err;
  }
  for (const w of config.warnings ?? []) consola.warn(`config: ${w}`);
  return config;
}
