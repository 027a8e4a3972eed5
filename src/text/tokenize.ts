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

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const spans = protectedSpans(text);
  // a word is \p{L}[\p{L}\p{M}]*(?:['’]\p{L}[\p{L}\p{M}]*)*, a mark \p{P}: in an all-ASCII text, their ASCII
  // twins (text/ascii.ts: the same matches, far cheaper to compile for a one-liner)
  const ascii = isAscii(text);
  const word = TWINS.word[ascii ? 0 : 1];
  const punct = TWINS.punct[ascii ? 0 : 1];
  let pos = 0;
  for (const s of spans) {
    if (s.start > pos) lex(text, pos, s.start, tokens, word, punct);
    tokens.push({ kind: "protected", text: text.slice(s.start, s.end), start: s.start, end: s.end, span: s.kind });
    pos = s.end;
  }
  if (pos < text.length) lex(text, pos, text.length, tokens, word, punct);
  return tokens;
}

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
      last.text += text.slice(pos, pos + len);
      last.end += len;
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

function push(out: Token[], kind: TokenKind, text: string, start: number): void {
  out.push({ kind, text, start, end: start + text.length });
}

/** Word tokens only. */
export function words(text: string): Token[] {
  return tokenize(text).filter((t) => t.kind === "word");
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(tokenize, lex, match, push);
