/**
 * Byte-level line streaming for the CLI: standard input is read as bytes and cut at LF; each line keeps
 * its ending (LF, CRLF or none at end of input) so output can reproduce it exactly. Lines are decoded
 * with a fatal UTF-8 decoder: a line that is not valid UTF-8 is handed over as raw bytes so the caller
 * can pass it through unchanged. Memory is bounded by the longest line; cost is linear.
 */
import { looksBinary } from "../fsutil.ts";
import { hotPath } from "../runtime/jit.ts";

export interface RawLine {
  /** The line's text, or null when its bytes are not valid UTF-8. */
  text: string | null;
  /** The line's bytes without its ending. */
  bytes: Uint8Array;
  eol: "" | "\n" | "\r\n";
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function decodeLine(bytes: Uint8Array, eol: RawLine["eol"]): RawLine {
  let text: string | null;
  try {
    text = decoder.decode(bytes);
  } catch {
    text = null;
  }
  return { text, bytes, eol };
}

/** The byte arrays joined into one (the only one when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Yield the lines of a byte stream as they arrive. */
export async function* readLines(stream: AsyncIterable<Uint8Array>): AsyncGenerator<RawLine> {
  let pending: Uint8Array[] = [];
  for await (const chunk of stream) {
    let start = 0;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, start)) {
      pending.push(chunk.subarray(start, i));
      let line = concatBytes(pending);
      pending = [];
      let eol: RawLine["eol"] = "\n";
      if (line.length && line[line.length - 1] === 13) {
        line = line.subarray(0, line.length - 1);
        eol = "\r\n";
      }
      yield decodeLine(line, eol);
      start = i + 1;
    }
    if (start < chunk.length) pending.push(chunk.slice(start));
  }
  if (pending.length) {
    const line = concatBytes(pending);
    if (line.length) yield decodeLine(line, "");
  }
}

/**
 * The lines of a byte stream in batches: every complete line received so far, handed over when the input
 * ends, when `maxBytes` of lines are in hand, or when no more input has come for `stallMs` (a live stream:
 * `tail -f`, a person typing). The caller corrects a batch with what all its lines say of their words
 * (src/text/technical.ts), so a piped commit log or file is read as a document nearly whole, while a
 * line of a live stream is still answered before the next one is written (`stallMs` later). Same lines
 * and endings as readLines; memory bounded by `maxBytes` and the longest line. `stallMs` Infinity: no
 * pause cuts a batch (a regular file on standard input is no live stream: its batches, and so what its
 * lines say of each other, must not depend on how fast the process happened to read it).
 */
export async function* readBatches(stream: AsyncIterable<Uint8Array>, stallMs: number, maxBytes: number): AsyncGenerator<RawLine[]> {
  const it = readLines(stream)[Symbol.asyncIterator]();
  let batch: RawLine[] = [];
  let bytes = 0;
  let next = it.next();
  for (;;) {
    let r: IteratorResult<RawLine> | null;
    if (!batch.length || stallMs === Infinity) r = await next;
    else {
      let timer: ReturnType<typeof setTimeout> | undefined;
      r = await Promise.race([next, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), stallMs)))]);
      clearTimeout(timer);
    }
    if (r === null) {
      // nothing more for a while: correct what is in hand (the pending read goes on)
      yield batch;
      batch = [];
      bytes = 0;
      continue;
    }
    if (r.done) break;
    batch.push(r.value);
    bytes += r.value.bytes.length + 1;
    next = it.next();
    if (bytes >= maxBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) yield batch;
}

/** Split a whole file's bytes into lines (same rules as readLines). */
export function splitBytes(bytes: Uint8Array): RawLine[] {
  const out: RawLine[] = [];
  let start = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, start)) {
    let line = bytes.subarray(start, i);
    let eol: RawLine["eol"] = "\n";
    if (line.length && line[line.length - 1] === 13) {
      line = line.subarray(0, line.length - 1);
      eol = "\r\n";
    }
    out.push(decodeLine(line, eol));
    start = i + 1;
  }
  if (start < bytes.length) out.push(decodeLine(bytes.subarray(start), ""));
  return out;
}

/** Markdown code fences: lines between ``` or ~~~ fences are code and pass through unchanged. */
export class FenceTracker {
  private fence: string | null = null;
  /** Returns true when this line is code (a fence line itself, or inside a fence). */
  isCode(line: string): boolean {
    // (a fence has three backticks or tildes in a row: a line without them runs no regular expression, which
    // a one-liner would compile for nothing)
    const m = line.includes("```") || line.includes("~~~") ? /^\s{0,3}(`{3,}|~{3,})/.exec(line) : null;
    if (this.fence) {
      if (m && m[1]![0] === this.fence[0] && m[1]!.length >= this.fence.length) this.fence = null;
      return true;
    }
    if (m) {
      this.fence = m[1]!;
      return true;
    }
    return false;
  }
}

/**
 * Look at the first chunk of a byte stream: binary data (a NUL byte in its first 8 KB, as git decides)
 * or text. Only the first chunk is read, so a live stream (tail -f) is not held up. The chunks come back
 * whole, the first one included.
 */
export async function sniffBinary(stream: AsyncIterable<Uint8Array>): Promise<{ binary: boolean; chunks: AsyncIterable<Uint8Array> }> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  const binary = !first.done && looksBinary(first.value);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (first.done) return;
    yield first.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { binary, chunks: all() };
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [decodeLine, concatBytes, readLines, splitBytes, FenceTracker.prototype]);
