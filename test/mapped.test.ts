/**
 * src/runtime/mapped.ts: a mapped data file that the page cache does not hold is advised MADV_HUGEPAGE
 * (read back in 2 MB folios); one it holds is left alone. The advice is checked where the kernel records it:
 * the mapping's VmFlags in /proc/self/smaps ("hg"), whatever THP or the filesystem make of it later.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COLD_TOUCH_MS, adviseHugePages, adviseIfCold, lastPageTouchMs, mapDataFile } from "../src/runtime/mapped.ts";

const notLinux = process.platform !== "linux" ? `madvise and /proc/self/smaps are Linux's; this is ${process.platform}` : null;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "typofix-mapped-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh file of `mb` MB (distinct bytes), mapped. */
function mapFile(name: string, mb: number): Uint8Array {
  const f = join(dir, name);
  const b = new Uint8Array(mb << 20);
  for (let i = 0; i < b.length; i += 4096) b[i] = (i >> 12) & 0xff;
  writeFileSync(f, b);
  return Bun.mmap(f);
}

/** The VmFlags of the mapping that holds `bytes` (from /proc/self/smaps). */
function vmFlags(bytes: Uint8Array): string[] {
  const { ptr } = require("bun:ffi") as typeof import("bun:ffi");
  const at = BigInt(ptr(bytes));
  let inside = false;
  for (const line of require("node:fs").readFileSync("/proc/self/smaps", "utf8").split("\n") as string[]) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (m) inside = BigInt("0x" + m[1]) <= at && at < BigInt("0x" + m[2]);
    else if (inside && line.startsWith("VmFlags:")) return line.slice(8).trim().split(/\s+/);
  }
  throw new Error("no mapping holds the bytes");
}

describe("mapped data files (src/runtime/mapped.ts)", () => {
  test("a data file is mapped whole, its bytes as written", () => {
    mapFile("data.bin", 1);
    const b = mapDataFile(join(dir, "data.bin"));
    expect(b.byteLength).toBe(1 << 20);
    expect(b[4096 * 5]).toBe(5);
  });

  test("touching the last page is timed", () => {
    const t = lastPageTouchMs(mapFile("touch.bin", 1));
    expect(Number.isFinite(t)).toBe(true);
    expect(t).toBeGreaterThanOrEqual(0);
  });

  test.skipIf(notLinux !== null)(`a file whose last page came as fast as the page cache gives it (under ${COLD_TOUCH_MS * 1000} µs) is not advised ${notLinux ?? ""}`, () => {
    const b = mapFile("warm.bin", 8);
    expect(adviseIfCold(b, COLD_TOUCH_MS / 10)).toBe(false);
    expect(vmFlags(b)).not.toContain("hg");
  });

  test.skipIf(notLinux !== null)(`a file whose last page came from the disk is advised MADV_HUGEPAGE, on its whole mapping ${notLinux ?? ""}`, () => {
    const b = mapFile("cold.bin", 8);
    expect(vmFlags(b)).not.toContain("hg");
    expect(adviseIfCold(b, 1)).toBe(true);
    expect(vmFlags(b)).toContain("hg");
    // the bytes read the same
    expect(b[4096 * 3]).toBe(3);
  });

  test.skipIf(notLinux !== null)(`a file too small for a 2 MB folio or two is not advised, however slow ${notLinux ?? ""}`, () => {
    const b = mapFile("small.bin", 1);
    expect(adviseIfCold(b, 1)).toBe(false);
    expect(vmFlags(b)).not.toContain("hg");
  });

  test.skipIf(notLinux !== null)(`the advice itself succeeds on a mapping (madvise returns 0) ${notLinux ?? ""}`, () => {
    expect(adviseHugePages(mapFile("direct.bin", 4))).toBe(true);
  });
});
