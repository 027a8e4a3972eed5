/**
 * Bad input: huge streams and lines, slow readers, bytes that are not UTF-8, binary data, NUL bytes,
 * lone surrogates, odd line endings, invisible and combining characters, RTL text, emoji. For each: no
 * crash, a documented result (docs/guarantees.md), and nothing lost outside the reported edits.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LexiconEngine } from "../../src/engines/lexicon/index.ts";
import { fixChunked, LONG_LINE } from "../../src/engines/chunked.ts";
import { chunks } from "../../src/text/lines.ts";
import { CLI, LONG, RUNS, SOAK, cliEnv, home, quiet, record, replay, rng, rssKb, runCli } from "./support.ts";
import { SLOW, slow } from "../support/skip.ts";

const enc = new TextEncoder();
const lex = LexiconEngine.shared();

const WORDS =
  "the of and to in is was for that with as on by at from his her this which or an be are had it not but were have one their all new also has after first been its who into two more other time some only when out most over such what than would about there can these many may them people years world where between state during where because while under both then could before city each through made since three well those part being same year until later group same known several area number called used each first second last great little own life long might must never little every against still here down made work back high place even found small large right general under public school"
    .split(" ");
const TYPOS = ["teh", "recieve", "adn", "wich", "becuase", "tset", "thier", "seperate"];

/** Prose lines (with a typo now and then) and fenced code blocks (`fencedShare` of the bytes), deterministic, `bytes` long. */
function* streamChunks(bytes: number, seed: number, fencedShare: number, maxWords: number): Generator<Uint8Array> {
  const random = rng(seed);
  const block = "```\n" + ("const x = value_" + "y".repeat(80) + ";\n").repeat(400) + "```\n";
  let sent = 0;
  let prose = 0;
  let fenced = 0;
  while (sent < bytes) {
    let s = "";
    while (s.length < 65536) {
      if (fenced < (prose * fencedShare) / (1 - fencedShare)) {
        s += block;
        fenced += block.length;
      } else {
        const n = 1 + Math.floor(random() * maxWords);
        const words = Array.from({ length: n }, () => (random() < 0.03 ? TYPOS[Math.floor(random() * TYPOS.length)]! : WORDS[Math.floor(random() * WORDS.length)]!));
        const line = words[0]!.charAt(0).toUpperCase() + words.join(" ").slice(1) + ".\n";
        s += line;
        prose += line.length;
      }
    }
    const b = enc.encode(s);
    sent += b.length;
    yield b;
  }
}

/** Stream `bytes` through the CLI, reading its output as fast as it comes; RSS sampled from /proc with the bytes sent so far. */
async function streamThrough(bytes: number, seed: number, fencedShare: number, maxWords: number) {
  const p = Bun.spawn([process.execPath, CLI, "-q"], { stdin: "pipe", stdout: "pipe", stderr: "pipe", env: cliEnv() });
  let inLines = 0;
  let sent = 0;
  const samples: Array<[number, number]> = [];
  const timer = setInterval(() => {
    const v = rssKb(p.pid);
    if (v !== null) samples.push([sent, v]);
  }, 50);
  const t0 = performance.now();
  const writer = (async () => {
    for (const b of streamChunks(bytes, seed, fencedShare, maxWords)) {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) inLines++;
      sent += b.length;
      p.stdin.write(b);
      await p.stdin.flush();
    }
    await p.stdin.end();
  })();
  let outBytes = 0;
  let outLines = 0;
  for await (const c of p.stdout) {
    outBytes += c.length;
    for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) outLines++;
  }
  await writer;
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  clearInterval(timer);
  /** Peak RSS (kB) while the bytes sent were within [from, to). */
  const peak = (from: number, to: number) => Math.max(0, ...samples.filter(([s]) => s >= from && s < to).map(([, v]) => v));
  return { code, err, sent, inLines, outBytes, outLines, peak, samples: samples.length, seconds: (performance.now() - t0) / 1000 };
}

