import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ensureModel } from "../scripts/fixtures.ts";
import { scratchDirs } from "./support/tmp.ts";

const scratch = scratchDirs();

const CLI = join(import.meta.dir, "../src/cli.ts");
async function doctor(args: string[], env: Record<string, string>) {
  const p = Bun.spawn([process.execPath, CLI, "doctor", ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const [out, , code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { out, code };
}

describe("typofix doctor", () => {
  test("--json: platform, ANE reasons, engines, the auto pick and paths", async () => {
    const home = scratch("typofix-doctor-");
    const r = await doctor(["--json"], { TYPOFIX_HOME: home, XDG_CONFIG_HOME: join(home, "cfg") });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.platform).toBe(process.platform);
    expect(d.arch).toBe(process.arch);
    expect(typeof d.neural_engine.reason).toBe("string");
    if (process.platform !== "darwin") expect(d.neural_engine.possible).toBe(false);
    expect(d.engines.map((e: { name: string }) => e.name)).toEqual(["ane", "onnx", "lexicon"]);
    expect(d.auto.engine).toBe("lexicon");
    expect(d.paths.cache).toBe(home);
    expect(d.paths.config).toBe(join(home, "cfg/typofix/config.yaml"));
  });
  test("an installed onnx model becomes the auto pick", async () => {
    const home = scratch("typofix-doctor-");
    const { importModel } = await import("../src/models/index.ts");
    await importModel(ensureModel("tiny"), "tiny", { env: { ...process.env, TYPOFIX_HOME: home } });
    const d = JSON.parse((await doctor(["--json"], { TYPOFIX_HOME: home })).out);
    expect(d.models.onnx).toEqual(["tiny"]);
    expect(d.auto.engine).toBe("onnx");
    const text = (await doctor([], { TYPOFIX_HOME: home })).out;
    expect(text).toContain("auto → onnx");
    expect(text).toContain("neural engine:");
  });
});
