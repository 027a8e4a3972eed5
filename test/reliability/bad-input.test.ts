/**
 * Bad input: bytes that are not UTF-8, binary data, NUL bytes, lone surrogates, odd line endings,
 * invisible and combining characters, RTL text, emoji (huge streams, slow readers and long lines:
 * long-input.test.ts). For each: no crash, a documented result (docs/guarantees.md), and nothing lost
 * outside the reported edits.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LexiconEngine } from "../../src/engines/lexicon/index.ts";
import { LONG, RUNS, home, quiet, record, replay, rng, runCli } from "./support.ts";

const enc = new TextEncoder();
const lex = LexiconEngine.shared();

describe("text that is not UTF-8", () => {
  // every kind of broken sequence, at every byte offset of a sentence with 2-, 3- and 4-byte characters
  const sentence = enc.encode("Teh naïve café — a tset of 東京 and 😀 emoji.");
  const breakers: Array<[string, number[]]> = [
    ["0xFF", [0xff]],
    ["lone continuation byte", [0x80]],
    ["truncated 2-byte", [0xc3]],
    ["truncated 3-byte", [0xe2, 0x82]],
    ["truncated 4-byte", [0xf0, 0x9f, 0x98]],
    ["overlong /", [0xc0, 0xaf]],
    ["UTF-8 encoded surrogate", [0xed, 0xa0, 0x80]],
    ["beyond U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ];
  const cases: Uint8Array[] = [];
  for (const [, bytes] of breakers) for (let i = 0; i <= sentence.length; i++) cases.push(new Uint8Array([...sentence.subarray(0, i), ...bytes, ...sentence.subarray(i)]));
  // a line cut in the middle of a multi-byte character
  for (let i = 1; i < sentence.length; i++) {
    const cut = sentence.subarray(0, i);
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(cut);
    } catch {
      cases.push(cut.slice());
    }
  }
  const good = enc.encode("teh good line");
  // one stream: each broken line followed by a good one (the stream recovers after each)
  const stream = new Uint8Array(cases.reduce((n, c) => n + c.length + good.length + 2, 0));
  {
    let o = 0;
    for (const c of cases) {
      stream.set(c, o);
      o += c.length;
      stream[o++] = 10;
      stream.set(good, o);
      o += good.length;
      stream[o++] = 10;
    }
  }
  const lines = (b: Uint8Array) => {
    const out: Uint8Array[] = [];
    let s = 0;
    for (let i = b.indexOf(10); i >= 0; s = i + 1, i = b.indexOf(10, s)) out.push(b.subarray(s, i));
    return out;
  };
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

  test("invalid UTF-8 at every position: each such line passes through byte for byte (standard input and --file)", async () => {
    const dir = mkdtempSync(join(home, "utf8-"));
    writeFileSync(join(dir, "bad.txt"), stream);
    for (const args of [[], ["--file", join(dir, "bad.txt")]]) {
      const r = await runCli(["-q", ...args], { stdin: args.length ? undefined : stream });
      expect(r.code).toBe(0);
      const out = lines(r.bytes);
      expect(out).toHaveLength(cases.length * 2);
      cases.forEach((c, i) => {
        expect(same(out[2 * i]!, c)).toBe(true);
        expect(new TextDecoder().decode(out[2 * i + 1]!)).toBe("the good line");
      });
    }
    const warned = await runCli([], { stdin: stream });
    expect(warned.stderr.match(/not valid UTF-8/g)).toHaveLength(1); // one warning, not one per line
    record("invalid UTF-8 lines (8 kinds × every byte offset + every mid-character cut)", cases.length, "each in one stream, standard input and --file");
  });

  test("invalid UTF-8 in --json, --diff and --check; --write refuses the file and leaves it alone", async () => {
    const j = await runCli(["--json", "-q"], { stdin: stream });
    const rows = j.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(cases.length * 2);
    rows.forEach((row, i) => {
      if (i % 2 === 0) expect([row.input, row.output, row.edits, row.warning]).toEqual([null, null, [], "invalid UTF-8: passed through unchanged"]);
      else expect(replay(row.input, row.edits)).toBe(row.output);
    });
    const d = await runCli(["--diff", "-q"], { stdin: stream });
    lines(d.bytes).forEach((l, i) => i % 2 === 0 && expect(same(l, cases[i / 2]!)).toBe(true));
    const c = await runCli(["--check", "-q"], { stdin: stream });
    expect(c.code).toBe(1);
    expect(c.stdout.trim().split("\n")).toHaveLength(cases.length); // only the good lines' "teh"
    const f = join(mkdtempSync(join(home, "utf8w-")), "bad.txt");
    writeFileSync(f, stream);
    const w = await runCli(["--file", f, "--write"]);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain("not valid UTF-8 text; refusing to rewrite it");
    expect(same(readFileSync(f), stream)).toBe(true);
    record("invalid UTF-8 lines through --json, --diff, --check, --write", cases.length * 4);
  });
});

describe("odd text: invisible, combining, RTL, emoji, NUL, lone surrogates, line endings", () => {
  // characters no edit may touch: format characters (zero-width, soft hyphen, direction marks, BOM),
  // combining marks, lone surrogates, control characters (NUL, CR), emoji, Hebrew and Arabic letters
  const UNTOUCHABLE = /[\p{Cf}\p{M}\p{Cs}\p{Cc}\p{Extended_Pictographic}\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Han}]/u;
  const count = (s: string) => [...s].filter((c) => UNTOUCHABLE.test(c) && c !== "\t").length;
  const fragments = [
    "teh", "cat", "recieve", "the", "Thi", "sis", "a", "tset", "wrold", "Hello", "accommodate", "naïve",
    "\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\u200E", "\u200F", "\u202E", "\uFEFF",
    "\u0301", "\u0308", "e\u0301", "cafe\u0301", "nai\u0308ve", "te\u200Bh", "accom\u00ADmodate", "re\u0301sume\u0301",
    "שלום", "مرحبا", "东京", "😀", "👨‍👩‍👧", "🏳️‍🌈", "👍🏽", "🇫🇷",
    "\u0000", "\r", "\uD800", "\uDC00", "\uDBFF\uDFFF",
  ];
  const gaps = [" ", " ", " ", "\t", "\u00A0", "", ". ", ", "];
  const oddText = fc.array(fc.tuple(fc.constantFrom(...fragments), fc.constantFrom(...gaps)), { minLength: 1, maxLength: 24 }).map((xs) => xs.map(([f, g]) => f + g).join(""));

  test("property (engine): odd characters never inside an edit, everything outside the edits kept", () => {
    let runs = 0;
    let edits = 0;
    fc.assert(
      fc.property(oddText, (text) => {
        runs++;
        const r = lex.fixSync(text);
        expect(replay(text, r.edits)).toBe(r.output);
        for (const e of r.edits) {
          expect(count(e.from)).toBe(0);
          expect(count(e.to)).toBe(0);
        }
        expect(count(r.output)).toBe(count(text));
        edits += r.edits.length;
      }),
      { numRuns: RUNS * 5, seed: 3 },
    );
    record("odd-text property (lexicon engine)", runs, `${edits} edits checked`);
  }, LONG);

  test("through the CLI: odd lines come out with every odd character in place (plain and --json agree)", async () => {
    // CR and lone surrogates cannot be lines of UTF-8; a NUL at the start of standard input makes it binary (see below)
    const lines = fc.sample(oddText.map((t) => t.replace(/[\r\uD800-\uDFFF\u0000]/g, "")), { numRuns: RUNS, seed: 9 });
    const input = lines.join("\n") + "\n";
    const [plain, json] = await Promise.all([runCli(["-q"], { stdin: input }), runCli(["-q", "--json"], { stdin: input })]);
    expect(plain.code).toBe(0);
    const out = plain.stdout.split("\n");
    const rows = json.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(lines.length);
    lines.forEach((l, i) => {
      expect(rows[i].input).toBe(l);
      expect(out[i]).toBe(rows[i].output);
      expect(replay(l, rows[i].edits)).toBe(out[i]!);
      expect(count(out[i]!)).toBe(count(l));
    });
    record("odd lines through the CLI", lines.length);
  }, LONG);

  test("documented results for each kind", async () => {
    const cases: Array<[string, string, string]> = [
      ["zero-width space inside a word: the word is left alone", "te\u200Bh cat", "te\u200Bh cat"],
      ["soft hyphen inside a word", "accom\u00ADmodate teh guests", "accom\u00ADmodate the guests"],
      ["combining marks (decomposed accents)", "nai\u0308ve re\u0301sume\u0301 teh", "nai\u0308ve re\u0301sume\u0301 the"],
      ["word joiner", "te\u2060h and teh", "te\u2060h and the"],
      ["RTL text and direction marks", "שלום \u200Fteh\u200F مرحبا teh", "שלום \u200Fteh\u200F مرحبا the"],
      ["emoji sequences (ZWJ, skin tone, flags)", "teh 👨‍👩‍👧 👍🏽 🇫🇷 🏳️‍🌈 cat", "the 👨‍👩‍👧 👍🏽 🇫🇷 🏳️‍🌈 cat"],
      ["a word mixing scripts is left alone", "东京Hello 的Python μm teh", "东京Hello 的Python μm the"],
      ["one stray letter of another layout inside a word is a typo", "the house was buiلt by teh", "the house was built by the"],
      ["no-break spaces and tabs", "teh\u00A0cat\tteh", "the\u00A0cat\tthe"],
    ];
    const r = await runCli(["-q"], { stdin: "\uFEFF" + cases.map(([, i]) => i).join("\n") + "\n" });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("\uFEFF")).toBe(true); // a byte-order mark is kept
    const out = r.stdout.slice(1).split("\n");
    cases.forEach(([what, , want], i) => expect([what, out[i]]).toEqual([what, want]));
    record("documented odd-text cases", cases.length);
  });

  test("line endings: LF, CRLF, CR alone, mixed, none at the end — kept byte for byte (stdin, --file, --write)", async () => {
    const input = "teh a\r\nteh b\nteh c\rteh d\r\r\nteh e\n\r\nteh f";
    const want = "the a\r\nthe b\nthe c\rthe d\r\r\nthe e\n\r\nthe f";
    expect((await runCli(["-q"], { stdin: input })).stdout).toBe(want);
    const f = join(mkdtempSync(join(home, "eol-")), "eol.txt");
    writeFileSync(f, input);
    expect((await runCli(["-q", "--file", f])).stdout).toBe(want);
    expect((await runCli(["-q", "--file", f, "--write"])).code).toBe(0);
    expect(readFileSync(f, "utf8")).toBe(want);
    // CR alone is not a line break (as for git and POSIX tools): the text around it is one line, and --check counts it so
    const c = await runCli(["--check"], { stdin: "teh cat\rteh dog\r" });
    expect(c.stdout).toBe("-:1:1: teh -> the\n-:1:9: teh -> the\n");
    record("line-ending cases", 3);
  });

  test("empty and whitespace-only input: output identical, exit 0, in every mode", async () => {
    const inputs = ["", "\n", "\n\n\n", " ", "  \t \n", "\r\n", "\r\n\r\n", "\t\r\n \n", "\u00A0\n", "\u3000\n"];
    let n = 0;
    for (const input of inputs) {
      for (const mode of [[], ["--diff"]]) {
        const r = await runCli(["-q", ...mode], { stdin: input });
        expect([JSON.stringify(input), r.code, r.stdout]).toEqual([JSON.stringify(input), 0, input]);
        n++;
      }
      const c = await runCli(["-q", "--check"], { stdin: input });
      expect([c.code, c.stdout]).toEqual([0, ""]);
      const j = await runCli(["-q", "--json"], { stdin: input });
      for (const row of j.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l))) expect([row.output, row.edits]).toEqual([row.input, []]);
      n += 2;
    }
    const f = join(mkdtempSync(join(home, "empty-")), "empty.txt");
    writeFileSync(f, "");
    expect((await runCli(["--file", f, "--write"])).code).toBe(0);
    expect(readFileSync(f, "utf8")).toBe("");
    record("empty and whitespace-only inputs × modes", n + 1);
    // (41 processes of the CLI from source, ~0.1 s each here: the default 5 s was a speed limit in disguise,
    // and a loaded CI machine went past it)
  }, 60_000);

  test("lone surrogates (library and engine): kept where they are, never part of an edit", async () => {
    const { fix } = await import("../../src/index.ts");
    const units = fc.array(fc.oneof(fc.constantFrom("teh", " ", "cat", "wrold", ". "), fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u))), { minLength: 1, maxLength: 30 }).map((xs) => xs.join(""));
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(units, async (text) => {
        runs++;
        const r = await fix(text);
        expect(replay(text, r.edits)).toBe(r.output);
        const lone = (s: string) => s.match(/[\uD800-\uDFFF]/g)?.join("") ?? "";
        expect(lone(r.output)).toBe(lone(text));
        for (const e of r.edits) expect(lone(e.from + e.to)).toBe("");
      }),
      { numRuns: RUNS, seed: 5 },
    );
    record("lone-surrogate property (library fix())", runs);
  }, LONG);
});

describe("binary data", () => {
  const random = rng(99);
  const samples: Array<[string, Uint8Array]> = [];
  for (const f of ["/bin/ls", "/bin/sh", "/usr/bin/env"]) {
    try {
      samples.push([f, new Uint8Array(readFileSync(f))]);
    } catch {
      /* not on this system */
    }
  }
  // a PNG-like header with text chunks, and random bytes with words and NULs among them
  samples.push(["png-like", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, ...enc.encode("tEXtComment\0teh quick brown fox\nteh end\n")])]);
  for (let i = 0; i < Math.max(5, RUNS / 20); i++)
    samples.push([`random ${i}`, new Uint8Array(Array.from({ length: 2000 + Math.floor(random() * 50_000) }, () => (random() < 0.3 ? enc.encode(" teh \n")[Math.floor(random() * 6)]! : Math.floor(random() * 256))))]);

  test("binary data on standard input passes through byte for byte, in every mode (before the fix it was corrected where it looked like text)", async () => {
    let n = 0;
    for (const [name, bytes] of samples) {
      if (!bytes.subarray(0, 8192).includes(0)) continue;
      const plain = await runCli(["-q"], { stdin: bytes });
      expect([name, plain.code, plain.bytes.length]).toEqual([name, 0, bytes.length]);
      expect(Buffer.compare(Buffer.from(plain.bytes), Buffer.from(bytes))).toBe(0);
      const diff = await runCli(["-q", "--diff"], { stdin: bytes });
      expect(Buffer.compare(Buffer.from(diff.bytes), Buffer.from(bytes))).toBe(0);
      const check = await runCli(["--check"], { stdin: bytes });
      expect([check.code, check.stdout]).toEqual([0, ""]);
      expect(check.stderr).toContain("binary data");
      const json = await runCli(["-q", "--json"], { stdin: bytes });
      expect(JSON.parse(json.stdout)).toMatchObject({ input: null, output: null, edits: [], warning: "binary input: passed through unchanged" });
      n++;
    }
    expect(n).toBeGreaterThan(5);
    record("binary inputs on standard input × 4 modes", n, samples.map(([s]) => s).filter((s) => s.startsWith("/")).join(", ") + ", a PNG-like header and random bytes");
  }, LONG);

  test("--file and --write refuse binary files and leave them alone", async () => {
    const dir = mkdtempSync(join(home, "bin-"));
    let n = 0;
    for (const [name, bytes] of samples.slice(0, 4)) {
      const f = join(dir, `f${n++}`);
      writeFileSync(f, bytes);
      for (const args of [["--file", f], ["--file", f, "--write"]]) {
        const r = await runCli(args);
        expect([name, r.code]).toEqual([name, 2]);
        expect(r.stderr).toContain("looks like a binary file (NUL bytes); refusing to correct it");
        expect(quiet(r.stderr)).toBe(true);
      }
      expect(Buffer.compare(readFileSync(f), Buffer.from(bytes))).toBe(0);
    }
    record("binary files refused by --file and --write", n * 2);
  });

  test("a NUL byte in text after the first chunk is kept, and the text around it corrected", async () => {
    const head = "teh line\n".repeat(20_000); // far more than one chunk
    const r = await runCli(["-q"], { stdin: head + "teh\u0000cat\n" });
    expect(r.stdout).toBe("the line\n".repeat(20_000) + "the\u0000cat\n");
  });
});
