/**
 * A small Prometheus registry: counters and gauges with labels, histograms with fixed buckets, rendered
 * in the text exposition format 0.0.4 (what `GET /metrics` serves). No dependency, no background work.
 */

type Labels = Record<string, string>;

const escLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function labelText(labels: Labels, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escLabel(v)}"`);
  if (extra) parts.push(`${extra[0]}="${escLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function num(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

interface Metric {
  render(): string;
}

abstract class Series<V> implements Metric {
  protected series = new Map<string, { labels: Labels; value: V }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge" | "histogram",
  ) {}
  protected slot(labels: Labels, init: () => V): { labels: Labels; value: V } {
    const k = keyOf(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { labels: { ...labels }, value: init() }));
    return s;
  }
  protected abstract lines(labels: Labels, value: V): string[];
  render(): string {
    const out = [`# HELP ${this.name} ${escHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const s of this.series.values()) out.push(...this.lines(s.labels, s.value));
    return out.join("\n");
  }
}

export class Counter extends Series<number> {
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`${this.name}: a counter only goes up`);
    this.slot(labels, () => 0).value += by;
  }
  /** Make a series visible at 0 before anything happened. */
  touch(labels: Labels = {}): void {
    this.slot(labels, () => 0);
  }
  get(labels: Labels = {}): number {
    return this.series.get(keyOf(labels))?.value ?? 0;
  }
  protected lines(labels: Labels, v: number): string[] {
    return [`${this.name}${labelText(labels)} ${num(v)}`];
  }
}

export class Gauge extends Series<number | (() => number)> {
  constructor(name: string, help: string) {
    super(name, help, "gauge");
  }
  set(labels: Labels, value: number | (() => number)): void {
    this.slot(labels, () => 0).value = value;
  }
  get(labels: Labels = {}): number {
    const v = this.series.get(keyOf(labels))?.value ?? 0;
    return typeof v === "function" ? v() : v;
  }
  protected lines(labels: Labels, v: number | (() => number)): string[] {
    return [`${this.name}${labelText(labels)} ${num(typeof v === "function" ? v() : v)}`];
  }
}

interface HistogramValue {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Series<HistogramValue> {
  readonly buckets: number[];
  constructor(name: string, help: string, buckets: number[]) {
    super(name, help, "histogram");
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  observe(labels: Labels, value: number): void {
    const s = this.slot(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 })).value;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  get(labels: Labels = {}): HistogramValue | undefined {
    return this.series.get(keyOf(labels))?.value;
  }
  protected lines(labels: Labels, v: HistogramValue): string[] {
    const out = this.buckets.map((b, i) => `${this.name}_bucket${labelText(labels, ["le", num(b)])} ${v.counts[i]}`);
    out.push(`${this.name}_bucket${labelText(labels, ["le", "+Inf"])} ${v.count}`);
    out.push(`${this.name}_sum${labelText(labels)} ${num(v.sum)}`);
    out.push(`${this.name}_count${labelText(labels)} ${v.count}`);
    return out;
  }
}

export class Registry {
  private metrics: Metric[] = [];
  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }
  histogram(name: string, help: string, buckets: number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }
  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  /** The Prometheus text exposition format (Content-Type: text/plain; version=0.0.4). */
  render(): string {
    return this.metrics.map((m) => m.render()).join("\n") + "\n";
  }
}

/** Parse Prometheus text into {"name{labels}": value} (tests and `typofix serve` diagnostics). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, m[2] === "+Inf" ? Infinity : Number(m[2]));
  }
  return out;
}
