/**
 * Technical writing (code comments, commit messages, READMEs, docs) as against prose: the marks of it on a
 * line (technicalLine), and what a whole document says of its words (DocumentEvidence): whether it is
 * technical writing, and which of its lower-case words recur in it. A short unknown word there (or a rare
 * known one: ane) is a command, an abbreviation or a name of code (rm, ln, op, lsp) more often than a
 * slip, and a slip rarely repeats itself identically where a word of code does (citty, ane). The lexicon engine reads both
 * (FixOptions.technical, FixOptions.recurring); src/check fills both in from the whole document, `typofix
 * --file` too, and standard input from every line it has received when a line is corrected (src/cli/io.ts
 * readBatches: a piped commit log or a small input whole, a live stream a line at a time).
 *
 * Cost: per line a regular expression for its lower-case words (and the tokens of the few lines that may
 * bear a mark); a document keeps one count per distinct lower-case word. Over the 104,403 words of
 * ../shared/data/sherlockholmes.txt about 0.1 s.
 */
import { tokenize, type Token } from "./tokenize.ts";
import { CAPITAL_START, OPEN_END } from "./lines.ts";
import { withoutPossessive } from "./ascii.ts";
import type { DocKind } from "./prose.ts";
import { hotPath } from "../runtime/jit.ts";

/** A line that begins in lower case (DocumentEvidence.lineUnits; text/lines.ts has the open end and the capital). */
const LOWER_START = /^\s*\p{Ll}/u;

/** A file name with the extension of source code, configuration or docs (index.ts, config.yaml, README.md). */
const CODE_FILE = /\.(?:[cm]?[jt]sx?|json[c5]?|ya?ml|toml|md|py|rs|go|rb|java|kt|swift|c|h|cc|cpp|hpp|sh|wasm|onnx|bin|lock|txt|cfg|ini)$/;

/** A conventional commit's type or a commit subject's area: `deps: `, `fix(core): `, `feat!: `. */
const COMMIT_AREA = /^\s*[a-z][a-z0-9-]*(?:\([\w ,./-]+\))?!?: \S/;

/**
 * Whether a line of text shows the marks of technical writing (code, commit messages, READMEs) that prose
 * rarely has. There a short unknown word is a command, an abbreviation or a name of code (rm, ln, op, lsp)
 * more often than a slip, which in prose it nearly always is (1,335 of 1,347 on the realistic dev set).
 * Each mark below is on at most two of the 1,000 lines of either dev set (Wikipedia), and on hundreds of
 * the technical corpus's (scripts/technical.ts):
 * - a code span in backticks, a URL, a snake_case identifier;
 * - a file name with a source, config or docs extension (`src/cli/define.ts`, `config.yaml`);
 * - a lower-case path of two slashes or more, or one that begins at a root, home or dot (`./bin`, `.ci/run`);
 * - a command-line flag (`--check`);
 * - an arrow between a before and an after (`0.5014 -> 0.5016`, `teh → the`);
 * - a commit subject's lower-case type or area before a colon at the line's start (`deps: bump`,
 *   `fix(core): handle`, `ci: cache`), as conventional commits and many projects write them.
 * Not marks: a word against ( or = (`name(` is a Wikipedia form too), a single slash (`and/or`), a path of
 * names (Liebman/Beirach/McClure), camelCase (startServer, settledLogP: the artificial dev set's slips of the
 * shift key make such words, moveDent, longGave, on 305 of its lines; marking them cost 0.0066 of its
 * reduction).
 */
