/**
 * Tokeniser: splits text into tokens that cover it exactly (joining every token's text gives the input back).
 * Protected spans (src/text/spans.ts) become single "protected" tokens; the rest is split into words
 * (letters with inner apostrophes), whitespace, punctuation and other characters. Linear time.
 */
import { protectedSpans, type SpanKind } from "./spans.ts";
import { isAscii, TWINS } from "./ascii.ts";
import { hotPath } from "../runtime/jit.ts";

export type TokenKind = "word" | "space" | "punct" | "protected" | "other";

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** For protected tokens: why. */
  span?: SpanKind;
}

// A word: letters (with combining marks), optionally joined by an inner apostrophe: don't, O'Brien, they're.
const SPACE = /\s+/uy;

export function tokenize(text: string, byPatterns = false): Token[] {
  const tokens: Token[] = [];
  const spans = protectedSpans(text);
  // a word is \p{L}[\p{L}\p{M}]*(?:['’]\p{L}[\p{L}\p{M}]*)*, a mark \p{P}: in an all-ASCII text, their ASCII
  // twins (text/ascii.ts: the same matches, far cheaper to compile for a one-liner), matched by character
  // codes (lexAscii; `byPatterns`: by the patterns, for the tests that compare the two)
  const ascii = isAscii(text) && !byPatterns;
  const word = TWINS.word[ascii ? 0 : 1];
  const punct = TWINS.punct[ascii ? 0 : 1];
  let pos = 0;
  for (const s of spans) {
    if (s.start > pos) (ascii ? lexAscii(text, pos, s.start, tokens) : lex(text, pos, s.start, tokens, word, punct));
    push(tokens, "protected", text.slice(s.start, s.end), s.start, s.kind);
    pos = s.end;
  }
  if (pos < text.length) (ascii ? lexAscii(text, pos, text.length, tokens) : lex(text, pos, text.length, tokens, word, punct));
  return tokens;
}

/**
 * lex() of an all-ASCII text by character codes: the same tokens as the ASCII twins of the patterns
 * (TWINS.word /[A-Za-z]+(?:'[A-Za-z]+)*\/y, SPACE, TWINS.punct), which cost a sticky match per token
 * (test/tokenize.test.ts compares the two).
 */
function lexAscii(text: string, from: number, to: number, out: Token[]): void {
  let pos = from;
  // (each read stops at the end of the text: a code past it is NaN, an index the optimising JIT takes for
  // a miss of its own)
  const n = text.length;
  while (pos < to) {
    const c = text.charCodeAt(pos);
    let end = pos + 1;
    let kind: TokenKind;
    if (LETTER[c]) {
      // (a match runs past `to` as the sticky pattern would, and is cut there below)
      while (end < n && LETTER[text.charCodeAt(end)]) end++;
      while (end + 1 < n && text.charCodeAt(end) === 39 && LETTER[text.charCodeAt(end + 1)]) {
        end += 2;
        while (end < n && LETTER[text.charCodeAt(end)]) end++;
      }
      kind = end > to ? "other" : "word";
    } else if (ASCII_CLASS[c] === SPACE_CHAR) {
      while (end < n && ASCII_CLASS[text.charCodeAt(end)] === SPACE_CHAR) end++;
      kind = "space";
    } else if (ASCII_CLASS[c] === PUNCT_CHAR) kind = "punct";
    else {
      // anything else: one character, joined to an "other" token just before it
      const last = out[out.length - 1];
      // (the text sliced again, not appended to: a flat string, as every other token's is)
      if (last && last.kind === "other" && last.end === pos) {
        last.end++;
        last.text = text.slice(last.start, last.end);
      } else push(out, "other", text[pos]!, pos);
      pos++;
      continue;
    }
    if (end > to) end = to;
    push(out, kind, text.slice(pos, end), pos);
    pos = end;
  }
}

const SPACE_CHAR = 1;
const PUNCT_CHAR = 2;
/** Per ASCII code: 1 for \s (tab, line feed, vertical tab, form feed, carriage return, space), 2 for TWINS.punct's marks. */
const ASCII_CLASS = new Uint8Array(128);
/** Per code (undefined past ASCII, and NaN past the end): 1 for A-Z and a-z. */
const LETTER = new Uint8Array(128);
for (const c of [9, 10, 11, 12, 13, 32]) ASCII_CLASS[c] = SPACE_CHAR;
for (const [a, b] of [[33, 35], [37, 42], [44, 47], [58, 59], [63, 64], [91, 93], [95, 95], [123, 123], [125, 125]] as const) for (let c = a; c <= b; c++) ASCII_CLASS[c] = PUNCT_CHAR;
for (let c = 65; c <= 90; c++) LETTER[c] = LETTER[c + 32] = 1;

function lex(text: string, from: number, to: number, out: Token[], word: RegExp, punct: RegExp): void {
  let pos = from;
  while (pos < to) {
    const kind = match(word, text, pos) ? "word" : match(SPACE, text, pos) ? "space" : match(punct, text, pos) ? "punct" : null;
    if (kind) {
      // a match may not run into the protected span that follows; a word cut short by one is part of it,
      // not a word to correct ("don'" before a span "t_" would become "don't" + "t_")
      const end = Math.min(lastMatchEnd, to);
      push(out, kind === "word" && lastMatchEnd > to ? "other" : kind, text.slice(pos, end), pos);
      pos = end;
      continue;
    }
    // anything else (symbols, emoji, lone surrogates): keep surrogate pairs together
    const cp = text.codePointAt(pos)!;
    const len = cp > 0xffff ? 2 : 1;
    const last = out[out.length - 1];
    if (last && last.kind === "other" && last.end === pos) {
      last.end += len;
      last.text = text.slice(last.start, last.end);
    } else push(out, "other", text.slice(pos, pos + len), pos);
    pos += len;
  }
}

let lastMatchEnd = 0;
function match(re: RegExp, text: string, pos: number): boolean {
  re.lastIndex = pos;
  if (!re.test(text)) return false;
  lastMatchEnd = re.lastIndex;
  return true;
}

function push(out: Token[], kind: TokenKind, text: string, start: number, span?: SpanKind): void {
  // (every token made here, with a span or undefined: code that reads tokens then sees one object structure,
  // where two sent the optimising JIT's code back to the baseline: OSR exits BadCache)
  out.push({ kind, text, start, end: start + text.length, span });
}

/** Word tokens only. */
export function words(text: string): Token[] {
  return tokenize(text).filter((t) => t.kind === "word");
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [tokenize, lex, lexAscii, match, push]);
