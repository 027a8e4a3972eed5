/**
 * src/text/tokenize.ts matches the words, spaces and marks of an all-ASCII text by character codes
 * (lexAscii); the patterns remain the definition: both must give the same tokens.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tokenize } from "../src/text/tokenize.ts";

const EDGES = [
  "don't, won't and rock'n'roll; isn't it? 'quoted' words'",
  "a''b x' 'y don'",
  "tabs\tand\vvertical\ffeeds\r\nlines\n\n  end  ",
  "C++ and a+b=c, $100 & 50% <b>bold</b> | pipes ~ tilde ^ caret `code` spans",
  "don't_x foo_bar snake_case path/to/file.txt https://example.com/a?b=c",
  "e.g. U.S. army (brackets) [square] {curly} #tag @handle -- dashes... ellipsis!!! ?!",
  "NASA's GPUs, getValue() and iPhone; OAuth THe ANd",
  "\u0001control\u001fchars\u007f",
  "",
  "'",
  "x",
];

function lines(): string[] {
  const out = [...EDGES];
  const files = [join(import.meta.dir, "fixtures", "everyday", "corrupt.txt"), join(import.meta.dir, "..", "..", "shared", "data", "dev", "wikidump.realistic", "corrupt.txt")];
  for (const f of files) if (existsSync(f)) out.push(...readFileSync(f, "utf8").split("\n").slice(0, 2000));
  return out;
}

describe("tokenize: ASCII text by character codes", () => {
  test("gives the same tokens as the patterns", () => {
    let ascii = 0;
    for (const line of lines()) {
      if (/^[\x00-\x7f]*$/.test(line)) ascii++;
      expect(tokenize(line)).toEqual(tokenize(line, true));
    }
    expect(ascii).toBeGreaterThan(EDGES.length);
  });

  test("cuts a word at the protected span that follows it, as the patterns do", () => {
    const t = tokenize("don't_x");
    expect(t).toEqual(tokenize("don't_x", true));
    expect(t.map((x) => x.text).join("")).toBe("don't_x");
  });
});
