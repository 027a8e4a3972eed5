/**
 * `typofix serve`, in this process: the real HTTP server (Bun.serve) on a socket in a temp folder and on
 * a loopback port, driven with fetch. Correctness against the in-process engine, 50 concurrent clients,
 * the bounded queue (a gated engine makes overflow deterministic), limits and errors, feedback into the
 * user dictionary, metrics, idle timeout and shutdown with requests in flight. Plus the queue, metrics,
 * paths and install units as units. All traffic stays on this machine.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine, FixOptions, FixResult } from "../src/types.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { planEngine } from "../src/engines/index.ts";
import { ServeError, startServer, type TypofixServer } from "../src/server/server.ts";
import { Registry, parseMetrics } from "../src/server/metrics.ts";
import { BoundedQueue, QueueFullError } from "../src/server/queue.ts";
import { findServer, isLoopbackHost, socketPath } from "../src/server/paths.ts";
import { serveCommand, unitFor } from "../src/server/install.ts";
import { connect } from "../src/server/client.ts";
import { cacheDir } from "../src/config.ts";
import { ensureModel } from "../scripts/fixtures.ts";
import { named, which } from "./support/skip.ts";

const SENTENCES = [
  "Thi sis a tset",
  "The quikc brown fox jumps over teh lazy dog",
  "I went too the stor to buy som milk",
  "All good here.",
  "😀 Teh quikc fox",
  "We wil recieve the pakage tomorow",
  "kubectl apply teh config at https://exmaple.com/teh",
  "Their going to the libary",
  "  teh leading and trailing spaces  ",
  "Melchers said that Melhcers was rihgt",
];

let dir: string;
const lexicon = LexiconEngine.shared();
const servers: TypofixServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tf-srv-"));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.shutdown().catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(o: Parameters<typeof startServer>[0]): Promise<TypofixServer> {
  const s = await startServer(o);
  servers.push(s);
  return s;
}

/** fetch against a server: its socket or its port. */
function call(s: TypofixServer, path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return s.socket ? fetch(`http://localhost${path}`, { ...init, unix: s.socket }) : fetch(`${s.url}${path}`, init);
}
const post = (s: TypofixServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(s, path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } });
const metrics = async (s: TypofixServer) => parseMetrics(await (await call(s, "/metrics")).text());
const expected = (text: string, words?: Iterable<string>) => lexicon.fixSync(text, { userWords: words ? new Set(words) : undefined });

/** An engine that holds every call until the test opens the gate; records order and concurrency. */
class GatedEngine implements Engine {
  readonly name = "gated";
  calls: string[] = [];
  active = 0;
  maxActive = 0;
  private waiters: Array<() => void> = [];
  private open = false;
  async fix(text: string, _o?: FixOptions): Promise<FixResult> {
    this.calls.push(text);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    if (!this.open) await new Promise<void>((r) => this.waiters.push(r));
    this.active--;
    return { input: text, output: text.toUpperCase(), edits: [], engine: this.name };
  }
  release(): void {
    this.open = true;
    for (const w of this.waiters.splice(0)) w();
  }
}

async function until(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await Bun.sleep(10);
  }
}
const depth = async (s: TypofixServer) => ((await (await call(s, "/v1/health")).json()) as { queue: { depth: number } }).queue.depth;

describe("the bounded queue", () => {
  test("one job at a time, in arrival order; over the bound refused at once; drain waits", async () => {
    const q = new BoundedQueue(2);
    const order: number[] = [];
    let active = 0;
    let most = 0;
    const job = (i: number) => async () => {
      active++;
      most = Math.max(most, active);
      await Bun.sleep(15);
      order.push(i);
      active--;
      return i;
    };
    const a = q.run(job(1));
    const b = q.run(job(2));
    const c = q.run(job(3));
    expect(q.depth).toBe(3);
    expect(q.pending).toBe(2);
    await expect(q.run(job(4))).rejects.toBeInstanceOf(QueueFullError);
    const drained = q.drain();
    expect(await Promise.all([a, b, c])).toEqual([1, 2, 3]);
    await drained;
    expect(order).toEqual([1, 2, 3]);
    expect(most).toBe(1);
    expect(q.depth).toBe(0);
    // a failing job rejects its caller only
    const bad = q.run(async () => {
      throw new Error("boom");
    });
    await expect(bad).rejects.toThrow("boom");
    expect(await q.run(async () => 5)).toBe(5);
  });
  test("capacity 0: only the running job", async () => {
    const q = new BoundedQueue(0);
    const a = q.run(() => Bun.sleep(10));
    await expect(q.run(async () => 1)).rejects.toBeInstanceOf(QueueFullError);
    await a;
    expect(await q.run(async () => 2)).toBe(2);
    expect(() => new BoundedQueue(-1)).toThrow();
  });
});

