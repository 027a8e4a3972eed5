/**
 * A minimal JSON-RPC client for a language server over a child's stdio (Content-Length framing): used by
 * the LSP bench rows (src/bench/lsp.ts) and the protocol tests. Requests return promises; notifications
 * from the server are queued per method, and `next(method, pred)` waits for the next matching one.
 */
import type { Subprocess } from "bun";

export interface Message {
  jsonrpc: "2.0";
  id?: number | string;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

export class LspClient {
  private id = 0;
  private pending = new Map<number | string, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private queue: Message[] = [];
  private waiters: Array<{ method: string; pred: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  /** Handlers for requests the server sends (workspace/applyEdit, workspace/configuration, …). */
  onRequest: (m: Message) => unknown = () => null;
  stderr = "";

  constructor(readonly proc: Subprocess<"pipe", "pipe", "pipe">) {
    void this.read();
    void (async () => {
      const dec = new TextDecoder();
      for await (const c of proc.stderr) this.stderr += dec.decode(c);
    })();
  }

  private async read(): Promise<void> {
    let buf = new Uint8Array(0);
    const dec = new TextDecoder();
    for await (const chunk of this.proc.stdout) {
      const b = new Uint8Array(buf.length + chunk.length);
      b.set(buf);
      b.set(chunk, buf.length);
      buf = b;
      for (;;) {
        const head = dec.decode(buf.subarray(0, Math.min(buf.length, 256)));
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) break;
        const len = Number(/Content-Length: (\d+)/i.exec(head.slice(0, end))?.[1]);
        const start = new TextEncoder().encode(head.slice(0, end + 4)).length;
        if (buf.length < start + len) break;
        const msg = JSON.parse(dec.decode(buf.subarray(start, start + len))) as Message;
        buf = buf.slice(start + len);
        this.dispatch(msg);
      }
    }
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined && m.method === undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
      return;
    }
    if (m.id !== undefined && m.method) {
      void Promise.resolve(this.onRequest(m)).then((result) => this.send({ jsonrpc: "2.0", id: m.id, result: result ?? null }));
      return;
    }
    const w = this.waiters.findIndex((x) => x.method === m.method && x.pred(m));
    if (w >= 0) this.waiters.splice(w, 1)[0]!.resolve(m);
    else this.queue.push(m);
  }

  send(m: Message): void {
    const body = JSON.stringify(m);
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    void this.proc.stdin.flush();
  }

  request<T = any>(method: string, params: unknown): Promise<T> {
    const id = ++this.id;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** The next notification `method` that satisfies `pred` (queued ones first); rejects after `timeoutMs`. */
  next(method: string, pred: (m: Message) => boolean = () => true, timeoutMs = 30_000): Promise<Message> {
    const i = this.queue.findIndex((m) => m.method === method && pred(m));
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const w = { method, pred, resolve: (m: Message) => (clearTimeout(t), resolve(m)) };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no ${method} within ${timeoutMs} ms; server stderr: ${this.stderr}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Take the queued notifications (all, or those of `method`) off the queue, e.g. diagnostics of earlier versions. */
  drain(method?: string): Message[] {
    const taken = this.queue.filter((m) => !method || m.method === method);
    this.queue = this.queue.filter((m) => method && m.method !== method);
    return taken;
  }
}

/** Start `cmd` (e.g. [bun, src/cli.ts, "lsp"]) as a language server child. */
export function spawnLsp(cmd: string[], env: Record<string, string | undefined> = process.env): LspClient {
  return new LspClient(Bun.spawn(cmd, { stdin: "pipe", stdout: "pipe", stderr: "pipe", env }));
}
