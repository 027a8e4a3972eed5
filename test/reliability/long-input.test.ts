/**
 * Bad input, continued from bad-input.test.ts: huge streams (the RSS does not grow with the input), readers
 * slower than typofix, and long lines and words (a 50 MB line, words of up to 1 M characters, the chunked
 * line property). For each: no crash, a documented result (docs/guarantees.md), nothing lost.
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
      // garbage collector's slack): nothing of it is kept
      expect(late).toBeLessThan(early * 1.2 + 64 * 1024);
      // and the working set has a ceiling of its own: run from source it was 182–217 MB at dba8d8f and
      // 237–256 MB on 2026-12-03 after standard input became a document (src/text/technical.ts) and the
      // trigram model of confusables came in (docs/guarantees.md); 90 % of a 256 MB input, the bound
      // before, sat inside that range, so it tested the working set, not what the stream keeps
      expect(Math.max(early, half, late)).toBeLessThan(320 * 1024);
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
    // against a cost that grows faster than the word (a quadratic one would far exceed this), not a speed
    // check: generous for a loaded 2-core machine; the speed on long lines is measured by the bench
    expect(r.ms).toBeLessThan(45_000);
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

