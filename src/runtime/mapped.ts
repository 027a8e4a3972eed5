/**
 * Memory-mapped data files (the lexicon, the trigram model) and the Linux page cache.
 *
 * A one-liner touches ~100 scattered pages of the 31 MB lexicon. How much each touch costs depends on how
 * the kernel holds the file: written in one piece (as typofix extracts it, or a fresh install) the page cache
 * holds it in large folios, and a fault maps a whole 2 MB folio at once (~12 faults per one-liner); read back
 * through page faults, as after a reboot, it holds it in 4 KB pages, and each touch takes a fault of its own
 * (~100 faults, ~0.65 ms more CPU per one-liner on the 2-core VM, 7 %). Reads of a mapping advised
 * MADV_HUGEPAGE are made in 2 MB folios instead, but the advice costs ~0.3 ms (bun:ffi compiles a call
 * stub), more than it saves once the file is in the cache.
 *
 * So the advice is given only when the file is not in the page cache at all: its last page (where the file
 * ends, which no whole 2 MB folio covers anyway) takes far longer to touch than a page the cache holds, since
 * it comes from the disk. That run (the first after a reboot or after the cache dropped the file) reads the
 * file back in 2 MB folios, and every run after it maps them as if the file had just been written.
 */

/** A touch slower than this comes from the disk: a fault on a cached page takes 1–5 µs, a read from an SSD 20 µs or more. */
export const COLD_TOUCH_MS = 0.025;
/** Files smaller than this are not worth the advice (no whole 2 MB folio, or a few). */
const MIN_BYTES = 4 << 20;
/** Linux's MADV_HUGEPAGE. */
const MADV_HUGEPAGE = 14;

/** How long touching the last page of `bytes` took, in ms (the byte read is kept out of dead-code elimination). */
export function lastPageTouchMs(bytes: Uint8Array): number {
  const t0 = performance.now();
  sink ^= bytes[bytes.byteLength - 1]!;
  return performance.now() - t0;
}
let sink = 0;

/**
 * Advise the mapping `bytes` (the whole mapping of a file, as Bun.mmap gives it) MADV_HUGEPAGE where the
 * file is not in the page cache (see above), on Linux. Returns whether the advice was given; never throws
 * (a failure leaves the file read as before).
 */
export function adviseIfCold(bytes: Uint8Array, touchMs = lastPageTouchMs(bytes)): boolean {
  // (TYPOFIX_NO_MAP_ADVICE: never, for instruction counts under valgrind, where every touch is slow)
  if (process.platform !== "linux" || bytes.byteLength < MIN_BYTES || touchMs < COLD_TOUCH_MS || process.env.TYPOFIX_NO_MAP_ADVICE) return false;
  return adviseHugePages(bytes);
}

/** Bun.mmap(path), advised to be read in 2 MB folios where the page cache does not hold the file (adviseIfCold). */
export function mapDataFile(path: string): Uint8Array {
  const bytes = Bun.mmap(path);
  adviseIfCold(bytes);
  return bytes;
}

/** madvise(bytes, MADV_HUGEPAGE) through libc; false where that cannot be done here. */
export function adviseHugePages(bytes: Uint8Array): boolean {
  try {
    const { dlopen, FFIType, ptr } = require("bun:ffi") as typeof import("bun:ffi");
    const libc = dlopen("libc.so.6", { madvise: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 } });
    try {
      return libc.symbols.madvise(ptr(bytes), bytes.byteLength, MADV_HUGEPAGE) === 0;
    } finally {
      libc.close();
    }
  } catch {
    return false;
  }
}
