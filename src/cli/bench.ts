/**
 * `typofix bench`: speed of every engine on this machine, next to peers; table, JSON, Markdown, SVG,
 * comparison with an earlier run. Ctrl-C stops and still writes what was measured.
 */
import { defineCommand } from "citty";
import { fail, numberArg, repeated } from "./args.ts";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { consola } from "./log.ts";
import { compare, killCurrent, markdown, runBench, svg, table, throughput, type BenchOptions, type BenchReport } from "../bench/index.ts";
import { runWorker, type WorkerSpec } from "../bench/measure.ts";
import { engineAvailability } from "../engines/index.ts";

export default defineCommand({
  meta: { name: "bench", description: "Measure the engines' speed (latency, tokens/s, context sweep, RSS) next to aspell/hunspell" },
  args: {
    engine: { type: "string", alias: "e", description: "Engines, comma-separated, optionally with a model: lexicon,onnx=MODEL,ane=MODEL (default: all available)" },
    model: { type: "string", alias: "m", description: "Model for the LLM engines (name or folder)" },
    runs: { type: "string", description: "Measured runs per measurement (default 5)" },
    warmup: { type: "string", description: "Warm-up runs (default 1)" },
    contexts: { type: "string", description: "Prompt lengths in tokens for the sweep (default 128,256,512)" },
    "decode-tokens": { type: "string", description: "Tokens decoded per sweep run for LLM engines (default 16)" },
    units: { type: "boolean", description: "ANE: also compare compute units (cpuAndNeuralEngine, cpuOnly, all)" },
    peers: { type: "boolean", default: true, negativeDescription: "Do not measure aspell/hunspell" },
    serve: { type: "boolean", default: true, negativeDescription: "Do not measure the one-liner through a warm `typofix serve`" },
    lsp: { type: "boolean", default: true, negativeDescription: "Do not measure `typofix lsp` (didOpen and one-line changes of a 1,000-line Markdown file)" },
    external: { type: "string", description: "A command correcting lines on stdin, measured as a peer (repeatable)" },
    corpus: { type: "string", description: "Text file for the lexicon's words/s (default: the dev set when present)" },
    json: { type: "string", description: "Write the full report (every raw sample) as JSON (- for stdout)" },
    md: { type: "string", description: "Write a Markdown report" },
    svg: { type: "string", description: "Write an SVG chart (latency per engine and context, ANE/CPU ratio)" },
    compare: { type: "string", description: "Compare with an earlier --json report and flag regressions" },
    worker: { type: "string", description: "(internal) measure one engine and print JSON" },
    throughput: { type: "string", description: "(internal) lexicon words/s over a file" },
  },
  async run({ args, rawArgs }) {
    if (args.worker) {
      const r = await runWorker(JSON.parse(args.worker as string) as WorkerSpec);
      process.stdout.write(JSON.stringify(r));
      return;
    }
    if (args.throughput) {
      process.stdout.write(JSON.stringify(await throughput(args.throughput as string)));
      return;
    }
    // files named on the command line are checked before minutes of measuring
    for (const k of ["compare", "corpus"] as const) if (args[k] !== undefined && !existsSync(args[k] as string)) fail(`--${k}: ${args[k]}: no such file`);
    // --engine lexicon,onnx=MODEL,ane=MODEL: a model per LLM engine (else --model, else the installed one)
    const want = args.engine ? new Map<string, string | undefined>(String(args.engine).split(",").map((s) => { const [k, v] = s.trim().split("="); return [k!, v]; })) : null;
    const engines: BenchOptions["engines"] = [];
    for (const name of ["lexicon", "onnx", "ane"] as const) {
      if (want && !want.has(name)) continue;
      const model = name === "lexicon" ? undefined : (want?.get(name) ?? (args.model as string | undefined));
      const [a] = (await engineAvailability({ model })).filter((x) => x.name === name);
      if (!a?.available) {
        if (want) consola.warn(`${name}: not measured (${a?.reason ?? "unknown engine"})`);
        continue;
      }
      if (name === "ane" && args.units) for (const units of ["cpuAndNeuralEngine", "cpuOnly", "all"] as const) engines.push({ engine: name, model, units });
      else engines.push({ engine: name, model });
    }
    const externals = repeated(rawArgs, "--external");
    const contexts = String(args.contexts ?? "128,256,512").split(",").map((c) => Number(c.trim()));
    if (contexts.some((c) => !Number.isInteger(c) || c < 1)) fail(`--contexts must be whole numbers ≥ 1, comma-separated (got "${args.contexts}")`);
    const dev = join(import.meta.dir, "../../../shared/data/dev/wikidump.realistic/corrupt.txt");
    let interrupted = false;
    let finished = false;
    const partial: { report?: BenchReport } = {};
    const write = (r: BenchReport) => {
      if (args.json && args.json !== "-") writeFileSync(args.json as string, JSON.stringify(r, null, 2) + "\n");
      if (args.md) writeFileSync(args.md as string, markdown(r));
      if (args.svg) writeFileSync(args.svg as string, svg(r));
    };
    process.on("SIGINT", () => {
      if (finished) process.exit(130);
      interrupted = true;
      consola.warn("interrupted: finishing with what was measured");
      killCurrent();
    });
    const opts: BenchOptions = {
      engines,
      runs: numberArg("runs", args.runs, { min: 1, integer: true }) ?? 5,
      warmup: numberArg("warmup", args.warmup, { min: 0, integer: true }) ?? 1,
      contexts,
      decodeTokens: numberArg("decode-tokens", args["decode-tokens"], { min: 1, integer: true }) ?? 16,
      peers: args.peers !== false,
      serve: args.serve !== false,
      lsp: args.lsp !== false,
      external: externals,
      corpus: (args.corpus as string | undefined) ?? (existsSync(dev) ? dev : undefined),
      onProgress: (m) => process.stderr.write(`${m}\n`),
      interrupted: () => interrupted,
    };
    const report = await runBench(opts);
    partial.report = report;
    finished = true;
    write(report);
    if (args.json === "-") process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    else process.stdout.write(table(report));
    if (args.compare) {
      const old = JSON.parse(readFileSync(args.compare as string, "utf8")) as BenchReport;
      const c = compare(old, report);
      process.stdout.write(`\ncompared with ${args.compare}:\n${c.lines.join("\n")}\n`);
      if (c.regressions) process.exitCode = 1;
    }
    if (report.interrupted) process.exitCode = 130;
  },
});
