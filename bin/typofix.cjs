#!/usr/bin/env node
/**
 * The `typofix` command of the npm package. typofix is TypeScript for Bun (it uses Bun's APIs): this
 * shim, run by Node, hands over to Bun with the sources (`bun src/cli.ts ARGS`), keeping standard
 * streams, the exit code and a terminating signal; without Bun it says how to get it (exit 2). Cost:
 * Node's start-up before typofix's (the one-liner: 0.13 s instead of 0.035 s on the 2-core dev VM); the
 * single-file binary (README, Install) has none.
 * TYPOFIX_BUN names the bun executable (default: bun on PATH).
 */
"use strict";
const { spawnSync } = require("node:child_process");
const { join } = require("node:path");

const bun = process.env.TYPOFIX_BUN || "bun";
// (bun drops a `--` that comes first; src/cli.ts restores it from /proc on Linux)
const r = spawnSync(bun, [join(__dirname, "..", "src", "cli.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
if (r.error) {
  if (r.error.code === "ENOENT") {
    process.stderr.write(
      "typofix: the npm package runs on Bun 1.3 or later, and no bun was found on PATH.\n" +
        "  install Bun (https://bun.sh), or use the single-file binary (no Node, no Bun needed):\n" +
        "  https://github.com/OWNER/typofix/releases\n",
    );
    process.exit(2);
  }
  process.stderr.write(`typofix: could not start ${bun}: ${r.error.message}\n`);
  process.exit(5);
}
if (r.signal) process.kill(process.pid, r.signal);
process.exit(r.status ?? 5);
