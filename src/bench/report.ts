/**
 * The bench report as people read it: a text table, Markdown, an SVG chart, and the comparison of two
 * reports that flags regressions beyond the measured noise (`typofix bench --compare`). Pure functions of
 * a BenchReport (src/bench/index.ts measures); cost linear in the report.
 */
import type { BenchReport } from "./index.ts";
import { regression, type Summary } from "./stats.ts";
import { lspMarkdown, lspText } from "./lsp.ts";
import { cliMarkdown, cliTable } from "./startup.ts";

const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(1));

export function table(r: BenchReport): string {
  const rows: string[][] = [["engine", "load ms", "latency ms mean±sd", "p50", "p95", "min", "max", "RSS MB", "ms/token (slope)"]];
  for (const e of r.engines)
    rows.push([e.label + (e.testDouble ? " (test double)" : ""), f1(e.loadMs), `${f1(e.latency.mean)}±${f1(e.latency.sd)}`, f1(e.latency.p50), f1(e.latency.p95), f1(e.latency.min), f1(e.latency.max), f1(e.peakRssMb), f1(e.slopeMsPerToken)]);
  for (const p of r.peers) rows.push([p.name, "–", p.latency ? `${f1(p.latency.mean)}±${f1(p.latency.sd)}` : p.note ?? "–", f1(p.latency?.p50), f1(p.latency?.p95), f1(p.latency?.min), f1(p.latency?.max), "–", "–"]);
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((x) => x[c]!.length)));
  let out = rows.map((x) => x.map((v, c) => v.padEnd(w[c]!)).join("  ").trimEnd()).join("\n") + "\n";
  out += "\ncontext sweep (mean ms; LLM: prefill tok/s · TTFT ms · decode tok/s; lexicon: words/s)\n";
  for (const e of r.engines)
    for (const s of e.sweep)
      out += `  ${e.label} @${s.context} (${s.tokens} tokens): ${f1(s.latency.mean)} ms${s.decodeTokensPerS ? ` · prefill ${f1(s.prefillTokensPerS)} tok/s · TTFT ${f1(s.ttftMs)} ms · decode ${f1(s.decodeTokensPerS)} tok/s` : ` · ${f1(s.wordsPerS)} words/s`}\n`;
  if (r.throughput) out += `\nlexicon throughput: ${Math.round(r.throughput.wordsPerS)} words/s over ${r.throughput.words} words (${r.throughput.corpus}), peak RSS ${f1(r.throughput.peakRssMb)} MB\n`;
  for (const l of r.longLines ?? []) out += `long line, ${l.name}: ${f1(l.seconds)} s, peak RSS ${f1(l.peakRssMb)} MB${l.exitCode ? ` (exit ${l.exitCode})` : ""}\n`;
  if (r.cli) out += cliTable(r.cli);
  if (r.startup && !r.cli) out += `start-up (one-liner, ms mean): ${Object.entries(r.startup).map(([k, v]) => `${k} ${typeof v === "string" ? v : f1(v.mean)}`).join(", ")}\n`;
  for (const x of r.server ?? [])
    out += x.warm && x.cold
      ? `one-liner ${x.label}: warm server ${f1(x.warm.mean)} ms (p95 ${f1(x.warm.p95)}) vs cold in-process ${f1(x.cold.mean)} ms (p95 ${f1(x.cold.p95)}): ${x.speedup!.toFixed(1)}× faster; server load ${f1(x.serverLoadMs)} ms once\n`
      : `one-liner ${x.label} through a server: ${x.error}\n`;
  if (r.lsp) out += lspText(r.lsp);
  for (const c of r.consistency) out += `same output ${c.a} vs ${c.b}: ${c.same}/${c.total}\n`;
  for (const x of r.ratios) out += `ratio ${x.what}: ${x.value.toFixed(2)}×\n`;
  for (const e of r.errors) out += `error: ${e}\n`;
  if (r.interrupted) out += "(interrupted: partial results)\n";
  return out;
}

