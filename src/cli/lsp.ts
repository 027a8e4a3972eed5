/** `typofix lsp [--stdio]`: the language server (src/lsp/server.ts) on standard input and output. */
import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "lsp", description: "Language server for editors (diagnostics and quick fixes for typos) on stdin/stdout" },
  args: { stdio: { type: "boolean", description: "Talk over standard input and output (the default and only transport)" } },
  async run() {
    // as in serve: an LLM run must not hold the editor's requests (didChange, cancellation)
    (await import("../engines/onnx/options.ts")).setAutoBackend("node");
    const { startLsp } = await import("../lsp/server.ts");
    startLsp();
  },
});
