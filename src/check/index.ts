/**
 * Checking a whole document: its prose ranges (src/text/prose.ts: Markdown outside code, comments of
 * source code, …) go to an engine one range at a time, with what the whole document says of their words
 * (src/text/technical.ts: technical writing, words that recur), and the edits come back as findings with line and
 * UTF-16 column. Shared by `typofix --check` on files and trees (src/cli/tree.ts) and the language server
 * (src/lsp/). A LineCache remembers each range's edits by its text and context, so re-checking an edited
 * document calls the engine only for the lines that changed; it keeps only the entries of the latest pass,
 * so its memory follows the document's size, not the number of edits. Cost: one engine call per changed
 * prose range, plus a linear scan of the lines.
 */
import type { Edit, Engine, FixOptions } from "../types.ts";
import { fixChunked } from "../engines/chunked.ts";
import { proseRanges, type DocKind } from "../text/prose.ts";
import { applyEdits } from "../text/edits.ts";
import { DocumentEvidence } from "../text/technical.ts";
import { continuesSentence } from "../text/lines.ts";

/** One correction in a document: 0-based line, UTF-16 columns within that line. */
export interface Finding extends Edit {
  line: number;
  engine: string;
}

export interface CheckOptions {
  userWords?: ReadonlySet<string>;
  /** Least confidence of an edit, passed to the engine (FixOptions.minConfidence); engines without confidences ignore it. */
  confidence?: number;
  cache?: LineCache;
  /** Text these match is not checked (the project config's ignore_regex): it is masked, not cut out. */
  ignoreRegex?: readonly RegExp[];
  /**
   * Polled between lines, after letting other events run every ~15 ms of work (the language server reads
   * further edits meanwhile): true stops the check, which returns `cancelled` and what it found so far.
   */
  cancelled?: () => boolean;
}

export interface CheckResult {
  /** Findings per line (an empty list for a line without any). */
  lines: Finding[][];
  /** Engine calls made (ranges not found in the cache). */
  engineCalls: number;
  /** The engine's failure messages, if any; the ranges concerned have no findings. */
  warnings: string[];
  /** Stopped early by `cancelled` (the lines after the stop have no entry). */
  cancelled?: boolean;
}

/** Edits of recent ranges keyed by context and text; entries not used in a pass are dropped after it. */
export class LineCache {
  private current = new Map<string, Edit[]>();
  private next = new Map<string, Edit[]>();
  get(key: string): Edit[] | undefined {
    const v = this.current.get(key) ?? this.next.get(key);
    if (v) this.next.set(key, v);
    return v;
  }
  set(key: string, edits: Edit[]): void {
    this.next.set(key, edits);
  }
  /** End a pass: keep what this pass used. */
  settle(): void {
    this.current = this.next;
    this.next = new Map();
  }
  /** Forget everything (the user's words or the engine changed). */
  clear(): void {
    this.current.clear();
    this.next.clear();
  }
  get size(): number {
    return this.current.size;
  }
}


export async function checkDocument(engine: Engine, lines: readonly string[], kind: DocKind, options: CheckOptions = {}): Promise<CheckResult> {
  const ranges = proseRanges(lines, kind);
  // what the whole document says of its words (technical writing, words that recur): src/text/technical.ts
  const doc = new DocumentEvidence(kind);
  for (let i = 0; i < lines.length; i++) {
    const rs = ranges[i]!;
    if (!rs.length) doc.add(lines[i]!, false);
    for (const r of rs) doc.add(lines[i]!.slice(r.start, r.end));
  }
  const out: Finding[][] = [];
  const warnings = new Set<string>();
  let calls = 0;
  let prev: string | null = null;
  const fixOptions: FixOptions = { userWords: options.userWords };
  if (options.confidence !== undefined) fixOptions.minConfidence = options.confidence;
  let slice = performance.now();
  for (let i = 0; i < lines.length; i++) {
    if (options.cancelled && performance.now() - slice > 15) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
      // the cache keeps what this pass has found: the next pass reuses it
      if (options.cancelled()) return { lines: out, engineCalls: calls, warnings: [...warnings], cancelled: true };
    }
    const found: Finding[] = [];
    const rs = ranges[i]!;
    if (!rs.length) prev = null;
    for (const r of rs) {
      const masked = mask(lines[i]!.slice(r.start, r.end), options.ignoreRegex);
      const text = masked.text;
      const continues = continuesSentence(prev, text, doc.lineUnits);
      prev = text;
      const evidence = doc.optionsFor(text);
      const key = `${continues ? 1 : 0}${evidence.technical ? "t" : ""}${evidence.recurring ? [...evidence.recurring].join(" ") : ""}\u0000${text}`;
      let edits = options.cache?.get(key);
      let engineName = engine.name;
      if (!edits) {
        calls++;
        try {
          const res = await fixChunked(engine, text, { ...fixOptions, ...evidence, continues });
          edits = res.edits;
          engineName = res.engine;
          if (res.warning) warnings.add(res.warning);
          else options.cache?.set(key, edits);
        } catch (err) {
          warnings.add((err as Error).message);
          edits = [];
        }
      }
      for (const e of edits)
        if (!masked.spans.some(([s, t]) => e.start < t && e.end > s)) found.push({ ...e, start: e.start + r.start, end: e.end + r.start, line: i, engine: engineName });
    }
    out.push(found);
  }
  options.cache?.settle();
  return { lines: out, engineCalls: calls, warnings: [...warnings] };
}

/**
 * Blank out what the regexes match (same length, so offsets hold): the engine sees spaces there, and edits
 * touching a masked stretch are dropped.
 */
function mask(text: string, res: readonly RegExp[] | undefined): { text: string; spans: Array<[number, number]> } {
  if (!res?.length) return { text, spans: [] };
  const spans: Array<[number, number]> = [];
  for (const re of res) {
    const g = re.global ? re : new RegExp(re.source, re.flags + "g");
    g.lastIndex = 0;
    for (let m = g.exec(text); m; m = g.exec(text)) {
      if (!m[0].length) {
        g.lastIndex++;
        continue;
      }
      spans.push([m.index, m.index + m[0].length]);
    }
  }
  if (!spans.length) return { text, spans };
  let out = text;
  for (const [s, e] of spans) out = out.slice(0, s) + " ".repeat(e - s) + out.slice(e);
  return { text: out, spans };
}

/** The line with its findings applied (findings of that line, in order, non-overlapping). */
export function applyFindings(line: string, findings: readonly Finding[]): string {
  return applyEdits(line, findings);
}