describe("the metrics registry", () => {
  test("counters, gauges and a cumulative histogram in Prometheus text format", () => {
    const r = new Registry();
    const c = r.counter("x_total", "Things.\nwith a newline");
    c.inc({ route: "/a", status: "200" });
    c.inc({ status: "200", route: "/a" }, 2);
    c.inc({ route: 'q"\\', status: "500" });
    const g = r.gauge("depth", "Depth.");
    let d = 3;
    g.set({}, () => d);
    const h = r.histogram("lat_seconds", "Latency.", [0.1, 1, 0.01]);
    for (const v of [0.005, 0.05, 0.5, 5]) h.observe({ route: "/a" }, v);
    expect(() => c.inc({}, -1)).toThrow();
    d = 4;
    const text = r.render();
    expect(text).toContain("# HELP x_total Things.\\nwith a newline\n# TYPE x_total counter\n");
    expect(text).toContain('x_total{route="/a",status="200"} 3\n');
    expect(text).toContain('x_total{route="q\\"\\\\",status="500"} 1\n');
    expect(text).toContain("# TYPE depth gauge\ndepth 4\n");
    expect(text).toContain(
      [
        "# TYPE lat_seconds histogram",
        'lat_seconds_bucket{route="/a",le="0.01"} 1',
        'lat_seconds_bucket{route="/a",le="0.1"} 2',
        'lat_seconds_bucket{route="/a",le="1"} 3',
        'lat_seconds_bucket{route="/a",le="+Inf"} 4',
        'lat_seconds_sum{route="/a"} 5.555',
        'lat_seconds_count{route="/a"} 4',
      ].join("\n"),
    );
    const p = parseMetrics(text);
    expect(p.get('x_total{route="/a",status="200"}')).toBe(3);
    expect(p.get('lat_seconds_bucket{route="/a",le="+Inf"}')).toBe(4);
  });
});

describe("paths and discovery", () => {
  test("socket path: TYPOFIX_SOCKET, TYPOFIX_HOME, XDG_RUNTIME_DIR, then the cache folder", () => {
    expect(socketPath({ TYPOFIX_SOCKET: "/x/s.sock", TYPOFIX_HOME: "/h", XDG_RUNTIME_DIR: "/run/user/1" })).toBe("/x/s.sock");
    expect(socketPath({ TYPOFIX_HOME: "/h", XDG_RUNTIME_DIR: "/run/user/1" })).toBe("/h/serve.sock");
    expect(socketPath({ XDG_RUNTIME_DIR: "/run/user/1", HOME: "/home/u" })).toBe("/run/user/1/typofix/serve.sock");
    expect(socketPath({ HOME: "/home/u" })).toBe("/home/u/.cache/typofix/serve.sock");
    expect(socketPath({ HOME: "/home/u", XDG_CACHE_HOME: "/c" })).toBe("/c/typofix/serve.sock");
  });
  test("only a socket counts as a server; TYPOFIX_SERVER only for loopback URLs", () => {
    const f = join(dir, "plain.sock");
    writeFileSync(f, "");
    expect(findServer({ TYPOFIX_SOCKET: f })).toBeNull();
    expect(findServer({ TYPOFIX_SOCKET: join(dir, "none.sock") })).toBeNull();
    expect(findServer({ TYPOFIX_SERVER: "http://127.0.0.1:4000/x" })).toEqual({ url: "http://127.0.0.1:4000" });
    expect(findServer({ TYPOFIX_SERVER: "http://localhost:4000" })).toEqual({ url: "http://localhost:4000" });
    expect(findServer({ TYPOFIX_SERVER: "http://192.168.1.5:4000" })).toBeNull();
    expect(findServer({ TYPOFIX_SERVER: "https://127.0.0.1:4000" })).toBeNull();
    expect(findServer({ TYPOFIX_SERVER: "not a url" })).toBeNull();
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("127.1.2.3")).toBe(true);
    expect(isLoopbackHost("127.0.0.1.evil.com")).toBe(false);
  });
});