describe("memory and time", () => {
  // Many short prose lines (the lexicon's bounded caches fill and cycle within the first quarter) between
  // long code blocks (cheap to pass through, so the stream can be far bigger than any leak could hide in)
  const stream = SOAK ? { size: 1e9, fenced: 0.9, maxWords: 12 } : { size: 256e6, fenced: 0.97, maxWords: 3 };
  test.skipIf(!SLOW)(
    slow(`a long stream: the RSS does not grow with the input (${stream.size / 1e6} MB; RSS over its first quarter against the rest)`),
    async () => {
      const r = await streamThrough(stream.size, 1, stream.fenced, stream.maxWords);
      expect(r.code).toBe(0);
      expect(quiet(r.err)).toBe(true);
      expect(r.outLines).toBe(r.inLines);
      expect(Math.abs(r.outBytes - r.sent) / r.sent).toBeLessThan(0.01);
      const q = r.sent / 4;
      const early = r.peak(0, q);
      const half = r.peak(q, 2 * q);
      const late = r.peak(2 * q, Infinity);
      const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
      record(
        "stream RSS",
        `${(r.sent / 1e6).toFixed(0)} MB in ${r.seconds.toFixed(1)} s (${(r.sent / 1e6 / r.seconds).toFixed(1)} MB/s): peak RSS over the first ${(q / 1e6).toFixed(0)} MB ${mb(early)}, up to ${((2 * q) / 1e6).toFixed(0)} MB ${mb(half)}, over the rest ${mb(late)}`,
        `${r.samples} samples of /proc/PID/status VmRSS; ${Math.round(stream.fenced * 100)} % of the bytes in code fences, prose lines of 1–${stream.maxWords} words`,
      );
      // the second half of the stream needs no more memory than its first quarter did (give or take the
      // garbage collector's slack), and far less than the input: nothing of it is kept
      expect(late).toBeLessThan(early * 1.2 + 64 * 1024);
      expect(Math.max(early, half, late)).toBeLessThan(Math.min(400e6, stream.size * 0.9) / 1024);
    },
    SOAK ? 3_600_000 : 180_000,
  );

  test.skipIf(!SLOW)(slow("a reader slower than typofix: output waits for the pipe, memory stays bounded"), async () => {
    const dir = mkdtempSync(join(home, "slow-"));
    const input = join(dir, "in.md");
    const block = "```\n" + ("x".repeat(99) + "\n").repeat(655) + "```\n";
    writeFileSync(input, block.repeat(SOAK ? 2000 : 500) + "teh end\n"); // 32 MB (soak: 131 MB) of code block
    const fifo = join(dir, "fifo");
    const pidFile = join(dir, "pid");
    const sh = Bun.spawn(["sh", "-c", `mkfifo "$F"; (sleep 3; cat > "$OUT") < "$F" & "$BUN" "$CLI" < "$IN" > "$F" & echo $! > "$PIDF"; wait`], {
      env: cliEnv({ F: fifo, OUT: join(dir, "out.md"), IN: input, PIDF: pidFile, BUN: process.execPath, CLI }),
      stderr: "pipe",
    });
    let pid = 0;
    for (let i = 0; i < 200 && !pid; i++) {
      await Bun.sleep(10);
      try {
        pid = Number(readFileSync(pidFile, "utf8").trim());
      } catch {
        /* not yet */
      }
    }
    expect(pid).toBeGreaterThan(0);
    let peak = 0;
    for (let v = rssKb(pid); v !== null; v = rssKb(pid)) {
      peak = Math.max(peak, v);
      await Bun.sleep(25);
    }
    expect(await sh.exited).toBe(0);
    const out = readFileSync(join(dir, "out.md"), "utf8");
    const inText = readFileSync(input, "utf8");
    expect(out).toBe(inText.replace(/teh end\n$/, "the end\n"));
    record("slow reader", `${(inText.length / 1e6).toFixed(0)} MB written to a reader that waits 3 s: peak RSS ${(peak / 1024).toFixed(0)} MB`);
    // before the fix the output piled up in memory (580 MB for 64 MB)
    expect(peak).toBeLessThan(160 * 1024);
  }, 120_000);
});

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

