/**
 * Checking installed files: the sha256 of a file, the `.verified.json` stamp that lets an unchanged file
 * skip its hash on load, the check an engine runs before loading a model, and `typofix model verify`.
 * Cost: one stat per file on load; a full sha256 pass only for files changed since their last check.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installed, modelDir, type Manifest } from "./store.ts";

export async function sha256File(path: string): Promise<string> {
  // Bun's hasher, not node:crypto: a bundle imports node:crypto at start-up (~2 ms for every one-liner)
  const h = new Bun.CryptoHasher("sha256");
  const reader = Bun.file(path).stream().getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) h.update(r.value);
  return h.digest("hex");
}

// ---------------------------------------------------------------- checks on load

/** Where the last successful hash of each file is remembered: size, inode and times at that moment. */
export const STAMP = ".verified.json";
type Stamp = Record<string, { size: number; ino: number; mtimeMs: number; ctimeMs: number; sha256: string }>;

function readStamp(dir: string): Stamp {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP), "utf8")) as Stamp;
  } catch {
    return {};
  }
}

function writeStamp(dir: string, stamp: Stamp): void {
  try {
    writeFileSync(join(dir, STAMP), JSON.stringify(stamp));
  } catch {
    /* a read-only store: the files are hashed again next time */
  }
}

/** Remember the files of a fresh install as hashed (their digests were just checked). */
export function stampInstall(dir: string, files: Manifest["files"]): void {
  const stamp: Stamp = {};
  for (const f of files) {
    const st = statSync(join(dir, f.path));
    stamp[f.path] = { size: st.size, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, sha256: f.sha256 };
  }
  writeStamp(dir, stamp);
}

/**
 * Check a model folder's files before an engine loads them: every file of its manifest present with the
 * size recorded at install (a truncation is caught by a stat), and with the recorded sha256 unless the
 * file is unchanged since it was last hashed — same size, inode, modification and change time, remembered
 * in `.verified.json` (written at install and after each full check; the change time cannot be set back by
 * a program, so a file written after install is always hashed again). Throws an error naming every damaged
 * file and how to reinstall. A folder without a manifest (a model used by its path) has nothing to check
 * against. Cost: one stat per file; a full sha256 pass only for files changed since their last check.
 */
export async function checkModelFiles(dir: string): Promise<void> {
  const mf = join(dir, "manifest.json");
  if (!existsSync(mf)) return;
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(mf, "utf8")) as Manifest;
  } catch (err) {
    throw new Error(`${mf}: not valid JSON (${(err as Error).message}); reinstall the model`);
  }
  const stamp = readStamp(dir);
  const problems: string[] = [];
  let changed = false;
  for (const f of m.files ?? []) {
    const p = join(dir, f.path);
    let st;
    try {
      st = statSync(p);
    } catch {
      problems.push(`${f.path}: missing`);
      continue;
    }
    if (st.size !== f.size) {
      problems.push(`${f.path}: ${st.size} bytes, ${f.size} when installed (truncated or replaced)`);
      continue;
    }
    const s = stamp[f.path];
    if (s && s.sha256 === f.sha256 && s.size === st.size && s.ino === st.ino && s.mtimeMs === st.mtimeMs && s.ctimeMs === st.ctimeMs) continue;
    if ((await sha256File(p)) !== f.sha256) {
      problems.push(`${f.path}: sha256 differs from the one recorded at install (modified)`);
      continue;
    }
    stamp[f.path] = { size: st.size, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, sha256: f.sha256 };
    changed = true;
  }
  if (problems.length) {
    const how = m.source === "pull" ? `\`typofix model rm ${m.name}\` then \`typofix model pull ${m.name}\`` : `\`typofix model rm ${m.name}\` then import it again`;
    throw new Error(`model ${m.name} is damaged (${problems.join("; ")}); reinstall it: ${how}`);
  }
  if (changed) writeStamp(dir, stamp);
}

/** Re-hash an installed model's files against its manifest (the registry's digests, or those of its first download). */
export async function verify(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const m = installed(env).find((x) => x.name === name);
  if (!m) throw new Error(`${name} is not installed`);
  const dir = modelDir(name, env);
  const problems: string[] = [];
  for (const f of m.files) {
    const p = join(dir, f.path);
    if (!existsSync(p)) problems.push(`${f.path}: missing`);
    else if (statSync(p).size !== f.size) problems.push(`${f.path}: ${statSync(p).size} bytes, expected ${f.size}`);
    else if ((await sha256File(p)) !== f.sha256) problems.push(`${f.path}: sha256 differs from the one recorded at install`);
  }
  return problems;
}
