/**
 * Open documents of the language server and position encodings. Text is kept as a TextDocument
 * (vscode-languageserver-textdocument: incremental edits in O(edit + line index)); positions arrive and
 * leave in the encoding negotiated at initialize (UTF-16 by default, as LSP requires; UTF-8 or UTF-32 when
 * the client offers only those) and are converted at this boundary, so everything inside works on
 * JavaScript string offsets (UTF-16). Cost: a conversion walks one line.
 */
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Position, Range, TextDocumentContentChangeEvent } from "vscode-languageserver";
import type { DocKind } from "../text/prose.ts";
import type { Finding } from "../check/index.ts";
import { LineCache } from "../check/index.ts";

export type Encoding = "utf-16" | "utf-8" | "utf-32";

/** The encoding to use given the client's offer (general.positionEncodings), preferring UTF-16. */
export function negotiateEncoding(offered: readonly string[] | undefined): Encoding {
  if (!offered?.length || offered.includes("utf-16")) return "utf-16";
  if (offered.includes("utf-8")) return "utf-8";
  if (offered.includes("utf-32")) return "utf-32";
  return "utf-16";
}

/** A column in `enc` units of `line` as a UTF-16 offset (clamped to the line). */
export function toUtf16(line: string, col: number, enc: Encoding): number {
  if (enc === "utf-16") return Math.min(col, line.length);
  let units = 0;
  let i = 0;
  while (i < line.length && units < col) {
    const cp = line.codePointAt(i)!;
    units += enc === "utf-32" ? 1 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** A UTF-16 offset into `line` as a column in `enc` units. */
export function fromUtf16(line: string, off: number, enc: Encoding): number {
  if (enc === "utf-16") return off;
  let units = 0;
  for (let i = 0; i < off && i < line.length; ) {
    const cp = line.codePointAt(i)!;
    units += enc === "utf-32" ? 1 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return units;
}

export class OpenDocument {
  doc: TextDocument;
  /** The latest findings per line, and the version they were found for. */
  findings: Finding[][] = [];
  checkedVersion = -1;
  readonly cache = new LineCache();
  timer: ReturnType<typeof setTimeout> | null = null;
  running: Promise<void> | null = null;
  dirty = false;
  constructor(uri: string, languageId: string, version: number, text: string, readonly kind: DocKind, private readonly enc: () => Encoding) {
    this.doc = TextDocument.create(uri, languageId, version, text);
  }

  get version(): number {
    return this.doc.version;
  }

  /** The text of line `n` without its ending. */
  lineText(n: number): string {
    const d = this.doc;
    if (n >= d.lineCount) return "";
    const start = d.offsetAt({ line: n, character: 0 });
    const next = n + 1 < d.lineCount ? d.offsetAt({ line: n + 1, character: 0 }) : d.getText().length;
    return d.getText().slice(start, next).replace(/\r?\n$|\r$/, "");
  }

  lines(): string[] {
    return this.doc.getText().split(/\r\n|\n|\r/);
  }

  /** A client position as a UTF-16 position. */
  inbound(p: Position): Position {
    const enc = this.enc();
    return enc === "utf-16" ? p : { line: p.line, character: toUtf16(this.lineText(p.line), p.character, enc) };
  }

  /** A UTF-16 range on `line` (whose text is `text`) as a client range. */
  outbound(line: number, start: number, end: number, text: string): Range {
    const enc = this.enc();
    return { start: { line, character: fromUtf16(text, start, enc) }, end: { line, character: fromUtf16(text, end, enc) } };
  }

  /** Apply didChange events (ranges converted from the client's encoding one event at a time). */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const c of changes) {
      const conv = "range" in c && c.range ? { range: { start: this.inbound(c.range.start), end: this.inbound(c.range.end) }, text: c.text } : { text: c.text };
      this.doc = TextDocument.update(this.doc, [conv], version);
    }
  }
}
