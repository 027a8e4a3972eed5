import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEveryday } from "../scripts/everyday.ts";

const dir = join(import.meta.dir, "fixtures/everyday");

test("the everyday set's corrupt.txt and correct.txt are generated from source.txt", () => {
  const pairs = parseEveryday(readFileSync(join(dir, "source.txt"), "utf8"));
  expect(pairs.length).toBeGreaterThanOrEqual(150);
  expect(readFileSync(join(dir, "corrupt.txt"), "utf8")).toBe(pairs.map((p) => p.corrupt).join("\n") + "\n");
  expect(readFileSync(join(dir, "correct.txt"), "utf8")).toBe(pairs.map((p) => p.correct).join("\n") + "\n");
});

test("parseEveryday: pairs, clean lines, comments, and a line with two arrows is an error", () => {
  expect(parseEveryday("# c\nteh cat => the cat\n\nclean line\n")).toEqual([
    { corrupt: "teh cat", correct: "the cat" },
    { corrupt: "clean line", correct: "clean line" },
  ]);
  expect(() => parseEveryday("a => b => c")).toThrow(/more than one/);
});
