/**
 * Shared types of typofix. Data flows one way:
 *   input → segments (src/text: protect spans, tokenise) → engine → guard (LLM engines) → edits → printer (src/printers)
 * Every engine turns a piece of text into a FixResult; no engine knows how its result is printed.
 */

/** What kind of correction an edit is. */
export type EditKind =
  | "spelling" // a misspelled word replaced by a known word
  | "split" // run-together words split ("ofthe" → "of the")
  | "join" // a word split by a space joined ("sen tence" → "sentence")
  | "respace" // a space moved between two words ("Thi sis" → "This is")
  | "confusable" // a real word swapped for its confusable ("too" → "to", "their" → "there")
  | "case" // only the letter case changed
  | "punctuation" // only punctuation changed
  | "other";

/**
 * One correction. Offsets are UTF-16 code units of the *input* text (JavaScript string indices), half-open.
 * Applying all edits of a result to its input (in order, non-overlapping) yields its output exactly.
 */
export interface Edit {
  start: number;
  end: number;
  from: string;
  to: string;
  kind: EditKind;
  /** How sure the engine is of this edit, 0..1 (the lexicon engine: its posterior against keeping the text). */
  confidence?: number;
}

/** An edit an LLM proposed that the guard refused. */
export interface RejectedEdit extends Edit {
  reason: string;
}

export interface FixResult {
  input: string;
  output: string;
  edits: Edit[];
  /** Name of the engine that produced the result (e.g. "lexicon", "onnx:qwen3-0.6b"). */
  engine: string;
  /** Edits the guard refused (LLM engines only). */
  rejected?: RejectedEdit[];
  /** Set when the engine failed and the input came through untouched or via a fallback. */
  warning?: string;
}

export interface FixOptions {
  /** Extra words that are always correct and never changed (the user's dictionary). */
  userWords?: ReadonlySet<string>;
  /**
   * The text continues a sentence begun on the previous line (hard-wrapped prose): its first word does not
   * begin a sentence, so it keeps its case and a capital there may be a name. Set by the CLI from the
   * previous line; engines that do not use it ignore it.
   */
  continues?: boolean;
  /** Make only the edits at least this sure (0..1); engines without confidences ignore it. */
  minConfidence?: number;
  /**
   * The text is a line of technical writing (a commit message, code comments, docs with code: what the
   * whole document shows, src/text/technical.ts DocumentEvidence), not only where the line itself bears
   * its marks. Set by callers that see the document; engines that do not use it ignore it.
   */
  technical?: boolean;
  /**
   * Words of the text that recur in its document (set with `technical`): lower-case ones (words of code,
   * not slips) and capitalised ones that recur inside sentences (names: "Bun does not…" is no "But").
   */
  recurring?: ReadonlySet<string>;
}

/**
 * The named boldness levels (least confidence of an edit). `default` meets the clean-text targets on the
 * everyday set (--check and --write run unattended); `low` makes every edit the engine prefers.
 */
export const CONFIDENCE_LEVELS = { low: 0, default: 0.6, high: 0.95 } as const;

/** The interface every engine implements. */
export interface Engine {
  readonly name: string;
  /** Correct one piece of text (typically one line). Must never throw for bad text; return the input unchanged. */
  fix(text: string, options?: FixOptions): Promise<FixResult>;
  /** Release native resources (models, handles). */
  dispose?(): Promise<void> | void;
}

export type EngineName = "auto" | "lexicon" | "onnx" | "ane";

export interface EngineAvailability {
  name: EngineName;
  available: boolean;
  /** Why it is not available, or what it would use. */
  reason: string;
  /** Unavailable as a matter of course (no model installed, another platform): `auto` moves on silently. */
  ordinary?: boolean;
}
