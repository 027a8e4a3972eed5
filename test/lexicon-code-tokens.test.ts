/**
 * Code tokens in technical prose: a short unknown word written against a mark of code or markup, with
 * no word beside it in its run, is an identifier or flag (`fn:`, `[bb]`, `**lt**`), not a typo; beside
 * each, a typo of the same length that is still fixed, so no test passes by the engine doing nothing.
 */
import { describe, expect, test } from "bun:test";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

const engine = LexiconEngine.shared();
const fix = (s: string) => engine.fixSync(s).output;

describe("short unknown words against code marks", () => {
  test.each([
    "EventEmitter#on(evt: `string`, fn: `function`): `EventEmitter`",
    "| [![build][bb]][bl] | [![coverage][cb]][cl] |",
    "- Long#**lessThan**/**lt**(other: `LongLike`): `boolean`",
    "ADM-ZIP has supported electron **original-fs** for years",
    "onnx: run sessions through bun:ffi and the C API",
    "[bb]: https://github.com/kaelzhang/node-ignore/actions/workflows/nodejs.yml/badge.svg",
    "* **Field.d&lt;T>(fieldId: `number`)",
    "| aom           | BSD 2-Clause |",
    "| pango         | LGPLv3 |",
    "- Long#**rotateRight**/**rotr**(numBits: `Long | number`): `Long`",
    "- Long#**toBytes**(le?: `boolean`): `number[]`",
  ])("%s stays", (s) => {
    expect(fix(s)).toBe(s);
  });
  test("a known misspelling against a code mark is still fixed", () => {
    expect(fix("the notes (teh: see below)")).toBe("the notes (the: see below)");
  });
  test("short typos in a run of words, or beside a number or prose punctuation, are still fixed", () => {
    expect(fix("I went ot the shop")).toBe("I went to the shop");
    expect(fix("dn 1945, the ship sailed")).toBe("In 1945, the ship sailed");
    expect(fix("| wnet to the shop | yes |")).toBe("| went to the shop | yes |");
    // a longer word between two marks is kept only if short: a six-letter slip in a cell is fixed
    expect(fix("| recieve | yes |")).toBe("| receive | yes |");
    expect(fix("| lenght | yes |")).toBe("| length | yes |");
  });
  test("a text of one word is judged as a word", () => {
    expect(fix("ot")).not.toBe("ot");
  });
});

describe("a contraction against an underscore", () => {
  test("an emphasis closed after a contraction is not split into don' + t_ (which became don'tttt_)", async () => {
    const { tokenize } = await import("../src/text/tokenize.ts");
    const s = "- _surprisingly some frameworks don't_";
    expect(fix(s)).toBe(s);
    expect(tokenize(s).filter((t) => t.kind === "word").map((t) => t.text)).toContain("don't");
    // a snake_case identifier is still one protected token, and a misspelt contraction is still fixed
    expect(tokenize("a snake_case name").some((t) => t.kind === "protected" && t.text === "snake_case")).toBe(true);
    expect(fix("_I dont know_")).toBe("_I don't know_");
  });
});

describe("the from side of a described replacement is mentioned, not used", () => {
  test.each([
    "Contractions typed without an apostrophe (dont → don't, Im → I'm, theyre → they're) are fixed",
    'the sentence decides ("The dog sat. hTe cat" → "The cat", "bread Vnd butter" -> "and")',
    "a capitalised word (Chiness => Chinese) pays half",
  ])("%s stays", (s) => {
    expect(fix(s)).toBe(s);
  });
  test("the side after the arrow, and text with no arrow, are still checked", () => {
    expect(fix("x -> teh cat")).toBe("x -> the cat");
    expect(fix("I dont know (Chiness food)")).toBe("I don't know (Chinese food)");
  });
});

describe("coined names of mixed case", () => {
  test("a capital then two more among lower-case letters is a name written so (BEiT, DeBERTa, FastViT)", () => {
    const s = "released with BEiT and DeBERTa, then FastViT, LLaVa and ConvNeXt";
    expect(fix(s)).toBe(s);
  });
  test("one stray capital is still a slip of the shift key", () => {
    expect(fix("the whole JustTce system")).toBe("the whole Justice system");
    expect(fix("she gaFve it back")).toBe("she gave it back");
  });
});
