import { readFileSync } from "node:fs";
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { caseShapeOf } from "../src/text/case.ts";
import { negates, negatesUncached, negationCount } from "../src/text/negation.ts";
import { pattern } from "../src/text/ascii.ts";
import { phoneticKey } from "../src/text/phonetic.ts";
import { applyEdits, diffEdits, mergeResults, protectedSpans, segments, splitLines, tokenize, applyCase, caseShape } from "../src/text/index.ts";

const kinds = (s: string) => protectedSpans(s).map((x) => [x.kind, s.slice(x.start, x.end)]);

describe("protected spans", () => {
  test("finds URLs, emails, paths, code, numbers, handles, tags, acronyms, identifiers", () => {
    const s = "See https://example.com/a?b=1, mail me@x.org, run `npm tset` in ./src/cli.ts at 10:30 with NASA @bob #tag getValue formula_11 v2.";
    expect(kinds(s)).toEqual([
      ["url", "https://example.com/a?b=1"],
      ["email", "me@x.org"],
      ["code", "`npm tset`"],
      ["path", "./src/cli.ts"],
      ["number", "10:30"],
      ["acronym", "NASA"],
      ["handle", "@bob"],
      ["hashtag", "#tag"],
      ["identifier", "getValue"],
      ["number", "formula_11"],
      ["number", "v2"],
    ]);
  });
  test("the owner a comment's tag names is a name, not a word: TODO(anh), FIXME(tset)", () => {
    expect(kinds("// TODO(anh): move this")).toContainEqual(["code", "anh"]);
    expect(kinds("# FIXME(tset): teh parser")).toContainEqual(["code", "tset"]);
    // (only after a tag: a word in brackets is prose)
    expect(kinds("the list (teh) here").map(([k]) => k)).not.toContain("code");
  });
  test("trailing sentence punctuation is not part of a URL", () => {
    const s = "Go to www.example.org/path.";
    expect(kinds(s)).toEqual([["url", "www.example.org/path"]]);
  });
  test("file names and Windows paths", () => {
    expect(kinds("edit config.yaml and C:\\Users\\bob\\notes.txt")).toEqual([
      ["filename", "config.yaml"],
      ["path", "C:\\Users\\bob\\notes.txt"],
    ]);
  });
  test("the label of a Markdown reference link, and of its definition, is markup; bracketed words are not", () => {
    expect(kinds("see [the docs][api-ref] and [![ci][travis-svg]][travis-url]")).toEqual([
      ["markup", "][api-ref]"],
      ["markup", "][travis-svg]"],
      ["markup", "][travis-url]"],
    ]);
    expect(kinds("[travis-svg]: https://travis-ci.org/x.svg")).toEqual([
      ["markup", "[travis-svg]"],
      ["url", "https://travis-ci.org/x.svg"],
    ]);
    expect(kinds("a list [a] [b] of words")).toEqual([]);
  });
  test("a command-line option where a word would begin is code, a hyphenated handle one handle; a prose hyphen is neither", () => {
    expect(kinds("rg --no-mmap -A9 and flags like -pn, (--json) or `x` -i")).toEqual([
      ["code", "--no-mmap"],
      ["code", "-A9"],
      ["code", "-pn"],
      ["code", "--json"],
      ["code", "`x`"],
      ["code", "-i"],
    ]);
    expect(kinds("Thanks to @matheus-pacifico for it")).toEqual([["handle", "@matheus-pacifico"]]);
    expect(kinds("pre- and post-war e-mail, a - dash, an -- aside, -5 below")).toEqual([["number", "5"]]);
  });
  test("the name a doc comment's tag documents is code; the tag's description is prose", () => {
    const code = (s: string) => kinds(s).filter(([k]) => k === "code").map(([, t]) => t);
    expect(code(" * @param exat Set the specified Unix time")).toEqual(["exat"]);
    expect(code("@param {number} optionz the options")).toEqual(["optionz"]);
    expect(code("@param [optionz] optional, @typeParam Tval the type")).toEqual(["optionz", "Tval"]);
    expect(code(" * @property {Object} opts.colr the colour")).toEqual(["opts.colr"]);
    expect(code(":param int countr: how many")).toEqual(["int countr"]);
    expect(code(":raises ValueErorr: when bad")).toEqual(["ValueErorr"]);
    for (const s of ["@returns teh value", "@throws {Error} when teh key", "see @paramz teh tag", "the param teh value", "note: param teh value"]) expect(code(s)).toEqual([]);
  });
  test("a backslash escape run on to a word is code; a Windows path stays a path", () => {
    expect(kinds('render("# Title\\n\\nHello") and "\\nport = 1"')).toEqual([
      ["code", "render"],
      ["code", "\\n"],
      ["code", "\\nHello"],
      ["code", "\\nport"],
      ["number", "1"],
    ]);
    expect(kinds("C:\\Users\\bob")).toEqual([["path", "C:\\Users\\bob"]]);
  });
  test("abbreviations with dots are not file names", () => {
    expect(kinds("e.g. this")).toEqual([]);
  });
  test("skipping the patterns an ASCII text cannot match gives the same spans as running them all", () => {
    const dir = `${import.meta.dir}/fixtures`;
    const lines = ["everyday/corrupt.txt", "genres/comments.txt", "genres/csv.txt", "genres/emails.txt"].flatMap((f) => readFileSync(`${dir}/${f}`, "utf8").split("\n"));
    // and random strings over the characters the patterns need, letters, digits, accents and spaces
    const alphabet = "aZ9 _.:/\\@#`<>=[(-'sQwé\u0301\u00ad东";
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    // (and the cases of camelCase and ALL-CAPS: a capital after a lower-case letter, two in a row, one alone)
    lines.push("Thi sis a tset", "iPhone and JavaScript", "NASA's HTTPs", "McDonald", "a Z", "aZ", "ZZ", "Za", "ZaZ", "I'M OK", "x's", "OKs");
    // (half of them ASCII only, where patterns are skipped)
    for (let k = 0; k < 2000; k++) lines.push(Array.from({ length: 1 + rand(60) }, () => alphabet[rand(alphabet.length - (k % 2 ? 4 : 0))]).join(""));
    // (and the edges of the URL, file-name, option and blob tests: "://" and "www.", a dot before a lower-case
    // letter, a hyphen after a space or a bracket, runs of 39 to 41 characters without a space)
    lines.push("a=-x", "see http://x.org", "a www.example.com b", "www", "ftp:/x", "file.ts", "e.g. this", "A.b", "x.Z", "_.a", "-.a", ".a", "-v", "(-v", "a -v", "a-v", "=--x", "[-x", "'-x", "`-x", "{-x", '"-x');
    for (const n of [39, 40, 41]) lines.push("x".repeat(n), `a ${"y".repeat(n)} b`, `(${"z".repeat(n)})`, `a\t${"q".repeat(n)}`);
    let skipped = 0;
    for (const line of lines) {
      expect(protectedSpans(line)).toEqual(protectedSpans(line, false));
      if (!/[^\x00-\x7f]/.test(line) && !/[0-9:./@#`<>=[(_\\]|[a-z][A-Z]|[A-Z]{2}/.test(line)) skipped++;
    }
    expect(lines.length).toBeGreaterThan(2300);
    expect(skipped).toBeGreaterThan(0);
  });
});

describe("tokenize", () => {
  test("tokens cover the text exactly (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const toks = tokenize(s);
        expect(toks.map((t) => t.text).join("")).toBe(s);
        let pos = 0;
        for (const t of toks) {
          expect(t.start).toBe(pos);
          expect(t.end).toBe(pos + t.text.length);
          pos = t.end;
        }
      }),
      { numRuns: 300 },
    );
  });
  test("words keep inner apostrophes; emoji and CJK are not words", () => {
    const toks = tokenize("don't 😀 東京 café");
    expect(toks.filter((t) => t.kind === "word").map((t) => t.text)).toEqual(["don't", "東京", "café"]);
    expect(toks.find((t) => t.text === "😀")?.kind).toBe("other");
  });
});

