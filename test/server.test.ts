/**
 * `typofix serve`, in this process: the real HTTP server (Bun.serve) on a socket in a temp folder and on
 * a loopback port, driven with fetch. Correctness against the in-process engine, 50 concurrent clients,
 * the bounded queue (a gated engine makes overflow deterministic), limits and errors, feedback into the
 * user dictionary, metrics, idle timeout and shutdown with requests in flight (the queue, metrics, paths
 * and install units as units: test/server-units.test.ts). All traffic stays on this machine.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "../src/types.ts";
import { ServeError, startServer, type TypofixServer } from "../src/server/server.ts";
import { connect } from "../src/server/client.ts";
import { cacheDir } from "../src/config.ts";
import { ensureModel } from "../scripts/fixtures.ts";
import { call, expected, lexicon, metrics, post, serverFixture } from "./support/server.ts";

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

const fx = serverFixture();
const serve = fx.serve;

describe("a lexicon server on a Unix socket", () => {
  let s: TypofixServer;
  let dict: string;
  beforeAll(async () => {
    dict = join(fx.dir(), "dictionary.txt");
    writeFileSync(dict, "# mine\nkubectl\n");
    s = await serve({ socket: join(fx.dir(), "lex.sock"), engineOptions: { engine: "lexicon" }, dictionary: dict, words: ["Melhcers"], maxBody: 64 * 1024, queue: 64 });
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

  test("\"minConfidence\": the same edits as in-process at that confidence; out of range is a 400", async () => {
    const text = "I ate to much cake";
    for (const c of [0, 0.95]) {
      const r = (await (await post(s, "/v1/fix", { text, minConfidence: c })).json()) as { output: string };
      expect(r.output).toBe(lexicon.fixSync(text, { minConfidence: c }).output);
    }
    expect(lexicon.fixSync(text, { minConfidence: 0 }).output).not.toBe(lexicon.fixSync(text, { minConfidence: 1 }).output);
    expect((await post(s, "/v1/fix", { text, minConfidence: 2 })).status).toBe(400);
  });

  test("\"technical\" and \"recurring\": the same edits as in-process with a technical document's evidence; bad shapes are a 400", async () => {
    const text = "citty leaves the rm step";
    const r = (await (await post(s, "/v1/fix", { text, technical: true, recurring: ["citty"] })).json()) as { output: string };
    expect(r.output).toBe(lexicon.fixSync(text, { technical: true, recurring: new Set(["citty"]) }).output);
    expect(r.output).toBe(text);
    expect(((await (await post(s, "/v1/fix", { text })).json()) as { output: string }).output).not.toBe(text);
    expect((await post(s, "/v1/fix", { text, technical: "yes" })).status).toBe(400);
    expect((await post(s, "/v1/fix", { text, recurring: "citty" })).status).toBe(400);
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
    const f = join(fx.dir(), "file.sock");
    writeFileSync(f, "data");
    await expect(startServer({ socket: f, engine: lexicon })).rejects.toThrow("exists and is not a socket");
    expect(readFileSync(f, "utf8")).toBe("data");
    const long = join(fx.dir(), "x".repeat(120), "s.sock");
    const err = await startServer({ socket: long, engine: lexicon }).catch((e) => e);
    expect(err).toBeInstanceOf(ServeError);
    expect((err as Error).message).toMatch(/longer than the 10[37] a Unix socket allows.*\n.*--socket/);
  });
});

