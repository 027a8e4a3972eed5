/**
 * Download progress for people: on a terminal, one bar redrawn in place (`\r`) with size, speed and ETA;
 * elsewhere (a log, a pipe, CI) plain lines, one per file every 10 % and at the end, never a `\r`.
 */
import type { Progress } from "./hub.ts";

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const dur = (s: number | null) => (s === null || !Number.isFinite(s) ? "?" : s < 90 ? `${Math.round(s)}s` : `${Math.round(s / 60)}m`);

/** A progress callback that writes to `write` (stderr by default). */
export function progressPrinter(tty: boolean, write: (s: string) => void): (p: Progress) => void {
  let lastPct = -10;
  let lastFile = "";
  return (p: Progress) => {
    const done = p.total !== null && p.received >= p.total;
    const pct = p.total ? (p.received / p.total) * 100 : 0;
    const line = `${p.file}  ${mb(p.received)}${p.total ? ` / ${mb(p.total)} (${pct.toFixed(0)}%)` : ""}  ${mb(p.bytesPerSecond)}/s  ETA ${done ? "0s" : dur(p.etaSeconds)}`;
    if (tty) {
      const w = 24;
      const f = p.total ? Math.min(w, Math.round((p.received / p.total) * w)) : 0;
      write(`\r[${"#".repeat(f)}${" ".repeat(w - f)}] ${line}\x1b[K${done ? "\n" : ""}`);
    } else if (p.file !== lastFile || pct >= lastPct + 10 || done) {
      if (p.file === lastFile && done && lastPct >= 100) return;
      lastFile = p.file;
      lastPct = done ? 100 : pct;
      write(line + "\n");
    }
  };
}
