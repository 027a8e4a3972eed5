import { beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compare, runBench, svg, applyIspell, markdown, table, type BenchReport } from "../src/bench/index.ts";
import { regression, slope, summarize } from "../src/bench/stats.ts";
import { ensureModel } from "../scripts/fixtures.ts";
import { cc, named, noCc, which } from "./support/skip.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

const CLI = join(import.meta.dir, "../src/cli.ts");
let work: string;
let report: BenchReport;

beforeAll(async () => {
  work = scratch("typofix-bench-");
  report = await runBench({ engines: [{ engine: "lexicon" }], runs: 2, warmup: 1, contexts: [128, 256, 512], decodeTokens: 4, peers: false, lsp: false, external: ["cat"] });
}, 60_000);

describe("statistics", () => {
  test("summary, slope and regression by hand", () => {
    const s = summarize([4, 1, 3, 2]);
    expect([s.n, s.mean, s.min, s.max, s.p50, s.p95]).toEqual([4, 2.5, 1, 4, 2, 4]);
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(slope([128, 256, 512], [10, 20, 40]).slope).toBeCloseTo(10 / 128, 12);
    const a = summarize([10, 10.2, 9.8, 10.1, 9.9]);
    expect(regression(a, summarize([10.1, 9.9, 10, 10.2, 9.8])).worse).toBe(false);
    expect(regression(a, summarize([13, 13.2, 12.8, 13.1, 12.9])).worse).toBe(true);
    expect(regression(a, summarize([7, 7.1, 6.9, 7, 7])).worse).toBe(false);
  });
  test("ispell pipe output becomes a correction", () => {
    expect(applyIspell("Thi sis a tset", "@(#) aspell\n& Thi 5 1: The, This\n& sis 3 5: sis's, six\n*\n& tset 2 11: test, set\n")).toBe("The sis's a test");
  });
});

describe("the report", () => {
  test("engines, sweep, raw samples, peers, consistency", () => {
    expect(report.engines.map((e) => e.label)).toEqual(["lexicon"]);
    const e = report.engines[0]!;
    expect(e.latency.n).toBe(6);
    expect(e.sweep.map((s) => s.context)).toEqual([128, 256, 512]);
    expect(e.sweep.every((s) => s.wordsPerS! > 0)).toBe(true);
    expect(report.raw[0]!.samples.latencyMs).toHaveLength(6);
    expect(report.machine.cores).toBeGreaterThan(0);
    const ext = report.peers.find((p) => p.name === "external:cat")!;
    expect(ext.outputs).toEqual(["The quikc brown fox jumps over teh lazy dog", "I went too the stor to buy som milk", "Thi sis a test sentenc with typos"]);
    const c = report.consistency.find((x) => x.b === "external:cat")!;
    expect(c.same).toBe(0);
    expect(c.differences).toHaveLength(3);
  });
  test("the sweep's contexts take turns run by run, so a change of load during it falls on all of them", () => {
    expect(report.raw[0]!.samples.sweepOrder).toEqual([128, 256, 512, 128, 256, 512]);
    expect(report.engines[0]!.sweep.map((s) => s.context)).toEqual([128, 256, 512]);
    expect(report.raw[0]!.samples.sweep.every((s) => s.ms.length === 2)).toBe(true);
  });
    test("adversarial long lines: measured through the CLI with time and peak RSS", () => {
    expect(report.longLines!.map((l) => [l.exitCode, l.seconds > 0, l.peakRssMb > 0])).toEqual([
      [0, true, true],
      [0, true, true],
    ]);
  });
  test("the one-liner through a warm server vs cold in-process: measured, through the server, same output", () => {
    const row = report.server!.find((x) => x.label === "lexicon")!;
    expect(row.error).toBeUndefined();
    expect(row.warm!.n).toBe(10);
    expect(row.cold!.n).toBe(10);
    // every warm run (warm-up included) was answered by the server, per its own metrics
    expect(row.served).toBe(11);
    expect(row.sameOutput).toBe(true);
    expect(row.output).toBe("This is a test");
    expect(row.speedup).toBeCloseTo(row.cold!.mean / row.warm!.mean, 9);
    expect(table(report)).toMatch(/one-liner lexicon: warm server [\d.]+ ms .* vs cold in-process [\d.]+ ms/);
    expect(markdown(report)).toContain("| one-liner (new process each run) | warm server ms");
    expect(report.options.serve).toBe(true);
  });
  test("the SVG has a bar per engine and context and axis labels", () => {
    const text = svg(report);
    const doc = text;
    // rendering (the next test, where rsvg-convert is installed) is the well-formedness check
    expect((doc.match(/<g class="bars" data-engine="lexicon"/g) ?? []).length).toBe(1);
    expect([...doc.matchAll(/class="bar" data-context="(\d+)"/g)].map((m) => m[1])).toEqual(["128", "256", "512"]);
    expect(doc).toContain('class="axis-label"');
    expect(doc).toContain("128 tokens");
    expect(doc).toContain("no ANE measurement");
    expect(text.startsWith("<svg")).toBe(true);
    expect(text.trim().endsWith("</svg>")).toBe(true);
  });
  const rsvg = which("rsvg-convert");
  const noRsvg = rsvg ? null : "rsvg-convert is not installed (apt-get install librsvg2-bin)";
  // rendering is the SVG's well-formedness check
  test.skipIf(Boolean(noRsvg))(named("the SVG renders to a 760-pixel-wide PNG", noRsvg), () => {
    const f = join(work, "b.svg");
    writeFileSync(f, svg(report));
    const p = Bun.spawnSync([rsvg!, f, "-o", join(work, "b.png")]);
    expect(p.exitCode, p.stderr.toString()).toBe(0);
    const png = readFileSync(join(work, "b.png"));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(760);
  });
  test("--compare flags a regression beyond the noise", () => {
    // fixed samples: the live ones swing with the machine's load (one slow sample hides a 3× change)
    const samples = [0.8, 0.9, 0.85, 0.95, 0.8, 0.9];
    const base: BenchReport = JSON.parse(JSON.stringify(report));
    base.engines[0]!.latency = summarize(samples);
    const slower: BenchReport = JSON.parse(JSON.stringify(base));
    slower.engines[0]!.latency = summarize(samples.map((x) => x * 3 + 5));
    const c = compare(base, slower);
    expect(c.regressions).toBeGreaterThanOrEqual(1);
    expect(c.lines.join("\n")).toContain("REGRESSION");
    expect(compare(base, base).regressions).toBe(0);
  });
  test("--compare matches the one onnx engine across models and shows tokens/s and RSS", () => {
    const old: BenchReport = JSON.parse(readFileSync(join(import.meta.dir, "../bench/results/qwen3-0.6b-shaped.json"), "utf8"));
    const now: BenchReport = JSON.parse(JSON.stringify(old));
    const e = now.engines[0]!;
    e.label = "onnx:qwen3-0.6b-q4-random";
    for (const s of e.sweep) s.decodeTokensPerS = s.decodeTokensPerS! * 3;
    e.peakRssMb = 1400;
    const lines = compare(old, now).lines.join("\n");
    expect(lines).toContain("onnx:qwen3-0.6b-q4-random against onnx:qwen3-0.6b-random:");
    expect(lines).toMatch(/@128 tokens\/s: prefill [\d.]+ → [\d.]+, decode 4\.3 → 13\.0/);
    expect(lines).toContain("peak RSS: 5750 → 1400 MB");
    // two onnx engines on one side: no guessing
    const two: BenchReport = JSON.parse(JSON.stringify(now));
    two.engines.push({ ...e, label: "onnx:other" });
    expect(compare(old, two).lines).toContain("onnx:other: new");
  });
});

