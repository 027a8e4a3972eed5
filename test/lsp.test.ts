/**
 * `typofix lsp` over JSON-RPC, as an editor drives it: initialize (position encoding negotiated), didOpen →
 * publishDiagnostics for Markdown, commit messages and code comments, codeAction, executeCommand (add to
 * dictionary, fix all through workspace/applyEdit), incremental didChange, didChangeConfiguration,
 * shutdown and exit. The server runs as a child process of the real CLI with a temporary home.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CLI } from "./support/cli.ts";
import { spawnLsp, type LspClient } from "../src/lsp/client.ts";

let home: string;
const env = () => ({ ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_CACHE_HOME: join(home, "cache"), TYPOFIX_NO_SERVER: "1" });

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "typofix-lsp-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function start(init: Record<string, unknown> = {}, encodings?: string[]): Promise<{ c: LspClient; caps: any }> {
  const c = spawnLsp([process.execPath, CLI, "lsp", "--stdio"], env());
  const r = await c.request("initialize", { processId: process.pid, rootUri: null, capabilities: encodings ? { general: { positionEncodings: encodings } } : {}, initializationOptions: init });
  c.notify("initialized", {});
  return { c, caps: r.capabilities };
}

async function stop(c: LspClient): Promise<number> {
  await c.request("shutdown", null);
  c.notify("exit", null);
  return c.proc.exited;
}

function open(c: LspClient, uri: string, languageId: string, text: string, version = 1) {
  c.notify("textDocument/didOpen", { textDocument: { uri, languageId, version, text } });
  return c.next("textDocument/publishDiagnostics", (m) => m.params.uri === uri && m.params.version === version);
}

const words = (d: any) => d.params.diagnostics.map((x: any) => `${x.range.start.line}:${x.range.start.character}-${x.range.end.character} ${x.data.from}>${x.data.to}`);

describe("typofix lsp", () => {
  test("initialize, Markdown diagnostics outside code, shutdown and exit", async () => {
    const { c, caps } = await start();
    expect(caps.positionEncoding).toBe("utf-16");
    expect(caps.textDocumentSync.change).toBe(2);
    expect(caps.executeCommandProvider.commands).toContain("typofix.addToDictionary");
    const text = "# Notes\n\nThis is teh plan with `teh code` inline.\n\n```js\nconst teh = 1; // teh\n```\nSee recieve.\n";
    const d = await open(c, "file:///tmp/notes.md", "markdown", text);
    expect(words(d)).toEqual(["2:8-11 teh>the", "7:4-11 recieve>receive"]);
    expect(d.params.diagnostics[0].severity).toBe(3); // information by default
    expect(d.params.diagnostics[0].source).toBe("typofix");
    expect(await stop(c)).toBe(0);
  }, 60_000);

  test("UTF-8 positions when the client offers only UTF-8; UTF-16 columns otherwise", async () => {
    const text = "😀 é teh\n";
    const a = await start({}, ["utf-8"]);
    expect(a.caps.positionEncoding).toBe("utf-8");
    expect(words(await open(a.c, "file:///tmp/e.txt", "plaintext", text))).toEqual(["0:8-11 teh>the"]); // 4 + 1 + 2 + 1 bytes before
    await stop(a.c);
    const b = await start({}, ["utf-32", "utf-16"]);
    expect(b.caps.positionEncoding).toBe("utf-16");
    expect(words(await open(b.c, "file:///tmp/e.txt", "plaintext", text))).toEqual(["0:5-8 teh>the"]);
    await stop(b.c);
  }, 60_000);

  test("commit messages skip # comments; code is checked only in comments", async () => {
    const { c } = await start({ severity: "warning" });
    const msg = await open(c, "file:///tmp/repo/.git/COMMIT_EDITMSG", "git-commit", "Fix teh parser\n\n# Please enter teh commit message\n");
    expect(words(msg)).toEqual(["0:4-7 teh>the"]);
    expect(msg.params.diagnostics[0].severity).toBe(2);
    const code = await open(c, "file:///tmp/a.ts", "typescript", 'const teh = "teh"; // recieve the data\n/* a seperate\n * note on teh */\n');
    expect(words(code)).toEqual(["0:22-29 recieve>receive", "1:5-13 seperate>separate", "2:11-14 teh>the"]);
    // a language without a known comment syntax is not taken for prose: no diagnostics for it
    c.notify("textDocument/didOpen", { textDocument: { uri: "file:///tmp/a.vim", languageId: "vim", version: 1, text: "teh\n" } });
    const plain = await open(c, "file:///tmp/untitled-1", "plaintext", "teh\n");
    expect(words(plain)).toEqual(["0:0-3 teh>the"]);
    // the server handles notifications in order: a.vim's diagnostics would have come first
    expect(c.drain("textDocument/publishDiagnostics").filter((m) => m.params.uri.endsWith("a.vim"))).toEqual([]);
    await stop(c);
  }, 60_000);

  test("code actions: Replace (preferred), Add to dictionary, Fix all; source.fixAll on request", async () => {
    const { c } = await start();
    const uri = "file:///tmp/act.txt";
    const d = await open(c, uri, "plaintext", "teh cat and teh dog\n");
    const diag = d.params.diagnostics[0];
    const acts = await c.request("textDocument/codeAction", { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
    expect(acts.map((a: any) => a.title)).toEqual(['Replace with "the"', 'Add "teh" to dictionary', "Fix all typos in this file"]);
    expect(acts[0].isPreferred).toBe(true);
    expect(acts[0].edit.changes[uri]).toEqual([{ range: diag.range, newText: "the" }]);
    expect(acts[1].command).toEqual({ title: 'Add "teh" to dictionary', command: "typofix.addToDictionary", arguments: ["teh"] });
    expect(acts[2].edit.changes[uri].map((e: any) => e.range.start.character)).toEqual([0, 12]);
    const src = await c.request("textDocument/codeAction", { textDocument: { uri }, range: diag.range, context: { diagnostics: [], only: ["source.fixAll"] } });
    expect(src.map((a: any) => a.kind)).toEqual(["source.fixAll.typofix"]);
    await stop(c);
  }, 60_000);

  test("executeCommand: fix all through workspace/applyEdit; add to dictionary writes it and re-checks", async () => {
    const { c } = await start();
    const uri = "file:///tmp/cmd.txt";
    await open(c, uri, "plaintext", "teh cat saw a zorbly\n");
    let applied: any = null;
    c.onRequest = (m) => {
      if (m.method === "workspace/applyEdit") {
        applied = m.params;
        return { applied: true };
      }
      return null;
    };
    const r = await c.request("workspace/executeCommand", { command: "typofix.fixAll", arguments: [uri] });
    expect(r).toEqual({ applied: true });
    expect(applied.edit.changes[uri][0].newText).toBe("the");
    c.drain("textDocument/publishDiagnostics");
    const added = await c.request("workspace/executeCommand", { command: "typofix.addToDictionary", arguments: ["teh"] });
    expect(added.added).toEqual(["teh"]);
    expect(readFileSync(join(home, "config/typofix/dictionary.txt"), "utf8")).toContain("teh\n");
    const again = await c.next("textDocument/publishDiagnostics", (m) => m.params.uri === uri);
    expect(words(again).some((w: string) => w.includes("teh>"))).toBe(false);
    rmSync(join(home, "config/typofix/dictionary.txt"));
    await stop(c);
  }, 60_000);

  test("didChange (incremental) re-checks; didChangeConfiguration words and severity apply", async () => {
    const { c } = await start({ typofix: { words: ["zorbly"] } });
    const uri = "file:///tmp/chg.txt";
    expect(words(await open(c, uri, "plaintext", "line one is fine\nteh zorbly line\n"))).toEqual(["1:0-3 teh>the"]);
    c.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, text: "the" }, { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 8 } }, text: "oen" }] });
    const d2 = await c.next("textDocument/publishDiagnostics", (m) => m.params.version === 2);
    expect(words(d2)).toEqual(["0:5-8 oen>one"]);
    c.notify("workspace/didChangeConfiguration", { settings: { typofix: { severity: "error", words: ["oen"] } } });
    const d3 = await c.next("textDocument/publishDiagnostics", (m) => m.params.version === 2 && m.params.diagnostics.length === 0);
    expect(d3.params.diagnostics).toEqual([]);
    c.notify("workspace/didChangeConfiguration", { settings: { typofix: { words: [] } } });
    const d4 = await c.next("textDocument/publishDiagnostics", (m) => m.params.version === 2 && m.params.diagnostics.length === 1);
    expect(d4.params.diagnostics[0].severity).toBe(1);
    await stop(c);
  }, 60_000);

  test("a dictionary changed on disk (typofix dict add in a terminal) applies from the next check", async () => {
    const { c } = await start();
    const uri = "file:///tmp/dict.txt";
    const other = "file:///tmp/other.txt";
    expect(words(await open(c, uri, "plaintext", "a qwertz teh\n"))).toEqual(["0:9-12 teh>the"]);
    await open(c, other, "plaintext", "teh\n");
    const dict = join(home, "config/typofix/dictionary.txt");
    mkdirSync(join(home, "config/typofix"), { recursive: true });
    writeFileSync(dict, "teh\n");
    c.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: "a qwertz teh.\n" }] });
    expect(words(await c.next("textDocument/publishDiagnostics", (m) => m.params.uri === uri && m.params.version === 2))).toEqual([]);
    // the other open document is re-checked too
    expect(words(await c.next("textDocument/publishDiagnostics", (m) => m.params.uri === other && m.params.diagnostics.length === 0))).toEqual([]);
    rmSync(dict);
    await stop(c);
  }, 60_000);

  test("settings pulled with workspace/configuration from clients that keep them (VS Code)", async () => {
    const c = spawnLsp([process.execPath, CLI, "lsp"], env());
    let asked: any = null;
    let severity = "error";
    c.onRequest = (m) => {
      if (m.method !== "workspace/configuration") return null;
      asked = m.params;
      return [{ severity, words: ["qwertz"] }];
    };
    await c.request("initialize", { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } } });
    c.notify("initialized", {});
    const uri = "file:///tmp/pull.txt";
    const d = await open(c, uri, "plaintext", "teh qwertz\n");
    expect(asked).toEqual({ items: [{ section: "typofix" }] });
    expect(words(d)).toEqual(["0:0-3 teh>the"]);
    expect(d.params.diagnostics[0].severity).toBe(1);
    severity = "hint";
    c.notify("workspace/didChangeConfiguration", { settings: null });
    const again = await c.next("textDocument/publishDiagnostics", (m) => m.params.uri === uri && m.params.diagnostics[0]?.severity === 4);
    expect(words(again)).toEqual(["0:0-3 teh>the"]);
    await stop(c);
  }, 60_000);

  test("a burst of changes is checked once (debounce), for its last version", async () => {
    const { c } = await start({ debounceMs: 100 });
    const uri = "file:///tmp/burst.txt";
    await open(c, uri, "plaintext", "one\n");
    for (let v = 2; v <= 6; v++) c.notify("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [{ text: `teh ${v}\n` }] });
    const last = await c.next("textDocument/publishDiagnostics", (m) => m.params.uri === uri);
    expect(last.params.version).toBe(6);
    expect(words(last)).toEqual(["0:0-3 teh>the"]);
    await stop(c);
    expect(c.drain("textDocument/publishDiagnostics").filter((m) => m.params.uri === uri)).toEqual([]);
  }, 60_000);

  test("a project's .typofix.yaml words apply to the files under it", async () => {
    const proj = join(home, "proj");
    mkdirSync(join(proj, "docs"), { recursive: true });
    writeFileSync(join(proj, ".typofix.yaml"), "words: [recieve]\n");
    const { c } = await start();
    const uri = pathToFileURL(join(proj, "docs/a.md")).href;
    const d = await open(c, uri, "markdown", "We recieve teh input.\n");
    expect(words(d)).toEqual(["0:11-14 teh>the"]);
    const outside = await open(c, "file:///tmp/b.md", "markdown", "We recieve teh input.\n");
    expect(words(outside).length).toBe(2);
    await stop(c);
  }, 60_000);
});

describe("bench rows of the language server", () => {
  test("didOpen and one-line changes are measured, with the server's memory over the edits", async () => {
    const { measureLsp, lspText, lspMarkdown, markdownDoc } = await import("../src/bench/lsp.ts");
    const { selfCommand } = await import("../src/bench/index.ts");
    const doc = markdownDoc(300, undefined, 0);
    expect(doc.lines.length).toBe(300);
    expect(doc.distinct).toBeGreaterThan(280); // a short sample is re-wrapped, not repeated
    const r = await measureLsp(selfCommand, { runs: 2, lines: 200, edits: 20 });
    expect(r.error).toBeUndefined();
    expect(r.open!.n).toBe(5);
    expect(r.edits).toBe(20);
    expect(r.change!.n).toBe(20);
    expect(r.diagnostics).toBeGreaterThan(0);
    expect(r.rssMb!.length).toBeGreaterThanOrEqual(3);
    expect(r.heapMb!.every((x) => x > 0)).toBe(true);
    expect(typeof r.heapGrowthMb).toBe("number");
    expect(lspText(r)).toContain("didOpen → diagnostics");
    expect(lspMarkdown(r).join("\n")).toContain("| one-line change → diagnostics (20 edits) |");
  }, 120_000);
});
