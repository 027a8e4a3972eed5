/**
 * `typofix lsp`: a Language Server Protocol server on vscode-languageserver (the protocol library VS Code's
 * own servers use: JSON-RPC framing, capability types, request dispatch). It publishes a diagnostic per
 * typo in plain text, Markdown, reStructuredText, AsciiDoc, git commit messages and the comments of source
 * files (src/text/prose.ts), offers code actions (src/lsp/actions.ts), and re-checks a document a short
 * debounce after each change; the LineCache of src/check means only lines whose text changed go to the
 * engine again. Settings come from initializationOptions and workspace/didChangeConfiguration, over the
 * user config and the nearest .typofix.yaml. Cost per change: one scan of the document's lines plus one
 * engine call per changed prose range.
 */
import { createConnection, DiagnosticSeverity, TextDocumentSyncKind, type Connection, type Diagnostic, type InitializeResult } from "vscode-languageserver/node";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Engine, EngineName } from "../types.ts";
import { checkDocument } from "../check/index.ts";
import { kindOfDocument } from "../text/prose.ts";
import { configPath, loadConfig, parseConfidence, readDictionary, writeDictionary, type Config } from "../config.ts";
import { merge, ProjectConfigs, type Effective } from "../project.ts";
import { negotiateEncoding, OpenDocument, type Encoding } from "./documents.ts";
import { codeActions, COMMANDS, fixAllEdit } from "./actions.ts";
import { version as pkgVersion } from "../../package.json" with { type: "json" };

