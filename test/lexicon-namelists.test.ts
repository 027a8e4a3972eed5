/** rules.ts nameLists: its early exit (fewer than two separators or six capitalised words) keeps every list it finds. */
import { describe, expect, test } from "bun:test";
import { tokenize } from "../src/text/tokenize.ts";
import { nameLists } from "../src/engines/lexicon/rules.ts";

const names = (text: string) => {
  const tokens = tokenize(text);
  return [...nameLists(tokens)].map((k) => tokens[k]!.text);
};

describe("nameLists", () => {
  test("a list of three names of two words each (six capitalised words) is found", () => {
    expect(names("released by Robert Washbourne, Rishi Iyer, and Yu Bai today").sort()).toEqual(["Bai", "Iyer", "Rishi", "Robert", "Washbourne", "Yu"]);
  });

  test("five capitalised words make no list", () => {
    expect(names("by Robert Washbourne, Rishi Iyer, and Yu bai")).toEqual([]);
    expect(names("Holmes, Watson, and Lestrade went out")).toEqual([]);
  });
});
