/**
 * Same output before and after a speed change: runs `typofix --no-server` (this checkout's src/cli.ts)
 * over the dev sets, the everyday set and the Sherlock Holmes novel, in plain, --json and --check modes,
 * and prints the SHA-256 of each output. `--save FILE` writes them as JSON; `--against FILE` compares and
 * exits 1 on any difference. Inputs that are missing (../shared absent) are listed as skipped.
 * Usage: bun scripts/same-output.ts [--save FILE | --against FILE]
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const shared = join(root, "..", "shared", "data");
const inputs: Array<[string, string, string[]]> = [];
for (const set of ["wikidump.artificial", "wikidump.realistic"]) {
  const f = join(shared, "dev", set, "corrupt.txt");
  inputs.push([`${set}`, f, []], [`${set} --json`, f, ["--json"]]);
}
const everyday = join(root, "test", "fixtures", "everyday", "corrupt.txt");
inputs.push(["everyday", everyday, []], ["everyday --json", everyday, ["--json"]], ["everyday --confidence high", everyday, ["--confidence", "high"]]);
inputs.push(["everyday --check", everyday, ["--check", "--file", "-"]]);
inputs.push(["sherlockholmes", join(shared, "sherlockholmes.txt"), []]);

const home = mkdtempSync(join(tmpdir(), "same-output-"));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), TYPOFIX_NO_SERVER: "1", NO_COLOR: "1" };
const out: Record<string, string> = {};
for (const [name, file, flags] of inputs) {
  if (!existsSync(file)) {
    console.log(`${name}: skipped (${file} missing)`);
    continue;
  }
  const p = Bun.spawnSync(["bun", join(root, "src", "cli.ts"), "--no-server", "--quiet", ...flags], { stdin: readFileSync(file), stdout: "pipe", stderr: "pipe", env, cwd: home });
  const h = createHash("sha256").update(p.stdout).digest("hex");
  out[name] = `${h} exit=${p.exitCode}`;
  console.log(`${name}: ${out[name]}`);
}
const i = process.argv.indexOf("--save");
if (i > 0) writeFileSync(process.argv[i + 1]!, JSON.stringify(out, null, 2) + "\n");
const j = process.argv.indexOf("--against");
if (j > 0) {
  const want = JSON.parse(readFileSync(process.argv[j + 1]!, "utf8")) as Record<string, string>;
  const bad = Object.keys({ ...want, ...out }).filter((k) => want[k] !== out[k]);
  for (const k of bad) console.log(`DIFFERENT ${k}: ${want[k]} -> ${out[k]}`);
  console.log(bad.length ? `${bad.length} outputs differ` : `all ${Object.keys(out).length} outputs identical`);
  process.exit(bad.length ? 1 : 0);
}
