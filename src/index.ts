/**
 * typofix as a library: `fix(text)` corrects English text with the embedded lexicon engine (or another
 * engine), returning the corrected text and the edits with UTF-16 offsets into the input.
 */
import type { Engine, EngineName, FixResult } from "./types.ts";
import { createEngine } from "./engines/index.ts";

export type * from "./types.ts";
export { createEngine, engineAvailability } from "./engines/index.ts";
export { LexiconEngine } from "./engines/lexicon/index.ts";
export * from "./text/index.ts";
export { werScores, levenshtein } from "./metrics/wer.ts";

export interface FixCallOptions {
  engine?: EngineName;
  model?: string;
  userWords?: Iterable<string>;
}

const engines = new Map<string, Promise<Engine>>();

/** Correct `text`. The engine is created once per engine/model pair and reused. */
export async function fix(text: string, options: FixCallOptions = {}): Promise<FixResult> {
  const key = `${options.engine ?? "lexicon"}\u0000${options.model ?? ""}`;
  let engine = engines.get(key);
  if (!engine) engines.set(key, (engine = createEngine({ engine: options.engine ?? "lexicon", model: options.model })));
  return (await engine).fix(text, { userWords: options.userWords ? new Set(options.userWords) : undefined });
}
