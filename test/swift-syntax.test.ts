/**
 * A syntax-level check of the Swift package here, where no Swift toolchain runs: every .swift file
 * (manifest, sources, tests) parses without error with tree-sitter's Swift grammar (web-tree-sitter, MIT,
 * with the prebuilt tree-sitter-swift.wasm of tree-sitter-wasms, Unlicense: no native code, no install
 * script), the manifest declares a platform its tools-version knows,
 * and the header is a C target the Swift code checks itself against. Type checking and linking happen
 * in the macOS workflow (swift build, swift test).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const SWIFT = join(import.meta.dir, "../swift");
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (f === ".build" ? [] : statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
interface Node {
  type: string;
  isMissing(): boolean;
  startPosition: { row: number; column: number };
  children: Node[];
}
let parser: { parse(s: string): { rootNode: Node } } | null = null;
let why = "";
try {
  const Parser = require("web-tree-sitter");
  await Parser.init();
  const p = new Parser();
  p.setLanguage(await Parser.Language.load(require.resolve("tree-sitter-wasms/out/tree-sitter-swift.wasm")));
  parser = p;
} catch (err) {
  why = (err as Error).message;
}

function problems(src: string): string[] {
  const out: string[] = [];
  const walk = (n: Node) => {
    if (n.type === "ERROR" || n.isMissing()) out.push(`${n.isMissing() ? "missing " : ""}${n.type} at ${n.startPosition.row + 1}:${n.startPosition.column + 1}`);
    for (const c of n.children) walk(c);
  };
  walk(parser!.parse(src).rootNode);
  return out;
}

describe("the Swift package", () => {
  test.skipIf(!parser)(`every .swift file parses (tree-sitter-swift)${parser ? "" : ` — skipped: ${why}`}`, () => {
    const swift = files(SWIFT).filter((f) => f.endsWith(".swift"));
    expect(swift.length).toBeGreaterThanOrEqual(6);
    for (const f of swift) expect({ file: f, problems: problems(readFileSync(f, "utf8")) }).toEqual({ file: f, problems: [] });
  });
  test.skipIf(!parser)("the check finds real syntax errors", () => {
    expect(problems("func f() -> Int { return 1 }")).toEqual([]);
    expect(problems("func f( -> Int { return 1 ").length).toBeGreaterThan(0);
  });
  test("the manifest: a platform the tools-version knows, the header as a C target", () => {
    const m = readFileSync(join(SWIFT, "Package.swift"), "utf8");
    const tools = /^\/\/ swift-tools-version:\s*(\d+)\.(\d+)/.exec(m);
    expect(tools).not.toBeNull();
    // .macOS(.v15) exists only from PackageDescription 6.0
    if (Number(tools![1]) < 6) expect(m).not.toContain(".macOS(.v15)");
    expect(m).toContain('.macOS("15.0")');
    expect(m).toMatch(/\.target\(name: "CTypofixANE", path: "Sources\/CTypofixANE", publicHeadersPath: "include"\)/);
    expect(m).toMatch(/\.target\(name: "TypofixANE", dependencies: \["CTypofixANE"\]/);
    const map = readFileSync(join(SWIFT, "Sources/CTypofixANE/include/module.modulemap"), "utf8");
    expect(map).toContain('header "typofix_ane.h"');
  });
  test("every exported function is checked against the header, and the ABI version is written once", () => {
    const h = readFileSync(join(SWIFT, "Sources/CTypofixANE/include/typofix_ane.h"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const protos = [...h.matchAll(/(typofix_ane_\w+)\(/g)].map((x) => x[1]!);
    const check = readFileSync(join(SWIFT, "Sources/TypofixANE/ABICheck.swift"), "utf8");
    const cabi = readFileSync(join(SWIFT, "Sources/TypofixANE/CABI.swift"), "utf8");
    for (const p of new Set(protos)) {
      expect(cabi).toContain(`@_cdecl("${p}")`);
      expect(check).toContain(`= CTypofixANE.${p}`);
      expect(check).toContain(`= TypofixANE.${p}`);
    }
    const sources = files(join(SWIFT, "Sources/TypofixANE")).map((f) => readFileSync(f, "utf8")).join("\n");
    expect(/abi_version\\?":\s*1|-> Int32 \{ 1 \}/.test(sources)).toBe(false);
  });
});
