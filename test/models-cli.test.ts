/**
 * `typofix model` as a command (list, pull, info, path, rm, import, verify, two processes pulling at
 * once, exit codes) against the fake Hub of test/support/models-hub.ts; the library is test/models.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { storeDir } from "../src/models/index.ts";
import { big, modelsHub } from "./support/models-hub.ts";

const fx = modelsHub();
const env = fx.env;

describe("typofix model (CLI)", () => {
  const CLI = join(import.meta.dir, "../src/cli.ts");
  const run = async (args: string[], e: Record<string, string | undefined>) => {
    const p = Bun.spawn([process.execPath, CLI, ...args], { stdout: "pipe", stderr: "pipe", env: { ...e, TYPOFIX_REGISTRY: join(fx.home, "registry.yaml") } });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { stdout, stderr, code };
  };
  test("list, pull, info, path, rm", async () => {
    const e = env("cli");
    expect((await run(["model", "list"], e)).stdout).toContain("good");
    const p = await run(["model", "pull", "good"], e);
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/model\.onnx .*MB/);
    expect(p.stderr).not.toContain("\r"); // not a TTY: plain lines, no redrawn bar
    expect((await run(["model", "list"], e)).stdout).toMatch(/\* good/);
    // offline: listing and resolving installed models needs no network
    const offline = { ...e, HF_ENDPOINT: "http://127.0.0.1:9" };
    expect((await run(["model", "list"], offline)).stdout).toMatch(/\* good/);
    expect((await run(["model", "path", "good"], offline)).stdout.trim()).toBe(join(storeDir(e), "good"));
    expect((await run(["model", "pull", "good"], offline)).code).toBe(0); // already installed: nothing to fetch
    expect(JSON.parse((await run(["model", "info", "good"], e)).stdout).installed.name).toBe("good");
    expect((await run(["model", "path", "good"], e)).stdout.trim()).toBe(join(storeDir(e), "good"));
    expect((await run(["model", "rm", "good"], e)).code).toBe(0);
    const again = await run(["model", "path", "good"], e);
    expect(again.code).toBe(3); // a missing model (src/cli/exit.ts)
    expect(again.stderr).toContain("typofix model pull good");
  });
  test("import, verify, and clear errors for bad folders and names", async () => {
    const e = env("cli-import");
    const src = join(fx.home, "cli-model");
    mkdirSync(join(src, "onnx"), { recursive: true });
    writeFileSync(join(src, "config.json"), JSON.stringify({ model_type: "qwen3" }));
    const bad = await run(["model", "import", src, "--name", "mine"], e);
    expect(bad.code).toBe(2); // bad input
    expect(bad.stderr).toContain("missing tokenizer.json");
    expect(existsSync(join(storeDir(e), "mine"))).toBe(false);
    writeFileSync(join(src, "tokenizer.json"), "{}");
    writeFileSync(join(src, "tokenizer_config.json"), "{}");
    writeFileSync(join(src, "onnx/model_q4.onnx"), "weights");
    const ok = await run(["model", "import", src, "--name", "mine", "--prompt", "completion"], e);
    expect(ok.code).toBe(0);
    expect((await run(["model", "list"], e)).stdout).toMatch(/\* mine +onnx/);
    expect(JSON.parse((await run(["model", "info", "mine"], e)).stdout).installed.prompt).toBe("completion");
    expect((await run(["model", "verify", "mine"], e)).code).toBe(0);
    writeFileSync(join(storeDir(e), "mine/onnx/model_q4.onnx"), "weightz");
    const v = await run(["model", "verify", "mine"], e);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain("onnx/model_q4.onnx: sha256 differs");
    const evil = await run(["model", "rm", "../cli-import"], e);
    expect(evil.code).toBe(2);
    expect(evil.stderr).toContain("invalid model name");
    expect(existsSync(storeDir(e))).toBe(true);
  });
  test("two typofix processes pulling the same model: the second waits for the first, the install is intact", async () => {
    const e = env("cli-two");
    fx.hub.slow = new Set(["onnx/model.onnx"]);
    // (a download of ~3 s, longer than the second CLI process from source takes to start on a loaded 2-core
    // machine: at 0.6 s the first had finished before the second asked)
    const delay = fx.hub.chunkDelayMs;
    fx.hub.chunkDelayMs = 300;
    try {
      const spawn = () => Bun.spawn([process.execPath, CLI, "model", "pull", "slow"], { stdout: "pipe", stderr: "pipe", env: { ...e, TYPOFIX_REGISTRY: join(fx.home, "registry.yaml") } });
      const first = spawn();
      const lock = join(storeDir(e), ".locks/slow.lock");
      for (let i = 0; i < 200 && !existsSync(lock); i++) await Bun.sleep(10);
      expect(existsSync(lock)).toBe(true);
      const second = spawn();
      const [c1, c2, err2] = await Promise.all([first.exited, second.exited, new Response(second.stderr).text()]);
      expect([c1, c2]).toEqual([0, 0]);
      expect(err2).toContain(`waiting for another typofix (pid ${first.pid}) installing slow`);
      expect(readFileSync(join(storeDir(e), "slow/onnx/model.onnx"))).toEqual(Buffer.from(big));
      expect(readdirSync(join(storeDir(e), ".locks"))).toEqual([]);
    } finally {
      fx.hub.slow = new Set();
      fx.hub.chunkDelayMs = delay;
    }
  }, 60_000);
  test("a failed pull exits 5 with the reason and installs nothing", async () => {
    const e = env("cli-fail");
    const r = await run(["model", "pull", "badsum"], e);
    expect(r.code).toBe(5); // failed for a reason outside the input (src/cli/exit.ts)
    expect(r.stderr).toMatch(/sha256 .* does not match the registry's/);
    expect((await run(["model", "list"], e)).stdout).not.toMatch(/\* badsum/);
  });
  test("--engine onnx without a model names the command that installs one", async () => {
    const r = await run(["--engine", "onnx", "teh"], env("none"));
    expect(r.code).toBe(3); // a missing model
    expect(r.stderr).toContain("typofix model pull");
  });
});
