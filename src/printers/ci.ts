/**
 * Printers for CI tools, pure functions of findings (src/printers/index.ts has the others): `--format
 * json` (one JSON object per finding, per line), `--format sarif` (one SARIF 2.1.0 log for all findings,
 * which GitHub code scanning uploads), `--format github` (workflow commands, which GitHub Actions shows
 * as annotations on the changed lines). `column`/`endColumn` are 1-based UTF-16 code units (SARIF says so in
 * its columnKind); the plain `--check` text and `byte_column` in JSON count UTF-8 bytes, as ripgrep's --column.
 */
import type { EditKind } from "../types.ts";

export type CheckFormat = "text" | "json" | "sarif" | "github";
export const CHECK_FORMATS: readonly CheckFormat[] = ["text", "json", "sarif", "github"];

/** One typo found in a file (or "-" for standard input). */
export interface FileFinding {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column of the first character, and the column just after the last (UTF-16 code units). */
  column: number;
  endColumn: number;
  /** 1-based UTF-8 byte column of the first character (a byte-order mark not counted), as plain --check prints. */
  byteColumn: number;
  from: string;
  to: string;
  kind: EditKind;
  engine: string;
}

const message = (f: FileFinding) => (f.to ? `"${f.from}" should be "${f.to}"` : `"${f.from}" should be removed`);

/** `file:line:col: from -> to`, as plain --check prints. */
export function findingText(f: FileFinding): string {
  return `${f.file}:${f.line}:${f.byteColumn}: ${f.from} -> ${f.to}`;
}

/** One JSON object (one line) per finding. */
export function findingJson(f: FileFinding): string {
  return JSON.stringify({ file: f.file, line: f.line, column: f.column, end_column: f.endColumn, byte_column: f.byteColumn, from: f.from, to: f.to, kind: f.kind, engine: f.engine });
}

// workflow commands: data escapes %, CR, LF; property values also : and ,
const escData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escProp = (s: string) => escData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** A GitHub Actions annotation (`::error file=…,line=…::message`). */
export function findingGithub(f: FileFinding): string {
  return `::error file=${escProp(f.file)},line=${f.line},col=${f.column},endColumn=${f.endColumn},title=${escProp("typofix: typo")}::${escData(message(f))}`;
}

/**
 * A file name as a SARIF artifact location: a relative URI against the source root (forward slashes,
 * percent-encoded), or a file: URI for an absolute path.
 */
function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const p = file.replace(/\\/g, "/").replace(/^\.\//, "");
  const abs = p.startsWith("/") || /^[A-Za-z]:\//.test(p);
  const uri = p
    .split("/")
    .map((x) => (/^[A-Za-z]:$/.test(x) ? x : encodeURIComponent(x)))
    .join("/");
  return abs ? { uri: `file://${uri.startsWith("/") ? "" : "/"}${uri}` } : { uri, uriBaseId: "%SRCROOT%" };
}

/** A SARIF 2.1.0 log of all findings, with a fix (the replacement) for each. */
export function sarif(findings: readonly FileFinding[], version: string): string {
  const results = findings.map((f) => {
    const region = { startLine: f.line, startColumn: f.column, endLine: f.line, endColumn: f.endColumn };
    const location = artifactLocation(f.file);
    return {
      ruleId: "typo",
      level: "warning",
      message: { text: message(f) },
      locations: [{ physicalLocation: { artifactLocation: location, region } }],
      partialFingerprints: { "typofix/v1": `${f.from}\u2192${f.to}` },
      fixes: [{ description: { text: `Replace with "${f.to}"` }, artifactChanges: [{ artifactLocation: location, replacements: [{ deletedRegion: region, insertedContent: { text: f.to } }] }] }],
      properties: { kind: f.kind, engine: f.engine },
    };
  });
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "typofix",
            version,
            informationUri: "https://github.com/OWNER/typofix",
            rules: [{ id: "typo", name: "Typo", shortDescription: { text: "A misspelled or mistyped word" }, defaultConfiguration: { level: "warning" }, helpUri: "https://github.com/OWNER/typofix#readme" }],
          },
        },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
