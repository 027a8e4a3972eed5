/**
 * `typofix serve` in this process, continued from test/server.test.ts: the bounded queue in front of the
 * engine (a gated engine makes overflow deterministic), shutdown with requests in flight and the idle
 * timeout, a loopback port (127.0.0.1 only, foreign Host names refused), and engine plans.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { Engine } from "../src/types.ts";
import { planEngine } from "../src/engines/index.ts";
import { startServer } from "../src/server/server.ts";
import { connect } from "../src/server/client.ts";
import { cacheDir } from "../src/config.ts";
import { ensureModel } from "../scripts/fixtures.ts";
import { named } from "./support/skip.ts";
import { GatedEngine, depth, lexicon, metrics, post, serverFixture, until } from "./support/server.ts";

const fx = serverFixture();
const serve = fx.serve;

describe("the queue in front of the engine", () => {
  test("over the bound: 503 with Retry-After; the queued ones finish in order, one at a time", async () => {
    const engine = new GatedEngine();
    const s = await serve({ socket: join(fx.dir(), "q.sock"), engine, queue: 2 });
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
    const s = await serve({ socket: join(fx.dir(), "busy.sock"), engine, plan, queue: 0 });
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
    const s2 = await serve({ socket: join(fx.dir(), "busy2.sock"), engine: gate2, plan, queue: 0 });
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
    const s = await serve({ socket: join(fx.dir(), "flaky.sock"), engine });
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
    const sock = join(fx.dir(), "down.sock");
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
    const s = await serve({ socket: join(fx.dir(), "idle.sock"), engine, idleTimeout: 0.3, onIdle: () => (idleAt = Date.now()) });
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
