/**
 * Printers: one place that turns FixResults into what the user sees — plain corrected text, one JSON
 * object per line, an inline diff, or `file:line:col: from -> to` findings. Engines never print.
 */
import type { FixResult } from "../types.ts";
import { hotPath } from "../runtime/jit.ts";

export type OutputMode = "plain" | "json" | "diff" | "check";

export interface Where {
  /** File name as shown to the user ("-" for standard input, "<text>" for arguments). */
  file: string;
  /** 1-based line number. */
  line: number;
}

const RED = "\x1b[31m";
const GREEN = "\x1b[32m";
const STRIKE = "\x1b[9m";
const RESET = "\x1b[0m";

/** The line as corrected. */
export function plain(r: FixResult): string {
  return r.output;
}

/** One JSON object: input, output, edits (UTF-16 offsets into input), engine, and rejected/warning when present. */
export function json(r: FixResult, where?: Where): string {
  const o: Record<string, unknown> = { input: r.input, output: r.output, edits: r.edits, engine: r.engine };
  if (r.rejected?.length) o.rejected = r.rejected;
  if (r.warning) o.warning = r.warning;
  if (where && where.file !== "<text>") {
    o.file = where.file;
    o.line = where.line;
  }
  return JSON.stringify(o);
}

/** The JSON line for input that is no text (invalid UTF-8, binary data) and so passed through unchanged. */
export function jsonPassedThrough(engine: string, warning: string, file: string, line?: number): string {
  return JSON.stringify({ input: null, output: null, edits: [], engine, warning, file, ...(line === undefined ? {} : { line }) });
}

/** The input with each edit shown inline: coloured, or as [-old-]{+new+} without colour. */
export function diff(r: FixResult, color: boolean): string {
  let out = "";
  let pos = 0;
  for (const e of r.edits) {
    out += r.input.slice(pos, e.start);
    if (color) {
      if (e.from) out += `${RED}${STRIKE}${e.from}${RESET}`;
      if (e.to) out += `${GREEN}${e.to}${RESET}`;
    } else {
      if (e.from) out += `[-${e.from}-]`;
      if (e.to) out += `{+${e.to}+}`;
    }
    pos = e.end;
  }
  return out + r.input.slice(pos);
}

/**
 * One finding per edit: `file:line:col: from -> to`. col is 1-based and counts bytes of UTF-8, as
 * ripgrep's --column, grep -b and editors' quickfix lists do (an emoji is 4); a byte-order mark at the
 * start of a file is not counted (editors hide it). `--json` keeps UTF-16 offsets for JavaScript.
 */
export function check(r: FixResult, where: Where): string[] {
  return r.edits.map((e) => `${where.file}:${where.line}:${byteColumn(r.input, e.start, where.line === 1)}: ${e.from} -> ${e.to}`);
}

/** The 1-based UTF-8 byte column of UTF-16 index `at` in `line`; a byte-order mark opening a file's first line is not counted. */
export function byteColumn(line: string, at: number, firstLine: boolean): number {
  const bom = firstLine && line.charCodeAt(0) === 0xfeff ? 1 : 0;
  return at > bom ? utf8Length(line.slice(bom, at)) + 1 : 1;
}

const encoder = new TextEncoder();

/** Bytes of `s` in UTF-8 (a lone surrogate counts 3, as it is written: U+FFFD). */
function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [plain]);
