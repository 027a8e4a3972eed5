/**
 * Very long lines (a minified file, a log line of megabytes, a 50 MB line on standard input) go to the
 * engine in pieces of at most LONG_LINE characters (src/text/lines.ts chunks: after a sentence end where
 * possible, else at whitespace), and the pieces' results are put back together with their edits moved to
 * the line's offsets. An engine's working memory grows with the text it is given at once (the lexicon's
 * tokens and lattice take ~180 bytes per character); this keeps it bounded by LONG_LINE instead of by the
 * line. Lines up to LONG_LINE characters are given whole, as before. A run of more than LONG_LINE
 * characters without a space (base64, a hash, minified code) is no word: it passes through unchanged.
 */
import type { Engine, FixOptions, FixResult } from "../types.ts";
import { chunks, SENTENCE_END } from "../text/lines.ts";
import { mergeResults, type PieceResult } from "../text/edits.ts";
import { hotPath } from "../runtime/jit.ts";

export const LONG_LINE = 65536;

export async function fixChunked(engine: Engine, text: string, options: FixOptions = {}, maxChars = LONG_LINE): Promise<FixResult> {
  if (text.length <= maxChars) return engine.fix(text, options);
  const parts: PieceResult[] = [];
  let output = "";
  let base = 0;
  let prev: string | null = null;
  let name = engine.name;
  for (const piece of chunks(text, maxChars)) {
    // a piece cut mid-sentence continues the previous piece's sentence
    const continues = prev === null ? options.continues : !SENTENCE_END.test(prev);
    const r = piece.length > maxChars ? { input: piece, output: piece, edits: [], engine: engine.name } : await engine.fix(piece, { ...options, continues });
    name = r.engine;
    output += r.output;
    parts.push({ base, result: r });
    base += piece.length;
    prev = piece;
  }
  return mergeResults(text, parts, name, output);
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [fixChunked]);
