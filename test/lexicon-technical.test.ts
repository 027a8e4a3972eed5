/**
 * Clean technical English (issue 14's technical-text target): what the lexicon engine leaves alone in
 * package READMEs, docs and commit messages (author lists, coined mixed-case names, code words), each
 * beside a typo of the same kind that is still fixed, so that no test passes by the engine doing nothing.
 */
import { describe, expect, test } from "bun:test";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { shiftExplains } from "../src/engines/lexicon/hypotheses.ts";

const engine = LexiconEngine.shared();
const fix = (s: string) => engine.fixSync(s).output;

describe("names in a list of names", () => {
  test.each([
    "released with the paper by Robert Washbourne, Rishi Iyer, Tomas Figliolia, and Pritish Kamath.",
    "by Ivan Evtimov, Joanna Bitton, Manish Bhatt, Cristian Canton Ferrer, Aaron Grattafiori",
    "Gaurav Mishra, Adams Yu, Vincent Zhao, Yanping Huang",
    "Michael Lappert, Francesco De Toni, Rahul K. Arora, Qian Liu",
    "by Jianlin Su and Yu Lu and Shengfeng Pan and Bo Wen and Yunfeng Liu.",
  ])("%s", (s) => {
    expect(fix(s)).toBe(s);
  });

  test("the same words outside a list are judged as words", () => {
    expect(fix("the Pritish people")).toBe("the British people");
    // two names are no list
    expect(fix("Rishi Iyer and Pritish Kamath")).toBe("Rishi Iyer and British Kamath");
  });
});

describe("coined mixed-case names", () => {
  test.each(["the GPT NeoX model", "the DeiT model of Facebook", "From GitHub via jsDelivr today"])("%s", (s) => {
    expect(fix(s)).toBe(s);
  });

  test("a Markdown reference label is an identifier, not a word (testling-svg), while the same word in prose is judged", () => {
    const s = "[![browser support][testling-svg]][testling-url]";
    expect(fix(s)).toBe(s);
    expect(fix("[testling-svg]: https://ci.testling.com/ljharb/object-keys.png")).toBe("[testling-svg]: https://ci.testling.com/ljharb/object-keys.png");
    expect(fix("see [the docs][api-ref] for teh details")).toBe("see [the docs][api-ref] for the details");
  });

  test("a short coined name's last capital stands for no other letter (NeoX is no Neon)", () => {
    const s = "1. **[GPT NeoX](https://huggingface.co/docs/transformers/model_doc/gpt_neox)** (from EleutherAI) released with the paper";
    expect(fix(s)).toBe(s);
    expect(shiftExplains("NeoX", "Neon")).toBe(false);
    expect(shiftExplains("UniversitX", "University")).toBe(true);
  });

  test("a capital that a slip of the shift key explains is still fixed", () => {
    expect(fix("the UniversitX of Leeds")).toBe("the University of Leeds");
    expect(fix("ThaiE food")).toBe("Thai food");
    expect(fix("a cpU test")).toBe("a cpu test");
    expect(fix("thE dog")).toBe("the dog");
    // (and only that: a slipped capital inside a capitalised word is no licence for a second edit)
    expect(fix("the PinTts of beer")).toBe("the Pints of beer");
    expect(fix("the ImaAm of the mosque")).toBe("the Imam of the mosque");
  });
});

describe("a known misspelling keeps its ending", () => {
  test("interractions is interactions, even where the bigrams like the singular", () => {
    expect(fix("without any user interractions but")).toBe("without any user interactions but");
    expect(fix("a user interraction")).toBe("a user interaction");
  });
});

describe("the plural of a technical word", () => {
  test("is a word: wasms, gpus", () => {
    expect(fix("# tree-sitter-wasms")).toBe("# tree-sitter-wasms");
    expect(fix("the wasms are loaded")).toBe("the wasms are loaded");
    // (a plural-looking slip of a common word is still fixed)
    expect(fix("we wass there")).toBe("we was there");
  });
});

describe("code words in prose", () => {
  test("a short unknown word in a dotted name is code", () => {
    expect(fix("simplify your troubleshoot with fc.context and its logging")).toBe("simplify your troubleshoot with fc.context and its logging");
    // (after a sentence's full stop and a space it is a word again)
    expect(fix("It ended. dn 1945 the war was over")).toBe("It ended. In 1945 the war was over");
  });
});

describe("a list of terms", () => {
  test("an unknown word among other unknown words and code is a term", () => {
    const s = "skipped with the reason in the name (cc, rsvg-convert, ruby, python3, qemu, tmpfs, setpriv, chattr, dev data)";
    expect(fix(s)).toBe(s);
  });

  test("a typo in a list of words is fixed, and so is a known misspelling in a list of them", () => {
    expect(fix("apples, oranges, banannas, pears")).toBe("apples, oranges, bananas, pears");
    expect(fix("seperate, wierd, lonley")).toBe("separate, weird, lonely");
  });
});

describe("short words in technical text", () => {
  test("beside code, a URL or a snake_case name, a short unknown word is a word of code", () => {
    expect(fix("We keep improving op coverage in the `webgl` backend")).toBe("We keep improving op coverage in the `webgl` backend");
    expect(fix("ln P is above `settledLogP` here")).toBe("ln P is above `settledLogP` here");
    expect(fix("see https://example.com/docs for op coverage")).toBe("see https://example.com/docs for op coverage");
  });

  test("so it is beside a source file's name, a path, a command-line flag or an arrow", () => {
    expect(fix("the ln of each score is kept in src/engines/params.ts today")).toBe("the ln of each score is kept in src/engines/params.ts today");
    expect(fix("we run it through the lsp driver and --check on a folder")).toBe("we run it through the lsp driver and --check on a folder");
    expect(fix("the rm step lives in ./bin now")).toBe("the rm step lives in ./bin now");
    expect(fix("an op per layer, 0.51 -> 0.52")).toBe("an op per layer, 0.51 -> 0.52");
  });

  test("a single slash, a path of names or a word against ( is no mark of code", () => {
    expect(fix("the ln of each and/or score")).toBe("the in of each and/or score");
    expect(fix("by Liebman/Beirach/McClure the ln was made")).not.toContain(" ln ");
  });

  test("in prose it is a slip, and a known misspelling is fixed anywhere", () => {
    expect(fix("We keep improving ln coverage in the WebGL backend")).toBe("We keep improving in coverage in the WebGL backend");
    // (`op`, a word of its own since the lexicon counts SCOWL's common words from CMU Sphinx's unigrams,
    // is left to the context: "op coverage" is operation coverage)
    expect(fix("We keep improving op coverage in the WebGL backend")).toBe("We keep improving op coverage in the WebGL backend");
    expect(fix("see `foo` and teh rest")).toBe("see `foo` and the rest");
  });
});

describe("a README's title", () => {
  test("a lower-case word beginning a Markdown heading is a name; a misspelt heading is fixed", () => {
    expect(fix("# gopd <sup>[![Version Badge][npm-version-svg]][package-url]</sup>")).toBe("# gopd <sup>[![Version Badge][npm-version-svg]][package-url]</sup>");
    expect(fix("# 🌆 citty")).toBe("# 🌆 citty");
    expect(fix("## Instalation")).toBe("## Installation");
    expect(fix("# teh guide")).toBe("# the guide");
  });
});

describe("a known misspelling in a list of names", () => {
  test("is still corrected", () => {
    expect(fix("He met John Smith, Jane Doe, and Teh Beatles")).toBe("He met John Smith, Jane Doe, and The Beatles");
  });
});
