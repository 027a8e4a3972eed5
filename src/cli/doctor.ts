/**
 * `typofix doctor`: what typofix can do on this machine and why — platform, the Neural Engine path,
 * where the ANE library is (or why not), installed models per engine, the engine `auto` would pick,
 * and the cache and config paths. The first thing to run when something does not work.
 */
import { defineCommand } from "citty";
import { arch, platform, release, cpus, totalmem } from "node:os";
import pkg from "../../package.json" with { type: "json" };
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

/** The configuration files that apply to files in `dir`: user config, user dictionary, nearest .typofix.yaml. */
async function configFiles(dir = process.cwd()): Promise<{ applied: string[]; project: string | null; error?: string }> {
  const { findProjectConfig, loadProjectConfig, merge } = await import("../project.ts");
  const project = findProjectConfig(dir);
  try {
    const user = await loadConfig();
    return { applied: merge(user, project ? await loadProjectConfig(project) : null, configPath()).files, project };
  } catch (err) {
    return { applied: [], project, error: (err as Error).message };
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
    typofix: pkg.version,
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
    config_files: await configFiles(),
    server: await serverStatus(),
  };
}

export default defineCommand({
  meta: { name: "doctor", description: "Show platform, engines, models, the engine auto picks and why, and paths" },
  args: { json: { type: "boolean", description: "As JSON" } },
  async run({ args }) {
    const d = await diagnose();
    if (args.json) return void process.stdout.write(JSON.stringify(d, null, 2) + "\n");
    const lines = [
      `typofix ${d.typofix} (bun ${d.bun}${d.compiled ? ", compiled" : ""}) on ${d.platform}-${d.arch}, kernel ${d.os_release}`,
      `cpu: ${d.cpu}, ${d.cores} cores, ${d.memory_gb} GB`,
      `neural engine: ${d.neural_engine.possible ? "possible" : "not possible"} — ${d.neural_engine.reason}`,
      `ane library: ${d.ane_library.found ?? `not found (${(d.ane_library as { tried: string[] }).tried.join("; ")})`}`,
      `models: onnx [${d.models.onnx.join(", ") || "none"}], ane [${d.models.ane.join(", ") || "none"}]`,
      ...d.engines.map((e) => `engine ${e.name.padEnd(8)} ${e.available ? "available  " : "unavailable"} ${e.reason}`),
      `auto → ${d.auto ? `${d.auto.engine} (${d.auto.why})` : "none"}`,
      `config: ${d.paths.config}`,
      `config files that apply here: ${d.config_files.applied.join(", ") || "none (defaults)"}${d.config_files.error ? ` (error: ${d.config_files.error})` : ""}`,
      `cache: ${d.paths.cache}`,
      `server: ${d.server.running ? `running (${d.server.engine}, pid ${d.server.pid}) on ${d.server.socket}` : `none on ${d.server.socket} (typofix serve starts one)`}${d.server.disabled ? "; TYPOFIX_NO_SERVER is set: the CLI will not use it" : ""}`,
    ];
    process.stdout.write(lines.join("\n") + "\n");
  },
});
