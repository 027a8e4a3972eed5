/**
 * Issue 20, start-up and the CLI path: results leave through write(2) in buffered writes (src/cli/stdout.ts)
 * and the one-liner never builds `process.stdout` (a Node stream that costs ~7 ms of CPU in a compiled
 * binary); the bundle loads no node:crypto at start-up; the bench rows of src/bench/startup.ts (one-liner
 * against peers in alternation, end to end over a file) measure what they say.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stdout } from "../src/cli/stdout.ts";
import { exists, noEntry } from "../src/runtime/fs.ts";
import { join as joinPath } from "../src/runtime/path.ts";
import { posix } from "node:path";
import { countWords, endToEnd, evictFromPageCache, measureCached, measureStartup } from "../src/bench/startup.ts";
import { markdown, table, type BenchReport } from "../src/bench/index.ts";
import { parseArgs as cittyParseArgs } from "citty";
import { argsOf, parseArgv } from "../src/cli/argv.ts";
import fix, { fixArgs } from "../src/cli/fix.ts";
import { INLINE_TEXT, inlinedWordList } from "../scripts/build.ts";
import { WordList } from "../src/engines/lexicon/wordlists.ts";

const CLI = join(import.meta.dir, "../src/cli.ts");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "typofix-startup-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/**
 * Runs cmd with its stdout a non-blocking pipe that a slow reader drains (after `pause` seconds, 4 KB at a
 * time with a short sleep between reads), stdin from `stdin` when given; python3 prints the exit code,
 * the byte count and the SHA-256 of what was read.
 */
function slowReader(cmd: string[], stdin: string | null, pause: number, env: Record<string, string | undefined>) {
  const py = `import os, fcntl, subprocess, sys, time, hashlib
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
stdin = open(sys.argv[2], "rb") if sys.argv[2] else None
p = subprocess.Popen(sys.argv[3:], stdin=stdin, stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
time.sleep(float(sys.argv[1]))
out = b""
while True:
    b = os.read(r, 4096)
    if not b: break
    out += b
    time.sleep(0.0002)
print(p.wait(), len(out), hashlib.sha256(out).hexdigest())`;
  return Bun.spawnSync(["python3", "-c", py, String(pause), stdin ?? "", ...cmd], { env, stdout: "pipe", stderr: "pipe" });
}

describe("Stdout: buffered write(2)", () => {
  test("strings and raw bytes come out in order, byte for byte, only when flushed", async () => {
    const f = join(dir, "out.bin");
    const fd = openSync(f, "w");
    try {
      const out = new Stdout(1 << 20, fd);
      await out.write("héllo 😀\n");
      await out.write(new Uint8Array([0xff, 0xfe, 0x0a])); // not UTF-8: passed as bytes
      await out.write("");
      await out.write("end\r\n");
      expect(readFileSync(f).length).toBe(0);
      await out.flush();
      const want = Buffer.concat([Buffer.from("héllo 😀\n"), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from("end\r\n")]);
      expect(Buffer.compare(readFileSync(f), want)).toBe(0);
      await out.flush(); // nothing pending: nothing written twice
      expect(readFileSync(f).length).toBe(want.length);
    } finally {
      closeSync(fd);
    }
  });
  test("past its limit it writes without being asked (memory stays bounded)", async () => {
    const f = join(dir, "big.txt");
    const fd = openSync(f, "w");
    try {
      const out = new Stdout(100, fd);
      for (let i = 0; i < 30; i++) await out.write(`line ${i}\n`);
      const early = readFileSync(f, "utf8");
      expect(early.length).toBeGreaterThanOrEqual(100);
      await out.flush();
      expect(readFileSync(f, "utf8")).toBe(Array.from({ length: 30 }, (_, i) => `line ${i}\n`).join(""));
    } finally {
      closeSync(fd);
    }
  });
});

