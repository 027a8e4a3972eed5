/**
 * The evaluation runner behind `typofix eval`: loads a data set (a pairs folder, a JSONL file of
 * {"corrupted","clean"} records, or a word list `right<TAB>wrong1 wrong2`), runs one or more engines on
 * it — typofix engines or any external command that corrects lines on stdin — and scores each with
 * src/metrics. Reports as a side-by-side table, JSON or Markdown, with the worst examples.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Engine, FixResult } from "../types.ts";
import { diffEdits } from "../text/edits.ts";
import { evaluate, levenshtein, words, type EvalItem, type EvalReport } from "../metrics/index.ts";
import type { CorruptionEdit } from "../corrupt/index.ts";

export interface Dataset {
  name: string;
  kind: "pairs" | "jsonl" | "wordlist";
  items: Array<{ source: string; reference: string; edits?: CorruptionEdit[] }>;
  /** Whether the clean side is text worth running the engine on (not for isolated word lists). */
  cleanRun: boolean;
}

function lines(path: string): string[] {
  // as score.py reads: split on \n and drop the last piece
  return readFileSync(path, "utf8").split("\n").slice(0, -1).map((l) => l.replace(/\r$/, ""));
}

export function loadDataset(path: string): Dataset {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const c = join(path, "corrupt.txt");
    const r = join(path, "correct.txt");
    if (!existsSync(c) || !existsSync(r)) throw new Error(`${path}: a pairs folder needs corrupt.txt and correct.txt`);
    const src = lines(c);
    const ref = lines(r);
    if (src.length !== ref.length) throw new Error(`${path}: corrupt.txt has ${src.length} lines, correct.txt ${ref.length}`);
    return { name: path, kind: "pairs", items: src.map((s, i) => ({ source: s, reference: ref[i]! })), cleanRun: true };
  }
  const text = readFileSync(path, "utf8");
  if (/\.jsonl?$/i.test(path) || text.trimStart().startsWith("{")) {
    const items = text
      .split("\n")
      .filter((l) => l.trim())
      .map((l, i) => {
        let o: { corrupted?: unknown; clean?: unknown; edits?: CorruptionEdit[] };
        try {
          o = JSON.parse(l);
        } catch {
          throw new Error(`${path}:${i + 1}: not JSON`);
        }
        if (typeof o.corrupted !== "string" || typeof o.clean !== "string") throw new Error(`${path}:${i + 1}: needs "corrupted" and "clean" strings`);
        return { source: o.corrupted, reference: o.clean, edits: o.edits };
      });
    return { name: path, kind: "jsonl", items, cleanRun: true };
  }
  const items: Dataset["items"] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [right, wrongs] = line.split("\t");
    if (!right || wrongs === undefined) throw new Error(`${path}: expected "right<TAB>wrong1 wrong2" lines`);
    for (const w of wrongs.split(/\s+/).filter(Boolean)) items.push({ source: w, reference: right.trim() });
  }
  return { name: path, kind: "wordlist", items, cleanRun: false };
}

