/**
 * Where the lexicon's bytes come from: models/en/lexicon.bin, imported as a file so that
 * `bun build --compile` embeds it in the binary and the same code reads it in development.
 */
import { readFileSync } from "node:fs";
// @ts-ignore: Bun's file import gives a path (a $bunfs path inside a compiled binary)
import lexiconPath from "../../../models/en/lexicon.bin" with { type: "file" };

export function loadLexiconBytes(): Uint8Array {
  try {
    const buf = readFileSync(lexiconPath as unknown as string);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new Error(`cannot read the embedded lexicon (${lexiconPath}): ${(err as Error).message}`);
  }
}