describe("--install units", () => {
  test("systemd user unit: ExecStart quoted, environment carried, enable commands", () => {
    const u = unitFor({ platform: "linux", command: ["/opt/my apps/bun", "/src/cli.ts", "serve", "--engine", "lexicon"], home: "/home/u", env: { TYPOFIX_HOME: "/home/u/tf 100%" } });
    expect(u.path).toBe("/home/u/.config/systemd/user/typofix.service");
    expect(u.text).toContain('ExecStart="/opt/my apps/bun" /src/cli.ts serve --engine lexicon\n');
    expect(u.text).toContain('Environment="TYPOFIX_HOME=/home/u/tf 100%%"\n');
    expect(u.text).toContain("[Install]\nWantedBy=default.target\n");
    expect(u.text).toContain("Restart=on-failure");
    expect(u.enable).toEqual(["systemctl --user daemon-reload", "systemctl --user enable --now typofix.service"]);
    expect(unitFor({ platform: "linux", command: ["/b"], home: "/home/u", env: { XDG_CONFIG_HOME: "/cfg" } }).path).toBe("/cfg/systemd/user/typofix.service");
  });
  const agent = () => unitFor({ platform: "darwin", command: ["/usr/local/bin/typofix", "serve", "--model", "a&b<c>"], home: "/Users/u", env: { TYPOFIX_HOME: "/Users/u/tf" } });
  test("launchd agent: where it goes, escaped arguments, how to enable it", () => {
    const u = agent();
    expect(u.path).toBe("/Users/u/Library/LaunchAgents/dev.typofix.serve.plist");
    expect(u.text).toContain("<string>a&amp;b&lt;c&gt;</string>");
    expect(u.enable[0]).toBe("launchctl bootstrap gui/$(id -u) /Users/u/Library/LaunchAgents/dev.typofix.serve.plist");
  });
  const py = which("python3");
  const noPy = py ? null : "python3 is not installed (its plistlib is the parser)";
  test.skipIf(Boolean(noPy))(named("launchd agent: a property list that parses, with the program's arguments", noPy), () => {
    const u = agent();
    const f = join(dir, "agent.plist");
    writeFileSync(f, u.text);
    const p = Bun.spawnSync([py!, "-c", "import plistlib,sys,json; print(json.dumps(plistlib.load(open(sys.argv[1],'rb'))))", f]);
    expect(p.exitCode, p.stderr.toString()).toBe(0);
    const d = JSON.parse(p.stdout.toString());
    expect(d.Label).toBe("dev.typofix.serve");
    expect(d.ProgramArguments).toEqual(["/usr/local/bin/typofix", "serve", "--model", "a&b<c>"]);
    expect(d.RunAtLoad).toBe(true);
    expect(d.EnvironmentVariables).toEqual({ TYPOFIX_HOME: "/Users/u/tf" });
  });
  test("the command: the compiled binary alone, or bun with the script", () => {
    expect(serveCommand(["--port", "1"], true)).toEqual([process.execPath, "serve", "--port", "1"]);
    expect(serveCommand([], false)).toEqual([process.execPath, join(import.meta.dir, "../src/cli.ts"), "serve"]);
    expect(() => unitFor({ platform: "win32", command: ["x"], home: "/" })).toThrow("systemd");
  });
});

