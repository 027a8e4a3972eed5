/**
 * node:fs, loaded on first use. Importing it costs a compiled one-liner ~3 M instructions and ~150 page
 * faults (~3 ms of CPU: its JavaScript module is evaluated), more than the rest of the command line's own
 * modules; a one-liner needs no file of its own (no config, no dictionary, no server socket, no model), and
 * asks whether each exists through Bun.file instead: a stat(2) call without the module (noEntry). Modules on the
 * one-liner's path call nodeFs() where they read or write files, instead of importing node:fs.
 */
let fs: typeof import("node:fs") | undefined;

/** The node:fs module (required on the first call). */
export function nodeFs(): typeof import("node:fs") {
  return (fs ??= require("node:fs") as typeof import("node:fs"));
}

/**
 * What Bun.file(path).lastModified is when stat(2) of the path fails (nothing there, a dangling link, a
 * folder on the way that is missing or unreadable): the largest exact integer of a double.
 */
const STAT_FAILED = 2 ** 52 - 1;

/**
 * Whether stat(2) of `path` fails, found without node:fs: then existsSync and statSync say the same (false;
 * a throw). false means "something may be there": ask node:fs (exists). (If a Bun release reported a failed
 * stat otherwise, every path would count as maybe there, and answers would stay right, only slower.)
 */
export function noEntry(path: string): boolean {
  return Bun.file(path).lastModified === STAT_FAILED;
}

/** existsSync(path), without loading node:fs when nothing is there (the usual case for a one-liner's files). */
export function exists(path: string): boolean {
  return !noEntry(path) && nodeFs().existsSync(path);
}
