/**
 * 4-bit block-quantised linear layers in the form onnxruntime's MatMulNBits contrib op reads, as the
 * Hub's q4 exports store them (transformers.js's quantize script: MatMul → MatMulNBits, 4 bits, blocks
 * of 32 along K, symmetric, no zero points so the implied zero point is 8): B is uint8 [N, K/32, 16]
 * (column n of the [K, N] weight, two 4-bit values a byte, low nibble first), scales float32 [N·K/32].
 * Weights are random (from a seed): speed does not depend on their values. Cost: one pass over
 * K·N/2 bytes per layer; `dequantize` (tests) rebuilds the float matrix.
 */

export const Q4_BLOCK = 32;

export interface Q4Linear {
  K: number;
  N: number;
  /** uint8 [N, K/Q4_BLOCK, Q4_BLOCK/2] */
  B: Uint8Array;
  /** float32 [N · K/Q4_BLOCK] */
  scales: Float32Array;
}

/** xorshift32 bytes: fast, deterministic, every platform the same. */
function randomBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const words = new Uint32Array(out.buffer, 0, n >>> 2);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

/**
 * A random q4 linear layer of [K, N] whose weights have about the standard deviation `std`: uniform
 * 4-bit values (standard deviation ≈ 4.6 around the zero point 8) times a per-block scale.
 */
export function randomQ4Linear(seed: number, K: number, N: number, std: number): Q4Linear {
  if (K % Q4_BLOCK) throw new Error(`K=${K} is not a multiple of the block size ${Q4_BLOCK}`);
  const blocks = (N * K) / Q4_BLOCK;
  const scales = new Float32Array(blocks);
  const jitter = randomBytes(seed ^ 0x5bd1e995, blocks);
  for (let i = 0; i < blocks; i++) scales[i] = (std / 4.6) * (0.75 + jitter[i]! / 512);
  return { K, N, B: randomBytes(seed, (N * K) / 2), scales };
}

/** The float [K, N] matrix a q4 layer stands for (tests). */
export function dequantize(q: Q4Linear): Float32Array {
  const { K, N, B, scales } = q;
  const w = new Float32Array(K * N);
  const nb = K / Q4_BLOCK;
  for (let n = 0; n < N; n++)
    for (let b = 0; b < nb; b++) {
      const s = scales[n * nb + b]!;
      const base = (n * nb + b) * (Q4_BLOCK / 2);
      for (let i = 0; i < Q4_BLOCK; i++) {
        const byte = B[base + (i >> 1)]!;
        const v = i & 1 ? byte >> 4 : byte & 15;
        w[(b * Q4_BLOCK + i) * N + n] = (v - 8) * s;
      }
    }
  return w;
}
