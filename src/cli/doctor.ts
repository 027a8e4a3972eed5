/**
 * `typofix doctor`: what typofix can do on this machine and why — platform, the Neural Engine path,
 * where the ANE library is (or why not), installed models per engine, the engine `auto` would pick,
 * and the cache and config paths. The first thing to run when something does not work. With
 * `--engine E --model NAME` it also loads that model and runs one real correction, reporting the
 * answer, the time and whether the model itself answered (or failed and the lexicon stood in).
 */
import { defineCommand } from "citty";
import { arch, platform, release, cpus, totalmem } from "node:os";
import { version as pkgVersion } from "../../package.json" with { type: "json" };
import { cacheDir, configPath, loadConfig } from "../config.ts";
import { engineAvailability } from "../engines/index.ts";

/** Whether a `typofix serve` answers where the CLI would look for one. */
async function serverStatus(): Promise<{ socket: string; running: boolean; engine?: string; pid?: number; disabled?: boolean }> {
  const { socketPath, serverDisabled } = await import("../server/paths.ts");
  const socket = socketPath();
  const { existsSync } = await import("node:fs");
  if (!existsSync(socket)) return { socket, running: false, ...(serverDisabled() ? { disabled: true } : {}) };
  const { probeSocket } = await import("../server/server.ts");
  const h = await probeSocket(socket, 1000);
  return { socket, running: Boolean(h), engine: h?.engine as string | undefined, pid: h?.pid as number | undefined, ...(serverDisabled() ? { disabled: true } : {}) };
}

/**
 * The config file (fine, or the error that stops every command, and the warnings it gives) and the
 * configuration files that apply to files in `dir`: user config, user dictionary, nearest .typofix.yaml.
 * The user config is read once for both.
 */
async function configReport(dir = process.cwd()) {
  const { findProjectConfig, loadProjectConfig, merge } = await import("../project.ts");
  const project = findProjectConfig(dir);
  let user;
  try {
    user = await loadConfig();
  } catch (err) {
    const error = (err as Error).message;
    return { config: { ok: false, error, warnings: [] as string[] }, config_files: { applied: [] as string[], project, error } };
  }
  const config: { ok: boolean; error?: string; warnings: string[] } = { ok: true, warnings: user.warnings ?? [] };
  try {
    return { config, config_files: { applied: merge(user, project ? await loadProjectConfig(project) : null, configPath()).files, project } };
  } catch (err) {
    return { config, config_files: { applied: [] as string[], project, error: (err as Error).message } };
  }
}

export async function diagnose() {
  const { anePlatform, locateDylib } = await import("../engines/ane/index.ts");
  const { installed, storeDir } = await import("../models/index.ts");
  const ane = anePlatform();
  const lib = await locateDylib();
  const engines = await engineAvailability();
  const auto = engines.find((e) => e.available);
  const models = installed();
  return {
    typofix: pkgVersion,
    bun: Bun.version,
    platform: platform(),
    arch: arch(),
    os_release: release(),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory_gb: +(totalmem() / 2 ** 30).toFixed(1),
    compiled: Bun.main.startsWith("/$bunfs/") || Bun.main.includes("~BUN"),
    neural_engine: { possible: ane.ok, reason: ane.reason },
    ane_library: lib.path ? { found: lib.path } : { found: null, tried: lib.tried },
    models: { onnx: models.filter((m) => m.engine === "onnx").map((m) => m.name), ane: models.filter((m) => m.engine === "ane").map((m) => m.name) },
    engines,
    auto: auto ? { engine: auto.name, why: auto.reason, skipped: engines.filter((e) => !e.available && engines.indexOf(e) < engines.indexOf(auto)).map((e) => `${e.name}: ${e.reason}`) } : null,
    paths: { config: configPath(), cache: cacheDir(), models: storeDir() },
    ...(await configReport()),
    server: await serverStatus(),
  };
}

/** The sample `doctor --engine … --model …` corrects (one of the seed's cases). */
export const DOCTOR_SAMPLE = "Thi sis a test sentenc with typos";

