/**
 * `typofix eval DATA`: score engines on a pairs folder (corrupt.txt + correct.txt), a JSONL file of
 * {"corrupted","clean"} records, or a word list. Several engines side by side (`--engine lexicon,onnx`),
 * external commands (`--external "CMD"`), reports as a table, `--json FILE`, `--md FILE`, and the worst
 * examples (`--failures N`). The headline scores are those of ../shared/DESIGN.md §6.
 */
import { defineCommand } from "citty";
import { fail, numberArg, repeated } from "./args.ts";
import { existsSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { consola } from "./log.ts";
import { createEngine } from "../engines/index.ts";
import type { Engine, EngineName } from "../types.ts";
import { ExternalEngine, failures, loadDataset, markdown, reportRows, runEngine, table, type EngineRun } from "../eval/index.ts";

function progress(label: string) {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const w = 30;
    const f = Math.round((done / total) * w);
    process.stderr.write(`\r${label} [${"#".repeat(f)}${" ".repeat(w - f)}] ${done}/${total}${done >= total ? "\n" : ""}`);
  };
}


export default defineCommand({
  meta: { name: "eval", description: "Score engines on a pairs folder, a JSONL file of {corrupted, clean}, or a word list" },
  args: {
    data: { type: "positional", required: true, description: "corrupt.txt + correct.txt folder, .jsonl file, or right<TAB>wrong list" },
    engine: { type: "string", alias: "e", description: "Engines to compare, comma-separated (default: auto)" },
    external: { type: "string", description: 'A command that corrects lines on stdin, scored like an engine (repeatable)' },
    model: { type: "string", alias: "m", description: "Model for LLM engines" },
    limit: { type: "string", description: "Only the first N items" },
    json: { type: "string", description: "Write the full report as JSON to this file (- for stdout)" },
    md: { type: "string", description: "Write a Markdown report to this file" },
    failures: { type: "string", description: "Print the N worst examples per engine with a diff" },
    bootstrap: { type: "string", description: "Bootstrap resamples for the 95% intervals (default 1000)" },
  },
  async run({ args, rawArgs }) {
    const limit = numberArg("limit", args.limit, { min: 1, integer: true });
    const bootstrap = numberArg("bootstrap", args.bootstrap, { min: 0, integer: true });
    const worst = numberArg("failures", args.failures, { min: 1, integer: true });
    if (!existsSync(args.data as string)) fail(`${args.data}: no such file or folder`);
    let data;
    try {
      data = loadDataset(args.data as string);
    } catch (err) {
      consola.error((err as Error).message);
      process.exit(2);
    }
    if (limit !== undefined) data.items = data.items.slice(0, limit);
    const engines: Engine[] = [];
    const externals = repeated(rawArgs, "--external");
    const names = args.engine ? String(args.engine).split(",").map((s) => s.trim()).filter(Boolean) : externals.length ? [] : ["auto"];
    for (const name of names) {
      try {
        engines.push(await createEngine({ engine: name as EngineName, model: args.model as string | undefined, onNotice: (m) => consola.info(m) }));
      } catch (err) {
        consola.error(`${name}: ${(err as Error).message}`);
        process.exit(2);
      }
    }
    for (const cmd of externals) engines.push(new ExternalEngine(cmd));
    const runs: EngineRun[] = [];
    for (const e of engines) {
      try {
        runs.push(await runEngine(e, data, { bootstrapSamples: bootstrap, onProgress: progress(e.name) }));
      } catch (err) {
        consola.error(`${e.name}: ${(err as Error).message}`);
        process.exitCode = 1;
      } finally {
        await e.dispose?.();
      }
    }
    if (!runs.length) return;
    const full = {
      data: data.name,
      kind: data.kind,
      items: data.items.length,
      engines: runs.map((r) => ({ engine: r.engine, ...r.report, clean_change: r.report.clean_change, seconds: r.seconds, seconds_per_sentence: r.secondsPerSentence, words_per_second: r.wordsPerSecond })),
    };
    if (args.json === "-") process.stdout.write(JSON.stringify(full.engines.length === 1 ? full.engines[0] : full) + "\n");
    else {
      if (args.json) writeFileSync(args.json as string, JSON.stringify(full, null, 2) + "\n");
      process.stdout.write(table(reportRows(runs)));
    }
    if (args.md) writeFileSync(args.md as string, markdown(data, runs));
    if (args.failures) for (const r of runs) process.stdout.write(`\nworst examples — ${r.engine}\n${failures(data, r, worst!)}`);
  },
});
