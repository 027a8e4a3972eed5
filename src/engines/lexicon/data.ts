/**
 * Where the lexicon's bytes come from: models/en/lexicon.bin, imported as a file so that
 * `bun build --compile` embeds it in the binary and the same code reads it in development.
 * The file is memory-mapped: a one-liner touches only the few pages it needs (a full read of the
 * 15 MB would cost more than the rest of start-up). Inside a compiled binary, where the embedded file
 * cannot be mapped, it is extracted once to the versioned runtime folder and mapped from there; a copy
 * that an earlier run extracted whole (the embedded file's size) is mapped at once, without node:fs.
 */
import { join } from "../../runtime/path.ts";
// @ts-ignore: Bun's file import gives a path (a $bunfs path inside a compiled binary)
import lexiconPath from "../../../models/en/lexicon.bin" with { type: "file" };
import { version as pkgVersion } from "../../../package.json" with { type: "json" };
// (imported, not required on use: a require() of a chunk of the compiled binary cost a one-liner ~2 ms)
import { extractOnce, runtimeDir } from "../../runtime/native.ts";
import { nodeFs } from "../../runtime/fs.ts";
// (mapped in place, advised to be read back in 2 MB folios after a reboot)
import { mapDataFile } from "../../runtime/mapped.ts";

export function loadLexiconBytes(): Uint8Array {
  const path = lexiconPath as unknown as string;
  const compiled = process.env.TYPOFIX_COMPILED === "1";
  // (a file embedded in a compiled binary cannot be mapped: no failed try, and its exception, there)
  if (!compiled)
    try {
      return mapDataFile(path);
    } catch {
      /* no mmap here */
    }
  try {
    if (compiled) {
      // (a build names the folder by the lexicon's hash: a rebuilt lexicon of the same version gets its own)
      const sha = process.env.TYPOFIX_LEXICON_SHA;
      const tag = `${pkgVersion}-data${sha ? `-${sha}` : ""}`;
      // the copy of an earlier run, when it is whole (what extractOnce checks: there, and of the embedded size)
      try {
        const bytes = mapDataFile(join(runtimeDir(tag), "lexicon.bin"));
        if (bytes.length === Bun.file(path).size) return bytes;
      } catch {
        /* not extracted yet (or unreadable): extractOnce says */
      }
      const dir = extractOnce([{ name: "lexicon.bin", path }], tag);
      return mapDataFile(join(dir, "lexicon.bin"));
    }
  } catch {
    /* a read-only cache: fall back to reading the embedded copy */
  }
  try {
    const buf = nodeFs().readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new Error(`cannot read the embedded lexicon (${path}): ${(err as Error).message}`);
  }
}
