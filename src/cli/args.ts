/** Command-line helpers shared by the subcommands. */
import { ConfigError, loadConfig, type Config } from "../config.ts";
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

/** Say what went wrong on stderr and exit (2: bad usage or input). */
export function fail(message: string, code = 2): never {
  consola.error(message);
  process.exit(code);
}

/** The config file's settings; a broken file is a clear error naming file and line, not a stack trace. */
export async function configOrFail(): Promise<Config> {
  try {
    return await loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`config: ${err.message}`);
    throw err;
  }
}