describe("a lexicon server on a Unix socket", () => {
  let s: TypofixServer;
  let dict: string;
  beforeAll(async () => {
    dict = join(dir, "dictionary.txt");
    writeFileSync(dict, "# mine\nkubectl\n");
    s = await serve({ socket: join(dir, "lex.sock"), engineOptions: { engine: "lexicon" }, dictionary: dict, words: ["Melhcers"], maxBody: 64 * 1024, queue: 64 });
  });

  test("the socket is mode 0600 and the health check answers", async () => {
    expect(statSync(s.socket!).isSocket()).toBe(true);
    expect(statSync(s.socket!).mode & 0o777).toBe(0o600);
    const h = (await (await call(s, "/v1/health")).json()) as Record<string, any>;
    expect(h.status).toBe("ok");
    expect(h.engine).toBe("lexicon");
    expect(h.pid).toBe(process.pid);
    expect(h.queue).toEqual({ depth: 0, capacity: 64 });
    expect(h.listen).toEqual({ socket: s.socket });
  });

  test("each answer equals the in-process engine's, one text or several per request", async () => {
    const words = ["kubectl", "Melhcers"];
    for (const text of SENTENCES) {
      const r = await post(s, "/v1/fix", { text });
      expect(r.status).toBe(200);
      const body = (await r.json()) as Record<string, any>;
      const want = expected(text, words);
      expect({ output: body.output, edits: body.edits, engine: body.engine }).toEqual({ output: want.output, edits: want.edits, engine: "lexicon" });
      expect(body.ms).toBeGreaterThanOrEqual(0);
      expect(Object.keys(body).sort()).toEqual(["edits", "engine", "ms", "output"]);
    }
    const r = await post(s, "/v1/fix", { texts: SENTENCES });
    const body = (await r.json()) as { results: Array<Record<string, any>>; engine: string };
    expect(body.engine).toBe("lexicon");
    expect(body.results.map((x) => x.output)).toEqual(SENTENCES.map((t) => expected(t, words).output));
    expect(body.results.map((x) => x.edits)).toEqual(SENTENCES.map((t) => expected(t, words).edits));
    expect(body.results[0]!.output).toBe("This is a test");
  });

  test("userWords in a request replace the server's dictionary for that request", async () => {
    const own = (await (await post(s, "/v1/fix", { text: "teh kubectl" })).json()) as { output: string };
    expect(own.output).toBe("the kubectl");
    const mine = (await (await post(s, "/v1/fix", { text: "teh kubectl", userWords: ["teh"] })).json()) as { output: string };
    expect(mine.output).toBe(expected("teh kubectl", ["teh"]).output);
    expect(mine.output.startsWith("teh ")).toBe(true);
  });

  test("\"continues\": a wrapped line's first word does not begin a sentence, as in-process", async () => {
    const text = "tht cat sat on the mat.";
    const plain = (await (await post(s, "/v1/fix", { text })).json()) as { output: string };
    const cont = (await (await post(s, "/v1/fix", { text, continues: true })).json()) as { output: string };
    expect(plain.output).toBe(lexicon.fixSync(text).output);
    expect(cont.output).toBe(lexicon.fixSync(text, { continues: true }).output);
    expect(cont.output).not.toBe(plain.output);
    const batch = (await (await post(s, "/v1/fix", { texts: [text, text], continues: [false, true] })).json()) as { results: Array<{ output: string }> };
    expect(batch.results.map((r) => r.output)).toEqual([plain.output, cont.output]);
    expect((await post(s, "/v1/fix", { texts: [text], continues: [true, false] })).status).toBe(400);
  });

  test("50 concurrent clients all get the in-process answers", async () => {
    const texts = Array.from({ length: 50 }, (_, i) => `${SENTENCES[i % SENTENCES.length]} (${i})`);
    const t0 = performance.now();
    const replies = await Promise.all(texts.map((text) => post(s, "/v1/fix", { text }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }))));
    const ms = performance.now() - t0;
    expect(replies.map((r) => r.status)).toEqual(texts.map(() => 200));
    expect(replies.map((r) => r.body.output)).toEqual(texts.map((t) => expected(t, ["kubectl", "Melhcers"]).output));
    console.log(`50 concurrent clients: ${ms.toFixed(0)} ms in all, ${((50 / ms) * 1000).toFixed(0)} requests/s`);
  });

  test("oversized bodies get 413 with a clear message, with or without Content-Length", async () => {
    const big = JSON.stringify({ text: "a".repeat(70 * 1024) });
    const r = await post(s, "/v1/fix", big);
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: string }).error).toMatch(/accepts at most 65536 bytes.*--max-body/);
    const chunks = new TextEncoder().encode(big);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < chunks.length; i += 8192) c.enqueue(chunks.subarray(i, i + 8192));
        c.close();
      },
    });
    const r2 = await call(s, "/v1/fix", { method: "POST", body: stream });
    expect(r2.status).toBe(413);
    expect(((await r2.json()) as { error: string }).error).toContain("65536");
    // the server is still fine
    expect((await post(s, "/v1/fix", { text: "teh" })).status).toBe(200);
  });

  test("malformed JSON and wrong shapes get 400 with the reason", async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"text": "teh"', /malformed JSON/],
      ["", /empty body/],
      ["[1,2]", /expected a JSON object/],
      ['{"text": 5}', /"text" must be a string, got a number/],
      ['{"texts": ["a", null]}', /"texts"\[1\] must be a string, got null/],
      ['{"texts": "a"}', /"texts" must be an array/],
      ['{"text": "a", "texts": ["b"]}', /exactly one of/],
      ["{}", /exactly one of/],
      ['{"txt": "a"}', /unknown field "txt"/],
      ['{"text": "a", "userWords": "teh"}', /"userWords" must be an array of strings/],
      ['{"text": "a", "noGuard": "yes"}', /"noGuard" must be true or false/],
    ];
    for (const [body, reason] of cases) {
      const r = await post(s, "/v1/fix", body);
      expect(r.status, body).toBe(400);
      expect(((await r.json()) as { error: string }).error, body).toMatch(reason);
    }
    const bad = await call(s, "/v1/fix", { method: "POST", body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain("UTF-8");
  });

  test("unknown routes 404, wrong methods 405 with Allow, web pages 403", async () => {
    const a = await call(s, "/v2/fix");
    expect(a.status).toBe(404);
    expect(((await a.json()) as { error: string }).error).toContain("POST /v1/fix");
    const b = await call(s, "/v1/fix");
    expect(b.status).toBe(405);
    expect(b.headers.get("allow")).toBe("POST");
    const c = await post(s, "/v1/health", {});
    expect(c.status).toBe(405);
    expect(c.headers.get("allow")).toBe("GET, HEAD");
    const d = await post(s, "/v1/feedback", { action: "reject", word: "zzz" }, { Origin: "https://evil.example" });
    expect(d.status).toBe(403);
    expect(readFileSync(dict, "utf8")).not.toContain("zzz");
  });

  test("feedback: a rejected fix goes to the dictionary file and is kept from the next request on", async () => {
    const text = "I use teh tool and recieve mail";
    expect(((await (await post(s, "/v1/fix", { text })).json()) as { output: string }).output).toBe("I use the tool and receive mail");
    const fixed = (await (await post(s, "/v1/fix", { text })).json()) as { edits: Array<Record<string, unknown>> };
    const edit = fixed.edits.find((e) => e.from === "teh")!;
    const r = await post(s, "/v1/feedback", { action: "reject", edit });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ action: "reject", added: ["teh"], already: [], dictionary: dict });
    expect(readFileSync(dict, "utf8").split("\n")).toContain("teh");
    expect(readFileSync(dict, "utf8").split("\n")).toContain("kubectl");
    expect(((await (await post(s, "/v1/fix", { text })).json()) as { output: string }).output).toBe("I use teh tool and receive mail");
    // the edit object posted as is, and a bare word; accept changes nothing
    const r2 = await post(s, "/v1/feedback", { ...fixed.edits.find((e) => e.from === "recieve")!, action: "reject" });
    expect(((await r2.json()) as { added: string[] }).added).toEqual(["recieve"]);
    expect(((await (await post(s, "/v1/fix", { text })).json()) as { output: string }).output).toBe(text);
    const again = await post(s, "/v1/feedback", { action: "reject", word: "teh" });
    expect(((await again.json()) as { already: string[] }).already).toEqual(["teh"]);
    const acc = await post(s, "/v1/feedback", { action: "accept", word: "quikc" });
    expect(acc.status).toBe(200);
    expect(readFileSync(dict, "utf8")).not.toContain("quikc");
    for (const [body, reason] of [
      [{ word: "x" }, /"action" must be "accept" or "reject"/],
      [{ action: "reject" }, /expected "word"/],
      [{ action: "reject", word: "a#b" }, /cannot go in the dictionary/],
      [{ action: "reject", edit: "teh" }, /"edit" must be an edit object/],
    ] as const) {
      const x = await post(s, "/v1/feedback", body);
      expect(x.status).toBe(400);
      expect(((await x.json()) as { error: string }).error).toMatch(reason);
    }
  });

  test("the dictionary file is reloaded when it changes", async () => {
    writeFileSync(dict, "kubectl\nteh\nrecieve\nwil\n");
    await Bun.sleep(20);
    expect(((await (await post(s, "/v1/fix", { text: "We wil see" })).json()) as { output: string }).output).toBe("We wil see");
    writeFileSync(dict, "kubectl\n");
    expect(((await (await post(s, "/v1/fix", { text: "We wil see teh" })).json()) as { output: string }).output).toBe(expected("We wil see teh").output);
  });

  test("a client's engine must be the server's: 409 otherwise", async () => {
    const ok = await post(s, "/v1/fix", { texts: [], engine: "lexicon", noGuard: false, home: cacheDir() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ results: [], engine: "lexicon", ms: 0, notices: [] });
    const tiny = ensureModel("tiny");
    const other = await post(s, "/v1/fix", { text: "teh", engine: "onnx", model: tiny });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: string }).error).toBe("this server runs lexicon; the request asks for onnx:tiny-qwen3");
    const home = await post(s, "/v1/fix", { text: "teh", engine: "lexicon", home: "/elsewhere" });
    expect(home.status).toBe(409);
    const unknown = await post(s, "/v1/fix", { text: "teh", engine: "nope" });
    expect(unknown.status).toBe(409);
    expect(((await unknown.json()) as { error: string }).error).toContain('unknown engine "nope"');
    // the client helper: connects for lexicon, declines for another engine
    const local = async () => lexicon as Engine;
    const remote = await connect({ unix: s.socket! }, { engine: "auto", home: cacheDir() }, local);
    expect(remote?.name).toBe("lexicon");
    expect((await remote!.fix("Thi sis a tset")).output).toBe("This is a test");
    expect(remote!.served).toBe(1);
    expect(await connect({ unix: s.socket! }, { engine: "onnx", model: tiny, home: cacheDir() }, local)).toBeNull();
  });

  test("metrics count what happened", async () => {
    const before = await metrics(s);
    const n200 = before.get('typofix_requests_total{route="/v1/fix",status="200"}') ?? 0;
    const texts = before.get("typofix_texts_total")!;
    const hist = before.get('typofix_request_duration_seconds_count{route="/v1/fix"}')!;
    const bad = before.get('typofix_errors_total{reason="bad_request"}')!;
    const big = before.get('typofix_errors_total{reason="too_large"}')!;
    await post(s, "/v1/fix", { text: "teh cat" });
    await post(s, "/v1/fix", { texts: ["teh", "a", "b"] });
    await post(s, "/v1/fix", "{oops");
    await post(s, "/v1/fix", JSON.stringify({ text: "x".repeat(65 * 1024) }));
    const after = await metrics(s);
    expect(after.get('typofix_requests_total{route="/v1/fix",status="200"}')).toBe(n200 + 2);
    expect(after.get('typofix_requests_total{route="/v1/fix",status="400"}')! >= 1).toBe(true);
    expect(after.get("typofix_texts_total")).toBe(texts + 4);
    expect(after.get('typofix_request_duration_seconds_count{route="/v1/fix"}')).toBe(hist + 4);
    expect(after.get('typofix_request_duration_seconds_bucket{route="/v1/fix",le="+Inf"}')).toBe(hist + 4);
    expect(after.get('typofix_errors_total{reason="bad_request"}')).toBe(bad + 1);
    expect(after.get('typofix_errors_total{reason="too_large"}')).toBe(big + 1);
    expect(after.get('typofix_engine_info{engine="lexicon",version="0.1.0"}')).toBe(1);
    expect(after.get("typofix_tokens_generated_total")).toBe(0);
    expect(after.get("typofix_model_load_seconds")! >= 0).toBe(true);
    expect(after.get("typofix_queue_depth")).toBe(0);
    expect(after.get("typofix_queue_capacity")).toBe(64);
    expect(after.get('typofix_feedback_total{action="reject"}')! >= 2).toBe(true);
    const text = await (await call(s, "/metrics")).text();
    expect(text).toContain("# TYPE typofix_request_duration_seconds histogram");
    // buckets are cumulative
    const buckets = [...text.matchAll(/typofix_request_duration_seconds_bucket\{route="\/v1\/fix",le="[^"]+"\} (\d+)/g)].map((x) => Number(x[1]));
    expect(buckets.length).toBeGreaterThan(5);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!).toBeGreaterThanOrEqual(buckets[i - 1]!);
  });

  test("a second server on the same socket is refused; a non-socket file is not replaced; a long path is a clear error", async () => {
    await expect(startServer({ socket: s.socket!, engine: lexicon })).rejects.toThrow(/already running on .*lex\.sock \(pid \d+, engine lexicon\)/);
    const f = join(dir, "file.sock");
    writeFileSync(f, "data");
    await expect(startServer({ socket: f, engine: lexicon })).rejects.toThrow("exists and is not a socket");
    expect(readFileSync(f, "utf8")).toBe("data");
    const long = join(dir, "x".repeat(120), "s.sock");
    const err = await startServer({ socket: long, engine: lexicon }).catch((e) => e);
    expect(err).toBeInstanceOf(ServeError);
    expect((err as Error).message).toMatch(/longer than the 10[37] a Unix socket allows.*\n.*--socket/);
  });
});

