/**
 * Saying why a test did not run. A test that needs a tool this machine lacks is declared with
 * `test.skipIf(Boolean(reason))(named("what it checks", reason), …)`: bun reports it as skipped and its
 * name carries the reason, so a missing tool never shows up as a pass. Also where the tools are looked
 * up, so that every file asks the same way. Cost: a PATH lookup per tool, once per test file.
 */
import { existsSync } from "node:fs";

/** The test's name, with " (skipped: REASON)" when there is a reason not to run it. */
export function named(name: string, reason: string | null | undefined | false): string {
  return reason ? `${name} (skipped: ${reason})` : name;
}

/** The first of `tools` on PATH, or undefined. */
export const which = (...tools: string[]): string | undefined => tools.map((t) => Bun.which(t)).find((p): p is string => Boolean(p));

/** A C compiler for the ANE test double (test/ane/fake_ane.c). */
export const cc = which("cc", "gcc");
export const noCc = cc ? null : "no C compiler (cc or gcc) on PATH";

/** qemu-user and the aarch64 C library, to run the linux-arm64 binary. */
export const qemu = which("qemu-aarch64-static", "qemu-aarch64");
export const AARCH64_SYSROOT = "/usr/aarch64-linux-gnu";
export const noQemu = !qemu
  ? "qemu-aarch64-static is not installed (apt-get install qemu-user-static)"
  : !existsSync(`${AARCH64_SYSROOT}/lib/ld-linux-aarch64.so.1`)
    ? "the aarch64 C library is not installed (apt-get install libc6-arm64-cross)"
    : null;


/**
 * Slow tests (release artefact builds, soak-sized streams and signal loops, the tiny model under load, a
 * registry entry per dtype): declared `test.skipIf(!SLOW)(slow("what it checks"), …)`. `npm test` skips
 * them and says so; `npm run test:slow` sets TYPOFIX_SLOW=1 and selects them by the " [slow]" in their
 * names (test/slow/ holds whole files of them, which plain `bun test` does not even load).
 */
export const SLOW = process.env.TYPOFIX_SLOW === "1";
export const slow = (name: string): string => named(`${name} [slow]`, !SLOW && "slow; npm run test:slow runs it");
