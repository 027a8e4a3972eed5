/**
 * The server's user dictionary: the config file's words plus the dictionary file's, read at start and
 * again whenever the file changes (its mtime, size or inode), and rejected words added by feedback (to the
 * file, or to memory when the server has none). Cost: one stat per request; a read only after a change.
 */
import { statSync } from "node:fs";
import { readDictionary, writeDictionary } from "../config.ts";

export type RejectResult = { ok: true; added: string[]; already: string[] } | { ok: false; error: string };

export class UserDictionary {
  private current: Set<string>;
  private stamp = "";

  constructor(
    /** The dictionary file (none: words live in memory only). */
    readonly file?: string,
    /** Words from the config file's `words:` list (always right, not in the file). */
    private readonly configWords: readonly string[] = [],
  ) {
    this.current = new Set(configWords);
    this.words();
  }

  /** The words now, re-read if the file changed. */
  words(): ReadonlySet<string> {
    if (!this.file) return this.current;
    const st = statSync(this.file, { throwIfNoEntry: false });
    const stamp = st ? `${st.mtimeMs}:${st.size}:${st.ino}` : "none";
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      this.current = new Set([...readDictionary(this.file), ...this.configWords]);
    }
    return this.current;
  }

  /** Add rejected words: to the file (those not in it yet) and so to the words, or to memory without a file. */
  reject(words: string[]): RejectResult {
    if (!this.file) {
      for (const w of words) this.current.add(w);
      return { ok: true, added: words, already: [] };
    }
    const before = readDictionary(this.file);
    const added = words.filter((w) => !before.includes(w));
    if (added.length) {
      try {
        writeDictionary(this.file, [...before, ...added]);
      } catch (err) {
        return { ok: false, error: `could not write the dictionary ${this.file}: ${(err as Error).message}` };
      }
    }
    this.stamp = "";
    this.words();
    return { ok: true, added, already: words.filter((w) => !added.includes(w)) };
  }
}
