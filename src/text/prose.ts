/**
 * Which parts of a document are prose to check: whole lines of plain text, Markdown outside code fences
 * and front matter, reStructuredText outside literal blocks, AsciiDoc outside listing blocks, a git commit
 * message above its `#` comments and scissors line, and only the comments of source code, found with a
 * small table of comment syntaxes (no parser: strings are skipped on one line; a comment marker inside a
 * multi-line string is taken for a comment). One pass over the lines, linear in the text; the state
 * carried from line to line is one small object, so a caller can re-scan a whole document cheaply.
 */

export type DocKind = "text" | "markdown" | "rst" | "asciidoc" | "commit" | `code:${CommentStyle}`;

/** Comment syntaxes: line markers and block delimiters; strings are quoted with `quotes`. */
export interface CommentSyntax {
  line: string[];
  block: Array<[string, string]>;
  quotes: string;
}

export const COMMENT_SYNTAX = {
  c: { line: ["//"], block: [["/*", "*/"]], quotes: `"'\`` }, // C, C++, Java, JS/TS, Go, Rust, Swift, Kotlin, C#, Scala, Dart, PHP
  hash: { line: ["#"], block: [], quotes: `"'` }, // shell, Python, Ruby, Perl, R, YAML, TOML, Makefile, Dockerfile, Elixir, Nim
  dash: { line: ["--"], block: [], quotes: `"'` }, // SQL, Haskell, Lua, Ada
  semicolon: { line: [";"], block: [], quotes: `"` }, // Lisp, Clojure, assembly, ini
  percent: { line: ["%"], block: [], quotes: `"` }, // TeX, Erlang, MATLAB
  html: { line: [], block: [["<!--", "-->"]], quotes: "" }, // HTML, XML, SVG, Vue templates
  css: { line: [], block: [["/*", "*/"]], quotes: `"'` }, // CSS, SCSS (and // in SCSS is rare enough to miss)
} satisfies Record<string, CommentSyntax>;

export type CommentStyle = keyof typeof COMMENT_SYNTAX;