describe("files asked about without node:fs (src/runtime/fs.ts)", () => {
  test("noEntry is true exactly where a stat fails, and exists answers as existsSync does", () => {
    const d = join(dir, "entries");
    mkdirSync(join(d, "folder"), { recursive: true });
    writeFileSync(join(d, "empty"), "");
    writeFileSync(join(d, "file"), "text\n");
    symlinkSync(join(d, "file"), join(d, "link"));
    symlinkSync(join(d, "gone"), join(d, "dangling"));
    const there = ["empty", "file", "folder", "link", "."].map((n) => join(d, n));
    const missing = ["gone", "dangling", "file/below", "gone/below"].map((n) => join(d, n));
    for (const p of there) expect([p, noEntry(p), exists(p)]).toEqual([p, false, true]);
    for (const p of missing) expect([p, noEntry(p), exists(p)]).toEqual([p, true, false]);
    for (const p of [...there, ...missing, ""]) expect([p, exists(p)]).toEqual([p, existsSync(p)]);
  });
});

describe("join without node:path (src/runtime/path.ts)", () => {
  test("the same as node:path's posix.join on random segments (., .., empty, repeated and trailing slashes)", () => {
    const pieces = ["", "/", "//", ".", "..", "a", "bc", ".hidden", "..x", "x..", "...", "typofix", "a/b", "./a", "../b", "a/", "/a/", "a//b", "a/./b", "a/../b", "~"];
    let seed = 20;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const segment = () => Array.from({ length: rnd(4) }, () => pieces[rnd(pieces.length)]!).join("");
    expect(joinPath()).toBe(posix.join());
    for (let k = 0; k < 20000; k++) {
      const parts = Array.from({ length: 1 + rnd(4) }, segment);
      expect([parts, joinPath(...parts)]).toEqual([parts, posix.join(...parts)]);
    }
    for (const parts of [["/root", ".config"], ["/root/.config/", "typofix", "config.yaml"], ["/tmp/x/../y", "./z"], ["", ""], ["../..", ".."]]) expect(joinPath(...parts)).toBe(posix.join(...parts));
  });
});

