/**
 * `typofix eval DIR`: run an engine on DIR/corrupt.txt and on DIR/correct.txt and print the scores of
 * ../shared/DESIGN.md §6 (lines, exact, wer_in, wer_out, reduction, clean-text change rate), as a table
 * or JSON, with the engine's speed.
 */
import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { consola } from "consola";
import { createEngine } from "../engines/index.ts";
import type { EngineName } from "../types.ts";
import { werScores, words } from "../metrics/wer.ts";

function readLines(path: string): string[] {
  // the same reading as score.py: split on \n, drop the last (empty) piece
  const lines = readFileSync(path, "utf8").split("\n");
  return lines.slice(0, -1).map((l) => l.replace(/\r$/, ""));
}

export default defineCommand({
  meta: { name: "eval", description: "Score an engine on a folder with corrupt.txt and correct.txt (one sentence per line)" },
  args: {
    dir: { type: "positional", required: true, description: "Folder with corrupt.txt and correct.txt" },
    engine: { type: "string", alias: "e", description: "Engine to score (default: auto)" },
    model: { type: "string", alias: "m", description: "Model for LLM engines" },
    limit: { type: "string", description: "Only the first N lines" },
    json: { type: "boolean", description: "Print the scores as JSON" },
  },
  async run({ args }) {
    const dir = args.dir as string;
    let corrupt: string[];
    let correct: string[];
    try {
      corrupt = readLines(join(dir, "corrupt.txt"));
      correct = readLines(join(dir, "correct.txt"));
    } catch (err) {
      consola.error(`${dir}: needs corrupt.txt and correct.txt (${(err as Error).message})`);
      process.exit(2);
    }
    const limit = args.limit ? Number(args.limit) : undefined;
    if (limit !== undefined) {
      corrupt = corrupt.slice(0, limit);
      correct = correct.slice(0, limit);
    }
    const engine = await createEngine({ engine: ((args.engine as string) ?? "auto") as EngineName, model: args.model as string | undefined, onNotice: (m) => consola.info(m) });
    const t0 = performance.now();
    const output: string[] = [];
    for (const line of corrupt) output.push((await engine.fix(line)).output);
    const seconds = (performance.now() - t0) / 1000;
    const clean: string[] = [];
    for (const line of correct) clean.push((await engine.fix(line)).output);
    await engine.dispose?.();
    const s = werScores(corrupt, correct, output, clean);
    const nWords = corrupt.reduce((n, l) => n + words(l).length, 0);
    const report = {
      engine: engine.name,
      ...s,
      seconds_per_sentence: s.lines ? seconds / s.lines : 0,
      words_per_second: seconds ? nWords / seconds : 0,
    };
    if (args.json) {
      process.stdout.write(JSON.stringify(report) + "\n");
      return;
    }
    const rows: Array<[string, string]> = [
      ["engine", report.engine],
      ["lines", String(s.lines)],
      ["exact", s.exact.toFixed(4)],
      ["wer_in", s.wer_in.toFixed(4)],
      ["wer_out", s.wer_out.toFixed(4)],
      ["reduction", s.reduction.toFixed(4)],
      ["clean change rate", (s.clean_change ?? 0).toFixed(4)],
      ["ms / sentence", (report.seconds_per_sentence * 1000).toFixed(2)],
      ["words / s", Math.round(report.words_per_second).toString()],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n") + "\n");
  },
});