const EXT: Record<string, DocKind> = {
  md: "markdown", markdown: "markdown", mdx: "markdown", txt: "text", text: "text", rst: "rst", adoc: "asciidoc", asciidoc: "asciidoc",
};
const CODE_EXT: Record<CommentStyle, string[]> = {
  c: ["c", "h", "cc", "cpp", "cxx", "hpp", "hh", "m", "mm", "java", "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "go", "rs", "swift", "kt", "kts", "cs", "scala", "dart", "php", "groovy", "gradle", "zig", "proto"],
  hash: ["sh", "bash", "zsh", "fish", "py", "pyi", "rb", "pl", "pm", "r", "yaml", "yml", "toml", "ex", "exs", "nim", "cmake", "ps1", "jl", "tf", "nix", "conf", "cfg"],
  dash: ["sql", "hs", "lua", "ada", "adb", "elm"],
  semicolon: ["lisp", "el", "clj", "cljs", "scm", "asm", "s", "ini"],
  percent: ["tex", "sty", "erl", "hrl"],
  html: ["html", "htm", "xml", "svg", "vue", "xhtml"],
  css: ["css", "scss", "less"],
};
for (const [style, exts] of Object.entries(CODE_EXT)) for (const e of exts) EXT[e] = `code:${style as CommentStyle}`;
const NAMES: Record<string, DocKind> = {
  COMMIT_EDITMSG: "commit", MERGE_MSG: "commit", TAG_EDITMSG: "commit", Makefile: "code:hash", Dockerfile: "code:hash",
  Containerfile: "code:hash", Gemfile: "code:hash", Rakefile: "code:hash", Justfile: "code:hash", CMakeLists: "code:hash",
  README: "text", LICENSE: "text", CHANGELOG: "text", AUTHORS: "text", NOTICE: "text",
};
/** LSP language identifiers (what editors send in didOpen) that are not file extensions. */
const LANGUAGE_IDS: Record<string, DocKind> = {
  plaintext: "text", text: "text", markdown: "markdown", restructuredtext: "rst", rst: "rst", asciidoc: "asciidoc", asciidoctor: "asciidoc",
  "git-commit": "commit", gitcommit: "commit",
  typescript: "code:c", typescriptreact: "code:c", javascript: "code:c", javascriptreact: "code:c", c: "code:c", cpp: "code:c",
  java: "code:c", go: "code:c", rust: "code:c", swift: "code:c", kotlin: "code:c", csharp: "code:c", php: "code:c", python: "code:hash",
  ruby: "code:hash", shellscript: "code:hash", sh: "code:hash", bash: "code:hash", yaml: "code:hash", toml: "code:hash", perl: "code:hash",
  makefile: "code:hash", dockerfile: "code:hash", elixir: "code:hash", sql: "code:dash", haskell: "code:dash", lua: "code:dash",
  clojure: "code:semicolon", lisp: "code:semicolon", latex: "code:percent", tex: "code:percent", erlang: "code:percent",
  html: "code:html", xml: "code:html", vue: "code:html", css: "code:css", scss: "code:css", less: "code:css",
};

/** The kind of a file from its name (null: neither prose nor a known source language, so not checked). */
export function kindOfPath(path: string): DocKind | null {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  if (NAMES[base]) return NAMES[base]!;
  if (dot > 0) return EXT[base.slice(dot + 1).toLowerCase()] ?? null;
  return NAMES[stem] ?? null;
}

/**
 * The kind of an editor document: its language id first, then its file name. A document without a
 * language id is plain text; one in a language typofix does not know (no comment syntax in the table) is
 * not checked (null), rather than taking its code for prose.
 */
export function kindOfDocument(languageId: string | undefined, path: string): DocKind | null {
  return (languageId && LANGUAGE_IDS[languageId]) || kindOfPath(path) || (languageId ? null : "text");
}

/** A stretch [start, end) of a line (UTF-16 offsets) that is prose to check. */
export interface ProseRange {
  start: number;
  end: number;
}

interface ScanState {
  fence: string | null;
  block: string | null; // the end delimiter of the open block comment (code), or of a literal block (rst, adoc)
  front: boolean; // inside Markdown front matter
  done: boolean; // past a commit message's scissors line
  indent: number; // rst: the indentation a literal block is deeper than (-1: none open)
  blank: boolean; // the line before was blank (or there was none)
  code: boolean; // commit: the line before was in an indented code block
}

/**
 * For each line, the ranges that are prose (an empty list: nothing to check on that line). A range is the
 * line's content without the comment marker; blank ranges are left out.
 */
export function proseRanges(lines: readonly string[], kind: DocKind): ProseRange[][] {
  const st: ScanState = { fence: null, block: null, front: false, done: false, indent: -1, blank: true, code: false };
  const out: ProseRange[][] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(scanLine(lines[i]!, i, kind, st).filter((r) => lines[i]!.slice(r.start, r.end).trim()));
    st.blank = !lines[i]!.trim();
  }
  return out;
}

const whole = (line: string): ProseRange[] => [{ start: 0, end: line.length }];

