/** src/cli/io.ts readBatches: standard input's lines in batches, whatever the chunks it arrives in. */
import { describe, expect, test } from "bun:test";
import { readBatches, splitBytes, type RawLine } from "../src/cli/io.ts";

const enc = new TextEncoder();

async function* chunksOf(parts: Array<Uint8Array | number>): AsyncGenerator<Uint8Array> {
  // a number is a pause of that many ms before the next chunk
  for (const p of parts) {
    if (typeof p === "number") await Bun.sleep(p);
    else yield p;
  }
}

async function batches(parts: Array<Uint8Array | number>, stallMs = 1000, maxBytes = 1 << 20): Promise<RawLine[][]> {
  const out: RawLine[][] = [];
  for await (const b of readBatches(chunksOf(parts), stallMs, maxBytes)) out.push(b);
  return out;
}

const shape = (lines: RawLine[]) => lines.map((l) => [l.text, l.eol, Array.from(l.bytes)]);

describe("readBatches", () => {
  test("the lines and endings of splitBytes, however the input is cut into chunks", async () => {
    const text = enc.encode("first line\r\nsecond\n\nthird \u00e9t\u00e9\n");
    const bytes = new Uint8Array([...text, 0x62, 0xff, 0x0a, ...enc.encode("last, no ending")]);
    const whole = shape(splitBytes(bytes));
    for (const cut of [1, 2, 3, 5, 7, 64]) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += cut) parts.push(bytes.slice(i, i + cut));
      const got = await batches(parts);
      expect(got.length).toBe(1);
      expect(shape(got[0]!)).toEqual(whole);
    }
    // the invalid line is there as bytes, without text
    expect(whole.some(([t, , b]) => t === null && (b as number[]).includes(0xff))).toBe(true);
  });

  test("a batch ends once maxBytes of lines (each counted with one byte of ending) are in hand", async () => {
    const lines = ["aaaa", "bbbb", "cccc", "dddd", "eeee"];
    // 5 bytes a line (a CRLF line counts the same): a batch of 10 bytes is two lines
    const got = await batches([enc.encode(lines.join("\r\n") + "\n")], 1000, 10);
    expect(got.map((b) => b.map((l) => l.text))).toEqual([["aaaa", "bbbb"], ["cccc", "dddd"], ["eeee"]]);
    const split = await batches([enc.encode("aaaa\nbb"), enc.encode("bb\ncccc\ndd"), enc.encode("dd\neeee")], 1000, 10);
    expect(split.map((b) => b.map((l) => l.text))).toEqual([["aaaa", "bbbb"], ["cccc", "dddd"], ["eeee"]]);
  });

  test("a pause in the input hands over the lines in hand; an empty input gives no batch", async () => {
    const got = await batches([enc.encode("one\ntwo\n"), 80, enc.encode("three\n")], 20);
    expect(got.map((b) => b.map((l) => l.text))).toEqual([["one", "two"], ["three"]]);
    const fast = await batches([enc.encode("one\ntwo\n"), enc.encode("three\n")], 1000);
    expect(fast.map((b) => b.map((l) => l.text))).toEqual([["one", "two", "three"]]);
    expect(await batches([])).toEqual([]);
  });

  test("with stallMs Infinity (a regular file) no pause cuts a batch: only maxBytes does", async () => {
    const got = await batches([enc.encode("one\ntwo\n"), 60, enc.encode("three\n"), 40, enc.encode("four\n")], Infinity);
    expect(got.map((b) => b.map((l) => l.text))).toEqual([["one", "two", "three", "four"]]);
    const capped = await batches([enc.encode("aaaa\n"), 40, enc.encode("bbbb\ncccc\n")], Infinity, 10);
    expect(capped.map((b) => b.map((l) => l.text))).toEqual([["aaaa", "bbbb"], ["cccc"]]);
  });
});
