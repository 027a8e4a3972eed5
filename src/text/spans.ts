/**
 * Protected spans: stretches of text that no engine may change (URLs, emails, paths, code, numbers,
 * @handles, #tags, acronyms, identifiers, markup). Found by one pass of ordered regular expressions;
 * cost is linear in the text length.
 */

import { TWINS } from "./ascii.ts";
import { hotPath } from "../runtime/jit.ts";
export type SpanKind =
  | "url"
  | "email"
  | "path"
  | "code"
  | "number"
  | "handle"
  | "hashtag"
  | "acronym"
  | "identifier"
  | "markup"
  | "filename"
  | "marked"
  | "foreign"
  | "blob"
  | "mention";

export interface Span {
  start: number;
  end: number;
  kind: SpanKind;
}

/**
 * What a pattern cannot match without, in an all-ASCII text: the characters of which it needs at least one,
 * or one of the classes below. A text without them skips the pattern (no match is possible, so the spans are
 * the same): a one-liner then compiles and runs only the few expressions that can match, and plain prose
 * skips most of the fifteen passes. A text with any non-ASCII character runs every pattern.
 */
const NON_ASCII = 0;
const DIGIT = 1;
/** A lower-case letter, then a capital (camelCase: every match of the pattern has one). */
const LOWER_UPPER = 2;
/** 40 characters or more without whitespace (a blob: every match is such a run). */
const LONG = 3;
/** Two capitals in a row (ALL-CAPS: every match has one; a capital that only begins a sentence has none). */
const UPPER_PAIR = 4;
/** "://" or "www." (every URL the pattern matches has one). */
const URL = 5;
/** A full stop after a letter, digit, _ or - and before a lower-case letter (every file name's last dot is one). */
const FILE_DOT = 6;
/** A hyphen at the start or after whitespace or one of ( [ { " ' ` = (where every option the pattern matches begins). */
const DASH_START = 7;
type Need = string | typeof NON_ASCII | typeof DIGIT | typeof LOWER_UPPER | typeof LONG | typeof UPPER_PAIR | typeof URL | typeof FILE_DOT | typeof DASH_START;