function scanLine(line: string, i: number, kind: DocKind, st: ScanState): ProseRange[] {
  switch (kind) {
    case "text":
      return whole(line);
    case "markdown":
      return markdownLine(line, i, st);
    case "rst":
      return rstLine(line, st);
    case "asciidoc": {
      if (/^(?:-{4,}|\.{4,}|\+{4,}|\/{4,})\s*$/.test(line)) {
        st.block = st.block === line.trim() ? null : st.block ?? line.trim();
        return [];
      }
      return st.block || line.startsWith("//") || /^:[\w-]+:/.test(line) ? [] : whole(line);
    }
    case "commit":
      if (st.done || /^# -+ >8 -+$/.test(line)) {
        st.done = true;
        return [];
      }
      // code in the message, as Markdown writes it and git's own messages do: a fenced block, or lines
      // indented four spaces or a tab after a blank line (command output, code, a quoted error)
      if (/^\s{0,3}(?:`{3,}|~{3,})/.test(line) || st.fence) {
        const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
        if (m && !st.fence) st.fence = m[1]!;
        else if (m && m[1]![0] === st.fence![0] && m[1]!.length >= st.fence!.length) st.fence = null;
        return [];
      }
      st.code = /^(?: {4}|\t)/.test(line) && (st.blank || st.code) ? true : line.trim() ? false : st.code;
      if (st.code && line.trim()) return [];
      // comments, diff lines of `commit -v`, and trailers (Signed-off-by: Name <mail>) are not the message
      return line.startsWith("#") || /^diff --git /.test(line) || /^[\w-]+: .*<[^>]*@[^>]*>\s*$/.test(line) ? [] : whole(line);
    default:
      return commentRanges(line, COMMENT_SYNTAX[kind.slice(5) as CommentStyle], st);
  }
}

function markdownLine(line: string, i: number, st: ScanState): ProseRange[] {
  if (i === 0 && /^---\s*$/.test(line)) {
    st.front = true;
    return [];
  }
  if (st.front) {
    if (/^(?:---|\.\.\.)\s*$/.test(line)) st.front = false;
    return [];
  }
  const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
  if (st.fence) {
    if (m && m[1]![0] === st.fence[0] && m[1]!.length >= st.fence.length) st.fence = null;
    return [];
  }
  if (m) {
    st.fence = m[1]!;
    return [];
  }
  // HTML comments on one line and link reference definitions are not prose
  if (/^\s*<!--.*-->\s*$/.test(line) || /^\s{0,3}\[[^\]]+\]:\s/.test(line)) return [];
  return whole(line);
}

function rstLine(line: string, st: ScanState): ProseRange[] {
  const indent = /^\s*/.exec(line)![0].length;
  if (st.indent >= 0) {
    if (!line.trim() || indent > st.indent) return [];
    st.indent = -1;
  }
  if (/::\s*$/.test(line) || /^\s*\.\. /.test(line)) {
    // a literal block (or a directive's body) follows, indented deeper than this line
    st.indent = indent;
    return /^\s*\.\. /.test(line) ? [] : whole(line);
  }
  return whole(line);
}

/** The comment ranges of one source line, given the block comment left open by the lines before. */
export function commentRanges(line: string, syn: CommentSyntax, st: { block: string | null }): ProseRange[] {
  const out: ProseRange[] = [];
  let i = 0;
  if (st.block) {
    const end = line.indexOf(st.block);
    // a leading ` * ` (Javadoc style) is decoration, not prose
    const deco = /^\s*\*(?!\/)\s?/.exec(line);
    const start = deco && (end < 0 || deco[0].length <= end) ? deco[0].length : 0;
    if (end < 0) return [{ start, end: line.length }];
    out.push({ start, end });
    i = end + st.block.length;
    st.block = null;
  }
  let quote = "";
  scan: while (i < line.length) {
    const c = line[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      i++;
      continue;
    }
    if (syn.quotes.includes(c)) {
      quote = c;
      i++;
      continue;
    }
    for (const m of syn.line)
      if (line.startsWith(m, i) && (m !== "#" || i === 0 || /\s/.test(line[i - 1]!))) {
        // the marker and any repeats of it (///, ##, --!) and a following ! or / of doc comments
        let s = i + m.length;
        while (s < line.length && (line.startsWith(m, s) || "!/*".includes(line[s]!))) s++;
        out.push({ start: s, end: line.length });
        break scan;
      }
    for (const [open, close] of syn.block)
      if (line.startsWith(open, i)) {
        let s = i + open.length;
        while (s < line.length && (line[s] === "*" || line[s] === "!")) s++;
        const e = line.indexOf(close, s);
        if (e < 0) {
          out.push({ start: s, end: line.length });
          st.block = close;
          break scan;
        }
        out.push({ start: s, end: e });
        i = e + close.length;
        continue scan;
      }
    i++;
  }
  return out;
}