export function technicalLine(text: string, tokens: Token[]): boolean {
  for (const t of tokens) {
    if (t.kind !== "protected") continue;
    if ((t.span === "code" && t.text.startsWith("`")) || t.span === "url" || (t.span === "identifier" && t.text.includes("_"))) return true;
    if ((t.span === "filename" || t.span === "path") && CODE_FILE.test(t.text)) return true;
    if (t.span === "path" && /^[a-z0-9_.~/-]*[a-z][a-z0-9_.~/-]*$/.test(t.text) && (/^[~./]/.test(t.text) || (t.text.match(/\//g)?.length ?? 0) >= 2)) return true;
  }
  // (each expression only where the line has the characters it needs: a one-liner compiles none of them)
  return (text.includes("--") && /(?:^|\s)--[a-z][a-z-]+/.test(text)) || text.includes("->") || text.includes("→") || text.includes("=>") || (text.includes(": ") && COMMIT_AREA.test(text));
}

/** A code fence of Markdown (``` or ~~~): a mark of technical writing on a line that is not prose. */
const FENCE = /^\s{0,3}(?:`{3,}|~{3,})/;

/** What a line with any mark of technicalLine has (a backtick, _, /, >, →, --, a full stop before a letter, a colon): most prose lines are not tokenized for marks. */
const MAY_MARK = /[`_/>→:]|--|\.\p{L}/u;

/** A lower-case word of ASCII letters (with inner apostrophes) not inside another such word: the words of code. */
const LOWER_WORD = /(?<![A-Za-z'’])[a-z]+(?:['’][A-Za-z]+)*/g;

/** A capitalised word inside a sentence (after a lower-case word, a comma or a semicolon and a space): a name ("with Bun", "runs on Linux"). */
const NAME_INSIDE = /(?<=[a-z,;] )[A-Z][a-z]+(?![A-Za-z'’])/g;
/** A capitalised word anywhere in a line (the sentence's first word included). */
const CAPITALISED = /(?<![A-Za-z'’])[A-Z][a-z]+(?![A-Za-z'’])/g;

/** A word without its possessive 's (the replace only where the word has an apostrophe). */
function possessiveBase(w: string): string {
  return w.includes("'") || w.includes("’") ? withoutPossessive(w) : w;
}

/**
 * What a document says of its words, gathered a line at a time before its lines are corrected: a whole
 * document (src/check, `typofix --file`), or every line of standard input received so far (the lines
 * before, and those already in hand after: src/cli/io.ts readBatches).
 * - It is technical writing when its kind says so (a commit message, the comments of source code) or
 *   when two of its lines or more, and one in twenty at least, bear the marks of technicalLine (a code
 *   fence counts as one).
 * - A lower-case word recurs when it occurs twice or more (its possessive counts as the word); a
 *   capitalised word when it occurs twice or more inside sentences, where only a name is capitalised
 *   ("Bun does not…" then begins with the name Bun, not a mistyped "But"). Once
 *   MAX_WORDS distinct words are counted, new ones are not (a stream read for days, `tail -f log`, keeps a
 *   bounded table: some 10 MB at most); those already counted go on counting.
 */
export class DocumentEvidence {
  private lines = 0;
  private marked = 0;
  private readonly counts = new Map<string, number>();
  static readonly MAX_WORDS = 100_000;
  private readonly byKind: boolean;
  /** Lines after a line that ends open (a lower-case letter, comma or dash): those that begin with a capital, and in lower case. */
  private openThenCapital = 0;
  private openThenLower = 0;
  private prevOpen = false;

  constructor(kind?: DocKind) {
    this.byKind = kind === "commit" || (kind?.startsWith("code:") ?? false);
  }

  /** Take in one line of the document: prose (counted and judged), or anything else (a fence counts as a mark). */
  add(line: string, prose = true): void {
    if (!line.trim() || !prose) this.prevOpen = false;
    if (!line.trim()) return;
    this.lines++;
    if (!prose) {
      if (FENCE.test(line)) this.marked++;
      return;
    }
    if (this.prevOpen) {
      if (CAPITAL_START.test(line)) this.openThenCapital++;
      else if (LOWER_START.test(line)) this.openThenLower++;
    }
    this.prevOpen = OPEN_END.test(line);
    if (MAY_MARK.test(line) && technicalLine(line, tokenize(line))) this.marked++;
    // (exec loops, not matchAll: its iterator and the copy of the expression it makes cost more than the
    // counting, once per line of a stream; every match takes a letter, so none is empty)
    LOWER_WORD.lastIndex = 0;
    for (let m = LOWER_WORD.exec(line); m; m = LOWER_WORD.exec(line)) {
      const w = possessiveBase(m[0]);
      const n = this.counts.get(w);
      if (n !== undefined) this.counts.set(w, n + 1);
      else if (this.counts.size < DocumentEvidence.MAX_WORDS) this.counts.set(w, 1);
    }
    NAME_INSIDE.lastIndex = 0;
    for (let m = NAME_INSIDE.exec(line); m; m = NAME_INSIDE.exec(line)) {
      const n = this.counts.get(m[0]);
      if (n !== undefined) this.counts.set(m[0], n + 1);
      else if (this.counts.size < DocumentEvidence.MAX_WORDS) this.counts.set(m[0], 1);
    }
  }

  /**
   * Whether the document's lines are units of their own (a list of messages, commit subjects, items): after a
   * line that ends open, more lines begin with a capital than in lower case. Wrapped prose continues its
   * sentences: of the lines after an open end, the novel begins 307 with a capital (names, I) and 6,651 in
   * lower case, ripgrep's commit messages 118 and 2,480, our README 7 and 193; everyday-blind4, lines of chat,
   * mail and commits, 50 and 7. There a line's capital begins a sentence (text/lines.ts continuesSentence).
   */
  get lineUnits(): boolean {
    return this.openThenCapital >= 3 && this.openThenCapital > this.openThenLower;
  }

  get technical(): boolean {
    return this.byKind || (this.marked >= 2 && this.marked * 20 >= this.lines);
  }

  /** The FixOptions a line of this document gets: technical, and its words that recur (lower case) or recur as names (capitalised), only in technical writing. */
  optionsFor(line: string): { technical?: boolean; recurring?: ReadonlySet<string> } {
    if (!this.technical) return {};
    let recurring: Set<string> | undefined;
    for (const m of line.matchAll(LOWER_WORD)) {
      const w = withoutPossessive(m[0]);
      if ((this.counts.get(w) ?? 0) >= 2) (recurring ??= new Set()).add(w);
    }
    for (const m of line.matchAll(CAPITALISED)) if ((this.counts.get(m[0]) ?? 0) >= 2) (recurring ??= new Set()).add(m[0]);
    return recurring ? { technical: true, recurring } : { technical: true };
  }
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [technicalLine, possessiveBase, DocumentEvidence.prototype]);