describe("the one-liner's start-up", () => {
  // a preload that reports on stderr whenever process.stdout is built
  const trap = () => {
    const f = join(dir, "trap.ts");
    writeFileSync(
      f,
      `const d = Object.getOwnPropertyDescriptor(process, "stdout");
Object.defineProperty(process, "stdout", { configurable: true, get() { require("node:fs").writeSync(2, "STDOUT-BUILT\\n"); return d.get ? d.get.call(process) : d.value; } });\n`,
    );
    return f;
  };
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, "config"), XDG_CACHE_HOME: join(dir, "cache"), TYPOFIX_NO_SERVER: "1", NO_COLOR: "", FORCE_COLOR: "", TERM: "xterm", ...extra });
  const run = (args: string[], stdin?: string) => {
    const p = Bun.spawnSync([process.execPath, "--preload", trap(), CLI, ...args], { env: env(), stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
    return { out: p.stdout.toString(), err: p.stderr.toString(), code: p.exitCode };
  };
  test("corrects and writes without building process.stdout", () => {
    const r = run(["Thi sis a tset"]);
    expect(r.out).toBe("This is a test\n");
    expect(r.err).not.toContain("STDOUT-BUILT");
    expect(r.code).toBe(0);
  });
  test("--version and standard input do not build it either", () => {
    expect(run(["--version"]).err).not.toContain("STDOUT-BUILT");
    const r = run([], "teh cat\nfine\n");
    expect(r.out).toBe("the cat\nfine\n");
    expect(r.err).not.toContain("STDOUT-BUILT");
  });
  // a pipe left non-blocking by a parent: write(2) answers EAGAIN while the reader is slow, and the
  // rest must go through the stream that waits for it (python3 sets O_NONBLOCK; Bun cannot here)
  test.skipIf(!Bun.which("python3"))("a non-blocking stdout with a slow reader loses nothing (needs python3)", () => {
    const input = join(dir, "many.txt");
    const text = Array.from({ length: 20000 }, (_, i) => `Line ${i}: teh quick brown fox, fine text here.`).join("\n") + "\n";
    writeFileSync(input, text);
    const p = slowReader([process.execPath, CLI, "--quiet"], input, 0.5, env());
    const want = text.replaceAll("teh quick", "the quick");
    expect(p.stdout.toString().trim()).toBe(`0 ${Buffer.byteLength(want)} ${new Bun.CryptoHasher("sha256").update(want).digest("hex")}`);
  }, 60_000);
  // small flushes (a one-liner's, a line-prompt pipe's) go out with Bun.write: whole, in order, none repeated
  test.skipIf(!Bun.which("python3"))("small flushes to a non-blocking stdout with a slow reader lose nothing and repeat nothing (needs python3)", () => {
    const script = join(dir, "small-flushes.ts");
    writeFileSync(script, `import { Stdout } from ${JSON.stringify(join(import.meta.dir, "../src/cli/stdout.ts"))};
const out = new Stdout();
for (let i = 0; i < 3000; i++) {
  await out.write(String(i % 10).repeat(299) + "\\n");
  await out.flush();
}
`);
    const p = slowReader([process.execPath, script], null, 0.3, env());
    const want = Array.from({ length: 3000 }, (_, i) => String(i % 10).repeat(299) + "\n").join("");
    expect(p.stdout.toString().trim()).toBe(`0 ${want.length} ${new Bun.CryptoHasher("sha256").update(want).digest("hex")}`);
  }, 60_000);
  test("the trap works: --diff asks whether stdout is a terminal, which builds it", () => {
    const r = run(["--diff", "teh cat"]);
    expect(r.err).toContain("STDOUT-BUILT");
    expect(r.code).toBe(0);
  });
  test("what the binary loads at start-up imports neither node:crypto (~2 ms), node:fs (~3 ms), node:path nor citty's parser and node:util", async () => {
    // built as scripts/build.ts does (code splitting): the entry and the chunks it imports statically
    // are what every start-up loads; top-level imports of built-in modules are evaluated with them
    const b = await Bun.build({
      entrypoints: [CLI],
      target: "bun",
      format: "esm",
      splitting: true,
      minify: true,
      external: ["typofix:embedded"],
      plugins: [{ name: "stub-sharp", setup: (x) => void x.onResolve({ filter: /^sharp$/ }, () => ({ path: join(import.meta.dir, "../scripts/stubs/sharp.ts") })) }],
    });
    expect(b.success).toBe(true);
    const js = new Map<string, string>();
    for (const o of b.outputs) if (o.path.endsWith(".js")) js.set(o.path.split("/").pop()!, await o.text());
    const seen = new Set<string>();
    const walk = (name: string) => {
      if (seen.has(name) || !js.has(name)) return;
      seen.add(name);
      for (const m of js.get(name)!.matchAll(/(?:^|[;}\n])import\s*(?:[\w$]+|\{[^}]*\}|\*\s*as\s*[\w$]+)?\s*(?:from\s*)?"\.\/([^"]+)"/g)) walk(m[1]!);
    };
    walk("cli.js");
    expect(seen.size).toBeGreaterThan(1); // the walk follows the entry's chunks
    const builtinsOf = (names: Iterable<string>) => [...names].flatMap((n) => [...js.get(n)!.matchAll(/(?:^|[;}\n])import\s*\{[^}]*\}\s*from\s*"([^".][^"]*)"/g)].map((m) => m[1]));
    const builtins = builtinsOf(seen);
    expect(builtinsOf(js.keys())).toContain("fs"); // the pattern finds builtin imports (the subcommands' chunks import fs)
    // nor node:fs (~2-3 M instructions) and node:path (~0.8 M): the one-liner's modules load them on first use
    // (src/runtime/fs.ts, src/runtime/path.ts)
    for (const bad of ["crypto", "node:crypto", "util", "node:util", "fs", "node:fs", "path", "node:path"]) expect(builtins).not.toContain(bad);
    // and across the whole build, node:util is there (citty's parser, loaded only for subcommands)
    expect([...js.values()].some((t) => /import\s*\{[^}]*\}\s*from\s*"(node:)?util"/.test(t))).toBe(true);
  }, 30_000);
});