describe("case", () => {
  test("shapes and restoration", () => {
    expect(caseShape("hello")).toBe("lower");
    expect(caseShape("Hello")).toBe("title");
    expect(caseShape("HELLO")).toBe("upper");
    expect(caseShape("hELLo")).toBe("mixed");
    expect(applyCase("Teh", "the")).toBe("The");
    expect(applyCase("TEH", "the")).toBe("THE");
    expect(applyCase("teh", "the")).toBe("the");
  });
});

describe("fast paths give the same answers as the general code", () => {
  test("a negation run on to the next word counts as the two words do: noone, nevermind", () => {
    expect(negationCount("noone reads it")).toBe(negationCount("no one reads it"));
    expect(negationCount("oh nevermind, found it")).toBe(negationCount("oh never mind, found it"));
  });
  test("caseShape's ASCII pass agrees with the comparison of case-mapped forms; negates' shortcut and memo with the uncached check", () => {
    const letters = "aAzZmM'’-1 éÉnNoOtT";
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const words = ["", "a", "A", "I", "HTTP", "Hello", "iPhone", "NASA's", "DON'T", "Don’t", "(not)", "never,", "Nothing", "cannot", "noon", "no-one", "ñot"];
    for (let k = 0; k < 5000; k++) words.push(Array.from({ length: rand(9) }, () => letters[rand(letters.length)]).join(""));
    for (const w of words) {
      expect(caseShape(w)).toBe(caseShapeOf(w));
      expect(negates(w)).toBe(negatesUncached(w));
      expect(negates(w)).toBe(negatesUncached(w));
    }
    expect(words.filter((w) => negates(w)).length).toBeGreaterThan(5);
    // negatesUncached skips its two replaces where they change nothing: the same as running both
    const NEG = new Set("not no never nor none nothing nobody nowhere neither cannot dont doesnt didnt cant couldnt wont wouldnt shouldnt isnt arent wasnt werent hasnt havent hadnt aint mustnt neednt mightnt shant".split(" "));
    const both = (word: string) => {
      const w = word.toLowerCase().replace(/['’]/g, "");
      return NEG.has(w.replace(pattern("trimNonLetters", w), ""));
    };
    for (const w of [...words, "¡no!", "«never»", "nøt", "'not'", "no.", "-none-", "n"]) expect(negatesUncached(w)).toBe(both(w));
  });
});

describe("edits", () => {
  test("diffEdits then applyEdits reproduces the output (property)", () => {
    const word = fc.constantFrom("the", "teh", "cat", "sat", "on", "a", "mat", "Thi", "sis", "is", "this");
    const sentence = fc.array(word, { minLength: 0, maxLength: 12 }).map((ws) => ws.join(" "));
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        const edits = diffEdits(a, b);
        expect(applyEdits(a, edits)).toBe(b);
        for (const e of edits) expect(a.slice(e.start, e.end)).toBe(e.from);
      }),
      { numRuns: 300 },
    );
  });
  test("unchanged words stay out of edits", () => {
    const e = diffEdits("I went too the stor", "I went to the store");
    expect(e.map((x) => [x.from, x.to])).toEqual([
      ["too", "to"],
      ["stor", "store"],
    ]);
  });
  test("overlapping edits are refused", () => {
    expect(() =>
      applyEdits("abc", [
        { start: 0, end: 2, from: "ab", to: "x", kind: "spelling" },
        { start: 1, end: 3, from: "bc", to: "y", kind: "spelling" },
      ]),
    ).toThrow();
  });
  test("mergeResults moves each piece's edits to the whole text's offsets and keeps warnings once, in order", () => {
    const text = "teh cat. a dgo sat.";
    const p1 = "teh cat. ";
    const p2 = "a dgo sat.";
    const r1 = { input: p1, output: "the cat. ", edits: diffEdits(p1, "the cat. "), engine: "x", warning: "w1" };
    const r2 = { input: p2, output: "a dog sat.", edits: diffEdits(p2, "a dog sat."), engine: "x", warning: "w1",
      rejected: [{ start: 6, end: 9, from: "sat", to: "set", kind: "spelling" as const, reason: "r" }] };
    const m = mergeResults(text, [{ base: 0, result: r1 }, { base: p1.length, result: r2, warning: "w0" }], "x");
    expect(m.output).toBe("the cat. a dog sat.");
    expect(m.edits.map((e) => [e.start, text.slice(e.start, e.end), e.to])).toEqual([[0, "teh", "the"], [11, "dgo", "dog"]]);
    expect(m.rejected?.map((e) => text.slice(e.start, e.end))).toEqual(["sat"]);
    expect(m.warning).toBe("w1; w0");
    // a given output (the pieces' outputs put together) is kept as it is
    expect(mergeResults(text, [], "x", "given").output).toBe("given");
    expect(mergeResults(text, [], "x")).toEqual({ input: text, output: text, edits: [], engine: "x" });
  });
});

