/**
 * The hook definitions: `.pre-commit-hooks.yaml` run by Debian's pre-commit itself (`pre-commit try-repo`,
 * skipped with the reason where it is not installed), and the steps of `action.yml` run with bash as a
 * runner would, with `curl` replaced by a copy from a local "release" folder (no network in tests).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { CLI } from "./support/cli.ts";

const ROOT = join(import.meta.dir, "..");
const preCommit = Bun.which("pre-commit");
let dir: string;
let shim: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "typofix-hooks-"));
  shim = join(dir, "bin");
  mkdirSync(shim);
  // `typofix` on PATH, as the release binary would be
  writeFileSync(join(shim, "typofix"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(shim, "typofix"), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({ ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, "config"), XDG_CACHE_HOME: join(dir, "cache"), PRE_COMMIT_HOME: join(dir, "pre-commit"), PATH: `${shim}:${process.env.PATH}`, TYPOFIX_NO_SERVER: "1", ...extra });

function sh(cmd: string[], cwd: string, e: Record<string, string | undefined> = env()) {
  const p = Bun.spawnSync(cmd, { cwd, env: e, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, out: p.stdout.toString() + p.stderr.toString() };
}

function gitRepo(path: string, files: Record<string, string>): string {
  mkdirSync(path, { recursive: true });
  for (const [p, t] of Object.entries(files)) writeFileSync(join(path, p), t);
  sh(["git", "init", "-q"], path);
  sh(["git", "add", "-A"], path);
  sh(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init"], path);
  return path;
}

describe(".pre-commit-hooks.yaml", () => {
  test("declares the two hooks on the typofix binary", () => {
    const hooks = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8"));
    expect(hooks.map((h: { id: string }) => h.id)).toEqual(["typofix", "typofix-commit-msg"]);
    expect(hooks[1].stages).toEqual(["commit-msg"]);
  });
  if (!preCommit) console.log("skipped: pre-commit is not installed (.ci/run installs Debian's pre-commit)");
  test.skipIf(!preCommit)("pre-commit try-repo runs the hooks: typos fail, clean files and other types pass", () => {
    const hooks = gitRepo(join(dir, "hookrepo"), { ".pre-commit-hooks.yaml": readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8") });
    const proj = gitRepo(join(dir, "proj"), { "a.md": "This is teh plan.\n", "b.md": "All fine here.\n", "c.json": '{"teh": 1}\n', "d.py": "x = 1  # recieve it\n" });
    const bad = sh([preCommit!, "try-repo", hooks, "typofix", "--all-files"], proj);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("a.md:1:9: teh -> the");
    expect(bad.out).toContain("d.py:1:10: recieve -> receive");
    expect(bad.out).not.toContain("c.json");
    const good = sh([preCommit!, "try-repo", hooks, "typofix", "--files", "b.md", "c.json"], proj);
    expect(good.code).toBe(0);
    // git hands the hook .git/COMMIT_EDITMSG: its # comments are not the message
    writeFileSync(join(proj, ".git/COMMIT_EDITMSG"), "Fix teh parser\n\n# Please enter teh message\n");
    const msg = sh([preCommit!, "try-repo", hooks, "typofix-commit-msg", "--hook-stage", "commit-msg", "--commit-msg-filename", ".git/COMMIT_EDITMSG"], proj);
    expect(msg.code).toBe(1);
    expect(msg.out).toContain("COMMIT_EDITMSG:1:5: teh -> the");
    expect(msg.out).not.toContain(":3:");
  }, 120_000);
});

describe("action.yml", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8"));
  const step = (id: string) => action.runs.steps.find((s: { name: string }) => s.name === id);
  test("a composite action: install the binary, then check", () => {
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps.map((s: { name: string }) => s.name)).toEqual(["Install typofix", "Check for typos"]);
    expect(action.inputs.format.default).toBe("github");
  });
  test("the install step picks the runner's asset, verifies its checksum and puts it on PATH", () => {
    const release = join(dir, "release");
    mkdirSync(release, { recursive: true });
    const bin = "#!/bin/sh\necho fake typofix\n";
    writeFileSync(join(release, "typofix-linux-arm64"), bin);
    writeFileSync(join(release, "typofix-linux-arm64.sha256"), `${createHash("sha256").update(bin).digest("hex")}  typofix-linux-arm64\n`);
    // curl -fsSLO --retry 3 URL: copy the file the URL names from the local release folder
    const fake = join(dir, "fakecurl");
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, "curl"), `#!/bin/sh\nfor a; do u="$a"; done\necho "$u" >> ${join(dir, "urls")}\ncp "${release}/$(basename "$u")" .\n`);
    chmodSync(join(fake, "curl"), 0o755);
    const runner = join(dir, "runner");
    mkdirSync(runner, { recursive: true });
    const ghPath = join(runner, "path");
    const e = { ...env(), PATH: `${fake}:${process.env.PATH}`, RUNNER_OS: "Linux", RUNNER_ARCH: "ARM64", RUNNER_TEMP: runner, GITHUB_PATH: ghPath, VERSION: "v9.9.9", REPO: "someone/typofix" };
    const r = sh(["bash", "-c", step("Install typofix").run], runner, e);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "urls"), "utf8").split("\n")[0]).toBe("https://github.com/someone/typofix/releases/download/v9.9.9/typofix-linux-arm64");
    const installed = readFileSync(ghPath, "utf8").trim();
    expect(readFileSync(join(installed, "typofix"), "utf8")).toBe(bin);
    // a tampered binary fails the checksum
    writeFileSync(join(release, "typofix-linux-arm64"), bin + "x");
    expect(sh(["bash", "-c", step("Install typofix").run], runner, e).code).not.toBe(0);
    expect(sh(["bash", "-c", step("Install typofix").run], runner, { ...e, RUNNER_OS: "Windows", RUNNER_ARCH: "X64" }).out).toContain("no typofix release binary for Windows-X64");
  });
  test("the check step prints annotations and fails on typos; SARIF goes to a file", () => {
    const proj = join(dir, "actproj");
    mkdirSync(join(proj, "docs"), { recursive: true });
    writeFileSync(join(proj, "docs/a.md"), "This is teh plan.\n");
    const out = join(dir, "gh-output");
    const e = { ...env(), PATHS: "docs", FORMAT: "github", SARIF: "t.sarif", ARGS: "", GITHUB_OUTPUT: out };
    const r = sh(["bash", "-c", step("Check for typos").run], proj, e);
    expect(r.code).toBe(1);
    expect(r.out).toContain("::error file=docs/a.md,line=1,col=9,endColumn=12,");
    const s = sh(["bash", "-c", step("Check for typos").run], proj, { ...e, FORMAT: "sarif" });
    expect(s.code).toBe(1);
    expect(JSON.parse(readFileSync(join(proj, "t.sarif"), "utf8")).runs[0].results.length).toBe(1);
    expect(readFileSync(out, "utf8")).toContain("sarif-file=t.sarif");
  });
});