describe("the engine of a one-liner (src/engines/index.ts createEngine)", () => {
  test("auto without models, and the lexicon asked for, give the shared lexicon engine without a notice; a model store goes through the checks", async () => {
    const { createEngine } = await import("../src/engines/index.ts");
    const { LexiconEngine } = await import("../src/engines/lexicon/index.ts");
    const home = mkdtempSync(join(tmpdir(), "typofix-engine-"));
    const before = process.env.TYPOFIX_HOME;
    process.env.TYPOFIX_HOME = home;
    try {
      const notices: string[] = [];
      const onNotice = (m: string) => void notices.push(m);
      expect(await createEngine({ onNotice })).toBe(LexiconEngine.shared());
      expect(await createEngine({ engine: "lexicon", onNotice })).toBe(LexiconEngine.shared());
      // an empty model store: no model installed, the same engine through the factories' checks
      mkdirSync(join(home, "models"));
      expect(await createEngine({ onNotice })).toBe(LexiconEngine.shared());
      expect(notices).toEqual([]);
      await expect(createEngine({ engine: "onnx", onNotice })).rejects.toThrow("not available");
    } finally {
      if (before === undefined) delete process.env.TYPOFIX_HOME;
      else process.env.TYPOFIX_HOME = before;
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("the compiled binary's build (scripts/build.ts)", () => {
  test("inlines the lexicon's text imports as string constants (a compiled binary would load each with a require()), not its file imports", () => {
    const dir = join(import.meta.dir, "../src/engines/lexicon");
    const src = readFileSync(join(dir, "wordlists.ts"), "utf8");
    const imported = (type: string) => [...src.matchAll(new RegExp(`from "([^"]+)" with \\{ type: "${type}" \\}`, "g"))].map((m) => join(dir, m[1]!));
    expect(imported("text").length).toBe(7);
    for (const f of imported("text")) expect(INLINE_TEXT.test(f)).toBe(true);
    expect(imported("file").length).toBe(3);
    for (const f of imported("file")) expect(INLINE_TEXT.test(f)).toBe(false);
  });
  test("inlines each word list as its words, which give the set that parsing its text gives (same words, same order)", () => {
    const dir = join(import.meta.dir, "../models/en/lists");
    for (const name of ["function-words", "particles-closed", "prefixes", "name-particles", "modals", "rare-swaps", "loanwords"]) {
      const text = readFileSync(join(dir, `${name}.txt`), "utf8");
      const words = inlinedWordList(text);
      expect(words.length).toBeGreaterThan(3);
      expect([...new WordList(() => words)]).toEqual([...new WordList(text)]);
      expect(new WordList(() => words).size).toBe(new WordList(text).size);
    }
  });
});

describe("the main command's args without citty's parser", () => {
  const cases = [
    ["Thi sis a tset"],
    ["The", "quikc", "fox"],
    [],
    ["-"],
    ["--json", "teh cat"],
    ["-q", "--diff", "--", "--version", "-x"],
    ["--no-guard", "--no-server", "-e", "lexicon", "--model=m1", "--model", "m2", "teh"],
    ["--engine=a=b", "--lang", "en", "--no-color", "x"],
    ["--color", "--check", "-f", "a.txt", "--file=b.txt", "-f-"],
    ["--write", "--file", "notes.md", "--guard=false", "--quiet=true"],
    ["--", "", "  spaced  ", "-"],
  ];
  test.each(cases)("%p: the same values as citty's parseArgs", async (...argv) => {
    const parsed = await parseArgv(fix, argv as string[], ["typofix"], true);
    const mine = argsOf(fixArgs, parsed.args);
    const theirs = (await cittyParseArgs(parsed.args, fixArgs)) as Record<string, unknown>;
    for (const k of [...Object.keys(fixArgs), "_"]) expect([k, mine[k]]).toEqual([k, theirs[k]]);
  });
});

describe("bench rows (src/bench/startup.ts)", () => {
  test("contenders run in alternation, each measured in wall and CPU time, with ratios against the peers only", () => {
    const log = join(dir, "order.log");
    writeFileSync(log, "");
    const c = (name: string) => ({ name, cmd: ["sh", "-c", `echo ${name} >> "${log}"`] });
    const r = measureStartup([c("typofix"), c("typofix_other"), c("peer")], 3, 1, process.env);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(Array(4).fill(["typofix", "typofix_other", "peer"]).flat());
    for (const row of r.rows) {
      expect(row.wallMs.n).toBe(3);
      expect(row.cpuMs.n).toBe(3);
      expect(row.wallMs.min).toBeGreaterThan(0);
    }
    expect(r.ratios.map((x) => x.vs)).toEqual(["peer"]);
    expect(r.ratios[0]!.wall).toBeCloseTo(r.rows[0]!.wallMs.p50 / r.rows[2]!.wallMs.p50, 6);
  });
  test("a contender that fails is reported and left out of the ratios", () => {
    const r = measureStartup([{ name: "typofix", cmd: ["true"] }, { name: "broken", cmd: ["sh", "-c", "echo nope >&2; exit 3"] }], 2, 0, process.env);
    expect(r.rows[1]!.error).toBe("exit 3: nope");
    expect(r.ratios).toEqual([]);
  });
  test("under a controlled page cache every contender runs with one new TYPOFIX_HOME, removed after, and the report says which cache it met", () => {
    const log = join(dir, "homes.log");
    writeFileSync(log, "");
    const c = (name: string) => ({ name, cmd: ["sh", "-c", `test -d "$TYPOFIX_HOME" && echo "${name} $TYPOFIX_HOME" >> "${log}"`] });
    const r = measureCached([c("typofix"), c("peer")], 2, 1, "fresh", { PATH: process.env.PATH });
    expect(r.pageCache).toBe("fresh");
    expect(r.rows.every((x) => !x.error && x.wallMs.n === 2)).toBe(true);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    // one round to extract the data, one of warm-up, two measured
    expect(lines.length).toBe(8);
    const homes = new Set(lines.map((l) => l.split(" ")[1]));
    expect(homes.size).toBe(1);
    expect(existsSync([...homes][0]!)).toBe(false);
  });
  test.skipIf(process.platform !== "linux")("after a reboot: the files are dropped from the page cache and one more round reads them back (Linux)", () => {
    const f = join(dir, "evict-me.bin");
    writeFileSync(f, new Uint8Array(1 << 20).fill(7));
    expect(evictFromPageCache([f, join(dir, "no-such-file")])).toEqual([f]);
    expect(readFileSync(f)[12345]).toBe(7);
    const log = join(dir, "reboot.log");
    writeFileSync(log, "");
    const r = measureCached([{ name: "typofix", cmd: ["sh", "-c", `echo run >> "${log}"`] }], 2, 1, "after reboot", { PATH: process.env.PATH });
    expect(r.pageCache).toBe("after reboot");
    // extract, read back after the drop, warm-up, two measured
    expect(readFileSync(log, "utf8").trim().split("\n").length).toBe(5);
  });
  test("end to end: words of the file, the output's SHA-256, words/s", () => {
    const f = join(dir, "prose.txt");
    const text = "One two  three\nfour\tfive\n\nsix 😀 seven\n";
    writeFileSync(f, text);
    expect(countWords(text)).toBe(8);
    const r = endToEnd(["cat"], f, process.env);
    expect(r.words).toBe(8);
    expect(r.exitCode).toBe(0);
    expect(r.outputSha256).toBe(new Bun.CryptoHasher("sha256").update(text).digest("hex"));
    expect(r.wordsPerS).toBeCloseTo(8 / r.seconds, 6);
  });
  test("the table and the Markdown show the one-liner rows, the ratios and end to end beside the engine", () => {
    const st = measureStartup([{ name: "typofix", cmd: ["true"] }, { name: "aspell", cmd: ["true"] }], 2, 0, process.env);
    const f = join(dir, "words.txt");
    writeFileSync(f, "a b c d\n");
    const e2e = { ...endToEnd(["cat"], f, process.env), engineWordsPerS: 1234, engineCpuWordsPerS: 2345 };
    const r = { tool: "typofix bench", version: "0", startedAt: "", interrupted: false, machine: { platform: "linux", arch: "x64", os: "", cpu: "", cores: 2, memoryGb: 1, bun: "" }, options: {}, engines: [], raw: [], peers: [], consistency: [], ratios: [], errors: [], cli: { startup: st, endToEnd: e2e } } as unknown as BenchReport;
    const t = table(r);
    expect(t).toContain(`one-liner typofix: wall ${st.rows[0]!.wallMs.p50.toFixed(1)} ms`);
    expect(t).toContain(`ratio typofix / aspell: wall ${st.ratios[0]!.wall.toFixed(2)}×, CPU ${st.ratios[0]!.cpu.toFixed(2)}×`);
    expect(t).toMatch(/end to end \(typofix --no-server < file\): \d+ words\/s wall, .* over 4 words, .*; engine alone 1234 words\/s wall, 2345 words\/s CPU/);
    const md = markdown(r);
    expect(md).toContain("| one-liner (new process, alternating) | wall ms p50 | CPU ms p50 | runs |");
    expect(md).toContain("| aspell |");
    expect(md).toContain("- typofix / aspell: wall");
    expect(md).toContain("over 4 words");
    expect(md).toContain("the engine alone 1234 words/s (wall), 2345 words/s (CPU)");
  });
});
