import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExternalEngine, failures, loadDataset, markdown, reportRows, runEngine } from "../src/eval/index.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

const CLI = join(import.meta.dir, "../src/cli.ts");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "typofix-eval-"));
  mkdirSync(join(dir, "pairs"));
  writeFileSync(join(dir, "pairs/corrupt.txt"), "teh cat sat\nall good here\nI went too the park\n");
  writeFileSync(join(dir, "pairs/correct.txt"), "the cat sat\nall good here\nI went to the park\n");
  writeFileSync(join(dir, "p.jsonl"), JSON.stringify({ corrupted: "teh dog", clean: "the dog" }) + "\n" + JSON.stringify({ corrupted: "a cat", clean: "a cat" }) + "\n");
  writeFileSync(join(dir, "words.tsv"), "receive\trecieve recive\nthe\tteh\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], stdin?: string) {
  const p = Bun.spawn([process.execPath, CLI, ...args], { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe", env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, "cfg") } });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { stdout, stderr, code };
}

describe("data sets", () => {
  test("pairs folder, JSONL and word list", () => {
    const a = loadDataset(join(dir, "pairs"));
    expect(a.kind).toBe("pairs");
    expect(a.items[2]).toEqual({ source: "I went too the park", reference: "I went to the park" });
    const b = loadDataset(join(dir, "p.jsonl"));
    expect(b.items).toHaveLength(2);
    const c = loadDataset(join(dir, "words.tsv"));
    expect(c.items).toEqual([
      { source: "recieve", reference: "receive" },
      { source: "recive", reference: "receive" },
      { source: "teh", reference: "the" },
    ]);
    expect(c.cleanRun).toBe(false);
    expect(() => loadDataset(join(dir, "nope"))).toThrow(/no such/);
  });
});

describe("runner", () => {
  test("the lexicon engine and an external command side by side", async () => {
    const data = loadDataset(join(dir, "pairs"));
    const lex = await runEngine(LexiconEngine.shared(), data, { bootstrapSamples: 50 });
    expect(lex.report.exact).toBe(1);
    expect(lex.report.reduction).toBe(1);
    const ext = await runEngine(new ExternalEngine("sed s/teh/the/g"), data, { bootstrapSamples: 50 });
    expect(ext.report.exact).toBeCloseTo(2 / 3, 12);
    const rows = reportRows([lex, ext]);
    expect(rows[0]).toEqual(["metric", "lexicon", "external:sed s/teh/the/g"]);
    expect(rows.find((r) => r[0] === "reduction")?.[1]).toMatch(/^1\.0000/);
    expect(markdown(data, [lex, ext])).toContain("| reduction |");
    expect(failures(data, ext, 5)).toContain("{+to+}");
  });
  test("an external command that drops lines is an error", async () => {
    await expect(new ExternalEngine("head -1").fixAll(["a", "b"])).rejects.toThrow(/1 lines for 2/);
  });
});

describe("CLI", () => {
  test("eval with --engine, --external, --md, --json FILE and --failures", async () => {
    const md = join(dir, "r.md");
    const js = join(dir, "r.json");
    const r = await cli(["eval", join(dir, "pairs"), "--engine", "lexicon", "--external", "cat", "--md", md, "--json", js, "--failures", "2", "--bootstrap", "50"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("external:cat");
    expect(r.stdout).toContain("worst examples");
    const report = JSON.parse(readFileSync(js, "utf8"));
    expect(report.engines.map((e: { engine: string }) => e.engine)).toEqual(["lexicon", "external:cat"]);
    expect(report.engines[1].reduction).toBe(0);
    expect(readFileSync(md, "utf8")).toContain("# typofix eval");
  });
  test("corrupt: JSONL is deterministic; pairs, chat, completion and split formats", async () => {
    const text = "The quick brown fox jumps over the lazy dog.\nTheir house is over there by the river.\nShe said it was too late to go.\n";
    const a = await cli(["corrupt", "--seed", "4", "--rate", "0.5"], text);
    const b = await cli(["corrupt", "--seed", "4", "--rate", "0.5"], text);
    expect(a.stdout).toBe(b.stdout);
    const rec = a.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(Object.keys(rec[0])).toEqual(["corrupted", "clean", "edits"]);
    expect(a.stderr).toMatch(/pairs 3, words \d+, edits \d+/);
    const out = join(dir, "pairs-out");
    await cli(["corrupt", "--seed", "4", "--format", "pairs", "--out", out], text);
    expect(readFileSync(join(out, "correct.txt"), "utf8")).toBe(text);
    const chat = await cli(["corrupt", "--seed", "4", "--format", "chat"], text);
    const c0 = JSON.parse(chat.stdout.split("\n")[0]!);
    expect(c0.messages[0].content.startsWith("Correct the typos in this text: ")).toBe(true);
    expect(c0.messages[1].content).toBe("The quick brown fox jumps over the lazy dog.");
    const comp = await cli(["corrupt", "--seed", "4", "--format", "completion"], text);
    const p0 = JSON.parse(comp.stdout.split("\n")[0]!);
    expect(p0.prompt.startsWith("Fix: ")).toBe(true);
    expect(p0.prompt.endsWith("\n")).toBe(true);
    const sd = join(dir, "split");
    await cli(["corrupt", "--seed", "4", "--format", "completion", "--split", "train=0.67,valid=0.33", "--out", sd], text);
    const train = readFileSync(join(sd, "train.jsonl"), "utf8").trim().split("\n");
    const valid = readFileSync(join(sd, "valid.jsonl"), "utf8").trim().split("\n");
    expect(train.length + valid.length).toBe(3);
    expect(valid.length).toBe(1);
    const bad = await cli(["corrupt", "--split", "train=0.5", "--out", sd], text);
    expect(bad.code).toBe(2);
  });
  test("corrupt --realistic uses observed misspellings", async () => {
    const r = await cli(["corrupt", "--seed", "1", "--rate", "1", "--types", "real"], "I received the accommodation and believe it.\n");
    const rec = JSON.parse(r.stdout);
    expect(rec.edits.length).toBeGreaterThan(0);
    expect(rec.edits.every((e: { type: string }) => e.type === "real")).toBe(true);
  });
});
