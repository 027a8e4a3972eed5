/**
 * The command line keeps its promises at the edges (issue 15), each checked by spawning the CLI:
 * unknown options and commands, `--` and text that starts with "-", several files, one-line errors and
 * the exit-code table, colour, configuration and dictionary messages, argument validation, help,
 * read-only files, and --check columns.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandDef } from "citty";
import { spawnCli } from "./support/cli.ts";
import { subCommands } from "../src/cli/commands.ts";
import { ensureModel } from "../scripts/fixtures.ts";

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "typofix-promises-"));
  chmodSync(home, 0o755);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function env(extra: Record<string, string | undefined> = {}): Record<string, string> {
  // nothing an earlier test file left in the environment (TYPOFIX_*) reaches these runs
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TYPOFIX_")));
  const e: Record<string, string | undefined> = { ...base, HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_CACHE_HOME: join(home, "cache"), TYPOFIX_NO_SERVER: "1", ...extra };
  for (const k of ["NO_COLOR", "FORCE_COLOR", "CI", "TEST"]) if (!(k in extra)) delete e[k];
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e as Record<string, string>;
}
const run = (args: string[], o: { stdin?: string; env?: Record<string, string | undefined> } = {}) => spawnCli(args, env(o.env), o.stdin);
const ANSI = /\x1b\[/;
/** One line on stderr, no stack trace. */
const oneLine = (s: string) => s.trim().split("\n").length === 1 && !/\n\s+at /.test(s) && s.startsWith("typofix: ");

