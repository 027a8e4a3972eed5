/**
 * One installer per model: `.locks/NAME.lock` in the store, created with O_EXCL and holding the owner's
 * pid. A lock whose owner is dead is taken over (under a second short-lived lock, so two waiters never both
 * break it); a live one is waited for. Cost: a file create per install; a 100 ms poll while waiting.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { pidAlive } from "../fsutil.ts";
import { checkName } from "./registry.ts";
import { storeDir } from "./store.ts";

/** The pid in a lock file; null while its creator has not written it yet (or the file is gone). */
export function lockOwner(lock: string): number | null {
  try {
    const text = readFileSync(lock, "utf8").trim();
    if (!text) return Date.now() - statSync(lock).mtimeMs > 5000 ? 0 : null; // an old empty lock is stale
    return Number(text) || 0;
  } catch {
    return null;
  }
}

/** Remove a lock whose owner is dead, under a second short-lived lock so two waiters never both break it. */
function breakStaleLock(lock: string, deadPid: number): void {
  const breaker = `${lock}.break`;
  try {
    closeSync(openSync(breaker, "wx"));
  } catch {
    try {
      if (Date.now() - statSync(breaker).mtimeMs > 10_000) rmSync(breaker, { force: true });
    } catch {
      /* gone already */
    }
    return;
  }
  try {
    if (lockOwner(lock) === deadPid) rmSync(lock, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

/**
 * Take the model's lock: `.locks/NAME.lock`, created with O_EXCL and holding our pid. A lock whose pid is
 * no longer running is stale and taken over; a live one is waited for (up to `waitMs`, then a clear error).
 */
export async function withLock<T>(name: string, env: NodeJS.ProcessEnv, fn: () => Promise<T>, opts: { waitMs?: number; onWait?: (pid: number) => void } = {}): Promise<T> {
  const dir = join(storeDir(env), ".locks");
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, `${checkName(name)}.lock`);
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  let told = false;
  while (true) {
    try {
      const fd = openSync(lock, "wx");
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = lockOwner(lock);
      if (pid !== null && (pid === 0 || !pidAlive(pid))) {
        breakStaleLock(lock, pid);
        continue;
      }
      if (!told && pid) opts.onWait?.(pid);
      told = true;
      if (Date.now() > deadline) throw new Error(`another typofix (pid ${pid ?? "?"}) is installing ${name} (lock ${lock}); try again when it is done`);
      await Bun.sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