export interface Settings {
  engine?: string;
  model?: string;
  confidence?: number;
  words?: string[];
  severity?: "error" | "warning" | "information" | "hint";
  debounceMs?: number;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

/** Settings from `{typofix: {...}}` or a flat object; anything malformed is dropped with a message. */
export function readSettings(raw: unknown, warn: (m: string) => void): Settings {
  const o = raw && typeof raw === "object" ? ((raw as Record<string, unknown>).typofix ?? raw) : {};
  if (!o || typeof o !== "object") return {};
  const r = o as Record<string, unknown>;
  const s: Settings = {};
  if (typeof r.engine === "string") s.engine = r.engine;
  if (typeof r.model === "string") s.model = r.model;
  if (r.confidence !== undefined) {
    const c = parseConfidence(r.confidence);
    if (typeof c === "number") s.confidence = c;
    else warn(`typofix: ${c}; ignored`);
  }
  if (Array.isArray(r.words) && r.words.every((w) => typeof w === "string")) s.words = r.words as string[];
  else if (r.words !== undefined) warn(`typofix: "words" must be a list of strings; ignored`);
  if (typeof r.severity === "string" && r.severity in SEVERITY) s.severity = r.severity as Settings["severity"];
  else if (r.severity !== undefined) warn(`typofix: "severity" must be one of ${Object.keys(SEVERITY).join(", ")}; ignored`);
  if (typeof r.debounceMs === "number" && r.debounceMs >= 0) s.debounceMs = r.debounceMs;
  return s;
}

/** Run the server on standard input and output until the client says exit. */
export function startLsp(conn: Connection = createConnection(process.stdin, process.stdout)): Connection {
  const docs = new Map<string, OpenDocument>();
  let encoding: Encoding = "utf-16";
  let canPull = false;
  let settled: Promise<void> = Promise.resolve();
  let settings: Settings = {};
  let user: Config = { dictionary: "", words: [] };
  let configs: ProjectConfigs;
  /** The settings of documents that are not files (untitled buffers): the user config alone. */
  let plain: Effective | null = null;
  let engine: Promise<Engine> | null = null;
  let engineKey = "";
  const warn = (m: string) => conn.console.warn(m);

  function engineFor(): Promise<Engine> {
    const name = (settings.engine ?? user.engine ?? "lexicon") as EngineName;
    const model = settings.model ?? user.model;
    const key = `${name}\u0000${model ?? ""}`;
    if (engine && key === engineKey) return engine;
    const old = engine;
    engineKey = key;
    engine = import("../engines/index.ts").then((m) => m.createEngine({ engine: name, model, onNotice: (n) => conn.console.info(n) }));
    engine.catch((err) => conn.window.showErrorMessage(`typofix: ${(err as Error).message}`));
    void old?.then((e) => e.dispose?.()).catch(() => {});
    return engine;
  }

  async function effective(d: OpenDocument): Promise<Effective & { severity: DiagnosticSeverity }> {
    let eff: Effective | null = null;
    if (d.doc.uri.startsWith("file:"))
      try {
        eff = await configs.forDir(dirname(fileURLToPath(d.doc.uri)));
      } catch (err) {
        warn(`typofix: ${(err as Error).message}`);
      }
    eff ??= plain ??= merge(user, null);
    const words = settings.words?.length ? new Set([...eff.words, ...settings.words]) : eff.words;
    return { ...eff, words, confidence: settings.confidence ?? eff.confidence, severity: SEVERITY[settings.severity ?? "information"] };
  }

  /** The user config, dictionary or a .typofix.yaml changed on disk (`typofix dict add`, an edit): start afresh. */
  async function refreshConfig(current: OpenDocument): Promise<void> {
    if (!configs.stale()) return;
    try {
      user = await loadConfig();
    } catch (err) {
      warn(`typofix: ${(err as Error).message}; keeping the previous settings`);
    }
    configs = new ProjectConfigs(user, configPath());
    plain = null;
    for (const x of docs.values()) {
      x.cache.clear();
      if (x !== current) schedule(x, 0);
    }
  }

  async function checkNow(d: OpenDocument): Promise<void> {
    await settled;
    await refreshConfig(d);
    const version = d.version;
    const eff = await effective(d);
    let eng: Engine;
    try {
      eng = await engineFor();
    } catch {
      return; // said once in engineFor; the text stays as it is
    }
    const lines = d.lines();
    const changed = () => docs.get(d.doc.uri) !== d || d.version !== version;
    const r = await checkDocument(eng, lines, d.kind, { userWords: eff.words, confidence: eff.confidence, ignoreRegex: eff.ignoreRegex, cache: d.cache, cancelled: changed });
    if (r.cancelled || changed()) return; // changed meanwhile: the next check publishes
    for (const w of r.warnings) warn(`typofix: the ${eng.name} engine failed (${w}); those lines have no diagnostics`);
    d.findings = r.lines;
    d.checkedVersion = version;
    const diagnostics: Diagnostic[] = [];
    for (const found of r.lines)
      for (const f of found)
        diagnostics.push({
          range: d.outbound(f.line, f.start, f.end, lines[f.line]!),
          severity: eff.severity,
          source: "typofix",
          code: f.kind,
          message: f.to ? `"${f.from}" → "${f.to}"` : `"${f.from}" should be removed`,
          data: { from: f.from, to: f.to },
        });
    await conn.sendDiagnostics({ uri: d.doc.uri, version, diagnostics });
  }

  async function run(d: OpenDocument): Promise<void> {
    if (d.running) {
      d.dirty = true;
      return;
    }
    d.running = (async () => {
      do {
        d.dirty = false;
        await checkNow(d);
      } while (d.dirty && docs.get(d.doc.uri) === d);
    })();
    try {
      await d.running;
    } catch (err) {
      warn(`typofix: checking ${d.doc.uri} failed: ${(err as Error).message}`);
    } finally {
      d.running = null;
    }
  }

  function schedule(d: OpenDocument, delay: number): void {
    if (d.timer) clearTimeout(d.timer);
    d.timer = setTimeout(() => {
      d.timer = null;
      void run(d);
    }, delay);
  }

  function recheckAll(): void {
    for (const d of docs.values()) {
      d.cache.clear();
      schedule(d, 0);
    }
  }

  conn.onInitialize(async (params): Promise<InitializeResult> => {
    encoding = negotiateEncoding(params.capabilities.general?.positionEncodings);
    canPull = Boolean(params.capabilities.workspace?.configuration);
    settings = readSettings(params.initializationOptions, warn);
    try {
      user = await loadConfig();
    } catch (err) {
      warn(`typofix: ${(err as Error).message}; using the defaults`);
    }
    configs = new ProjectConfigs(user, configPath());
    return {
      capabilities: {
        positionEncoding: encoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: ["quickfix", "source.fixAll"] },
        executeCommandProvider: { commands: Object.values(COMMANDS) },
      },
      serverInfo: { name: "typofix", version: pkgVersion },
    };
  });
  /** Clients that keep settings themselves (VS Code) answer workspace/configuration for the "typofix" section. */
  async function pullSettings(): Promise<boolean> {
    if (!canPull) return false;
    try {
      const got = await conn.workspace.getConfiguration("typofix");
      if (got === null || got === undefined) return false;
      settings = { ...settings, ...readSettings(got, warn) };
      return true;
    } catch {
      return false; // the client could not answer: keep what we have
    }
  }

