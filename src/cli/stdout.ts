/**
 * Results to standard output, buffered and written with write(2) on descriptor 1. Bun's
 * `process.stdout` is a Node stream built on first use: touching it (even `.isTTY`) costs ~7 ms of CPU
 * in a compiled binary whose whole start-up is ~5 ms, so the one-liner never creates it. Text is kept
 * until `flush()` (the caller flushes before it waits for more input, so a pipe stays line-prompt) or
 * until 64 KB are pending, then written in one system call instead of one per line.
 *
 * A flush of at most ATOMIC_WRITE bytes (a one-liner's result) goes out with Bun.write, which needs no
 * node:fs (loading it costs a one-liner ~2 M instructions, src/runtime/fs.ts); a larger one with node:fs's
 * writeSync. (Bun.write repeats bytes after a partial write to a non-blocking pipe, Bun 1.4.5: 100,000-byte
 * writes to a slow reader gave 1,158,624 bytes for 1,000,000. A pipe takes a write of at most PIPE_BUF
 * bytes whole or not at all, never in part.)
 *
 * A broken pipe (the reader has gone: `typofix | head -1`) ends the process quietly with the exit code
 * so far, as before. When descriptor 1 is non-blocking (shared with a Node parent) write(2) can answer
 * EAGAIN: from then on the rest goes through `process.stdout`, waiting for it to drain, so nothing is
 * lost and memory stays bounded. Cost: one copy of the pending text, one write per flush.
 */
import { concatBytes } from "./io.ts";
import { nodeFs } from "../runtime/fs.ts";
import { hotPath } from "../runtime/jit.ts";

const encoder = new TextEncoder();

/** Bytes a pipe writes atomically everywhere (POSIX's least PIPE_BUF: 512 on macOS, 4,096 on Linux). */
export const ATOMIC_WRITE = 512;

export class Stdout {
  private parts: Array<string | Uint8Array> = [];
  private size = 0;
  private stream = false;

  constructor(
    private readonly limit = 64 * 1024,
    private readonly fd = 1,
  ) {}

  /** Whether everything went out through write(2): nothing can still be pending in a stream. */
  get synchronous(): boolean {
    return !this.stream;
  }

  /** Queue `s`; past the limit, flush. */
  async write(s: string | Uint8Array): Promise<void> {
    if (!s.length) return;
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.limit) await this.flush();
  }

  /** Write everything queued. Resolves once the bytes are with the kernel (or the stream has drained). */
  async flush(): Promise<void> {
    if (!this.parts.length) return;
    const bytes = this.take();
    if (!this.stream && bytes.length <= ATOMIC_WRITE) return this.small(bytes);
    if (!this.stream) {
      const rest = this.direct(bytes);
      if (rest === null) return;
      this.stream = true;
      return this.viaStream(rest);
    }
    return this.viaStream(bytes);
  }

  /** The queued parts as one byte array; the queue is emptied. */
  private take(): Uint8Array {
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    // (loops, not every/map: a one-liner runs this in the interpreter, where a builtin's first call compiles it)
    let strings = true;
    for (let i = 0; i < parts.length && strings; i++) strings = typeof parts[i] === "string";
    if (strings) return encoder.encode((parts as string[]).join(""));
    const bytes: Uint8Array[] = [];
    for (const p of parts) bytes.push(typeof p === "string" ? encoder.encode(p) : p);
    return concatBytes(bytes);
  }

  /** A small write, whole, by Bun.write (it waits for a descriptor that would block). */
  private async small(bytes: Uint8Array): Promise<void> {
    try {
      await Bun.write(this.fd === 1 ? Bun.stdout : Bun.file(this.fd), bytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    }
  }

  /** write(2) until done; returns what is left when the descriptor would block, null when all is written. */
  private direct(bytes: Uint8Array): Uint8Array | null {
    const { writeSync } = nodeFs();
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(this.fd, bytes, off, bytes.length - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EWOULDBLOCK") return bytes.subarray(off);
        if (code === "EPIPE") process.exit(process.exitCode ?? 0);
        throw err;
      }
    }
    return null;
  }

  private async viaStream(bytes: Uint8Array): Promise<void> {
    const out = process.stdout;
    if (!this.listening) {
      this.listening = true;
      out.on?.("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      });
    }
    if (out.write(bytes)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off("drain", done);
        out.off("close", done);
        resolve();
      };
      out.on("drain", done);
      out.on("close", done);
    });
  }
  private listening = false;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [Stdout.prototype]);
