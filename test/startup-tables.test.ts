/**
 * Tables the engine builds when its modules load are built with less interpreted work (issue 20: every
 * one-liner pays for them): each must hold exactly what the straightforward construction gives.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROPER, PROPER_WORDS_TEXT } from "../src/engines/lexicon/proper.ts";
import { FOREIGN_LANGUAGES, foreignStopwordLanguages, FUNCTION_WORDS, isNamePair, isNameWord, LOANWORDS, MODALS, PARTICLES, PARTICLES_CLOSED, parseWordList, PREFIXES, RARE_SWAPS, WordList } from "../src/engines/lexicon/wordlists.ts";
import { CONFUSABLE_SETS, CONFUSABLES } from "../src/text/confusables.ts";
import { isKeyboardNeighbour, keyNeighboursMap } from "../src/text/keyboard.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

const lists = join(import.meta.dir, "../models/en/lists");
/** The word lists as they were parsed: a line at a time, a comment cut, split on whitespace. */
function perLine(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split("\n")) for (const w of line.replace(/#.*/, "").split(/\s+/)) if (w) out.add(w);
  return out;
}

describe("start-up tables", () => {
  test("word lists: the same words in the same order as a per-line parse", () => {
    const files: Array<[string, Iterable<string>]> = [
      ["function-words.txt", FUNCTION_WORDS],
      ["particles-closed.txt", PARTICLES_CLOSED],
      ["prefixes.txt", PREFIXES],
      ["name-particles.txt", PARTICLES],
      ["modals.txt", MODALS],
      ["rare-swaps.txt", RARE_SWAPS],
      ["loanwords.txt", LOANWORDS],
    ];
    for (const [f, set] of files) {
      const want = perLine(readFileSync(join(lists, f), "utf8"));
      expect(want.size).toBeGreaterThan(0);
      expect([...set]).toEqual([...want]);
    }
    for (const text of ["", "\n", "# only a comment", "a b\tc\r\n# x y\nd # e\n\n  f  ", "#a\nb#c\n c"]) expect([...parseWordList(text)]).toEqual([...perLine(text)]);
    // a WordList is the same words, made on its first look-up
    const list = new WordList("# a comment\nb a\tc # d\n");
    expect(list.has("a")).toBe(true);
    expect(list.has("d")).toBe(false);
    expect([...list]).toEqual(["b", "a", "c"]);
    expect(list.size).toBe(3);
  });

  test("the name lists, read on first use, answer from their files", () => {
    expect(isNamePair("united", "states")).toBe(true);
    expect(isNamePair("united", "cats")).toBe(false);
    expect(isNameWord("states")).toBe(true);
    expect(isNameWord("zzzq")).toBe(false);
    // every pair of the file is found (a sample across it), and a pair made of two of its words often is not
    const pairs = readFileSync(join(lists, "name-pairs.txt"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    for (let i = 0; i < pairs.length; i += 97) {
      const [a, b] = pairs[i]!.split(" ") as [string, string];
      expect(isNamePair(a, b)).toBe(true);
    }
  });

  test("the foreign function words, read on first use, answer from their file", () => {
    const rows = readFileSync(join(lists, "foreign-stopwords.txt"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    expect(rows.length).toBeGreaterThan(2000);
    for (const r of rows) {
      const [word, ...langs] = r.split(" ");
      for (const l of langs) expect(FOREIGN_LANGUAGES).toContain(l as (typeof FOREIGN_LANGUAGES)[number]);
      expect(foreignStopwordLanguages(word!)).toBe(langs.join(" "));
    }
    expect(foreignStopwordLanguages("dans")).toBe("fr");
    expect(foreignStopwordLanguages("für")).toBe("de");
    // (a word's whole line only: not the start or end of another word, nor a language's code)
    for (const w of ["zzzq", "ans", "ic", "fr", "it es", ""]) expect(foreignStopwordLanguages(w)).toBe("");
  });

  test("PROPER: has() answers as a set of the text's words would, for every dictionary word and the words themselves", () => {
    expect(PROPER_WORDS_TEXT).toMatch(/^ (?:[^\s]+ )+$/);
    const set = new Set(PROPER_WORDS_TEXT.split(/\s+/).filter(Boolean));
    expect(set.size).toBeGreaterThan(300);
    for (const w of set) expect(PROPER.has(w)).toBe(true);
    const lex = LexiconEngine.shared().lex;
    let yes = 0;
    for (let id = 0; id < lex.size; id++) {
      const w = lex.word(id);
      expect(PROPER.has(w)).toBe(set.has(w));
      if (set.has(w)) yes++;
    }
    expect(yes).toBeGreaterThan(300);
    for (const w of ["", " ", "new york", "hong kong", "japan ", " japan", "japa", "apan", "japanese's", "may", "march"]) expect(PROPER.has(w)).toBe(set.has(w));
  });

  test("confusables: each word maps to the other members of its set, in order", () => {
    const want = new Map<string, string[]>();
    for (const set of CONFUSABLE_SETS) for (const w of set) want.set(w, set.filter((x) => x !== w));
    expect([...CONFUSABLES]).toEqual([...want]);
  });

  test("keyboard: the neighbour table says what the neighbour map says, for every ASCII pair", () => {
    for (let x = 0; x < 128; x++)
      for (let y = 0; y < 128; y++) {
        const a = String.fromCharCode(x);
        const b = String.fromCharCode(y);
        expect(isKeyboardNeighbour(a, b)).toBe(keyNeighboursMap().get(a)?.includes(b) ?? false);
      }
    expect(isKeyboardNeighbour("", "a")).toBe(false);
  });
});