describe("the queue in front of the engine", () => {
  test("over the bound: 503 with Retry-After; the queued ones finish in order, one at a time", async () => {
    const engine = new GatedEngine();
    const s = await serve({ socket: join(dir, "q.sock"), engine, queue: 2 });
    const first = [1, 2, 3].map((i) => post(s, "/v1/fix", { text: `t${i}` }));
    await until(async () => (await depth(s)) === 3);
    const over = await post(s, "/v1/fix", { text: "t4" });
    expect(over.status).toBe(503);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await over.json()) as { error: string }).error).toContain("busy (2 requests already waiting)");
    // health and metrics are answered while the engine is busy
    const m = await metrics(s);
    expect(m.get("typofix_queue_depth")).toBe(3);
    expect(m.get('typofix_errors_total{reason="overloaded"}')).toBe(1);
    expect(m.get('typofix_requests_total{route="/v1/fix",status="503"}')).toBe(1);
    engine.release();
    const replies = await Promise.all(first);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await Promise.all(replies.map(async (r) => ((await r.json()) as { output: string }).output))).toEqual(["T1", "T2", "T3"]);
    expect(engine.calls).toEqual(["t1", "t2", "t3"]);
    expect(engine.maxActive).toBe(1);
    expect((await post(s, "/v1/fix", { text: "t5" })).status).toBe(200);
    await s.shutdown();
  });

  test("the client waits out a busy server (Retry-After) before working in-process", async () => {
    const engine = new GatedEngine();
    // it answers for the engine a client would make here (the lexicon), so the client uses it
    const plan = { name: "gated", key: "lexicon", notices: [] };
    const s = await serve({ socket: join(dir, "busy.sock"), engine, plan, queue: 0 });
    const hold = post(s, "/v1/fix", { text: "first" });
    await until(async () => (await depth(s)) === 1);
    let localCalls = 0;
    const local = async (): Promise<Engine> => ({ name: "gated", fix: async (t) => (localCalls++, { input: t, output: `local:${t}`, edits: [], engine: "gated" }) });
    const remote = await connect({ unix: s.socket! }, { engine: "auto", home: cacheDir() }, local);
    if (!remote) engine.release();
    expect(remote).not.toBeNull();
    setTimeout(() => engine.release(), 300);
    expect((await remote!.fix("second")).output).toBe("SECOND");
    expect(remote!.served).toBe(1);
    expect(localCalls).toBe(0);
    await hold;
    // a client that does not wait: straight to in-process on the 503
    const gate2 = new GatedEngine();
    const s2 = await serve({ socket: join(dir, "busy2.sock"), engine: gate2, plan, queue: 0 });
    const hold2 = post(s2, "/v1/fix", { text: "x" });
    await until(async () => (await depth(s2)) === 1);
    const impatient = (await connect({ unix: s2.socket! }, { engine: "auto", home: cacheDir() }, local))!;
    impatient.busyRetries = 0;
    expect((await impatient.fix("y")).output).toBe("local:y");
    expect(localCalls).toBe(1);
    gate2.release();
    await hold2;
  });

  test("an engine that throws: 500 with the reason, counted, and the server goes on", async () => {
    let fail = true;
    const engine: Engine = {
      name: "flaky",
      async fix(text) {
        if (fail) throw new Error("out of cheese");
        return { input: text, output: text, edits: [], engine: "flaky" };
      },
    };
    const s = await serve({ socket: join(dir, "flaky.sock"), engine });
    const r = await post(s, "/v1/fix", { text: "a" });
    expect(r.status).toBe(500);
    expect(((await r.json()) as { error: string }).error).toBe("the flaky engine failed: out of cheese");
    fail = false;
    expect((await post(s, "/v1/fix", { text: "a" })).status).toBe(200);
    expect((await metrics(s)).get('typofix_errors_total{reason="engine"}')).toBe(1);
    await s.shutdown();
  });
});

