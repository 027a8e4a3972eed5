/**
 * Exit codes, one table for every command (README "Exit codes", docs/guarantees.md), and the one line
 * that an error becomes on stderr. No stack trace reaches the user: a failure of the file system gets
 * its path and reason, anything else its message.
 *
 *   0    done (and `--check` found nothing)
 *   1    something was found: `--check` typos, a damaged model (`model verify`), a bench regression
 *   2    usage or input error: an unknown option, command or value; a file that cannot be read or
 *        written (missing, a folder, binary, not UTF-8, read-only, the disk full during --write);
 *        a broken config file
 *   3    a model is missing (not installed, not found) or the engine asked for cannot run here
 *   4    a server is busy: `typofix serve` where one already listens (socket or port in use)
 *   5    the command failed for another reason: a model download or import (network, checksum, disk
 *        full, a store it may not write), an unexpected error
 *   130, 143  interrupted (SIGINT, SIGTERM)
 */
/** A usage error: exit code 2, one line. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, found: 1, usage: 2, model: 3, busy: 4, failed: 5 } as const;

/** An error that carries its exit code. */
export class ExitError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

const FS_REASONS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a folder, not a file",
  ENOTDIR: "a part of the path is not a folder",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EEXIST: "already exists",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "name too long",
};

/** Whether an error is about a file (errno code and path). */
function fsError(err: unknown): err is NodeJS.ErrnoException {
  return typeof err === "object" && err !== null && typeof (err as NodeJS.ErrnoException).code === "string" && (err as NodeJS.ErrnoException).code! in FS_REASONS;
}

export function messageOf(err: unknown): string {
  if (fsError(err)) return `${err.path ? `${err.path}: ` : ""}${FS_REASONS[err.code!]}`;
  const m = err instanceof Error ? err.message : String(err);
  // citty's own messages carry ANSI colour codes
  return m.replace(/\x1b\[[0-9;]*m/g, "").split("\n")[0]!;
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof ExitError) return err.code;
  if (err instanceof UsageError || (err as Error | undefined)?.name === "CLIError") return EXIT.usage;
  if (fsError(err)) return err.code === "ENOSPC" ? EXIT.failed : EXIT.usage;
  return EXIT.failed;
}
