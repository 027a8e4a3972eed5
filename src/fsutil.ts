/** File helpers: atomic replacement and binary detection. */
// (node:fs on first use: config.ts and the main command import this module on every one-liner, src/runtime/fs.ts)
import { nodeFs } from "./runtime/fs.ts";
import { join, nodePath } from "./runtime/path.ts";

const TMP = /^\.(.+)\.typofix-(\d+)-\d+\.tmp$/;

/** Whether a process with this id is running (one we may not signal counts as running). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove temporary files a killed typofix (SIGKILL, power loss) left beside `path`; a live writer's are kept. */
function removeStaleTemps(dir: string, base: string): void {
  let names: string[];
  try {
    names = nodeFs().readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = TMP.exec(n);
    if (!m || m[1] !== base || Number(m[2]) === process.pid || pidAlive(Number(m[2]))) continue;
    try {
      nodeFs().unlinkSync(join(dir, n));
    } catch {
      /* not ours to remove, or gone already */
    }
  }
}

/**
 * Replace `path` atomically: write a temporary file in the same directory, fsync it, give it the mode
 * (and, where permitted, the owner and group) of the original, rename it over the original. A symbolic
 * link is followed: its target is replaced and the link stays a link. On any error the original is
 * untouched and the temporary file is removed. Temporary files of killed earlier runs are cleaned up.
 */
export function atomicWriteFile(path: string, data: string | Uint8Array): void {
  let target = path;
  try {
    target = nodeFs().realpathSync(path);
  } catch {
    /* a new file: written where it is named */
  }
  const dir = nodePath().dirname(target);
  const base = nodePath().basename(target);
  removeStaleTemps(dir, base);
  const tmp = join(dir, `.${base}.typofix-${process.pid}-${Date.now()}.tmp`);
  let st: { mode: number; uid: number; gid: number } | undefined;
  try {
    const s = nodeFs().statSync(target);
    st = { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
  } catch {
    st = undefined;
  }
  let fd: number | undefined;
  try {
    fd = nodeFs().openSync(tmp, "wx", st?.mode ?? 0o644);
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    let off = 0;
    while (off < bytes.length) off += nodeFs().writeSync(fd, bytes, off, bytes.length - off);
    nodeFs().fsyncSync(fd);
    if (st && (typeof process.getuid !== "function" || st.uid !== process.getuid() || st.gid !== process.getgid?.()))
      try {
        nodeFs().fchownSync(fd, st.uid, st.gid);
      } catch {
        /* only root may give a file away; the group may still be kept below */
        try {
          nodeFs().fchownSync(fd, -1, st.gid);
        } catch {
          /* not a member of the group: the file gets ours */
        }
      }
    nodeFs().closeSync(fd);
    fd = undefined;
    if (st) nodeFs().chmodSync(tmp, st.mode);
    nodeFs().renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) nodeFs().closeSync(fd);
    try {
      nodeFs().unlinkSync(tmp);
    } catch {
      /* nothing to clean up */
    }
    throw err;
  }
}

const DEFERRED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const SIGNO: Record<(typeof DEFERRED)[number], number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/**
 * atomicWriteFile with SIGINT, SIGTERM and SIGHUP held back until the file is in place: an interrupt
 * during the write ends the process (exit 128 + signal) after the rename, never between the temporary
 * file and the rename, so no temporary file is left behind. (SIGKILL cannot be held back: then the
 * original or the new file is in place, and the stray temporary file is removed by the next write.)
 */
export async function atomicWriteFileUninterrupted(path: string, data: string | Uint8Array): Promise<void> {
  let got: (typeof DEFERRED)[number] | undefined;
  const handlers = DEFERRED.map((s) => [s, () => void (got ??= s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    atomicWriteFile(path, data);
  } finally {
    // let a signal that arrived during the (synchronous) write reach its handler, then stop holding it
    await new Promise((r) => setTimeout(r, 0));
    for (const [s, h] of handlers) process.off(s, h);
  }
  if (got) process.exit(128 + SIGNO[got]);
}

/** True when bytes look like binary data: a NUL byte in the first 8 KB. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