export function markdown(r: BenchReport): string {
  const lines = [`# typofix bench ${r.version}`, "", `${r.machine.platform}-${r.machine.arch}, ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGb} GB, Bun ${r.machine.bun}; ${r.startedAt}${r.interrupted ? " (interrupted)" : ""}`, ""];
  lines.push("| engine | load ms | latency ms (mean ± sd) | p50 | p95 | peak RSS MB | ms per token |", "|---|---|---|---|---|---|---|");
  for (const e of r.engines) lines.push(`| ${e.label}${e.testDouble ? " (test double)" : ""} | ${f1(e.loadMs)} | ${f1(e.latency.mean)} ± ${f1(e.latency.sd)} | ${f1(e.latency.p50)} | ${f1(e.latency.p95)} | ${f1(e.peakRssMb)} | ${f1(e.slopeMsPerToken)} |`);
  for (const p of r.peers) lines.push(`| ${p.name} | – | ${p.latency ? `${f1(p.latency.mean)} ± ${f1(p.latency.sd)}` : p.note} | ${f1(p.latency?.p50)} | ${f1(p.latency?.p95)} | – | – |`);
  lines.push("", "| engine | context | tokens | mean ms | prefill tok/s | TTFT ms | decode tok/s | words/s |", "|---|---|---|---|---|---|---|---|");
  for (const e of r.engines) for (const s of e.sweep) lines.push(`| ${e.label} | ${s.context} | ${s.tokens} | ${f1(s.latency.mean)} | ${f1(s.prefillTokensPerS)} | ${f1(s.ttftMs)} | ${f1(s.decodeTokensPerS)} | ${f1(s.wordsPerS)} |`);
  if (r.server?.length) {
    lines.push("", "| one-liner (new process each run) | warm server ms (mean ± sd) | p95 | cold in-process ms (mean ± sd) | p95 | speed-up | server load ms (once) |", "|---|---|---|---|---|---|---|");
    for (const x of r.server)
      lines.push(x.warm && x.cold ? `| ${x.label} | ${f1(x.warm.mean)} ± ${f1(x.warm.sd)} | ${f1(x.warm.p95)} | ${f1(x.cold.mean)} ± ${f1(x.cold.sd)} | ${f1(x.cold.p95)} | ${x.speedup!.toFixed(1)}× | ${f1(x.serverLoadMs)} |` : `| ${x.label} | ${x.error} | | | | | |`);
  }
  if (r.lsp) lines.push(...lspMarkdown(r.lsp));
  if (r.cli) lines.push(...cliMarkdown(r.cli));
  if (r.ratios.length) lines.push("", ...r.ratios.map((x) => `- ${x.what}: ${x.value.toFixed(2)}×`));
  if (r.consistency.length) lines.push("", ...r.consistency.map((c) => `- same output, ${c.a} vs ${c.b}: ${c.same}/${c.total}${c.differences.length ? ` (e.g. "${c.differences[0]!.a}" vs "${c.differences[0]!.b}")` : ""}`));
  return lines.join("\n") + "\n";
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1"];

/** Latency per engine and context length (grouped bars), and the ANE/CPU ratios. */
export function svg(r: BenchReport): string {
  const W = 760;
  const H = 420;
  const left = 70;
  const top = 50;
  const ph = 240;
  const contexts = [...new Set(r.engines.flatMap((e) => e.sweep.map((s) => s.context)))].sort((a, b) => a - b);
  const max = Math.max(1e-9, ...r.engines.flatMap((e) => e.sweep.map((s) => s.latency.mean).filter(Number.isFinite)));
  const logMax = Math.log10(max) + 0.2;
  const logMin = Math.min(0, Math.floor(Math.log10(Math.min(...r.engines.flatMap((e) => e.sweep.map((s) => s.latency.mean).filter((x) => x > 0)), 1))));
  const y = (v: number) => top + ph - ((Math.log10(Math.max(v, 10 ** logMin)) - logMin) / (logMax - logMin)) * ph;
  const groupW = (W - left - 40) / Math.max(1, contexts.length);
  const barW = Math.min(40, (groupW - 20) / Math.max(1, r.engines.length));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text class="title" x="${W / 2}" y="24" text-anchor="middle" font-size="15">typofix bench ${esc(r.version)} — latency per engine and context length (${esc(r.machine.platform)}-${esc(r.machine.arch)}, ${r.machine.cores} cores)</text>`);
  parts.push(`<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${top + ph}" stroke="black"/><line class="axis" x1="${left}" y1="${top + ph}" x2="${W - 30}" y2="${top + ph}" stroke="black"/>`);
  parts.push(`<text class="axis-label" x="18" y="${top + ph / 2}" transform="rotate(-90 18 ${top + ph / 2})" text-anchor="middle">ms per call (log scale)</text>`);
  for (let e = logMin; e <= Math.ceil(logMax); e++) {
    const v = 10 ** e;
    if (v > 10 ** logMax) break;
    parts.push(`<text class="tick" x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1 ? v : v.toFixed(Math.abs(e))}</text><line x1="${left}" x2="${W - 30}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
  }
  contexts.forEach((c, ci) => parts.push(`<text class="axis-label context" x="${left + ci * groupW + groupW / 2}" y="${top + ph + 18}" text-anchor="middle">${c} tokens</text>`));
  r.engines.forEach((e, ei) => {
    const color = COLORS[ei % COLORS.length];
    parts.push(`<g class="bars" data-engine="${esc(e.label)}" fill="${color}">`);
    for (const s of e.sweep) {
      const ci = contexts.indexOf(s.context);
      const x = left + ci * groupW + 10 + ei * barW;
      const yy = y(s.latency.mean);
      parts.push(`<rect class="bar" data-context="${s.context}" data-ms="${s.latency.mean.toFixed(3)}" x="${x.toFixed(1)}" y="${yy.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + ph - yy).toFixed(1)}"><title>${esc(e.label)} @${s.context}: ${f1(s.latency.mean)} ms</title></rect>`);
    }
    parts.push(`</g>`);
    parts.push(`<rect x="${left + ei * 180}" y="${top + ph + 32}" width="12" height="12" fill="${color}"/><text class="legend" x="${left + ei * 180 + 16}" y="${top + ph + 43}">${esc(e.label)}${e.testDouble ? " (test double)" : ""}</text>`);
  });
  const ratioY = top + ph + 70;
  parts.push(`<text class="axis-label ratio-title" x="${left}" y="${ratioY}">ANE / CPU</text>`);
  const ratios = r.ratios.filter((x) => x.what.includes("decode speed"));
  if (!ratios.length) parts.push(`<text class="ratio-none" x="${left + 80}" y="${ratioY}">no ANE measurement on this machine</text>`);
  ratios.slice(0, 3).forEach((x, i) => {
    const w = Math.min(400, x.value * 100);
    parts.push(`<g class="ratio" data-ratio="${x.value.toFixed(3)}"><rect x="${left + 80}" y="${ratioY - 10 + i * 16}" width="${w.toFixed(1)}" height="12" fill="#59a14f"/><text x="${left + 86 + w}" y="${ratioY + i * 16}">${x.value.toFixed(2)}× ${esc(x.what)}</text></g>`);
  });
  parts.push(`</svg>`);
  return parts.join("\n") + "\n";
}

/** Changes against an earlier report; regressions beyond the noise are flagged. */
export function compare(old: BenchReport, now: BenchReport): { lines: string[]; regressions: number } {
  const lines: string[] = [];
  let regressions = 0;
  const kind = (label: string) => label.split(":")[0];
  for (const e of now.engines) {
    // the same engine and model; else the one engine of the same kind on each side (e.g. the fp32 and
    // the q4 model of the onnx engine), named in the line
    let o = old.engines.find((x) => x.label === e.label);
    if (!o) {
      const olds = old.engines.filter((x) => kind(x.label) === kind(e.label));
      if (olds.length === 1 && now.engines.filter((x) => kind(x.label) === kind(e.label)).length === 1) {
        o = olds[0]!;
        lines.push(`${e.label} against ${o.label}:`);
      }
    }
    if (!o) {
      lines.push(`${e.label}: new`);
      continue;
    }
    const pairs: Array<[string, Summary, Summary]> = [["latency", o.latency, e.latency]];
    for (const s of e.sweep) {
      const os = o.sweep.find((x) => x.context === s.context);
      if (os) pairs.push([`@${s.context}`, os.latency, s.latency]);
    }
    for (const [what, a, b] of pairs) {
      const r = regression(a, b);
      if (r.worse) regressions++;
      lines.push(`${e.label} ${what}: ${f1(a.mean)} → ${f1(b.mean)} ms (${r.change >= 0 ? "+" : ""}${(r.change * 100).toFixed(1)}%)${r.worse ? "  REGRESSION" : r.significant ? "  faster" : "  (within noise)"}`);
    }
    for (const s of e.sweep) {
      const os = o.sweep.find((x) => x.context === s.context);
      if (os?.decodeTokensPerS && s.decodeTokensPerS)
        lines.push(`${e.label} @${s.context} tokens/s: prefill ${f1(os.prefillTokensPerS)} → ${f1(s.prefillTokensPerS)}, decode ${f1(os.decodeTokensPerS)} → ${f1(s.decodeTokensPerS)}`);
    }
    if (o.peakRssMb && e.peakRssMb) lines.push(`${e.label} peak RSS: ${f1(o.peakRssMb)} → ${f1(e.peakRssMb)} MB`);
  }
  return { lines, regressions };
}
