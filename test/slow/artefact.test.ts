/**
 * Tests of the real artefacts: the linux-x64 binary copied alone into an empty folder with an empty HOME
 * and no bun or node on PATH; linux-arm64 under qemu-user when available; the darwin binaries' Mach-O
 * headers. Builds into a temporary folder (a few seconds per target), so it runs in `npm run test:slow`.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildTarget } from "../../scripts/build.ts";
import { ensureModel } from "../../scripts/fixtures.ts";
import pkg from "../../package.json" with { type: "json" };
import { lineReader } from "../support/cli.ts";
import { AARCH64_SYSROOT, named, noQemu, qemu } from "../support/skip.ts";
import { scratchDirs } from "../support/tmp.ts";

const scratch = scratchDirs();

let out: string;
let box: string;
let bin: string;
let env: Record<string, string>;

beforeAll(async () => {
  out = scratch("typofix-dist-");
  await buildTarget("linux-x64", { outDir: out });
  box = scratch("typofix-box-");
  mkdirSync(join(box, "home"));
  mkdirSync(join(box, "empty-path"));
  bin = join(box, "typofix");
  copyFileSync(join(out, "typofix-linux-x64"), bin);
  Bun.spawnSync(["chmod", "+x", bin]);
  env = { HOME: join(box, "home"), PATH: join(box, "empty-path"), LANG: "C.UTF-8" };
}, 120_000);

function run(args: string[], stdin?: string) {
  const p = Bun.spawnSync([bin, ...args], { cwd: box, env, stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin) });
  return { stdout: p.stdout.toString(), stderr: p.stderr.toString(), code: p.exitCode };
}

const notLinuxX64 = process.platform !== "linux" || process.arch !== "x64" ? `this is ${process.platform}-${process.arch}` : null;
describe.skipIf(Boolean(notLinuxX64))(named("the linux-x64 binary, alone [slow]", notLinuxX64), () => {
  test("the one-liner, --version, --json, --check", () => {
    expect(run(["Thi sis a tset"]).stdout).toBe("This is a test\n");
    expect(run(["--version"]).stdout.trim()).toBe(pkg.version);
    const j = JSON.parse(run(["--json", "teh cat"]).stdout);
    expect(j.output).toBe("the cat");
    const c = run(["--check"], "all good\nteh end\n");
    expect(c.stdout).toBe("-:2:1: teh -> the\n");
    expect(c.code).toBe(1);
  });
  test("typofix lsp and --check on a folder work from the binary (bundled protocol and ignore libraries)", async () => {
    const { spawnLsp } = await import("../../src/lsp/client.ts");
    const c = spawnLsp([bin, "lsp", "--stdio"], env);
    const init = await c.request("initialize", { processId: null, rootUri: null, capabilities: {} });
    expect(init.serverInfo.name).toBe("typofix");
    c.notify("initialized", {});
    c.notify("textDocument/didOpen", { textDocument: { uri: "file:///x.md", languageId: "markdown", version: 1, text: "see teh cat\n" } });
    const d = await c.next("textDocument/publishDiagnostics");
    expect(d.params.diagnostics[0].data).toEqual({ from: "teh", to: "the" });
    await c.request("shutdown", null);
    c.notify("exit", null);
    expect(await c.proc.exited).toBe(0);
    mkdirSync(join(box, "tree/sub"), { recursive: true });
    await Bun.write(join(box, "tree/.gitignore"), "skip.md\n");
    await Bun.write(join(box, "tree/sub/a.md"), "teh end\n");
    await Bun.write(join(box, "tree/skip.md"), "teh end\n");
    const t = run(["--check", "tree", "--format", "json"]);
    expect(t.stdout.trim().split("\n").map((l) => JSON.parse(l).file)).toEqual(["tree/sub/a.md"]);
  });
  test("streams standard input line by line", async () => {
    const p = Bun.spawn([bin], { cwd: box, env, stdin: "pipe", stdout: "pipe" });
    const line = lineReader(p.stdout);
    p.stdin.write("teh first\n");
    p.stdin.flush();
    expect(await line()).toBe("the first\n");
    p.stdin.write("teh second\n");
    p.stdin.end();
    expect(await line()).toBe("the second\n");
    expect(await p.exited).toBe(0);
  });
  test("doctor knows it is compiled", () => {
    const d = JSON.parse(run(["doctor", "--json"]).stdout);
    expect(d.compiled).toBe(true);
    expect(d.auto.engine).toBe("lexicon");
  });
  test("the onnx engine runs from the binary on the tiny model (onnxruntime extracted once)", () => {
    const model = ensureModel("tiny");
    const r = run(["--model", model, "--json", "Thi sis a tset"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.engine).toBe("onnx:tiny-qwen3");
    expect(j.output).toBe("This is a test");
    const runtime = join(env.HOME!, ".cache/typofix/runtime");
    expect(existsSync(runtime)).toBe(true);
    // a second run reuses the extracted runtime
    expect(run(["--model", model, "teh cat"]).stdout).toBe("the cat\n");
    // the C API path (bun:ffi over the extracted libonnxruntime) works from the binary: asked for, it must load
    const saved = env.TYPOFIX_ONNX_BACKEND;
    env.TYPOFIX_ONNX_BACKEND = "capi";
    try {
      expect(JSON.parse(run(["--model", model, "--json", "Thi sis a tset"]).stdout).engine).toBe("onnx:tiny-qwen3");
    } finally {
      if (saved === undefined) delete env.TYPOFIX_ONNX_BACKEND;
      else env.TYPOFIX_ONNX_BACKEND = saved;
    }
  }, 60_000);
  test("the binary and its checksum agree", () => {
    const sum = readFileSync(join(out, "typofix-linux-x64.sha256"), "utf8").split(/\s+/)[0];
    const h = new Bun.CryptoHasher("sha256").update(readFileSync(bin)).digest("hex");
    expect(h).toBe(sum!);
  });
});

const sysroot = AARCH64_SYSROOT;
describe("the linux-arm64 binary [slow]", () => {
  test.skipIf(Boolean(noQemu))(named("runs under qemu-user", noQemu), async () => {
    await buildTarget("linux-arm64", { outDir: out });
    const p = Bun.spawnSync([qemu!, join(out, "typofix-linux-arm64"), "Thi sis a tset"], { env: { ...env, QEMU_LD_PREFIX: sysroot } });
    expect(p.stdout.toString()).toBe("This is a test\n");
    const v = Bun.spawnSync([qemu!, join(out, "typofix-linux-arm64"), "--check"], { env: { ...env, QEMU_LD_PREFIX: sysroot }, stdin: new TextEncoder().encode("teh\n") });
    expect(v.stdout.toString()).toBe("-:1:1: teh -> the\n");
  }, 120_000);
});

describe("the darwin binaries [slow]", () => {
  test.each([
    ["darwin-arm64", 0x0100000c],
    ["darwin-x64", 0x01000007],
  ] as const)("%s is a Mach-O executable of the right CPU", async (target, cpu) => {
    await buildTarget(target, { outDir: out });
    const b = readFileSync(join(out, `typofix-${target}`));
    const dv = new DataView(b.buffer, b.byteOffset, 16);
    expect(dv.getUint32(0, true)).toBe(0xfeedfacf); // MH_MAGIC_64
    expect(dv.getUint32(4, true)).toBe(cpu);
    expect(dv.getUint32(12, true)).toBe(2); // MH_EXECUTE
  }, 120_000);
});
