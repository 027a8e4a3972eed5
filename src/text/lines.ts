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
 * The end of a sentence: . ! ? or … and the closing quotes or brackets after it, then only whitespace. A
 * text that ends so does not continue into the next one (the lexicon's capitals, fixChunked's pieces).
 */
export const SENTENCE_END = /[.!?…]["”’')\]]*\s*$/;

/** The shortest line that continues its sentence into a next line that begins with a capital (continuesSentence). */
export const WRAPPED_MIN = 50;

/**
 * Whether a line continues the previous one's sentence (wrapped prose): that one ends in a lower-case
 * letter, a comma or a dash, and either this line begins otherwise than with a capital, or that one is long
 * enough to have been wrapped (WRAPPED_MIN characters: of the novel's 307 lines that end so before a line
 * that begins with a capital, one is shorter). A short line without a closing mark before a capitalised one
 * is a unit of its own (a commit's subject, a list item, a heading, a chat message): the capital begins a
 * sentence, and is no name in mid-sentence (`Remove the null check` then `Their going to Spain`); so is
 * every line of a document whose lines are units of their own (`lineUnits`: text/technical.ts DocumentEvidence).
 */
export function continuesSentence(prev: string | null, text: string, lineUnits = false): boolean {
  if (prev === null || !OPEN_END.test(prev)) return false;
  return (prev.trimEnd().length >= WRAPPED_MIN && !lineUnits) || !CAPITAL_START.test(text);
}

/** A line that ends open, its sentence perhaps going on in the next (continuesSentence, text/technical.ts DocumentEvidence). */
export const OPEN_END = /[\p{Ll},;\-–—]\s*$/u;

/** A line that begins with a capital (after any indentation). */
export const CAPITAL_START = /^\s*\p{Lu}/u;

/**
 * Whether `s` holds one of the marks that end a sentence (. ! ? …): without one, SENTENCE_END cannot match it,
 * nor can a sentence start other than the text's own (text/ascii.ts sentenceStart), so the lexicon's pass runs
 * neither expression on it (and a one-liner without them compiles neither).
 */
export function hasSentenceMark(s: string): boolean {
  return s.includes(".") || s.includes("!") || s.includes("?") || s.includes("…");
}

/**
 * Sentence-ish segments of a line for engines with a bounded context: split after . ! ? followed by space,
 * then split pieces longer than maxChars after their last whitespace within the bound. A run of non-space
 * characters longer than maxChars is never cut (a cut would hand the engine a fragment of a word, URL or
 * token to "correct"): it becomes a segment of its own with the whitespace after it, the only kind of
 * segment longer than maxChars. Concatenating the segments gives the line back.
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
      let cut = -1;
      for (let i = maxChars; i > 0 && cut < 0; i--) if (/\s/.test(s[i - 1]!)) cut = i;
      if (cut < 0) {
        // no whitespace within the bound: the unbroken run goes whole, with the whitespace after it
        const k = s.slice(maxChars).search(/\s/);
        cut = k < 0 ? s.length : maxChars + k + 1;
      }
      bounded.push(s.slice(0, cut));
      s = s.slice(cut);
    }
    if (s) bounded.push(s);
  }
  return bounded;
}

/**
 * Pieces of a very long line, each at most `maxChars` UTF-16 units: cut after a sentence end where one
 * is in the last three quarters of the window, else after whitespace. A run of non-space characters
 * longer than `maxChars` (no word: base64, minified code, a hash) is never cut: it becomes a piece of its
 * own. A line of at most `maxChars` comes back whole; joining the pieces gives the line back. Linear in
 * the line's length.
 */
export function chunks(text: string, maxChars = 65536): string[] {
  const out: string[] = [];
  let pos = 0;
  const sentenceEnd = /[.!?]+["')\]]*\s+/g;
  const space = /\s/g;
  while (text.length - pos > maxChars) {
    const limit = pos + maxChars;
    let cut = -1;
    sentenceEnd.lastIndex = pos + (maxChars >> 2);
    for (let m = sentenceEnd.exec(text); m && m.index + m[0].length <= limit; m = sentenceEnd.exec(text)) cut = m.index + m[0].length;
    if (cut < 0)
      for (let i = limit - 1; i > pos; i--)
        if (/\s/.test(text[i]!)) {
          cut = i + 1;
          break;
        }
    if (cut < 0) {
      // no whitespace in the window: the run of non-space characters goes whole, with the space after it
      space.lastIndex = pos;
      const m = space.exec(text);
      cut = m ? m.index + 1 : text.length;
    }
    out.push(text.slice(pos, cut));
    pos = cut;
  }
  if (pos < text.length || !out.length) out.push(text.slice(pos));
  return out;
}
