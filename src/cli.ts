#!/usr/bin/env bun
/**
 * typofix command line. The first argument picks a subcommand (eval, dict, completions, …); anything
 * else is text (or flags) for the main fix command — citty alone cannot mix a default positional
 * command with subcommands, so the dispatch is done here. Options are checked against each command's
 * declared args first (src/cli/argv.ts: unknown options and commands are usage errors), and every
 * failure ends in one line on stderr and an exit code from the table in src/cli/exit.ts. Subcommands
 * load lazily: the one-liner imports only what it needs.
 */
import type { CommandDef } from "citty";
import { defineCommand } from "./cli/define.ts";
import { nodeFs } from "./runtime/fs.ts";
import { version as pkgVersion } from "../package.json" with { type: "json" };
import fix, { EXAMPLES, fixArgs } from "./cli/fix.ts";
import { subCommands } from "./cli/commands.ts";
import { argsOf, parseArgv } from "./cli/argv.ts";
import { exitCodeOf, messageOf } from "./cli/exit.ts";
import { useColor } from "./cli/color.ts";
import { normalJit } from "./runtime/jit.ts";

export { subCommands };

export const root = defineCommand({
  meta: { name: "typofix", version: pkgVersion, description: "Fix typos in English text." },
  subCommands,
});

export async function main(argv: string[]): Promise<void> {
  try {
    const first = argv[0];
    const viaSub = first !== undefined && Object.hasOwn(subCommands, first);
    const parsed = await parseArgv(viaSub ? root : fix, argv, ["typofix"], !viaSub);
    // Bun.write, not process.stdout: building that stream costs more than the rest of --version
    if (parsed.version) return void (await Bun.write(Bun.stdout, pkgVersion + "\n"));
    if (parsed.help) return void (await showUsage(parsed.cmd, parsed.path));
    // the main command is run directly (its args built in one pass): citty's parser costs a one-liner ~1 ms
    if (parsed.cmd === fix) await fix.run!({ rawArgs: parsed.args, args: argsOf(fixArgs, parsed.args) as never, cmd: fix, data: undefined });
    else await runSubcommand(parsed.cmd, parsed.args);
  } catch (err) {
    process.stderr.write(`typofix: ${messageOf(err)}\n`);
    process.exit(exitCodeOf(err));
  }
}

/** A subcommand (serve, lsp, bench, eval, …; in a function of its own: a one-liner's main links less): no one-liner, so the normal JIT policy (src/runtime/jit.ts). */
async function runSubcommand(cmd: CommandDef<any>, rawArgs: string[]): Promise<void> {
  normalJit();
  await (await import("citty")).runCommand(cmd, { rawArgs });
}

/** Help for a command: its full name (typofix dict add), options, and for the main command examples. */
async function showUsage(cmd: CommandDef<any>, path: string[]): Promise<void> {
  const { renderUsage } = await import("citty");
  const meta = { ...((await (typeof cmd.meta === "function" ? cmd.meta() : cmd.meta)) ?? {}), name: path[path.length - 1], version: pkgVersion };
  const parent = path.length > 1 ? { meta: { name: path.slice(0, -1).join(" ") } } : undefined;
  let usage = await renderUsage({ ...cmd, meta }, parent);
  if (cmd === fix) {
    const names = Object.keys(subCommands).filter((n) => n !== "fix");
    usage += `\n\n${EXAMPLES}\n\nSubcommands: ${names.join(", ")} (typofix <subcommand> --help)`;
  }
  // colour only for a terminal (or when forced): never ANSI codes in a pipe
  if (!useColor()) usage = usage.replace(/\x1b\[[0-9;]*m/g, "");
  process.stdout.write(usage.replace(/[ \t]+$/gm, "") + "\n");
}

/**
 * The arguments after the program. `bun cli.ts -- X` (the source run, and the bin's shebang) drops a
 * `--` that comes first, so `typofix -- --version` would print the version: on Linux the command line
 * is read back from /proc to restore it. The compiled binary keeps it, and reads nothing.
 */
function argvOf(): string[] {
  const args = process.argv.slice(2);
  if (process.env.TYPOFIX_COMPILED === "1" || process.platform !== "linux") return args;
  try {
    const cmd = nodeFs().readFileSync("/proc/self/cmdline", "utf8").split("\0").slice(0, -1);
    const k = cmd.length - args.length - 1;
    if (k > 0 && cmd[k] === "--" && cmd.slice(k + 1).every((a, i) => a === args[i])) return ["--", ...args];
  } catch {
    /* no /proc: as given */
  }
  return args;
}

if (import.meta.main) void main(argvOf());
