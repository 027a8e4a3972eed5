/**
 * citty's defineCommand (an identity function that types a command's args), without importing citty:
 * a static import of citty puts its parser and node:util into the one-liner's start-up, which runs the
 * main command without them (src/cli.ts). Cost: none.
 */
import type { ArgsDef, CommandDef } from "citty";

export function defineCommand<const T extends ArgsDef = ArgsDef>(def: CommandDef<T>): CommandDef<T> {
  return def;
}
