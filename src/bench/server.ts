/**
 * The bench's server row: the one-liner (`typofix --engine E "Thi sis a tset"`, a new process each time)
 * through a warm `typofix serve` on a private socket, against the same one-liner with --no-server, which
 * loads the engine in-process every time. The server's own metrics confirm that the warm runs went
 * through it, and both must print the same thing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { summarize, type Summary } from "./stats.ts";
import { parseMetrics } from "../server/metrics.ts";

export interface ServerRow {
  label: string;
  engine: string;
  model?: string;
  /** Wall time of the one-liner through the warm server (new process each run). */
  warm?: Summary;
  /** Wall time of the same one-liner with --no-server: the engine is loaded in-process each run. */
  cold?: Summary;
  /** cold mean / warm mean. */
  speedup?: number;
  /** What the server took to load its engine, once (typofix_model_load_seconds). */
  serverLoadMs?: number;
  /** Texts the server corrected during the warm runs (its metrics): every warm run, or the row is void. */
  served?: number;
  runs?: number;
  output?: string;
  sameOutput?: boolean;
  error?: string;
}

const SENTENCE = "Thi sis a tset";

export async function measureServer(
  e: { engine: string; model?: string },
  o: { warmup: number; runs: number; selfCommand: (...args: string[]) => string[]; track?: (p: Subprocess | null) => void; interrupted?: () => boolean },
): Promise<ServerRow> {
  const label = e.engine + (e.model ? `:${e.model.split("/").filter(Boolean).pop()}` : "");
  const row: ServerRow = { label, engine: e.engine, model: e.model };
  const dir = mkdtempSync(join(tmpdir(), "tf-bench-"));
  const sock = join(dir, "s.sock");
  const base: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const k of ["TYPOFIX_SERVER", "TYPOFIX_NO_SERVER", "TYPOFIX_SOCKET"]) delete base[k];
  const pick = [...(e.model ? ["--model", e.model] : []), "--engine", e.engine];
  const server = Bun.spawn(o.selfCommand("serve", "--socket", sock, ...pick, "--quiet"), { stdin: "ignore", stdout: "ignore", stderr: "pipe", env: base });
  o.track?.(server);
  const call = (path: string) => fetch(`http://localhost${path}`, { unix: sock, signal: AbortSignal.timeout(2000) });
  try {
    const t0 = performance.now();
    while (true) {
      if (server.exitCode !== null) throw new Error(`typofix serve exited (${server.exitCode}): ${(await new Response(server.stderr).text()).trim().split("\n").pop()}`);
      if (performance.now() - t0 > 300_000) throw new Error("typofix serve did not answer within 300 s");
      if (o.interrupted?.()) throw new Error("interrupted");
      const ok = await call("/v1/health").then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await Bun.sleep(25);
    }
    const n = o.warmup + Math.max(10, o.runs);
    const one = (env: Record<string, string>) => {
      const xs: number[] = [];
      let out = "";
      for (let i = 0; i < n && !o.interrupted?.(); i++) {
        const s = performance.now();
        const p = Bun.spawnSync(o.selfCommand(...pick, SENTENCE), { stdin: "ignore", stdout: "pipe", stderr: "pipe", env });
        const dt = performance.now() - s;
        if (p.exitCode !== 0) throw new Error(`the one-liner failed (${p.exitCode}): ${p.stderr.toString().trim().slice(0, 200)}`);
        out = p.stdout.toString();
        if (i >= o.warmup) xs.push(dt);
      }
      return { summary: summarize(xs), out, count: xs.length };
    };
    const before = parseMetrics(await (await call("/metrics")).text()).get("typofix_texts_total") ?? 0;
    const warm = one({ ...base, TYPOFIX_SOCKET: sock });
    const m = parseMetrics(await (await call("/metrics")).text());
    const cold = one({ ...base, TYPOFIX_NO_SERVER: "1" });
    row.warm = warm.summary;
    row.cold = cold.summary;
    row.runs = warm.count;
    row.speedup = cold.summary.mean / warm.summary.mean;
    row.serverLoadMs = (m.get("typofix_model_load_seconds") ?? NaN) * 1000;
    row.served = (m.get("typofix_texts_total") ?? 0) - before;
    row.output = warm.out.replace(/\n$/, "");
    row.sameOutput = warm.out === cold.out;
    const runsAll = o.warmup + warm.count;
    if (row.served !== runsAll) row.error = `the server corrected ${row.served} of ${runsAll} warm runs' texts: the others went in-process`;
    if (!row.sameOutput) row.error = `output differs: through the server ${JSON.stringify(warm.out)}, in-process ${JSON.stringify(cold.out)}`;
  } catch (err) {
    row.error = (err as Error).message;
  } finally {
    server.kill("SIGTERM");
    const killer = setTimeout(() => server.kill("SIGKILL"), 10_000);
    await server.exited;
    clearTimeout(killer);
    o.track?.(null);
    rmSync(dir, { recursive: true, force: true });
  }
  return row;
}
