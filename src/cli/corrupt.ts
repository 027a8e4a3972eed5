/**
 * `typofix corrupt`: make synthetic typo data from clean text (files or stdin, one sentence or paragraph
 * per line). JSONL pairs {"corrupted","clean","edits"} by default; `--format pairs DIR` writes the
 * corrupt.txt/correct.txt layout that `typofix eval` reads; `--format chat|completion` writes fine-tuning
 * records for a Qwen3 typo fixer, optionally split (`--split train=0.9,valid=0.1`). A summary goes to stderr.
 */
import { defineCommand } from "citty";
import { fail, numberArg, repeated } from "./args.ts";
import { messageOf } from "./exit.ts";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { consola } from "./log.ts";
import { CORRUPTION_TYPES, corruptLines, mulberry32, parseMisspellings, summarize, type CorruptionType, type CorruptedPair } from "../corrupt/index.ts";
// @ts-ignore: Bun file import (embedded in the compiled binary)
import misspellingsPath from "../../models/misspellings/en-common.tsv" with { type: "file" };


export const PROMPT_CHAT = "Correct the typos in this text: ";

export function record(p: CorruptedPair, format: string): string {
  switch (format) {
    case "chat":
      return JSON.stringify({
        messages: [
          { role: "user", content: PROMPT_CHAT + p.corrupted },
          { role: "assistant", content: p.clean },
        ],
      });
    case "completion":
      return JSON.stringify({ prompt: `Fix: ${p.corrupted}\n`, completion: p.clean });
    default:
      return JSON.stringify({ corrupted: p.corrupted, clean: p.clean, edits: p.edits });
  }
}

export function parseSplit(spec: string): Array<[string, number]> {
  const parts = spec.split(",").map((s) => {
    const [name, v] = s.split("=");
    const x = Number(v);
    if (!name || !(x > 0)) throw new Error(`--split: expected name=fraction, got "${s}"`);
    return [name.trim(), x] as [string, number];
  });
  const total = parts.reduce((a, [, x]) => a + x, 0);
  if (Math.abs(total - 1) > 1e-6) throw new Error(`--split: fractions add up to ${total}, not 1`);
  return parts;
}

export default defineCommand({
  meta: { name: "corrupt", description: "Make synthetic typo pairs from clean text (JSONL, pairs folder, or fine-tuning records)" },
  args: {
    files: { type: "positional", required: false, description: "Clean text files (default: standard input)" },
    seed: { type: "string", description: "Random seed (same seed + input = same output everywhere; default 0)" },
    rate: { type: "string", description: "Share of words to corrupt (default 0.15)" },
    types: { type: "string", description: `Enabled types, comma-separated (${CORRUPTION_TYPES.join(", ")})` },
    weight: { type: "string", description: "Type weight, e.g. --weight keyboard=3 (repeatable)" },
    realistic: { type: "boolean", description: "Also use real observed misspellings (cspell common misspellings list)" },
    format: { type: "string", description: "jsonl (default), pairs, chat, completion" },
    out: { type: "string", alias: "o", description: "Output file, or folder for --format pairs / --split (default: stdout)" },
    split: { type: "string", description: "Split records, e.g. train=0.9,valid=0.1 (needs --out DIR)" },
    limit: { type: "string", description: "Only the first N lines of input" },
  },
  async run({ args, rawArgs }) {
    const rate = numberArg("rate", args.rate, { min: 0, max: 1 });
    const seedArg = numberArg("seed", args.seed, { min: 0, integer: true });
    const limit = numberArg("limit", args.limit, { min: 1, integer: true });
    const files = (args._ as string[]).filter(Boolean);
    const read = (f: string) => {
      try {
        return readFileSync(f, "utf8");
      } catch (err) {
        fail(`${f}: ${messageOf(err).replace(/^.*: /, "")}`);
      }
    };
    const text = files.length ? files.map(read).join("\n") : await Bun.stdin.text();
    let lines = text.split(/\r?\n/).filter((l) => l.trim());
    if (limit !== undefined) lines = lines.slice(0, limit);
    const weights: Partial<Record<CorruptionType, number>> = {};
    for (const w of repeated(rawArgs, "--weight")) {
      const [k, v] = w.split("=");
      if (!CORRUPTION_TYPES.includes(k as CorruptionType) || !(Number(v) >= 0)) {
        consola.error(`--weight: expected TYPE=NUMBER with TYPE one of ${CORRUPTION_TYPES.join(", ")}`);
        process.exit(2);
      }
      weights[k as CorruptionType] = Number(v);
    }
    const types = args.types ? (String(args.types).split(",") as CorruptionType[]) : undefined;
    for (const t of types ?? []) if (!CORRUPTION_TYPES.includes(t)) (consola.error(`unknown type "${t}"`), process.exit(2));
    const misspellings = args.realistic || types?.includes("real") ? parseMisspellings(readFileSync(misspellingsPath as unknown as string, "utf8")) : undefined;
    const seed = seedArg ?? 0;
    const pairs = corruptLines(lines, { seed, rate, weights, types, misspellings });
    const format = (args.format as string | undefined) ?? "jsonl";
    if (!["jsonl", "pairs", "chat", "completion"].includes(format)) (consola.error(`unknown format "${format}"`), process.exit(2));
    const out = args.out as string | undefined;
    if (format === "pairs") {
      if (!out) (consola.error("--format pairs needs --out DIR"), process.exit(2));
      mkdirSync(out!, { recursive: true });
      writeFileSync(join(out!, "corrupt.txt"), pairs.map((p) => p.corrupted + "\n").join(""));
      writeFileSync(join(out!, "correct.txt"), pairs.map((p) => p.clean + "\n").join(""));
    } else if (args.split) {
      if (!out) (consola.error("--split needs --out DIR"), process.exit(2));
      let parts: Array<[string, number]>;
      try {
        parts = parseSplit(String(args.split));
      } catch (err) {
        consola.error((err as Error).message);
        process.exit(2);
      }
      // a seeded shuffle, then consecutive slices
      const order = pairs.map((_, i) => i);
      const rng = mulberry32(seed ^ 0x5eed);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      mkdirSync(out!, { recursive: true });
      let start = 0;
      parts.forEach(([name, frac], k) => {
        const end = k === parts.length - 1 ? order.length : start + Math.round(frac * order.length);
        writeFileSync(join(out!, `${name}.jsonl`), order.slice(start, end).map((i) => record(pairs[i]!, format) + "\n").join(""));
        start = end;
      });
    } else {
      const body = pairs.map((p) => record(p, format) + "\n").join("");
      if (out) writeFileSync(out, body);
      else process.stdout.write(body);
    }
    const s = summarize(pairs);
    const byType = Object.entries(s.byType).sort().map(([k, v]) => `${k} ${v}`).join(", ");
    process.stderr.write(`pairs ${s.pairs}, words ${s.words}, edits ${s.edits} (rate ${(s.rate * 100).toFixed(1)}%): ${byType}\n`);
  },
});