// Order matters: earlier patterns win where matches overlap.
const PATTERNS: Array<[SpanKind, RegExp, Need, RegExp?]> = [
  // a word with a combining mark (a decomposed accent: cafe\u0301) or an invisible format character inside
  // (soft hyphen, zero-width space or joiner, word joiner, direction marks): no dictionary knows that form,
  // and an edit would drop the mark or move the invisible character (accom\u00ADmodate is not two words)
  ["marked", /(?<![\p{L}\p{M}\p{N}\p{Cf}])[\p{L}\p{N}\uFEFF]*(?:\p{M}|(?!\uFEFF)\p{Cf})[\p{L}\p{M}\p{N}\p{Cf}]*/gu, NON_ASCII],
  // a word that mixes Latin letters with letters of another script (东京Hello, 的Python, μm): the English
  // lexicon would take the letters it does not know for typos and drop them. One stray letter of another
  // keyboard layout between Latin letters (marقied) is a typo and stays correctable (see strayLetter).
  ["foreign", /(?<![\p{L}\p{M}\p{N}])(?=[\p{L}\p{M}\p{N}]*?\p{Script=Latin})[\p{L}\p{M}\p{N}]*?(?!\p{Script=Latin})\p{L}[\p{L}\p{M}\p{N}]*/gu, NON_ASCII],
  ["code", /`[^`\n]*`/g, "`"],
  // the name a doc comment's tag documents, an identifier by the tag's grammar: JSDoc, TSDoc, Javadoc,
  // PHPDoc and Doxygen `@param {T} name`, `@param[in] name`, `\param name`, `@property`, `@typeParam`,
  // `@template` (redis.d.ts: "@param exat Set the specified Unix time" was made "exact"); and the field
  // of a Sphinx docstring, `:param name:`, `:param int count:`, `:raises ValueError:`
  ["code", /(?<=(?:^|[^\p{L}\p{N}_@\\])[@\\](?:param|arg|argument|prop|property|typeParam|typeparam|tparam|template)(?:\[[A-Za-z, ]*\])?[ \t]+(?:\{[^{}\n]*\}[ \t]*)?\[?)[\p{L}_$][\p{L}\p{N}_$.]*/gu, "@\\"],
  ["code", /(?<=(?:^|[^\p{L}\p{N}_]):(?:param|type|raises?|arg|argument|key|keyword|var|ivar|cvar|vartype)[ \t]+)[^:\n`]+(?=:)/gu, ":"],
  // the owner a comment's tag names, a user name or an issue by the convention of style guides and linters
  // (Google's, Go's, Rust's clippy): TODO(anh), FIXME(alice), XXX(bug-123) (everyday-blind4: "anh" was made "ah")
  ["code", /(?<=\b(?:TODO|FIXME|FIX|XXX|HACK|BUG|NOTE|OPTIMIZE|REVIEW|WARNING)\()[^()\s]{1,40}(?=\))/g, "("],
  // a word or a double-quoted phrase written before an arrow is mentioned, not used: the "from" side of a
  // described replacement, as changelogs, commit messages and chat write them (teh → the, "Thi sis" -> "This
  // is", RECIEVE => RECEIVE); the side after the arrow is checked as usual (an ASCII arrow has a ">")
  ["mention", /["“][^"“”\n]{1,80}["”][ \t]*(?=→|->|=>|⇒)|(?<![\p{L}\p{M}\p{N}_'’])[\p{L}\p{M}\p{N}'’+]+(?=[ \t]*(?:→|->|=>|⇒))/gu, ">"],
  ["markup", /<\/?[A-Za-z][^<>\n]*>/g, "<"],
  // the label of a Markdown reference link, an identifier: [text][label] and its definition "[label]: URL"
  ["markup", /\]\[[^\]\n]{1,80}\]|^[ \t]{0,3}\[[^\]\n]{1,80}\](?=:[ \t])/gm, "]"],
  ["url", /\b(?:[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/|www\.)[^\s<>"'`]+/g, URL],
  ["email", /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu, "@"],
  // absolute, home-relative, dot-relative and Windows paths, and anything with a slash between word characters
  ["path", /(?:~|\.{1,2})?\/[\p{L}\p{N}._~\-/]+|\b[A-Za-z]:\\[^\s]+|(?<![\p{L}\p{N}_.-])[\p{L}\p{N}_.-]+(?:\/[\p{L}\p{N}_.-]+)+\/?/gu, "/\\"],
  // a backslash escape run on to a word, as code and strings in docs write them ("\n\nHello", "\nport = 8080",
  // "\tname"), or a TeX command (\alpha): the letters after the backslash are not a word as typed
  ["code", /\\[A-Za-z]+/g, "\\"],
  // (a handle may have hyphens inside: @matheus-pacifico, @some-org)
  ["handle", /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_]+(?:-[\p{L}\p{N}_]+)*/gu, "@"],
  // a command-line option where a word would begin (--no-mmap, -pn, -A999999, --save-dev): its letters are
  // the program's names, not words; a hyphen before a space, a digit or inside a word is prose (pre- and
  // post-war, -5 degrees, e-mail)
  ["code", /(?<![^\s(\[{"'`=])--?[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/g, DASH_START],
  ["hashtag", /(?<![\p{L}\p{N}_&])#[\p{L}\p{N}_]+/gu, "#"],
  // numbers and words containing digits or underscores: 42, 3.14, 1,000, 10:30, v2, formula_11, snake_case,
  // with a unit run on after a decimal point as after an integer (12.5kB like 33kB)
  ["number", TWINS.number[1], DIGIT, TWINS.number[0]],
  // (not from inside a contraction: "don't_" closing an emphasis is a word and a mark, not "don'" + "t_")
  ["identifier", /(?<![\p{L}\p{N}_]|\p{L}['’])[\p{L}\p{N}]*_[\p{L}\p{N}_]*/gu, "_"],
  // a name written against =, [ or ( as code and logs write them: key=value, sshd[2231], handler(job)
  ["code", /(?<![\p{L}\p{N}_])\p{L}[\p{L}\p{N}_]*(?=[=[(][^\s=])/gu, "=[("],
  // file names and dotted names: config.yaml, index.ts, example.com, os.path
  ["filename", TWINS.filename[1], FILE_DOT, TWINS.filename[0]],
  // camelCase, PascalCase with an inner capital (JavaScript, iPhone, McDonald)
  ["identifier", TWINS.camel[1], LOWER_UPPER, TWINS.camel[0]],
  // ALL-CAPS acronyms of two or more letters (NASA, HTTP, IGN), optionally with a plural s
  ["acronym", TWINS.acronym[1], UPPER_PAIR, TWINS.acronym[0]],
  // 40 or more characters without a space, bracket or quote are no word (base64 and data: URIs, hashes,
  // tokens, minified code): correcting the letters between their + or . would damage them
  ["blob", /(?<![^\s()[\]{}<>"'`])[^\s()[\]{}<>"'`]{40,}/gu, LONG],
];

/** Find protected spans, sorted by start and non-overlapping. (`skip` false: run every pattern, for the tests.) */
export function protectedSpans(text: string, skip = true): Span[] {
  const found: Span[] = [];
  // which characters an all-ASCII text has: ASCII codes, and the classes of Need
  let ascii = true;
  let digit = false;
  let lowerUpper = false;
  let upperPair = false;
  let fileDot = false;
  let dashStart = false;
  // (the longest run of characters that are not ASCII whitespace, \s of an all-ASCII text)
  let run = 0;
  let longest = 0;
  let prev = 0;
  const seen = SEEN.fill(0);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) {
      ascii = false;
      break;
    }
    seen[c] = 1;
    if (c >= 48 && c <= 57) digit = true;
    else if (c >= 65 && c <= 90) {
      if (prev >= 97 && prev <= 122) lowerUpper = true;
      else if (prev >= 65 && prev <= 90) upperPair = true;
    } else if (c === 46) {
      // (after A-Z, a-z, 0-9, _ or -, before a-z)
      if (i > 0 && ((prev >= 65 && prev <= 90) || (prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57) || prev === 95 || prev === 45)) {
        const next = text.charCodeAt(i + 1);
        if (next >= 97 && next <= 122) fileDot = true;
      }
      // (at the start, or after \s ( [ { " ' ` =)
    } else if (c === 45 && (i === 0 || prev === 32 || (prev >= 9 && prev <= 13) || prev === 40 || prev === 91 || prev === 123 || prev === 34 || prev === 39 || prev === 96 || prev === 61)) dashStart = true;
    // (ASCII whitespace: \s of an all-ASCII text)
    if (c === 32 || (c >= 9 && c <= 13)) run = 0;
    else if (++run > longest) longest = run;
    prev = c;
  }
  const url = ascii && (seen[58] === 1 || seen[46] === 1) && (text.includes("://") || text.includes("www."));
  // (indexed, not destructured: a tuple taken apart through the iterator protocol cost ~25 ns an entry, twenty a line)
  for (let p = 0; p < PATTERNS.length; p++) {
    const pat = PATTERNS[p]!;
    const kind = pat[0];
    const unicode = pat[1];
    const need = pat[2];
    const asciiTwin = pat[3];
    if (skip && ascii && !mayMatch(need, seen, digit, lowerUpper, upperPair, longest, url, fileDot, dashStart)) continue;
    // (on an all-ASCII text, the pattern's ASCII twin where it has one: the same matches, far cheaper to compile)
    const re = ascii && asciiTwin ? asciiTwin : unicode;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      let end = m.index + m[0].length;
      if (kind === "url" || kind === "path" || kind === "email") {
        // trailing sentence punctuation is not part of the link
        while (end > m.index + 1 && /[.,;:!?)\]}'"]/.test(text[end - 1]!)) end--;
      }
      if (kind === "filename" && !looksLikeFilename(m[0])) continue;
      if (kind === "foreign" && strayLetter(m[0])) continue;
      found.push({ start: m.index, end, kind });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  let lastEnd = -1;
  for (const s of found) {
    if (s.start >= lastEnd) {
      out.push(s);
      lastEnd = s.end;
    } else if (s.end > lastEnd && out.length) {
      // overlapping: extend the earlier span so the union stays protected
      out[out.length - 1]!.end = s.end;
      lastEnd = s.end;
    }
  }
  return out;
}

const SEEN = new Uint8Array(128);

function mayMatch(need: Need, seen: Uint8Array, digit: boolean, lowerUpper: boolean, upperPair: boolean, longest: number, url: boolean, fileDot: boolean, dashStart: boolean): boolean {
  if (need === NON_ASCII) return false;
  if (need === DIGIT) return digit;
  if (need === LOWER_UPPER) return lowerUpper;
  if (need === UPPER_PAIR) return upperPair;
  if (need === LONG) return longest >= 40;
  if (need === URL) return url;
  if (need === FILE_DOT) return fileDot;
  if (need === DASH_START) return dashStart;
  for (let i = 0; i < need.length; i++) if (seen[need.charCodeAt(i)]) return true;
  return false;
}

// A dotted word counts as a file or domain name when its last part is a plausible extension and
// it is not an abbreviation with dots (e.g. "e.g", "i.e").
function looksLikeFilename(s: string): boolean {
  const parts = s.split(".");
  if (parts.length < 2) return false;
  if (parts.every((p) => p.length <= 1)) return false; // e.g / i.e / U.S
  return parts[0]!.length >= 1 && parts[parts.length - 1]!.length >= 1;
}

/** One letter of another script between Latin letters: a slip on another keyboard layout (marقied). */
const strayLetter = (w: string) => /^[\p{Script=Latin}\p{M}]+(?!\p{Script=Latin})\p{L}[\p{Script=Latin}\p{M}]+$/u.test(w);

/** True when [start,end) overlaps any span (spans sorted). */
export function overlapsSpan(spans: readonly Span[], start: number, end: number): boolean {
  for (const s of spans) {
    if (s.start >= end) return false;
    if (s.end > start) return true;
  }
  return false;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [protectedSpans, mayMatch, looksLikeFilename, overlapsSpan]);
