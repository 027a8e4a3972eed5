/**
 * A peer for `typofix eval --external`: Harper (harper.js on npm, Apache-2.0), the grammar checker
 * behind `harper-ls`. Reads lines on stdin and writes each line with the first suggestion of every lint
 * applied (non-overlapping lints, right to left), one output line per input line, flushed per line.
 *
 *   typofix eval test/fixtures/everyday --engine lexicon --external "bun scripts/peers/harper.ts"
 *
 * Harper's spans count Unicode scalar values; they are mapped to string indices here.
 */
import { LocalLinter, SuggestionKind } from "harper.js";
import { binary } from "harper.js/binary";
import { createInterface } from "node:readline";

const linter = new LocalLinter({ binary });
await linter.setup();

export async function harperFix(line: string): Promise<string> {
  const chars = Array.from(line);
  const lints = await linter.lint(line);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const lint of lints) {
    const s = lint.suggestions()[0];
    if (!s) continue;
    const span = lint.span();
    const kind = s.kind();
    const text = s.get_replacement_text();
    if (kind === SuggestionKind.Replace) edits.push({ start: span.start, end: span.end, text });
    else if (kind === SuggestionKind.Remove) edits.push({ start: span.start, end: span.end, text: "" });
    else edits.push({ start: span.end, end: span.end, text });
  }
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let limit = Infinity;
  for (const e of edits) {
    if (e.end > limit) continue; // overlaps an edit already applied
    chars.splice(e.start, e.end - e.start, ...Array.from(e.text));
    limit = e.start;
  }
  return chars.join("");
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  process.stdout.write((await harperFix(line)) + "\n");
}
