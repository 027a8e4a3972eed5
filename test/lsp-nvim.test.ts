/**
 * `typofix lsp` end to end with a real editor: Neovim headless (Debian's `neovim`, installed by .ci/run)
 * starts the server through its built-in LSP client, opens a Markdown file, waits for the diagnostics,
 * asks for the code actions at the first one and applies the preferred "Replace with …", then edits the
 * buffer and waits for the re-check. Skipped, saying why, where nvim is not installed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "./support/cli.ts";

const nvim = Bun.which("nvim");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "typofix-nvim-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Works with Neovim 0.7 (Debian 12: vim.lsp.start_client) and later (vim.lsp.start)
const SCRIPT = (cmd: string[], file: string, out: string) => `
local out = io.open(${JSON.stringify(out)}, "w")
local function say(s) out:write(s .. "\\n") end
local ok, err = pcall(function()
  vim.cmd("edit " .. ${JSON.stringify(file)})
  local buf = vim.api.nvim_get_current_buf()
  local config = { name = "typofix", cmd = ${JSON.stringify(cmd).replace(/^\[/, "{").replace(/\]$/, "}")}, root_dir = ${JSON.stringify(dir)},
                   init_options = { severity = "warning" } }
  local id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, id)
  local function diags() return vim.diagnostic.get(buf) end
  assert(vim.wait(20000, function() return #diags() > 0 end, 20), "no diagnostics")
  local ds = diags()
  table.sort(ds, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  for _, d in ipairs(ds) do say(string.format("diag %d:%d %s %d", d.lnum, d.col, d.message, d.severity)) end
  local d = ds[1]
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
    -- the diagnostic back in LSP form, as Neovim's own code_action() sends it (its data kept in user_data.lsp)
    context = { diagnostics = { { range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
      source = d.source, message = d.message, severity = d.severity, code = d.user_data.lsp.code, data = d.user_data.lsp.data } } } }
  local res, rerr = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 10000)
  assert(res and res[id], "no code actions: " .. vim.inspect(rerr) .. vim.inspect(res))
  local actions = res[id].result
  for _, a in ipairs(actions) do say("action " .. a.title .. (a.isPreferred and " (preferred)" or "")) end
  vim.lsp.util.apply_workspace_edit(actions[1].edit, "utf-16")
  say("line " .. vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1])
  assert(vim.wait(20000, function() return #diags() == #ds - 1 end, 20), "no re-check after the edit")
  say("after " .. #diags())
  vim.lsp.stop_client(id)
end)
if not ok then say("error " .. tostring(err)) end
out:close()
vim.cmd("qa!")
`;

describe("typofix lsp in Neovim", () => {
  if (!nvim) console.log("skipped: nvim is not installed (.ci/run installs Debian's neovim: apt-get install neovim)");
  test.skipIf(!nvim)("diagnostics, code action and re-check through Neovim's LSP client", async () => {
    const file = join(dir, "notes.md");
    writeFileSync(file, "# Notes\n\nThis is teh plan.\n\n```\nteh code\n```\nWe recieve it.\n");
    const out = join(dir, "out.txt");
    const script = join(dir, "run.lua");
    writeFileSync(script, SCRIPT([process.execPath, CLI, "lsp", "--stdio"], file, out));
    const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, "config"), XDG_CACHE_HOME: join(dir, "cache"), XDG_STATE_HOME: join(dir, "state"), XDG_DATA_HOME: join(dir, "data"), TYPOFIX_NO_SERVER: "1" };
    const p = Bun.spawn([nvim!, "--headless", "--clean", "-n", "-c", `luafile ${script}`], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => p.kill(), 60_000);
    await p.exited;
    clearTimeout(timer);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines).toEqual([
      'diag 2:8 "teh" → "the" 2',
      'diag 7:3 "recieve" → "receive" 2',
      'action Replace with "the" (preferred)',
      'action Add "teh" to dictionary',
      "action Fix all typos in this file",
      "line This is the plan.",
      "after 1",
    ]);
  }, 90_000);
});
