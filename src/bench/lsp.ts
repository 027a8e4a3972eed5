/**
 * The bench's language-server rows: `typofix lsp` (lexicon engine) as a child over stdio, driven by the
 * JSON-RPC client of src/lsp/client.ts. Measured: time from didOpen of a 1,000-line Markdown file (new,
 * distinct lines of prose each run with a typo on every fifth line, a code fence every 50 lines) to its
 * publishDiagnostics, and the same for 1,000 lines of the dev set (a typo every few words) when present; time from
 * a one-line didChange to the diagnostics of that version (the server's debounce included); the server's
 * heap (after a full collection, `typofix/memory` request) and RSS before, during and after 1,000 such edits (flat: the line cache keeps only the current
 * document's lines). Targets (issue 18): open ≤ 200 ms, change ≤ 20 ms, memory flat.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { summarize, type Summary } from "./stats.ts";
import { spawnLsp } from "../lsp/client.ts";

export interface LspRow {
  lines: number;
  /** Where the prose came from, and how many of the lines are distinct (repeated lines are checked once). */
  corpus: string;
  distinct?: number;
  /** didOpen → publishDiagnostics, a new document each run (ms). */
  open?: Summary;
  /** Diagnostics of the opened document. */
  diagnostics?: number;
  /** didOpen → publishDiagnostics for the same number of lines of the corpus (the dev set's realistic typos, a typo every few words): a worst case. */
  openDense?: Summary;
  denseDiagnostics?: number;
  /** One-line didChange → publishDiagnostics of that version (ms). */
  change?: Summary;
  edits?: number;
  /** Server RSS and JavaScript heap (MB) after a full garbage collection: after warm-up and after each tenth of the edits. */
  rssMb?: number[];
  heapMb?: number[];
  /** Heap after the last edit minus heap after the first tenth (MB): about 0 when memory is flat. */
  heapGrowthMb?: number;
  error?: string;
}

/**
 * A Markdown document of `n` distinct lines: the corpus (the dev set's corrupt.txt, realistic typos, when
 * given; else bench/sample.txt) hard-wrapped at 80 columns (narrower on later passes over a short text) from word `offset` on, as prose is written, with a
 * code fence every 50 lines. Lines repeat only when the text runs out (`distinct` says how many are unique).
 */
export function markdownDoc(n: number, corpus: string | undefined, offset = 0): { lines: string[]; distinct: number } {
  const text = readFileSync(corpus ?? join(import.meta.dir, "../../bench/sample.txt"), "utf8");
  const words = text.split("\n").filter((l) => l.trim() && !l.startsWith("# ")).join(" ").split(/\s+/).filter(Boolean);
  const lines: string[] = ["# Bench document", ""];
  let cur = "";
  for (let i = 0; lines.length < n; i++) {
    // each pass over a short text wraps at another width, so its lines break elsewhere and do not repeat
    const pass = Math.floor(i / words.length);
    const w = words[(offset + i) % words.length]!;
    if (cur && cur.length + 1 + w.length > 80 - ((pass * 7) % 30)) {
      lines.push(cur);
      if (lines.length % 50 === 49) lines.push("```ts", "const teh = 1; // code is not checked", "```");
      cur = "";
    }
    cur = cur ? `${cur} ${w}` : w;
  }
  const out = lines.slice(0, n);
  // clean prose (the sample) gets a typo on every fifth line, as a draft has: two letters swapped
  if (!corpus)
    for (let i = 2; i < out.length; i += 5) out[i] = out[i]!.replace(/\b([a-z]{2})([a-z])([a-z])([a-z]+)\b/, "$1$3$2$4");
  return { lines: out, distinct: new Set(out).size };
}

