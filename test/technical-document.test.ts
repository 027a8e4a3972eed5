/**
 * src/text/technical.ts: the marks of technical writing on a line, and what a whole document says of its
 * words (technical writing by kind or by its lines' marks; lower-case words that recur), as the lexicon
 * engine reads them (FixOptions.technical, FixOptions.recurring) through src/check and the CLI.
 */
import { describe, expect, test } from "bun:test";
import { DocumentEvidence, technicalLine } from "../src/text/technical.ts";
import { continuesSentence } from "../src/text/lines.ts";
import { tokenize } from "../src/text/tokenize.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { checkDocument } from "../src/check/index.ts";

const marked = (s: string) => technicalLine(s, tokenize(s));
const engine = LexiconEngine.shared();

describe("technicalLine", () => {
  test("code spans, source file names, paths, flags and arrows are marks", () => {
    for (const s of ["see `foo` here", "set in src/cli/define.ts", "the config.yaml file", "lives in ./bin now", "a/b/c is a path", "run it with --check", "0.51 -> 0.52", "teh → the"]) expect(marked(s)).toBe(true);
  });
  test("so is a commit subject's type or area before a colon at the line's start", () => {
    for (const s of ["deps: drop the ln step", "fix(core): handle it", "feat!: break it"]) expect(marked(s)).toBe(true);
    for (const s of ["Note: this is prose", "the ratio was 3: 2", "in deps: not at the start"]) expect(marked(s)).toBe(false);
    expect(engine.fixSync("deps: drop the ln step").output).toBe("deps: drop the ln step");
    expect(engine.fixSync("Note: drop the ln step").output).not.toContain(" ln ");
  });
  test("prose forms are not: a single slash, a path of names, camelCase, a word against a bracket", () => {
    for (const s of ["the and/or case", "by Liebman/Beirach/McClure", "the startServer name", "the name(s) of it", "a well-known - dash"]) expect(marked(s)).toBe(false);
  });
});

describe("DocumentEvidence", () => {
  test("a commit message and source code's comments are technical by kind; other text by its lines' marks", () => {
    expect(new DocumentEvidence("commit").technical).toBe(true);
    expect(new DocumentEvidence("code:c").technical).toBe(true);
    const md = new DocumentEvidence("markdown");
    md.add("Some prose about the tool.");
    expect(md.technical).toBe(false);
    md.add("```sh", false);
    md.add("npm install tool", false);
    md.add("```", false);
    // (two marks: the fence's two lines)
    expect(md.technical).toBe(true);
    // one mark in more than twenty lines is not enough
    const long = new DocumentEvidence();
    for (let k = 0; k < 40; k++) long.add(`a plain line of prose number ${k}`);
    long.add("see `x`");
    long.add("see `y`");
    expect(long.technical).toBe(false);
  });
  test("the lower-case words of a line that recur in the document, only in technical writing", () => {
    const doc = new DocumentEvidence("commit");
    doc.add("citty leaves the start-up");
    doc.add("without citty's parser, once");
    expect(doc.optionsFor("the citty parser once")).toEqual({ technical: true, recurring: new Set(["citty"]) });
    const prose = new DocumentEvidence();
    prose.add("citty here");
    prose.add("citty there");
    expect(prose.optionsFor("citty")).toEqual({});
  });
  test("a capitalised word that recurs inside sentences is a name, and recurs as one at a sentence's start; one at sentences' starts only does not", () => {
    const doc = new DocumentEvidence("commit");
    doc.add("the sockets of Bun close at once");
    doc.add("as the runtime, Bun reads the file");
    doc.add("But the rest waits");
    doc.add("But not here");
    expect(doc.optionsFor("Bun does not reconnect")).toEqual({ technical: true, recurring: new Set(["Bun"]) });
    expect(doc.optionsFor("But does it")).toEqual({ technical: true });
  });
  test("a long stream keeps a bounded table: past MAX_WORDS distinct words, new ones are not counted", () => {
    const doc = new DocumentEvidence("commit");
    doc.add("citty once");
    const letters = (k: number) => k.toString(26).replace(/./g, (c) => String.fromCharCode(97 + parseInt(c, 26)));
    for (let k = 0; k < DocumentEvidence.MAX_WORDS; k += 1000) doc.add(Array.from({ length: 1000 }, (_, j) => `x${letters(k + j)}`).join(" "));
    doc.add("citty twice, zzyzx once");
    doc.add("zzyzx twice");
    expect(doc.optionsFor("citty zzyzx")).toEqual({ technical: true, recurring: new Set(["citty"]) });
  });
});