/** A real unprivileged user (nobody) for permission checks: root ignores file modes. */
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const setpriv = Bun.which("setpriv");
const asNobody = isRoot && setpriv ? [setpriv, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--"] : null;
const noNobody = !asNobody && isRoot ? "root without setpriv: no unprivileged user to run as" : "";
async function runAs(prefix: string[], args: string[], e: Record<string, string>) {
  const p = Bun.spawn([...prefix, process.execPath, join(import.meta.dir, "../src/cli.ts"), ...args], { stdout: "pipe", stderr: "pipe", env: e, stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { stdout, stderr, code };
}

/** Every command path: ["fix"], ["dict", "add"], … (new subcommands are picked up here). */
async function commandPaths(): Promise<string[][]> {
  const out: string[][] = [];
  const walk = async (subs: Record<string, unknown>, path: string[]) => {
    for (const [name, load] of Object.entries(subs)) {
      const cmd = (typeof load === "function" ? await (load as () => Promise<CommandDef<any>>)() : load) as CommandDef<any>;
      const inner = (typeof cmd.subCommands === "function" ? await (cmd.subCommands as () => unknown)() : cmd.subCommands) as Record<string, unknown> | undefined;
      if (inner && Object.keys(inner).length) await walk(inner, [...path, name]);
      else out.push([...path, name]);
    }
  };
  await walk(subCommands, []);
  return out;
}

describe("unknown options and commands", () => {
  test("a misspelt --check is an error with a suggestion, not a silent pass", async () => {
    const f = join(home, "typo.txt");
    writeFileSync(f, "teh cat\n");
    const r = await run(["--chekc", "--file", f]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("typofix: unknown option --chekc (did you mean --check?)\n");
    const w = await run(["--file", f, "--wirte"]);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain("did you mean --write?");
    expect(readFileSync(f, "utf8")).toBe("teh cat\n");
    for (const flag of ["-V", "-x", "--frobnicate", "--check=yes"]) {
      const r = await run([flag, "teh"]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(oneLine(r.stderr)).toBe(true);
    }
  }, 30_000);
  test("every command and subcommand refuses an unknown option (exit 2) and has help naming it fully", async () => {
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const r = await run([...path, "--bogus-flag"]);
      expect([path, r.code]).toEqual([path, 2]);
      expect(r.stderr).toContain("unknown option --bogus-flag");
      const h = await run([...path, "--help"]);
      expect([path, h.code]).toEqual([path, 0]);
      expect(h.stdout).toContain(`USAGE typofix ${path.join(" ")}`);
      expect(ANSI.test(h.stdout)).toBe(false);
    }
  }, 120_000);
  test("unknown subcommands are errors with a suggestion", async () => {
    const a = await run(["dict", "frob"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown command "frob"');
    const b = await run(["model", "lsit"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("(did you mean list?)");
    const c = await run(["dict"]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("missing command");
  });
  test("help: descriptions for --guard and --server, the version on its own line, examples", async () => {
    const h = await run(["--help"]);
    expect(h.stdout).toMatch(/--guard +Check an LLM's output/);
    expect(h.stdout).toMatch(/--server +Use a running/);
    expect(h.stdout.split("\n")[0]).toBe("Fix typos in English text. (typofix v0.1.0)");
    expect(h.stdout).toContain("Examples:");
    expect(h.stdout).not.toMatch(/subcommand\)\s*\(typofix/);
    expect((await run(["fix", "--help"])).stdout).toContain("USAGE typofix fix [OPTIONS]");
    expect((await run(["dict", "add", "--help"])).stdout).toContain("USAGE typofix dict add");
  }, 30_000);
});

describe("text that starts with -", () => {
  test("is corrected, never taken for options or lost", async () => {
    expect((await run(["- fix teh bug"])).stdout).toBe("- fix the bug\n");
    expect((await run(["- teh cat"])).stdout).toBe("- the cat\n");
    expect((await run(["--", "-- teh cat"])).stdout).toBe("-- the cat\n");
    // (a word written as a command-line option, -teh, is code like --no-mmap: kept as it is, never lost)
    expect((await run(["--", "-teh cat"])).stdout).toBe("-teh cat\n");
    expect((await run(["--", "--version"])).stdout).toBe("--version\n");
    expect((await run(["--json", "--", "-x", "teh"])).stdout).toContain('"output":"-x the"');
  }, 30_000);
  test("a word that looks like flags is refused with a hint to use --", async () => {
    const r = await run(["-teh"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("put it after --");
  });
});

describe("several files", () => {
  test("--check goes on after a missing file and exits non-zero at the end", async () => {
    const a = join(home, "a.txt");
    const b = join(home, "b.txt");
    writeFileSync(a, "teh a\n");
    writeFileSync(b, "teh b\n");
    const r = await run(["--check", "--file", a, "--file", join(home, "missing.txt"), "--file", b]);
    expect(r.stdout).toBe(`${a}:1:1: teh -> the\n${b}:1:1: teh -> the\n`);
    expect(r.stderr).toContain("missing.txt: no such file");
    expect(r.code).toBe(2);
  });
  test("--write writes every file it can", async () => {
    const a = join(home, "wa.txt");
    const b = join(home, "wb.txt");
    writeFileSync(a, "teh a\n");
    writeFileSync(b, "teh b\n");
    const r = await run(["-q", "--write", "--file", a, "--file", home, "--file", b]);
    expect(r.code).toBe(2);
    expect(readFileSync(a, "utf8")).toBe("the a\n");
    expect(readFileSync(b, "utf8")).toBe("the b\n");
    expect(r.stderr).toContain("is a folder");
  });
  test("--file - reads standard input; text with --file is an error", async () => {
    const a = join(home, "sa.txt");
    writeFileSync(a, "teh a\n");
    const r = await run(["--check", "--file", a, "--file", "-"], { stdin: "so teh\n" });
    expect(r.stdout).toBe(`${a}:1:1: teh -> the\n-:1:4: teh -> the\n`);
    expect(r.code).toBe(1);
    const x = await run(["--file", a, "extra teh"]);
    expect(x.code).toBe(2);
    expect(x.stdout).toBe("");
    expect(x.stderr).toContain("not both");
  });
});

describe("errors: one line and a documented exit code", () => {
  test("missing files and folders for corrupt and eval", async () => {
    for (const [args, text] of [
      [["corrupt", join(home, "nonexist.txt")], "no such file"],
      [["corrupt", home], "is a folder"],
      [["eval", "/nonexistent"], "/nonexistent: no such file or folder"],
    ] as const) {
      const r = await run([...args]);
      expect([args, r.code]).toEqual([args, 2]);
      expect(oneLine(r.stderr)).toBe(true);
      expect(r.stderr).toContain(text);
    }
  });
  test("numbers are validated", async () => {
    const dir = join(home, "pairs");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "corrupt.txt"), "teh\n");
    writeFileSync(join(dir, "correct.txt"), "the\n");
    for (const args of [["eval", dir, "--limit", "abc"], ["eval", dir, "--bootstrap", "-3"], ["eval", dir, "--failures", "1.5"], ["corrupt", "--rate", "2"], ["corrupt", "--rate", "-1"], ["corrupt", "--seed", "x"], ["bench", "--runs", "0"], ["serve", "--port", "http"]]) {
      const r = await run(args, { stdin: "the cat\n" });
      expect([args, r.code]).toEqual([args, 2]);
      expect(oneLine(r.stderr)).toBe(true);
      expect(r.stderr).toContain("must be");
    }
  }, 30_000);
  test("a missing model exits 3; an unknown engine 2", async () => {
    const m = await run(["--engine", "onnx", "teh"], { env: { TYPOFIX_HOME: join(home, "empty-store") } });
    expect(m.code).toBe(3);
    expect(oneLine(m.stderr)).toBe(true);
    expect((await run(["--engine", "nope", "teh"])).code).toBe(2);
    expect((await run(["model", "path", "nothing-here"], { env: { TYPOFIX_HOME: join(home, "empty-store") } })).code).toBe(3);
  });
  test.skipIf(!asNobody)("a dictionary that cannot be written: one line, exit 2 (as an unprivileged user)", async () => {
    const r = await runAs(asNobody!, ["dict", "add", "foo"], { ...env(), HOME: "/nonexistent", XDG_CONFIG_HOME: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^typofix: cannot write the dictionary \/nonexistent\/\.config\/typofix\/dictionary\.txt: .*permission denied\n$/);
  });
});

describe("colour", () => {
  test("none in a pipe, even for help; the flag beats the environment", async () => {
    expect(ANSI.test((await run(["--help"])).stdout)).toBe(false);
    expect(ANSI.test((await run(["--diff", "teh"])).stdout)).toBe(false);
    expect(ANSI.test((await run(["--diff", "--color", "teh"], { env: { NO_COLOR: "1" } })).stdout)).toBe(true);
    expect(ANSI.test((await run(["--diff", "teh"], { env: { FORCE_COLOR: "1" } })).stdout)).toBe(true);
    expect(ANSI.test((await run(["--diff", "--no-color", "teh"], { env: { FORCE_COLOR: "1" } })).stdout)).toBe(false);
    expect(ANSI.test((await run(["--diff", "teh"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } })).stdout)).toBe(false);
    expect(ANSI.test((await run(["--diff", "teh"], { env: { FORCE_COLOR: "" } })).stdout)).toBe(false);
  }, 30_000);
  const script = Bun.which("script");
  test.skipIf(!script)("on a terminal: colour, except with TERM=dumb or NO_COLOR (needs script(1) for a pty)", async () => {
    const tty = async (extra: Record<string, string>) => {
      const p = Bun.spawn([script!, "-qec", `"${process.execPath}" "${join(import.meta.dir, "../src/cli.ts")}" --diff teh`, "/dev/null"], { stdout: "pipe", stderr: "pipe", stdin: "ignore", env: env({ TERM: "xterm", ...extra }) });
      return new Response(p.stdout).text();
    };
    expect(ANSI.test(await tty({}))).toBe(true);
    expect(ANSI.test(await tty({ TERM: "dumb" }))).toBe(false);
    expect(ANSI.test(await tty({ NO_COLOR: "1" }))).toBe(false);
  });
});

describe("configuration and dictionary", () => {
  const cfg = () => join(home, "cfgp");
  const write = (text: string) => {
    mkdirSync(join(cfg(), "typofix"), { recursive: true });
    writeFileSync(join(cfg(), "typofix/config.yaml"), text);
  };
  test("doctor reports a broken config and exits 2", async () => {
    write("engine: lexicon\nwords: [teh\n");
    const r = await run(["doctor"], { env: { XDG_CONFIG_HOME: cfg() } });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/config: .*config\.yaml — BROKEN: .*config\.yaml:3/);
    const j = await run(["doctor", "--json"], { env: { XDG_CONFIG_HOME: cfg() } });
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).config.ok).toBe(false);
  }, 30_000);
  test("an unknown key is warned about with a suggestion", async () => {
    write("engin: onnx\n");
    const r = await run(["teh"], { env: { XDG_CONFIG_HOME: cfg() } });
    expect(r.stdout).toBe("the\n");
    expect(r.stderr).toContain('unknown key "engin" (did you mean engine?)');
  });
  test("dict messages say exactly what happened", async () => {
    write("words: [kubectl]\n");
    const e = { XDG_CONFIG_HOME: cfg() };
    const empty = await run(["dict", "add", ""], { env: e });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("not a word");
    expect((await run(["dict", "add", "wil"], { env: e })).stderr).toContain("added wil to");
    const twice = await run(["dict", "add", "wil"], { env: e });
    expect(twice.stderr).toContain("already in your words: wil");
    expect(twice.stderr).not.toContain("added");
    const fromConfig = await run(["dict", "rm", "kubectl"], { env: e });
    expect(fromConfig.stderr).toContain("kubectl: listed under words: in the config file");
    expect(fromConfig.stderr).not.toContain("not in your dictionary");
    const gone = await run(["dict", "rm", "wil", "nope"], { env: e });
    expect(gone.stderr).toContain("removed wil from");
    expect(gone.stderr).toContain("not in your dictionary");
    expect(gone.stderr).toMatch(/: nope\n/);
  }, 30_000);
});

describe("--write and a read-only file", () => {
  test.skipIf(!asNobody)(`is refused and the file kept, as editors do (as an unprivileged user)${noNobody ? `: ${noNobody}` : ""}`, async () => {
    const dir = mkdtempSync(join(home, "ro-"));
    const f = join(dir, "f.txt");
    writeFileSync(f, "teh cat\n");
    chownSync(dir, NOBODY, NOBODY);
    chownSync(f, NOBODY, NOBODY);
    chmodSync(f, 0o444);
    const r = await runAs(asNobody!, ["--file", f, "--write"], env({ HOME: dir, XDG_CONFIG_HOME: join(dir, "c"), XDG_CACHE_HOME: join(dir, "k") }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}: read-only`);
    expect(readFileSync(f, "utf8")).toBe("teh cat\n");
  });
});

describe("--check columns", () => {
  test("are 1-based UTF-8 byte columns (as ripgrep --column), a BOM not counted", async () => {
    expect((await run(["--check", "😀 teh cat"])).stdout).toBe("<text>:1:6: teh -> the\n");
    expect((await run(["--check", "café teh"])).stdout).toBe("<text>:1:7: teh -> the\n");
    const f = join(home, "bom.txt");
    writeFileSync(f, "\uFEFFteh cat\n😀 teh\n");
    expect((await run(["--check", "--file", f])).stdout).toBe(`${f}:1:1: teh -> the\n${f}:2:6: teh -> the\n`);
  });
});

describe("offline: nothing written outside typofix's own folders", () => {
  test("the lexicon and the onnx engine (tiny model), in-process and with dict add", async () => {
    const model = ensureModel("tiny");
    const h = mkdtempSync(join(tmpdir(), "typofix-home-"));
    // HOME only (no XDG_* variables), as a new user has it. BUN_RUNTIME_TRANSPILER_CACHE_PATH=0: Bun
    // caches transpiled sources under ~/.bun when typofix runs from source (the compiled binary has none)
    const e = env({ HOME: h, XDG_CONFIG_HOME: undefined, XDG_CACHE_HOME: undefined, XDG_RUNTIME_DIR: undefined, TYPOFIX_HOME: undefined, ORT_DISABLE_TELEMETRY: undefined, BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" });
    try {
      for (const args of [["teh cat"], ["--engine", "onnx", "--model", model, "teh cat"], ["dict", "add", "kubectl"]]) {
        const r = await spawnCli(args, e);
        expect([args, r.code]).toEqual([args, 0]);
      }
      const all = (readdirSync(h, { recursive: true }) as string[]).sort();
      const outside = all.filter((p) => !/^\.(cache|config)(\/typofix(\/|$)|$)/.test(p));
      expect(outside).toEqual([]);
    } finally {
      rmSync(h, { recursive: true, force: true });
    }
  }, 120_000);
});