describe("shutdown and idle timeout", () => {
  test("shutdown finishes requests in flight, refuses new ones, removes the socket", async () => {
    const engine = new GatedEngine();
    const sock = join(dir, "down.sock");
    const s = await startServer({ socket: sock, engine, queue: 8 });
    const inflight = [1, 2, 3].map((i) => post(s, "/v1/fix", { text: `x${i}` }));
    await until(async () => (await depth(s)) === 3);
    let done = false;
    const down = s.shutdown().then(() => (done = true));
    await Bun.sleep(50);
    expect(done).toBe(false);
    // no longer listening: a new client cannot connect
    const late = await fetch("http://localhost/v1/health", { unix: sock }).then(
      (r) => r.status,
      (e: Error) => e.message,
    );
    expect(typeof late === "string" || late === 503).toBe(true);
    engine.release();
    const replies = await Promise.all(inflight);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await Promise.all(replies.map(async (r) => ((await r.json()) as { output: string }).output))).toEqual(["X1", "X2", "X3"]);
    await down;
    await s.closed;
    expect(existsSync(sock)).toBe(false);
  });

  test("the idle timeout fires only after the last request, never during one", async () => {
    const engine = new GatedEngine();
    let idleAt = 0;
    const s = await serve({ socket: join(dir, "idle.sock"), engine, idleTimeout: 0.3, onIdle: () => (idleAt = Date.now()) });
    const req = post(s, "/v1/fix", { text: "slow" });
    await Bun.sleep(600);
    expect(idleAt).toBe(0);
    engine.release();
    await req;
    const answered = Date.now();
    await until(() => idleAt > 0, 3000);
    expect(idleAt - answered).toBeGreaterThanOrEqual(250);
  });
});

