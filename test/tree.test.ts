/**
 * Whole trees and CI formats: which parts of a file are prose (src/text/prose.ts), the folder walk and its
 * ignore rules (src/walk), project configs (src/project.ts), the CI printers (src/printers/ci.ts), and
 * `typofix --check/--write PATH…`, `--format`, `typofix doctor` through the real CLI.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnCli } from "./support/cli.ts";
import { kindOfPath, proseRanges, type DocKind } from "../src/text/prose.ts";
import { skipContent, walk } from "../src/walk/index.ts";
import { findProjectConfig, loadProjectConfig, merge, ProjectConfigs } from "../src/project.ts";
import { findingGithub, findingJson, findingText, sarif, type FileFinding } from "../src/printers/ci.ts";
import { ConfigError } from "../src/config.ts";

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "typofix-tree-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = (extra: Record<string, string> = {}) => ({ ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_CACHE_HOME: join(home, "cache"), TYPOFIX_NO_SERVER: "1", NO_COLOR: "", ...extra });

/** The prose of each line, as the checker sees it. */
function prose(text: string, kind: DocKind): string[] {
  const lines = text.split("\n");
  return proseRanges(lines, kind).flatMap((rs, i) => rs.map((r) => `${i}:${lines[i]!.slice(r.start, r.end)}`));
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(home, "t-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, ".."), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

describe("prose ranges", () => {
  test("Markdown: front matter, fences and link definitions are not prose", () => {
    expect(prose("---\ntitle: teh\n---\nOne teh.\n```js\nteh()\n```\n[x]: http://a/teh\n~~~\nteh\n~~~\nTwo.", "markdown")).toEqual(["3:One teh.", "11:Two."]);
  });
  test("reStructuredText literal blocks and directives; AsciiDoc listing blocks and attributes", () => {
    expect(prose("Example::\n\n    teh code\n\nBack teh.\n.. note:: teh\n   body\nEnd.", "rst")).toEqual(["0:Example::", "4:Back teh.", "7:End."]);
    expect(prose(":attr: teh\nText.\n----\nteh\n----\n// teh\nMore.", "asciidoc")).toEqual(["1:Text.", "6:More."]);
  });
  test("commit messages: # comments, trailers and everything below the scissors line are left out", () => {
    const msg = "Fix teh bug\n\nBody teh.\nSigned-off-by: A B <a@b.c>\n# comment teh\n# ------------------------ >8 ------------------------\ndiff teh";
    expect(prose(msg, "commit")).toEqual(["0:Fix teh bug", "2:Body teh."]);
  });
  test("commit messages: a fenced block and lines indented four spaces after a blank line are code; an indented continuation of a list item is prose", () => {
    const msg = "Fix teh bug\n\nRun this:\n\n    rg teh --trace\n\n    Seq[E(\"eX\")]\nBack to teh prose.\n- a list item\n    continued teh\n```\nteh()\n```\nEnd.";
    expect(prose(msg, "commit")).toEqual(["0:Fix teh bug", "2:Run this:", "7:Back to teh prose.", "8:- a list item", "9:    continued teh", "13:End."]);
  });
  test("source code: only comments; strings hide comment markers; block comments span lines", () => {
    const ts = 'const u = "http://x"; // a teh\n/** Doc teh\n * second teh\n */\nlet a = 1; /* in teh */ let b;\nconst s = \'/* no */\';';
    expect(prose(ts, "code:c")).toEqual(["0: a teh", "1: Doc teh", "2:second teh", "4: in teh "]);
    expect(prose("x = 1  # a teh\ny = 'a#b'\nurl#frag\n## Heading teh", "code:hash")).toEqual(["0: a teh", "3: Heading teh"]);
    expect(prose("<p>teh</p> <!-- a teh -->\n<!-- two\nlines teh -->", "code:html")).toEqual(["0: a teh ", "1: two", "2:lines teh "]);
  });
  test("kinds from file names", () => {
    expect(["a.md", "b.rst", "c.adoc", "d.txt", "x/COMMIT_EDITMSG", "e.ts", "f.py", "Makefile", "g.sql", "h.css", "i.png", "j"].map(kindOfPath)).toEqual([
      "markdown", "rst", "asciidoc", "text", "commit", "code:c", "code:hash", "code:hash", "code:dash", "code:css", null, null,
    ]);
  });
});

describe("walking a tree", () => {
  const names = async (root: string, extra?: Parameters<typeof walk>[1]) => {
    const out: string[] = [];
    for await (const f of walk(root, extra)) out.push(f.path.slice(root.length + 1));
    return out;
  };
  test(".gitignore (nested, negated), .ignore, never-entered folders, unknown kinds and generated names", async () => {
    const root = tree({
      ".gitignore": "build/\n*.log.md\n!keep.log.md\n",
      "a.md": "x", "b.log.md": "x", "keep.log.md": "x", "build/c.md": "x", "node_modules/p/d.md": "x", ".git/e.md": "x",
      "src/.gitignore": "gen.ts\n", "src/gen.ts": "x", "src/f.ts": "x", "src/.ignore": "skip.py\n", "src/skip.py": "x",
      "img.png": "x", "app.min.js": "x", "yarn.lock": "x", "docs/g.rst": "x",
    });
    expect(await names(root)).toEqual(["a.md", "docs/g.rst", "keep.log.md", "src/f.ts"]);
  });
  test("a sub-folder of a repository honours the .gitignore files above it", async () => {
    const root = tree({ ".git/HEAD": "x", ".gitignore": "*.txt\n", "sub/a.txt": "x", "sub/b.md": "x" });
    expect(await names(join(root, "sub"))).toEqual(["b.md"]);
  });
  test("the project config's ignore globs, relative to its folder", async () => {
    const root = tree({ ".typofix.yaml": "ignore: [fixtures/, '*.snap.md']\n", "fixtures/a.md": "x", "b.snap.md": "x", "c.md": "x" });
    const configs = new ProjectConfigs({ dictionary: join(home, "none.txt"), words: [] });
    const extraIgnore = async (d: string) => {
      const p = await configs.projectFor(d);
      return p ? { base: p.dir, globs: p.ignore } : null;
    };
    expect(await names(root, { extraIgnore })).toEqual([".typofix.yaml", "c.md"]); // YAML: its comments are checked
  });
  test("symbolic links are not followed: a loop ends, a linked file is not walked twice", async () => {
    const root = tree({ "a.md": "x", "sub/b.md": "x" });
    symlinkSync(root, join(root, "sub/loop"));
    symlinkSync(join(root, "a.md"), join(root, "link.md"));
    expect(await names(root)).toEqual(["a.md", "sub/b.md"]);
  });
  const isRoot = process.getuid?.() === 0;
  if (isRoot) console.log("skipped: an unreadable folder cannot be made for root (tests run as root here)");
  test.skipIf(isRoot)("an unreadable folder is reported and the walk goes on", async () => {
    const root = tree({ "a.md": "x", "z.md": "x" });
    const locked = join(root, "m-locked");
    mkdirSync(locked);
    chmodSync(locked, 0);
    const errors: string[] = [];
    try {
      expect(await names(root, { onError: (p) => errors.push(p) })).toEqual(["a.md", "z.md"]);
    } finally {
      chmodSync(locked, 0o755);
    }
    expect(errors).toEqual([locked]);
  });
  test("binary and generated content", () => {
    expect(skipContent(new Uint8Array([104, 0, 105]))).toBe("binary");
    expect(skipContent(new TextEncoder().encode("// Code generated by protoc. DO NOT EDIT.\nteh"))).toBe("generated");
    expect(skipContent(new TextEncoder().encode("plain teh text"))).toBeNull();
  });
});

describe("project config", () => {
  test("found by walking up, merged over the user config", async () => {
    const root = tree({ ".typofix.yaml": "words: [kubectl]\nengine: lexicon\nconfidence: 0.7\nignore: ['*.txt']\n", "a/b/c.md": "x" });
    const path = findProjectConfig(join(root, "a/b"))!;
    expect(path).toBe(join(root, ".typofix.yaml"));
    const p = await loadProjectConfig(path);
    const dict = join(home, "dict.txt");
    writeFileSync(dict, "mywrd\n");
    const e = merge({ engine: "onnx", dictionary: dict, words: ["inline"] }, p);
    expect([...e.words].sort()).toEqual(["inline", "kubectl", "mywrd"]);
    expect([e.engine, e.confidence, e.ignore]).toEqual(["lexicon", 0.7, ["*.txt"]]);
    expect(e.files).toEqual([dict, path]);
  });
  test("a broken or unknown setting is an error naming the file", async () => {
    const a = tree({ ".typofix.yaml": "words: kubectl\n" });
    expect(loadProjectConfig(join(a, ".typofix.yaml"))).rejects.toThrow(ConfigError);
    const b = tree({ ".typofix.yaml": "wrods: [x]\n" });
    expect(loadProjectConfig(join(b, ".typofix.yaml"))).rejects.toThrow(/unknown setting "wrods"/);
    const c = tree({ ".typofix.yaml": "confidence: 2\n" });
    expect(loadProjectConfig(join(c, ".typofix.yaml"))).rejects.toThrow(/from 0 to 1/);
  });
  test("a tree walk reads the user's dictionary once for all its project configs", async () => {
    const root = tree({ "p/.typofix.yaml": "words: [kubectl]\n", "p/a.md": "x", "q/b.md": "x" });
    const dict = join(home, "dict-once.txt");
    writeFileSync(dict, "mywrd\n");
    const configs = new ProjectConfigs({ dictionary: dict, words: [] });
    expect([...(await configs.forDir(join(root, "p"))).words].sort()).toEqual(["kubectl", "mywrd"]);
    // the file changes after the first read: the second project config keeps what was read
    writeFileSync(dict, "other\n");
    expect([...(await configs.forDir(join(root, "q"))).words]).toEqual(["mywrd"]);
  });
});

describe("CI printers", () => {
  const f: FileFinding = { file: "docs/a, b.md", line: 3, column: 5, endColumn: 8, byteColumn: 7, from: "teh", to: "the", kind: "spelling", engine: "lexicon" };
  test("text: the byte column, as plain --check prints", () => {
    expect(findingText(f)).toBe("docs/a, b.md:3:7: teh -> the");
  });
  test("json: one object per finding", () => {
    expect(JSON.parse(findingJson(f))).toEqual({ file: "docs/a, b.md", line: 3, column: 5, end_column: 8, byte_column: 7, from: "teh", to: "the", kind: "spelling", engine: "lexicon" });
  });
  test("github: a workflow command with escaped properties", () => {
    expect(findingGithub(f)).toBe('::error file=docs/a%2C b.md,line=3,col=5,endColumn=8,title=typofix%3A typo::"teh" should be "the"');
  });
  test("sarif: version 2.1.0, one result per finding with its region and fix", () => {
    const log = JSON.parse(sarif([f], "9.9.9"));
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].tool.driver).toMatchObject({ name: "typofix", version: "9.9.9" });
    expect(log.runs[0].columnKind).toBe("utf16CodeUnits");
    const r = log.runs[0].results[0];
    expect(r.ruleId).toBe("typo");
    expect(r.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "docs/a%2C%20b.md", uriBaseId: "%SRCROOT%" }, region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 8 } });
    expect(r.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe("the");
    expect(JSON.parse(sarif([], "1")).runs[0].results).toEqual([]);
    const abs = JSON.parse(sarif([{ ...f, file: "/tmp/my docs/a.md" }], "1")).runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    expect(abs).toEqual({ uri: "file:///tmp/my%20docs/a.md" });
  });
});