describe("typofix bench (CLI)", () => {
  test.skipIf(Boolean(noCc))(named("the ANE engine through the C test double: compute units and the ANE/CPU ratio", noCc), async () => {
    const lib = join(work, "libfake.so");
    const built = Bun.spawnSync([cc!, "-shared", "-fPIC", "-o", lib, join(import.meta.dir, "ane/fake_ane.c")]);
    expect(built.exitCode, built.stderr.toString()).toBe(0);
    const tiny = ensureModel("tiny");
    // an ANEMLL-shaped folder for the double: meta.yaml, the tokenizer, and the double's script
    const ane = join(work, "ane-model");
    mkdirSync(ane, { recursive: true });
    for (const f of ["tokenizer.json", "tokenizer_config.json"]) cpSync(join(tiny, f), join(ane, f));
    writeFileSync(join(ane, "meta.yaml"), "model_info:\n  parameters:\n    context_length: 1024\n    batch_size: 64\n    model_prefix: qwen\n");
    writeFileSync(join(ane, "fake.conf"), "context=1024\nreplay=785 374 264 1273\n");
    const json = join(work, "ane.json");
    const p = Bun.spawn([process.execPath, CLI, "bench", "--engine", `onnx=${tiny},ane=${ane}`, "--units", "--runs", "1", "--warmup", "0", "--contexts", "32,64", "--decode-tokens", "3", "--no-peers", "--no-serve", "--json", json], {
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, TYPOFIX_ANE_ALLOW_ANY_PLATFORM: "1", TYPOFIX_ANE_DYLIB: lib },
    });
    const [, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect(code, err).toBe(0);
    const r: BenchReport = JSON.parse(readFileSync(json, "utf8"));
    expect(r.engines.map((e) => e.label.replace(/:.*\//, ":/"))).toEqual(["onnx:tiny-qwen3", "ane:/cpuAndNeuralEngine", "ane:/cpuOnly", "ane:/all"].map((x) => x.replace(/:.*\//, ":/")));
    const a = r.engines.find((e) => e.label.startsWith("ane"))!;
    expect(a.testDouble).toBe(true);
    expect(a.sweep.every((s) => s.decodeTokensPerS! > 0)).toBe(true);
    expect(r.ratios.some((x) => x.what.includes("decode speed") && x.what.includes("test double"))).toBe(true);
    expect(r.ratios.some((x) => x.what.includes("cpuOnly"))).toBe(true);
  }, 120_000);
  test("Ctrl-C ends cleanly and still writes what was measured", async () => {
    const json = join(work, "int.json");
    const p = Bun.spawn([process.execPath, CLI, "bench", "--engine", "lexicon", "--runs", "100000", "--no-peers", "--json", json], { stdout: "pipe", stderr: "pipe" });
    const reader = p.stderr.getReader();
    let seen = "";
    while (!seen.includes("measuring")) seen += new TextDecoder().decode((await reader.read()).value);
    await Bun.sleep(300);
    p.kill("SIGINT");
    const code = await p.exited;
    expect(code).toBe(130);
    expect(existsSync(json)).toBe(true);
    const r: BenchReport = JSON.parse(readFileSync(json, "utf8"));
    expect(r.interrupted).toBe(true);
  }, 60_000);
});
