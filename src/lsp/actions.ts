/**
 * Code actions of the language server: for each typofix diagnostic "Replace with …" (preferred, so an
 * editor's quick-fix key applies it) and "Add … to dictionary" (a command that writes the user dictionary,
 * as `typofix dict add` and `/v1/feedback` do), and "Fix all typos in this file" (a quick fix, and a
 * `source.fixAll` action for fix-on-save). Pure functions of the document's latest findings: no engine call.
 */
import type { CodeAction, CodeActionParams, Diagnostic, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import type { OpenDocument } from "./documents.ts";

export const COMMANDS = { addToDictionary: "typofix.addToDictionary", fixAll: "typofix.fixAll" } as const;

/** A word a person could add to a dictionary (not a respacing such as `Thi sis`). */
const isWord = (s: string) => /^[\p{L}\p{M}][\p{L}\p{M}'’-]*$/u.test(s);

/** All of the document's current findings as one edit, or null when there are none or they are stale. */
export function fixAllEdit(d: OpenDocument): WorkspaceEdit | null {
  if (d.checkedVersion !== d.version) return null;
  const edits: TextEdit[] = [];
  for (const found of d.findings) {
    if (!found.length) continue;
    const text = d.lineText(found[0]!.line);
    for (const f of found) edits.push({ range: d.outbound(f.line, f.start, f.end, text), newText: f.to });
  }
  return edits.length ? { changes: { [d.doc.uri]: edits } } : null;
}

function wants(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(k + "."));
}

export function codeActions(d: OpenDocument, p: CodeActionParams): CodeAction[] {
  const only = p.context.only;
  const out: CodeAction[] = [];
  const ours = p.context.diagnostics.filter((x): x is Diagnostic & { data: { from: string; to: string } } => x.source === "typofix" && typeof (x.data as { to?: unknown })?.to === "string");
  if (wants(only, "quickfix")) {
    for (const diag of ours) {
      const { from, to } = diag.data;
      out.push({
        title: to ? `Replace with "${to}"` : `Remove "${from}"`,
        kind: "quickfix",
        diagnostics: [diag],
        isPreferred: true,
        edit: { changes: { [d.doc.uri]: [{ range: diag.range, newText: to }] } },
      });
      if (isWord(from))
        out.push({ title: `Add "${from}" to dictionary`, kind: "quickfix", diagnostics: [diag], command: { title: `Add "${from}" to dictionary`, command: COMMANDS.addToDictionary, arguments: [from] } });
    }
  }
  const all = fixAllEdit(d);
  if (all && (ours.length || only)) {
    if (wants(only, "quickfix") && ours.length) out.push({ title: "Fix all typos in this file", kind: "quickfix", edit: all });
    if (only && wants(only, "source.fixAll")) out.push({ title: "Fix all typos in this file", kind: "source.fixAll.typofix", edit: all });
  }
  return out;
}