/** An engine that pipes lines through a command (e.g. a peer spell checker): one line in, one line out. */
export class ExternalEngine implements Engine {
  readonly name: string;
  constructor(readonly command: string) {
    this.name = `external:${command}`;
  }
  /** Correct many lines in one run of the command. */
  async fixAll(texts: readonly string[]): Promise<string[]> {
    const p = Bun.spawn(["sh", "-c", this.command], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    p.stdin.write(texts.join("\n") + "\n");
    p.stdin.end();
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    if (code !== 0) throw new Error(`${this.command}: exited with ${code}: ${err.trim().slice(0, 300)}`);
    const got = out.split("\n");
    if (got[got.length - 1] === "") got.pop();
    if (got.length !== texts.length) throw new Error(`${this.command}: gave ${got.length} lines for ${texts.length}`);
    return got;
  }
  async fix(text: string): Promise<FixResult> {
    const [output] = await this.fixAll([text]);
    return { input: text, output: output!, edits: diffEdits(text, output!), engine: this.name };
  }
}

export interface EngineRun {
  engine: string;
  report: EvalReport;
  outputs: string[];
  seconds: number;
  secondsPerSentence: number;
  wordsPerSecond: number;
}

async function runAll(engine: Engine, texts: readonly string[], onProgress?: (done: number) => void): Promise<string[]> {
  if (engine instanceof ExternalEngine) return engine.fixAll(texts);
  const out: string[] = [];
  for (const t of texts) {
    try {
      out.push((await engine.fix(t)).output);
    } catch {
      out.push(t); // an engine failure leaves the text as it was
    }
    if (onProgress && out.length % 25 === 0) onProgress(out.length);
  }
  onProgress?.(out.length);
  return out;
}

export async function runEngine(engine: Engine, data: Dataset, options: { bootstrapSamples?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<EngineRun> {
  const sources = data.items.map((i) => i.source);
  const total = sources.length * (data.cleanRun ? 2 : 1);
  const t0 = performance.now();
  const outputs = await runAll(engine, sources, (d) => options.onProgress?.(d, total));
  const seconds = (performance.now() - t0) / 1000;
  const clean = data.cleanRun ? await runAll(engine, data.items.map((i) => i.reference), (d) => options.onProgress?.(sources.length + d, total)) : undefined;
  const items: EvalItem[] = data.items.map((it, i) => ({ source: it.source, reference: it.reference, output: outputs[i]!, outputOnClean: clean?.[i], edits: it.edits }));
  const report = evaluate(items, { bootstrapSamples: options.bootstrapSamples });
  const nWords = sources.reduce((n, s) => n + words(s).length, 0);
  return { engine: engine.name, report, outputs, seconds, secondsPerSentence: sources.length ? seconds / sources.length : 0, wordsPerSecond: seconds ? nWords / seconds : 0 };
}

const HEADLINE: Array<[keyof EvalReport, string]> = [
  ["lines", "lines"],
  ["exact", "exact"],
  ["wer_in", "wer_in"],
  ["wer_out", "wer_out"],
  ["reduction", "reduction"],
  ["clean_change", "clean change"],
  ["cer_in", "cer_in"],
  ["cer_out", "cer_out"],
  ["bleu", "BLEU"],
  ["rouge_l", "ROUGE-L"],
  ["edit_similarity", "edit similarity"],
  ["precision", "precision"],
  ["recall", "recall"],
  ["f05", "F0.5"],
  ["over_correction", "over-correction"],
];

function cell(run: EngineRun, key: keyof EvalReport): string {
  const v = run.report[key];
  if (v === undefined) return "–";
  if (key === "lines") return String(v);
  const ci = run.report.ci[key as string];
  return ci ? `${(v as number).toFixed(4)} [${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}]` : (v as number).toFixed(4);
}

/** Rows of the side-by-side report: metric, then one column per engine. */
export function reportRows(runs: readonly EngineRun[]): string[][] {
  const rows: string[][] = [["metric", ...runs.map((r) => r.engine)]];
  for (const [k, label] of HEADLINE) if (runs.some((r) => r.report[k] !== undefined)) rows.push([label, ...runs.map((r) => cell(r, k))]);
  rows.push(["ms / sentence", ...runs.map((r) => (r.secondsPerSentence * 1000).toFixed(2))]);
  rows.push(["words / s", ...runs.map((r) => Math.round(r.wordsPerSecond).toString())]);
  const types = [...new Set(runs.flatMap((r) => Object.keys(r.report.per_type ?? {})))].sort();
  for (const t of types)
    rows.push([`recall: ${t}`, ...runs.map((r) => {
      const x = r.report.per_type?.[t];
      return x ? `${x.recall.toFixed(3)} (${x.fixed}/${x.total})` : "–";
    })]);
  return rows;
}

export function table(rows: string[][]): string {
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((x, c) => x.padEnd(w[c]!)).join("  ").trimEnd()).join("\n") + "\n";
}

export function markdown(data: Dataset, runs: readonly EngineRun[]): string {
  const rows = reportRows(runs);
  const md = [`# typofix eval: ${data.name}`, "", `${data.items.length} items (${data.kind}); 95% bootstrap intervals in brackets.`, ""];
  md.push(`| ${rows[0]!.join(" | ")} |`, `|${rows[0]!.map(() => "---").join("|")}|`);
  for (const r of rows.slice(1)) md.push(`| ${r.join(" | ")} |`);
  return md.join("\n") + "\n";
}

/** The N worst examples of a run (largest word distance to the reference), with an inline diff. */
export function failures(data: Dataset, run: EngineRun, n: number): string {
  const scored = data.items.map((it, i) => ({ it, out: run.outputs[i]!, d: levenshtein(words(run.outputs[i]!), words(it.reference)) }));
  scored.sort((a, b) => b.d - a.d);
  const show = (from: string, to: string) => {
    let s = "";
    let pos = 0;
    for (const e of diffEdits(from, to)) {
      s += from.slice(pos, e.start) + (e.from ? `[-${e.from}-]` : "") + (e.to ? `{+${e.to}+}` : "");
      pos = e.end;
    }
    return s + from.slice(pos);
  };
  return (
    scored
      .filter((x) => x.d > 0)
      .slice(0, n)
      .map((x) => `(${x.d} word errors)\n  input:  ${x.it.source}\n  output: ${show(x.it.source, x.out)}\n  wanted: ${show(x.out, x.it.reference)}`)
      .join("\n") + "\n"
  );
}
