/**
 * An independent forward pass of the Qwen3 architecture in plain TypeScript (Float64 accumulation over
 * the same seeded weights as scripts/onnx/qwen3.ts), without a KV cache: every step recomputes the
 * whole sequence. Used to check the ONNX engine's greedy tokens. With `f16Cache`, K and V are rounded to
 * float16 as a float16 KV cache stores them; with `f16Logits`, the logits are rounded to float16 before
 * the argmax (the first index wins a tie), as a graph with float16 logits returns them.
 */
import { qwen3Weights, ropeTables, type Qwen3Config, type Weights } from "../../scripts/onnx/qwen3.ts";

export class Qwen3Reference {
  readonly w: Weights;
  private cos: Float32Array;
  private sin: Float32Array;
  constructor(
    readonly c: Qwen3Config,
    seed = 1,
    readonly io: { f16Cache?: boolean; f16Logits?: boolean } = {},
  ) {
    this.w = qwen3Weights(c, seed);
    ({ cos: this.cos, sin: this.sin } = ropeTables(c));
  }

  private rms(x: Float64Array, w: Float32Array, off = 0, n = x.length): void {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[off + i]! * x[off + i]!;
    const r = Math.sqrt(s / n + this.c.rms_norm_eps);
    for (let i = 0; i < n; i++) x[off + i] = (x[off + i]! / r) * w[i]!;
  }

  private matvec(x: Float64Array, name: string): Float64Array {
    const { dims, data } = this.w[name]!;
    const [n, m] = dims as [number, number];
    const out = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = i * m;
      for (let j = 0; j < m; j++) out[j] += xi * data[row + j]!;
    }
    return out;
  }

  private rope(v: Float64Array, off: number, pos: number): void {
    const hd = this.c.head_dim;
    const h = hd / 2;
    const r = new Float64Array(hd);
    for (let i = 0; i < hd; i++) r[i] = i < h ? -v[off + i + h]! : v[off + i - h]!;
    for (let i = 0; i < hd; i++) v[off + i] = v[off + i]! * this.cos[pos * hd + i]! + r[i]! * this.sin[pos * hd + i]!;
  }

  /** Logits of the last position for a token sequence. */
  logits(ids: readonly number[]): Float64Array {
    const c = this.c;
    const H = c.hidden_size;
    const hd = c.head_dim;
    const nh = c.num_attention_heads;
    const nkv = c.num_key_value_heads;
    const E = this.w.embed!.data;
    let xs = ids.map((id) => Float64Array.from(E.subarray(id * H, (id + 1) * H)));
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const qs: Float64Array[] = [];
      const ks: Float64Array[] = [];
      const vs: Float64Array[] = [];
      xs.forEach((x, p) => {
        const h = Float64Array.from(x);
        this.rms(h, this.w[`l${l}.in_norm`]!.data);
        const q = this.matvec(h, `l${l}.q`);
        const k = this.matvec(h, `l${l}.k`);
        for (let a = 0; a < nh; a++) {
          this.rms(q, this.w[`l${l}.q_norm`]!.data, a * hd, hd);
          this.rope(q, a * hd, p);
        }
        for (let a = 0; a < nkv; a++) {
          this.rms(k, this.w[`l${l}.k_norm`]!.data, a * hd, hd);
          this.rope(k, a * hd, p);
        }
        const v = this.matvec(h, `l${l}.v`);
        if (this.io.f16Cache)
          for (const t of [k, v]) for (let i = 0; i < t.length; i++) t[i] = Math.f16round(t[i]!);
        qs.push(q);
        ks.push(k);
        vs.push(v);
      });
      xs = xs.map((x, p) => {
        const ctx = new Float64Array(nh * hd);
        for (let a = 0; a < nh; a++) {
          const kvh = Math.floor(a / (nh / nkv));
          const sc = new Float64Array(p + 1);
          let mx = -Infinity;
          for (let t = 0; t <= p; t++) {
            let s = 0;
            for (let i = 0; i < hd; i++) s += qs[p]![a * hd + i]! * ks[t]![kvh * hd + i]!;
            sc[t] = s / Math.sqrt(hd);
            mx = Math.max(mx, sc[t]!);
          }
          let z = 0;
          for (let t = 0; t <= p; t++) z += sc[t] = Math.exp(sc[t]! - mx);
          for (let t = 0; t <= p; t++) for (let i = 0; i < hd; i++) ctx[a * hd + i] += (sc[t]! / z) * vs[t]![kvh * hd + i]!;
        }
        const o = this.matvec(ctx, `l${l}.o`);
        const y = Float64Array.from(x, (v, i) => v + o[i]!);
        const h2 = Float64Array.from(y);
        this.rms(h2, this.w[`l${l}.post_norm`]!.data);
        const g = this.matvec(h2, `l${l}.gate`);
        const u = this.matvec(h2, `l${l}.up`);
        const act = Float64Array.from(g, (gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]!);
        const d = this.matvec(act, `l${l}.down`);
        return Float64Array.from(y, (v, i) => v + d[i]!);
      });
    }
    const last = Float64Array.from(xs[xs.length - 1]!);
    this.rms(last, this.w.final_norm!.data);
    const V = c.vocab_size;
    const out = new Float64Array(V);
    for (let v = 0; v < V; v++) {
      let s = 0;
      const row = v * H;
      for (let i = 0; i < H; i++) s += last[i]! * E[row + i]!;
      out[v] = s;
    }
    return out;
  }

  /** Greedy continuation without a cache. */
  greedy(prompt: readonly number[], n: number): number[] {
    const ids = [...prompt];
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      const lg = this.logits(ids);
      if (this.io.f16Logits) for (let v = 0; v < lg.length; v++) lg[v] = Math.f16round(lg[v]!);
      let best = 0;
      for (let v = 1; v < lg.length; v++) if (lg[v]! > lg[best]!) best = v;
      out.push(best);
      ids.push(best);
    }
    return out;
  }
}