describe("typofix --check/--write PATH…", () => {
  const files = {
    ".gitignore": "ignored/\n",
    "README.md": "# Title\n\nThis is teh start.\n\n```\nteh code\n```\n",
    "src/main.ts": 'const teh = "teh"; // recieve it\n',
    "ignored/x.md": "teh\n",
    "notes.txt": "\uFEFFteh first\r\nfine line\r\n",
    "data.bin.md": "teh\u0000",
  };
  test("a folder: prose and comments, ignored files left out, exit 1", async () => {
    const root = tree(files);
    const a = await spawnCli(["--check", root], env());
    expect(a.code).toBe(1);
    expect(a.stdout.split("\n").filter(Boolean).map((l) => l.slice(root.length + 1))).toEqual(["README.md:3:9: teh -> the", "notes.txt:1:1: teh -> the", "src/main.ts:1:23: recieve -> receive"]);
  }, 30_000);
  test("`typofix --check .` names files relative to the folder it runs in", async () => {
    const root = tree(files);
    const p = Bun.spawn([process.execPath, join(import.meta.dir, "../src/cli.ts"), "--check", "."], { cwd: root, env: env(), stdout: "pipe", stderr: "pipe" });
    expect((await new Response(p.stdout).text()).split("\n")[0]).toBe("README.md:3:9: teh -> the");
    expect(await p.exited).toBe(1);
  }, 30_000);
  test("--format json, sarif and github", async () => {
    const root = tree(files);
    const j = await spawnCli(["--check", join(root, "README.md"), join(root, "src"), "--format", "json"], env());
    expect(j.stdout.trim().split("\n").map((l) => JSON.parse(l).to)).toEqual(["the", "receive"]);
    const s = await spawnCli(["--check", root, "--format", "sarif"], env());
    expect(s.code).toBe(1);
    expect(JSON.parse(s.stdout).runs[0].results.length).toBe(3);
    const g = await spawnCli(["--check", root, "--format=github"], env());
    expect(g.stdout).toContain(`::error file=${root}/README.md,line=3,col=9,endColumn=12,`);
    const stdin = await spawnCli(["--check", "--format", "json"], env(), "see teh cat\n");
    expect(JSON.parse(stdin.stdout)).toMatchObject({ file: "-", line: 1, column: 5, from: "teh", to: "the" });
  }, 30_000);
  test("bad --format use is a clear error", async () => {
    expect((await spawnCli(["--check", "--format", "xml", "teh"], env())).stderr).toContain('unknown --format "xml"');
    const r = await spawnCli(["--format", "json", "teh"], env());
    expect([r.code, r.stderr.includes("--format needs --check")]).toEqual([2, true]);
  });
  test("text that names no file is still checked as text", async () => {
    const r = await spawnCli(["--check", "teh cat"], env());
    expect(r.stdout).toBe("<text>:1:1: teh -> the\n");
  });
  test("--write on a tree: each changed file replaced atomically, everything else byte for byte", async () => {
    const root = tree({ ...files, "clean.md": "All fine.\n" });
    const before = statSync(join(root, "clean.md")).ino;
    const r = await spawnCli(["--write", root], env());
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "README.md"), "utf8")).toBe("# Title\n\nThis is the start.\n\n```\nteh code\n```\n");
    expect(readFileSync(join(root, "src/main.ts"), "utf8")).toBe('const teh = "teh"; // receive it\n');
    expect(readFileSync(join(root, "notes.txt"), "utf8")).toBe("\uFEFFthe first\r\nfine line\r\n");
    expect(readFileSync(join(root, "ignored/x.md"), "utf8")).toBe("teh\n");
    expect(statSync(join(root, "clean.md")).ino).toBe(before);
    expect(r.stderr).toContain("README.md: 1 fix");
    expect((await spawnCli(["--check", root], env())).code).toBe(0);
  }, 30_000);
  test("project words from .typofix.yaml apply to the files under it", async () => {
    const root = tree({ ".typofix.yaml": "words: [recieve]\n", "a.md": "We recieve teh data.\n" });
    const r = await spawnCli(["--check", root], env());
    expect(r.stdout.trim().split(" ").slice(1)).toEqual(["teh", "->", "the"]);
    const bad = tree({ ".typofix.yaml": "words: [unclosed\n", "a.md": "x\n" });
    const b = await spawnCli(["--check", bad], env());
    expect([b.code, /\.typofix\.yaml:\d+/.test(b.stderr)]).toEqual([2, true]);
  }, 30_000);
  test("project words apply to paths; --file and standard input keep to the user config (same text, same result)", async () => {
    const root = tree({ ".typofix.yaml": "words: [recieve]\n", "docs/a.md": "We recieve teh data.\n" });
    const p = await spawnCli(["--check", join(root, "docs/a.md")], env());
    expect(p.stdout).toBe(`${join(root, "docs/a.md")}:1:12: teh -> the\n`);
    const f = await spawnCli(["--check", "--file", join(root, "docs/a.md")], env());
    expect(f.stdout).toBe(`${join(root, "docs/a.md")}:1:4: recieve -> receive\n${join(root, "docs/a.md")}:1:12: teh -> the\n`);
    const s = Bun.spawn([process.execPath, join(import.meta.dir, "../src/cli.ts"), "--check"], { cwd: root, env: env(), stdin: new TextEncoder().encode("We recieve it.\n"), stdout: "pipe" });
    expect(await new Response(s.stdout).text()).toBe("-:1:4: recieve -> receive\n");
  }, 30_000);
  test("ignore_regex: matched text is masked, the rest of the line still checked", async () => {
    const root = tree({ ".typofix.yaml": "ignore_regex: ['\"[^\"]+\" → ']\n", "a.md": 'Like "teh" → "the", recieve is wrong.\n' });
    const r = await spawnCli(["--check", root], env());
    expect(r.stdout.trim().split(": ")[1]).toBe("recieve -> receive");
    expect(r.stdout.trim().split("\n").length).toBe(1);
    const bad = tree({ ".typofix.yaml": "ignore_regex: ['(']\n", "a.md": "x\n" });
    expect((await spawnCli(["--check", bad], env())).stderr).toContain("ignore_regex");
  }, 30_000);
  test("typofix doctor names the config files that apply", async () => {
    const root = tree({ ".typofix.yaml": "words: [x]\n", "sub/a.md": "x" });
    const p = Bun.spawn([process.execPath, join(import.meta.dir, "../src/cli.ts"), "doctor", "--json"], { cwd: join(root, "sub"), env: env(), stdout: "pipe" });
    const d = JSON.parse(await new Response(p.stdout).text());
    expect(d.config_files.applied).toEqual([join(root, ".typofix.yaml")]);
  }, 30_000);
});