describe("long lines and long words", () => {
  test.skipIf(!SLOW)(
    slow("a 50 MB single line: corrected in bounded memory and time, nothing lost"),
    async () => {
      const unit = "The cat sat on the mat and the dog ran to the park, where teh children played. ";
      const line = unit.repeat(Math.ceil(50e6 / unit.length));
      const dir = mkdtempSync(join(home, "line-"));
      writeFileSync(join(dir, "line.txt"), line + "\n");
      const p = Bun.spawn(["sh", "-c", `exec "$BUN" "$CLI" -q < "$IN"`], { env: cliEnv({ BUN: process.execPath, CLI, IN: join(dir, "line.txt") }), stdout: "pipe", stderr: "pipe" });
      let peak = 0;
      const t = setInterval(() => (peak = Math.max(peak, rssKb(p.pid) ?? 0)), 50);
      const t0 = performance.now();
      const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(t);
      expect(code).toBe(0);
      expect(quiet(err)).toBe(true);
      expect(out.length).toBe(line.length + 1);
      expect(out === line.replaceAll(" teh ", " the ") + "\n").toBe(true);
      record("50 MB single line", `${(line.length / 1e6).toFixed(0)} MB (${line.split("teh").length - 1} typos) in ${seconds.toFixed(1)} s, peak RSS ${(peak / 1024).toFixed(0)} MB`, "before the fix: 33 s and 8.8 GB");
      // the line is given to the engine in pieces of at most 64 K characters: memory is a few times the line, not 180 times
      expect(peak).toBeLessThan(2.5 * 1024 * 1024);
      expect(seconds).toBeLessThan(150);
    },
    200_000,
  );

  test("very long words pass through unchanged, and the text around them is corrected", async () => {
    const random = rng(7);
    const b64 = (n: number) => Array.from({ length: n }, () => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[Math.floor(random() * 64)]).join("");
    const words = [b64(40), b64(300), b64(LONG_LINE - 1), b64(LONG_LINE), b64(LONG_LINE + 1), b64(200_000), "a".repeat(1_000_000), "abcdefghij".repeat(100_000)];
    const input = words.map((w) => `Teh start ${w} teh end.`).join("\n") + "\n";
    const r = await runCli(["-q"], { stdin: input });
    expect(r.code).toBe(0);
    const out = r.stdout.split("\n");
    words.forEach((w, i) => expect(out[i] === `The start ${w} the end.`).toBe(true));
    expect(r.ms).toBeLessThan(30_000);
    record("very long words (40 to 1 M characters)", words.length, `${(input.length / 1e6).toFixed(1)} MB in ${(r.ms / 1000).toFixed(1)} s`);
  }, 60_000);

  test("property: a line given in pieces comes back whole, with its edits at the line's offsets", async () => {
    const word = fc.constantFrom("teh", "cat", "recieve", "the", "Thi", "sis", "a", "tset", ".", ",", "Hello", "wrold", "😀", "naïve", "x".repeat(30));
    const gap = fc.constantFrom(" ", "  ", "\t", ". ", "! ", "");
    let runs = 0;
    let pieces = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(word, gap), { minLength: 1, maxLength: 60 }), fc.integer({ min: 8, max: 120 }), async (parts, max) => {
        runs++;
        const text = parts.map(([w, g]) => w + g).join("");
        const cs = chunks(text, max);
        pieces += cs.length;
        expect(cs.join("")).toBe(text);
        for (const c of cs) if (c.length > max) expect(/\s/.test(c.slice(0, -1))).toBe(false); // only an unbroken run is longer
        const r = await fixChunked(lex, text, {}, max);
        expect(r.input).toBe(text);
        expect(replay(text, r.edits)).toBe(r.output);
      }),
      { numRuns: RUNS, seed: 11 },
    );
    record("chunked-line property", runs, `${pieces} pieces`);
  }, LONG);
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
  });

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