export async function measureLsp(selfCommand: (...args: string[]) => string[], o: { runs: number; edits?: number; lines?: number; corpus?: string; onProgress?: (m: string) => void }): Promise<LspRow> {
  const n = o.lines ?? 1000;
  const row: LspRow = { lines: n, corpus: "bench/sample.txt" };
  const env: Record<string, string | undefined> = { ...process.env, TYPOFIX_NO_SERVER: "1" };
  const c = spawnLsp(selfCommand("lsp", "--stdio"), env);
  try {
    await c.request("initialize", { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { engine: "lexicon" } });
    c.notify("initialized", {});
    const open = async (uri: string, offset: number, corpus?: string) => {
      const { lines: doc, distinct } = markdownDoc(n, corpus, offset);
      if (!corpus) row.distinct = distinct;
      const text = doc.join("\n") + "\n";
      const t0 = performance.now();
      c.notify("textDocument/didOpen", { textDocument: { uri, languageId: "markdown", version: 1, text } });
      const d = await c.next("textDocument/publishDiagnostics", (m) => m.params.uri === uri);
      return { ms: performance.now() - t0, count: d.params.diagnostics.length as number, doc };
    };
    o.onProgress?.(`language server: didOpen of a ${n}-line Markdown file…`);
    await open("file:///bench/warmup.md", 0); // loads the engine
    const opens: number[] = [];
    let doc: string[] = [];
    // each run opens a new document with other text (no line was seen before, as with a file just opened)
    for (let i = 0; i < Math.max(5, o.runs); i++) {
      const r = await open(`file:///bench/doc-${i}.md`, 1000 * (i + 1));
      opens.push(r.ms);
      row.diagnostics = r.count;
      if (i === 0) doc = r.doc;
      else c.notify("textDocument/didClose", { textDocument: { uri: `file:///bench/doc-${i}.md` } });
    }
    c.notify("textDocument/didClose", { textDocument: { uri: "file:///bench/warmup.md" } });
    if (o.corpus) {
      o.onProgress?.(`language server: didOpen of ${n} lines of ${o.corpus}…`);
      const dense: number[] = [];
      for (let i = 0; i < Math.max(5, o.runs); i++) {
        const r = await open(`file:///bench/dense-${i}.md`, 1000 * (i + 1), o.corpus);
        dense.push(r.ms);
        row.denseDiagnostics = r.count;
        c.notify("textDocument/didClose", { textDocument: { uri: `file:///bench/dense-${i}.md` } });
      }
      row.openDense = summarize(dense);
    }
    row.open = summarize(opens);
    const edits = o.edits ?? 1000;
    o.onProgress?.(`language server: ${edits} one-line changes…`);
    const uri = "file:///bench/doc-0.md";
    const changes: number[] = [];
    row.rssMb = [];
    row.heapMb = [];
    const sample = async () => {
      const m = await c.request("typofix/memory", null);
      row.rssMb!.push(+m.rssMb.toFixed(1));
      row.heapMb!.push(+m.heapMb.toFixed(2));
    };
    await sample();
    for (let v = 2, k = 0; v < edits + 2; k++) {
      // each edit rewrites a word on a prose line, alternately with and without a typo
      const line = 2 + ((k * 37) % (n - 4));
      const cur = doc[line]!;
      const m = /\b[a-z]{4,}\b/.exec(cur);
      if (!m || cur.startsWith("const ")) continue;
      const to = v % 2 ? m[0].slice(1) + m[0][0] : m[0].split("").reverse().join("");
      doc[line] = cur.slice(0, m.index) + to + cur.slice(m.index + m[0].length);
      const t0 = performance.now();
      c.notify("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line, character: m.index }, end: { line, character: m.index + m[0].length } }, text: to }] });
      await c.next("textDocument/publishDiagnostics", (x) => x.params.uri === uri && x.params.version === v);
      changes.push(performance.now() - t0);
      if ((v - 1) % Math.max(1, Math.floor(edits / 10)) === 0) await sample();
      v++;
    }
    row.edits = changes.length;
    row.change = summarize(changes);
    await sample();
    row.heapGrowthMb = +(row.heapMb[row.heapMb.length - 1]! - row.heapMb[Math.min(1, row.heapMb.length - 1)]!).toFixed(2);
    await c.request("shutdown", null);
    c.notify("exit", null);
    await c.proc.exited;
  } catch (err) {
    row.error = (err as Error).message;
    c.proc.kill();
  }
  return row;
}

const f1 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "–" : x.toFixed(1));

/** The rows as text for the bench table. */
export function lspText(r: LspRow): string {
  if (r.error) return `language server: ${r.error}\n`;
  return `language server (${r.lines}-line Markdown from ${r.corpus}, ${r.distinct} distinct lines, lexicon): didOpen → diagnostics ${f1(r.open?.mean)} ms (p95 ${f1(r.open?.p95)})${r.openDense ? `, typo-dense dev set ${f1(r.openDense.mean)} ms (p95 ${f1(r.openDense.p95)})` : ""}; one-line change → diagnostics ${f1(r.change?.mean)} ms (p95 ${f1(r.change?.p95)}) over ${r.edits} edits; heap after GC ${r.heapMb?.join(" → ")} MB (growth ${r.heapGrowthMb} MB), RSS ${r.rssMb?.join(" → ")} MB\n`;
}

/** The rows as a Markdown table. */
export function lspMarkdown(r: LspRow): string[] {
  if (r.error) return ["", `Language server: ${r.error}`];
  return [
    "",
    `| language server (${r.lines}-line Markdown from ${r.corpus}, ${r.distinct} distinct lines, lexicon) | mean ms | p95 | max | target |`,
    "|---|---|---|---|---|",
    `| didOpen → diagnostics (${r.diagnostics} typos) | ${f1(r.open?.mean)} | ${f1(r.open?.p95)} | ${f1(r.open?.max)} | ≤ 200 |`,
    ...(r.openDense ? [`| didOpen → diagnostics, ${r.lines} lines of the typo-dense dev set (${r.denseDiagnostics} typos) | ${f1(r.openDense.mean)} | ${f1(r.openDense.p95)} | ${f1(r.openDense.max)} | |`] : []),
    `| one-line change → diagnostics (${r.edits} edits) | ${f1(r.change?.mean)} | ${f1(r.change?.p95)} | ${f1(r.change?.max)} | ≤ 20 |`,
    `| server heap after GC over the edits (MB) | ${r.heapMb?.join(" → ")} | | growth ${r.heapGrowthMb} | flat |`,
    `| server RSS over the edits (MB) | ${r.rssMb?.join(" → ")} | | | |`,
  ];
}