describe("the lexicon engine in a technical document", () => {
  const fix = (s: string, o = {}) => engine.fixSync(s, o).output;
  test("a contraction typed without its apostrophe is no word of code, however often the document has it", () => {
    expect(fix("Please dont merge this yet", { technical: true, recurring: new Set(["dont"]) })).toBe("Please don't merge this yet");
    expect(fix("the citty parser", { technical: true, recurring: new Set(["citty"]) })).toBe("the citty parser");
  });
  test("a rare known word that the document writes as a name stays at a sentence's start; a common one is still read in context", () => {
    expect(fix("Bun does not reconnect on its own", { technical: true, recurring: new Set(["Bun"]) })).toBe("Bun does not reconnect on its own");
    expect(fix("Teh tool does not reconnect", { technical: true, recurring: new Set(["Teh"]) })).toBe("The tool does not reconnect");
  });
  test("a short unknown word or a rare known one is left alone, a known misspelling is still fixed", () => {
    expect(fix("the rm step refuses a model")).not.toContain(" rm ");
    expect(fix("the rm step refuses a model", { technical: true })).toBe("the rm step refuses a model");
    expect(fix("teh rm step", { technical: true })).toBe("the rm step");
    // a rare known word of three letters (ane) beside a mark of code, or in a technical document
    expect(fix("no ane model is installed")).not.toContain("ane");
    expect(fix("no ane model is installed", { technical: true })).toBe("no ane model is installed");
    expect(fix("no ane model is installed, see --help")).toBe("no ane model is installed, see --help");
  });
  test("a word that recurs in the document is a word of code; a slip that does not recur is still fixed", () => {
    expect(fix("citty leaves the start-up")).toBe("city leaves the start-up");
    expect(fix("citty leaves the start-up", { technical: true, recurring: new Set(["citty"]) })).toBe("citty leaves the start-up");
    expect(fix("the bulid step of citty", { technical: true, recurring: new Set(["citty"]) })).toBe("the build step of citty");
    // (recurring words count only in technical writing)
    expect(fix("citty leaves the start-up", { recurring: new Set(["citty"]) })).toBe("city leaves the start-up");
  });
  test("in technical writing a contraction typed without its apostrophe is no short word of code, nor a person's name a slip", () => {
    const doc = { technical: true, recurring: new Set(["wont"]) };
    expect(fix("ive been trying to get Bluetooth working all moring", doc)).toBe("I've been trying to get Bluetooth working all morning");
    expect(fix("Marco says hes already filed a ticket", doc)).toBe("Marco says he's already filed a ticket");
    expect(fix("the firmware wont flash over USB", doc)).toBe("the firmware won't flash over USB");
    // (short unknown words of code stay, and a short name-only word may be a tool's: roff)
    expect(fix("learn how to write roff myself", doc)).toBe("learn how to write roff myself");
    expect(fix("no ane model is installed", doc)).toBe("no ane model is installed");
  });
  test("a typo made by habit recurs too: a set phrase run together, or two letters of a common word swapped, is still fixed", () => {
    const doc = { technical: true, recurring: new Set(["alot", "eachother", "udpate", "citty"]) };
    expect(fix("it saved us alot of time", doc)).toBe("it saved us a lot of time");
    expect(fix("the services talk to eachother", doc)).toBe("the services talk to each other");
    expect(fix("please udpate the docs", doc)).toBe("please update the docs");
    // (a name of code that no split or swap explains still recurs as one)
    expect(fix("citty leaves the start-up", doc)).toBe("citty leaves the start-up");
  });
  test("on a technical line a word that recurs within the line is a word of code too; in prose it is still a slip", () => {
    expect(fix("the citty parser and citty's own test in src/cli/define.ts")).toBe("the citty parser and citty's own test in src/cli/define.ts");
    expect(fix("the citty parser and a test in src/cli/define.ts")).toBe("the city parser and a test in src/cli/define.ts");
    expect(fix("the citty parser and citty's own test")).toBe("the city parser and city's own test");
  });
  test("two camelCase names of code on a line mark it; one, which a slip of the shift key can make, does not", () => {
    expect(fix("the lsp test covers didOpen and codeAction")).toBe("the lsp test covers didOpen and codeAction");
    expect(fix("the lsp test covers didOpen")).not.toContain("lsp");
  });
  test("src/check reads a document so: a commit message's code words are left, its slips fixed", async () => {
    const r = await checkDocument(engine, ["citty leaves the start-up", "", "the main command runs without citty's parser; rm refuses teh rest"], "commit");
    expect(r.lines.flat().map((f) => `${f.from}->${f.to}`)).toEqual(["teh->the"]);
    const plain = await checkDocument(engine, ["citty leaves the start-up", "", "the main command runs without citty's parser"], "text");
    expect(plain.lines.flat().map((f) => `${f.from}->${f.to}`)).toEqual(["citty->city", "citty's->city's"]);
  });
});