  conn.onInitialized(() => {
    // checks wait for the pulled settings, so the first diagnostics already follow them
    settled = pullSettings().then(() => undefined);
    void engineFor().catch(() => {});
  });

  conn.onDidChangeConfiguration(async (p) => {
    // pushed settings (flat or under "typofix"); clients that send null have them pulled instead
    if (p.settings !== null && p.settings !== undefined && !(canPull && Object.keys(p.settings as object).length === 0)) settings = { ...settings, ...readSettings(p.settings, warn) };
    else if (!(await pullSettings())) return;
    recheckAll();
  });

  conn.onDidOpenTextDocument(({ textDocument: t }) => {
    const path = t.uri.startsWith("file:") ? fileURLToPath(t.uri) : t.uri;
    const kind = kindOfDocument(t.languageId, path);
    if (!kind) return; // a language without a known comment syntax: nothing to check
    const d = new OpenDocument(t.uri, t.languageId, t.version, t.text, kind, () => encoding);
    docs.set(t.uri, d);
    void run(d);
  });
  conn.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const d = docs.get(textDocument.uri);
    if (!d) return;
    d.update(contentChanges, textDocument.version);
    schedule(d, settings.debounceMs ?? 5);
  });
  conn.onDidCloseTextDocument(({ textDocument }) => {
    const d = docs.get(textDocument.uri);
    if (d?.timer) clearTimeout(d.timer);
    docs.delete(textDocument.uri);
    void conn.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });

  conn.onCodeAction((p) => {
    const d = docs.get(p.textDocument.uri);
    return d ? codeActions(d, p) : [];
  });

  conn.onExecuteCommand(async (p) => {
    if (p.command === COMMANDS.addToDictionary) {
      const words = (p.arguments ?? []).filter((w): w is string => typeof w === "string" && w.trim() !== "");
      if (!words.length) return { added: [] };
      if (!user.dictionary) user = await loadConfig();
      try {
        writeDictionary(user.dictionary, [...readDictionary(user.dictionary), ...words]);
      } catch (err) {
        void conn.window.showErrorMessage(`typofix: could not write ${user.dictionary}: ${(err as Error).message}`);
        return { added: [] };
      }
      configs = new ProjectConfigs(user, configPath());
      plain = null;
      recheckAll();
      return { added: words, dictionary: user.dictionary };
    }
    if (p.command === COMMANDS.fixAll) {
      const d = docs.get(String(p.arguments?.[0] ?? ""));
      const edit = d && fixAllEdit(d);
      if (!edit) return { applied: false };
      return conn.workspace.applyEdit({ label: "Fix all typos", edit });
    }
    return null;
  });

  // for the bench: memory after a full garbage collection (RSS alone is a sawtooth)
  conn.onRequest("typofix/memory", () => {
    Bun.gc(true);
    const m = process.memoryUsage();
    return { rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, documents: docs.size };
  });

  conn.onShutdown(async () => {
    for (const d of docs.values()) if (d.timer) clearTimeout(d.timer);
    const e = engine;
    engine = null;
    await e?.then((x) => x.dispose?.()).catch(() => {});
  });

  conn.listen();
  return conn;
}
