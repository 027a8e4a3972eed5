/**
 * How many MarkedBlocks (16 KB pages of JavaScriptCore's heap) a command fills, found without a debug
 * build: Bun's JavaScriptCore starts a warm-up thread once the heap has `warmUpMarkedBlockStartAfterBlocks`
 * blocks (64 by default), and that thread costs a one-liner ~145 page faults (main b5da81b's binary,
 * `typofix "Thi sis a tset"`: 1,378-1,392 against 1,235 with BUN_JSC_useWarmUpMarkedBlocks=0). The script runs the command under
 * `strace -f -e trace=clone,clone3` with the threshold set to N and searches for the largest N at which a
 * thread is still started: the most blocks the run held. A command that starts a thread of its own (with
 * the threshold out of reach) gives no count.
 * Needs strace. Each probe runs the command once (about nine runs in all).
 * Usage: `bun scripts/heap-blocks.ts BIN [ARGS…]`, e.g. `bun scripts/heap-blocks.ts dist/typofix-linux-x64 "Thi sis a tset"`
 * Main b5da81b's binary: `"Thi sis a tset"` 80, `ok` 77, `--version` 43 (`bun -e 0`: 28).
 */
const [bin, ...args] = process.argv.slice(2);
if (!bin) {
  console.error("usage: bun scripts/heap-blocks.ts BIN [ARGS…]");
  process.exit(2);
}

/** Whether the run starts a thread with the warm-up threshold at n blocks. */
function threadAt(n: number): boolean {
  const r = Bun.spawnSync(["strace", "-f", "-e", "trace=clone,clone3", bin!, ...args], {
    env: { ...process.env, TYPOFIX_NO_SERVER: "1", BUN_JSC_warmUpMarkedBlockStartAfterBlocks: String(n) },
    stdout: "ignore",
    stderr: "pipe",
  });
  if (r.exitCode === null) throw new Error("strace did not run");
  return /\bclone3?\(/.test(r.stderr.toString());
}

if (threadAt(1 << 20)) {
  console.error("the command starts a thread of its own: no count");
  process.exit(1);
}
let lo = 0;
let hi = 1 << 12;
while (threadAt(hi)) hi *= 2;
while (hi - lo > 1) {
  const mid = (lo + hi) >> 1;
  if (threadAt(mid)) lo = mid;
  else hi = mid;
}
console.log(lo);