describe("lines that are units of their own", () => {
  test("a document whose open-ended lines are followed by capitals more often than by lower case is a list of units", () => {
    const chat = new DocumentEvidence("text");
    for (const l of ["we won't have the numbers until Thursday, sorry", "Refactor the payment module into services", "ok sounds good", "Their going to Spain again", "Update the changelog", "Thanks for covering"]) chat.add(l);
    expect(chat.lineUnits).toBe(true);
    const prose = new DocumentEvidence("text");
    for (const l of ["It was a cold morning in early spring, and we sat on either side", "of the fire, Holmes reading the agony column of the paper while", "I looked at the letter that had come by the first post. It was", "signed by a man I had never heard of, Mr. John Openshaw of Horsham,", "and it asked for help"]) prose.add(l);
    expect(prose.lineUnits).toBe(false);
  });
  test("a line continues an open-ended one unless it begins with a capital after a short line, or the lines are units", () => {
    const wrapped = "It was a cold morning in early spring, and we sat on either side of";
    expect(continuesSentence(wrapped, "Holmes at the fire.")).toBe(true);
    expect(continuesSentence(wrapped, "Holmes at the fire.", true)).toBe(false);
    expect(continuesSentence(wrapped, "the fire.", true)).toBe(true);
    expect(continuesSentence("Remove the null check in parseHeaders", "Their going to Spain.")).toBe(false);
    expect(continuesSentence("Remove the null check in parseHeaders.", "the end")).toBe(false);
    expect(continuesSentence(null, "the end")).toBe(false);
  });
  test("piped whole, a list of messages has a sentence at every line's start", async () => {
    const lines = ["Refactor the payment module into independent services", "Their going to Spain again this summer, lucky them.", "we won't have the numbers until Thursday, sorry", "Udpate README with the new install steps", "ok that works for me", "Everytime I try to sleep I wake up", "Thanks for covering my shift"];
    const proc = Bun.spawnSync(["bun", "src/cli.ts", "--no-server"], { stdin: new TextEncoder().encode(lines.join("\n") + "\n"), cwd: `${import.meta.dir}/..` });
    const out = proc.stdout.toString().split("\n");
    expect(out[1]).toBe("They're going to Spain again this summer, lucky them.");
    expect(out[3]).toBe("Update README with the new install steps");
    expect(out[5]).toBe("Every time I try to sleep I wake up");
  });
});
