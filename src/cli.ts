#!/usr/bin/env bun
/**
 * typofix command line. The first argument picks a subcommand (eval, dict, completions, …); anything
 * else is text (or flags) for the main fix command — citty alone cannot mix a default positional
 * command with subcommands, so the dispatch is done here. Subcommands load lazily: the one-liner
 * imports only what it needs.
 */
import { defineCommand, runMain, type CommandDef } from "citty";
import pkg from "../package.json" with { type: "json" };
import fix from "./cli/fix.ts";
import { subCommands } from "./cli/commands.ts";

export { subCommands };

export const root = defineCommand({
  meta: { name: "typofix", version: pkg.version, description: "Fix typos in English text." },
  subCommands,
});

export async function main(argv: string[]): Promise<void> {
  const first = argv[0];
  if (first && Object.hasOwn(subCommands, first)) await runMain(root, { rawArgs: argv });
  else await runMain(fix, { rawArgs: argv[0] === "--" ? argv.slice(1) : argv, showUsage: showFixUsage });
}

async function showFixUsage(cmd: CommandDef<any>, parent?: CommandDef<any>): Promise<void> {
  const { renderUsage } = await import("citty");
  const usage = await renderUsage(cmd, parent);
  const names = Object.keys(subCommands).filter((n) => n !== "fix");
  process.stdout.write(`${usage}\n\nSubcommands: ${names.join(", ")} (typofix <subcommand> --help)\n`);
}

if (import.meta.main) void main(process.argv.slice(2));