/** Load one engine and model and run one real correction: what it answered, how long, and whether the model worked. */
export async function checkEngine(engine: string, model?: string): Promise<Record<string, unknown>> {
  const { createEngine } = await import("../engines/index.ts");
  const t0 = performance.now();
  let e;
  try {
    e = await createEngine({ engine: engine as never, model });
  } catch (err) {
    return { engine, model: model ?? null, ok: false, stage: "load", error: (err as Error).message };
  }
  const load_ms = +(performance.now() - t0).toFixed(1);
  try {
    const t1 = performance.now();
    const r = await e.fix(DOCTOR_SAMPLE);
    const fix_ms = +(performance.now() - t1).toFixed(1);
    const llm = e as { failing?: string | null; tokensGenerated?: number; lastError?: string | null; segmentsFailed?: number };
    // an LLM engine that fell back to the lexicon did not work, though the text came through
    const error = llm.segmentsFailed ? (llm.lastError ?? "the model failed") : null;
    return { engine: e.name, model: model ?? null, ok: !error, load_ms, fix_ms, input: DOCTOR_SAMPLE, output: r.output, tokens_generated: llm.tokensGenerated ?? null, ...(r.warning ? { warning: r.warning } : {}), ...(error ? { stage: "run", error } : {}) };
  } catch (err) {
    return { engine: e.name, model: model ?? null, ok: false, stage: "run", error: (err as Error).message };
  } finally {
    await (e as { dispose?: () => Promise<void> }).dispose?.();
  }
}

export default defineCommand({
  meta: { name: "doctor", description: "Show platform, engines, models, the engine auto picks and why, and paths" },
  args: {
    json: { type: "boolean", description: "As JSON" },
    engine: { type: "string", description: "Also load this engine and run one real correction (with --model for an LLM engine)" },
    model: { type: "string", description: "The model for --engine (a name or a folder)" },
  },
  async run({ args }) {
    const d: Awaited<ReturnType<typeof diagnose>> & { check?: Record<string, unknown> } = await diagnose();
    if (args.engine || args.model) {
      d.check = await checkEngine(args.engine ?? "auto", args.model);
      if (!d.check.ok) process.exitCode = 1;
    }
    // a broken config file stops every other command: doctor says so and fails (exit 2)
    if (!d.config.ok) process.exitCode = 2;
    if (args.json) return void process.stdout.write(JSON.stringify(d, null, 2) + "\n");
    const lines = [
      `typofix ${d.typofix} (bun ${d.bun}${d.compiled ? ", compiled" : ""}) on ${d.platform}-${d.arch}, kernel ${d.os_release}`,
      `cpu: ${d.cpu}, ${d.cores} cores, ${d.memory_gb} GB`,
      `neural engine: ${d.neural_engine.possible ? "possible" : "not possible"} — ${d.neural_engine.reason}`,
      `ane library: ${d.ane_library.found ?? `not found (${(d.ane_library as { tried: string[] }).tried.join("; ")})`}`,
      `models: onnx [${d.models.onnx.join(", ") || "none"}], ane [${d.models.ane.join(", ") || "none"}]`,
      ...d.engines.map((e) => `engine ${e.name.padEnd(8)} ${e.available ? "available  " : "unavailable"} ${e.reason}`),
      `auto → ${d.auto ? `${d.auto.engine} (${d.auto.why})` : "none"}`,
      `config: ${d.paths.config}${d.config.ok ? "" : ` — BROKEN: ${d.config.error}`}`,
      ...d.config.warnings.map((w) => `config warning: ${w}`),
      `config files that apply here: ${d.config_files.applied.join(", ") || "none (defaults)"}${d.config_files.error ? ` (error: ${d.config_files.error})` : ""}`,
      `cache: ${d.paths.cache}`,
      `server: ${d.server.running ? `running (${d.server.engine}, pid ${d.server.pid}) on ${d.server.socket}` : `none on ${d.server.socket} (typofix serve starts one)`}${d.server.disabled ? "; TYPOFIX_NO_SERVER is set: the CLI will not use it" : ""}`,
    ];
    const c = d.check;
    if (c)
      lines.push(
        c.ok
          ? `check ${c.engine}: ok — "${c.input}" → "${c.output}" (load ${c.load_ms} ms, correction ${c.fix_ms} ms, ${c.tokens_generated ?? 0} tokens)`
          : `check ${c.engine}: FAILED at ${c.stage} — ${c.error}${c.output !== undefined ? ` (the lexicon answered: "${c.output}")` : ""}`,
      );
    process.stdout.write(lines.join("\n") + "\n");
  },
});
