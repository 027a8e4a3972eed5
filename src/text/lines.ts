/** Line handling: split text into lines keeping each line's ending (LF, CRLF, CR or none) exactly. */

export interface Line {
  text: string;
  eol: "" | "\n" | "\r\n" | "\r";
  /** UTF-16 offset of the line in the whole text. */
  start: number;
}

export function splitLines(text: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\n|\r/g;
  let pos = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ text: text.slice(pos, m.index), eol: m[0] as Line["eol"], start: pos });
    pos = m.index + m[0].length;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), eol: "", start: pos });
  return out;
}

/**
 * Sentence-ish segments of a line for engines with a bounded context: split after . ! ? followed by space,
 * then hard-split pieces longer than maxChars at whitespace. Concatenating the segments gives the line back.
 */
export function segments(text: string, maxChars = 400): string[] {
  const out: string[] = [];
  const re = /[.!?]+["')\]]*\s+/g;
  let pos = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(text.slice(pos, m.index + m[0].length));
    pos = m.index + m[0].length;
  }
  if (pos < text.length) out.push(text.slice(pos));
  const bounded: string[] = [];
  for (let s of out) {
    while (s.length > maxChars) {
      let cut = s.lastIndexOf(" ", maxChars);
      if (cut <= 0) cut = maxChars;
      else cut += 1;
      bounded.push(s.slice(0, cut));
      s = s.slice(cut);
    }
    if (s) bounded.push(s);
  }
  return bounded;
}
