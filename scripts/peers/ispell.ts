/**
 * A peer for `typofix eval --external`: aspell or hunspell in ispell pipe mode (`-a`), taking the
 * first suggestion for each flagged word, as `typofix bench` does for its peer rows.
 *
 *   typofix eval DIR --external "bun scripts/peers/ispell.ts aspell"     (or hunspell)
 *
 * One spawn per line keeps the two streams trivially aligned; the cost is start-up per line.
 */
import { createInterface } from "node:readline";
import { applyIspell } from "../../src/bench/index.ts";

const which = process.argv[2] ?? "aspell";
const cmd = which === "hunspell" ? ["hunspell", "-a", "-d", "en_US"] : ["aspell", "-a", "--lang=en"];

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const p = Bun.spawnSync(cmd, { stdin: new TextEncoder().encode("^" + line + "\n"), stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) {
    console.error(`${which}: ${p.stderr.toString().trim()}`);
    process.exit(2);
  }
  process.stdout.write(applyIspell(line, p.stdout.toString()) + "\n");
}
