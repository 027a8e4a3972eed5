/**
 * `typofix serve`'s parts as units: the bounded queue, the metrics registry (Prometheus text), socket
 * paths and server discovery, and the launchd/systemd units of `serve --install`. The server itself is
 * test/server.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry, parseMetrics } from "../src/server/metrics.ts";
import { BoundedQueue, QueueFullError } from "../src/server/queue.ts";
import { findServer, isLoopbackHost, socketPath } from "../src/server/paths.ts";
import { serveCommand, unitFor } from "../src/server/install.ts";
import { named, which } from "./support/skip.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tf-srv-units-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