describe("lines and segments", () => {
  test("splitLines keeps endings", () => {
    const ls = splitLines("a\r\nb\nc");
    expect(ls.map((l) => [l.text, l.eol])).toEqual([
      ["a", "\r\n"],
      ["b", "\n"],
      ["c", ""],
    ]);
  });
  test("segments reassemble exactly and respect the bound", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.integer({ min: 10, max: 300 }), (s, max) => {
        const segs = segments(s, max);
        expect(segs.join("")).toBe(s);
        // only an unbroken run of non-space characters (never cut) is longer than the bound
        for (const x of segs) if (x.length > max) expect(/\s/.test(x.slice(0, -1))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe("phonetic key", () => {
  test("spellings that sound alike share a key; words that sound different do not", () => {
    expect(phoneticKey("elefant")).toBe(phoneticKey("elephant"));
    expect(phoneticKey("nashun")).toBe(phoneticKey("nation"));
    expect(phoneticKey("skool")).toBe(phoneticKey("school"));
    expect(phoneticKey("knight")).toBe(phoneticKey("night"));
    expect(phoneticKey("juse")).toBe(phoneticKey("juice"));
    expect(phoneticKey("elegant")).not.toBe(phoneticKey("elephant"));
    expect(phoneticKey("people")).not.toBe(phoneticKey("purple"));
    expect(phoneticKey("")).toBe("");
    expect(phoneticKey("Phone")).toBe("FN");
  });
});

