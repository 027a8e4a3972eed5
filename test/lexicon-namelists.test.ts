/** rules.ts nameLists: its early exit (fewer than two separators or six capitalised words) keeps every list it finds; and a line marker (- * + • >) leaves a name test as at the line's start. */
import { describe, expect, test } from "bun:test";
import { tokenize } from "../src/text/tokenize.ts";
import { nameLists } from "../src/engines/lexicon/rules.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

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

describe("a list item's or a quotation's marker at a line's start", () => {
  test("the word after it begins the text, as at a line's start: a capitalised typo there is no name", () => {
    const e = LexiconEngine.shared();
    for (const [typed, fixed] of [
      ["- Suports plain text", "- Supports plain text"],
      ["  * Recieve the data", "  * Receive the data"],
      ["> Beleive me", "> Believe me"],
      ["• Suports plain text", "• Supports plain text"],
    ])
      expect(e.fixSync(typed).output).toBe(fixed);
    // the same words in mid-sentence, after a dash that is no marker, stay as possible names
    expect(e.fixSync("the tool - Suports plain text").output).toBe("the tool - Suports plain text");
  });
  test("names and lower-case starts after a marker stay as typed", () => {
    const e = LexiconEngine.shared();
    for (const s of ["- John Smith wrote it", "- iPhone support", "- fixed a bug in Kerberos auth", "> Sherlock Holmes said so"]) expect(e.fixSync(s).output).toBe(s);
  });
});