describe("a loopback port", () => {
  test("listens on 127.0.0.1 only, answers like the socket, refuses foreign Host names", async () => {
    const s = await serve({ port: 0, engineOptions: { engine: "lexicon" } });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const h = (await (await fetch(`${s.url}/v1/health`)).json()) as { listen: { host: string; port: number } };
    expect(h.listen).toEqual({ host: "127.0.0.1", port: s.port! });
    const r = (await (await post(s, "/v1/fix", { text: "Thi sis a tset" })).json()) as { output: string };
    expect(r.output).toBe("This is a test");
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1
    const rebound = await fetch(`${s.url}/v1/health`, { headers: { Host: `evil.example:${s.port}` } });
    expect(rebound.status).toBe(403);
    await s.shutdown();
  });
  const other = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal);
  const noOther = other ? null : "this machine has no non-loopback IPv4 interface to try";
  test.skipIf(Boolean(noOther))(named("is not reachable on this machine's other addresses", noOther), async () => {
    const s = await serve({ port: 0, engineOptions: { engine: "lexicon" } });
    const res = await fetch(`http://${other!.address}:${s.port}/v1/health`, { signal: AbortSignal.timeout(2000) }).then(
      (x) => `answered ${x.status}`,
      (e: Error) => `refused: ${e.message}`,
    );
    expect(res).toStartWith("refused");
  });
  test("a port out of range is a clear error (a busy one: test/serve-cli.test.ts)", async () => {
    await expect(startServer({ port: 70000, engine: lexicon })).rejects.toThrow("--port must be 0–65535");
    await expect(startServer({ engine: lexicon })).rejects.toThrow("a socket or a port");
  });
});

describe("engine plans", () => {
  test("a plan names the engine createEngine would make, without loading it", async () => {
    expect(await planEngine({ engine: "lexicon" })).toEqual({ name: "lexicon", key: "lexicon", notices: [] });
    const tiny = ensureModel("tiny");
    const p = await planEngine({ engine: "onnx", model: tiny });
    expect(p.name).toBe("onnx:tiny-qwen3");
    expect(p.key).toContain(tiny);
    expect((await planEngine({ engine: "onnx", model: tiny, noGuard: true })).key).not.toBe(p.key);
    await expect(planEngine({ engine: "nope" as "lexicon" })).rejects.toThrow('unknown engine "nope"');
  });
});
