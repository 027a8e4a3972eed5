/**
 * An ONNX model of one MatMulNBits node (4 bits, blocks of 32, int8 compute): `a` [1, m, K] times the
 * packed weights `B` [N, K/32, 16] with their scales `S` [N · K/32] gives `y` [1, m, N]. `domain` picks
 * onnxruntime's kernel (com.microsoft) or typofix's (ai.typofix); `extra` attributes are added after the
 * usual ones (a test's unsupported `bits`). Used by test/matmul-op.test.ts and bench/matmul-micro.ts.
 */
import { DataType, encodeModel } from "../../src/engines/onnx/proto.ts";

export function matmulNBitsModel(domain: string, K: number, N: number, B: Uint8Array, S: Float32Array, extra: Array<{ name: string; i: number }> = []): Uint8Array {
  const nb = K / 32;
  return encodeModel({
    name: "mm",
    nodes: [
      {
        op: "MatMulNBits",
        domain,
        inputs: ["a", "B", "S"],
        outputs: ["y"],
        attrs: [{ name: "K", i: K }, { name: "N", i: N }, { name: "bits", i: 4 }, { name: "block_size", i: 32 }, { name: "accuracy_level", i: 4 }, ...extra],
      },
    ],
    initializers: [
      { name: "B", dims: [N, nb, 16], dataType: DataType.UINT8, raw: B },
      { name: "S", dims: [N * nb], dataType: DataType.FLOAT, raw: new Uint8Array(S.buffer, S.byteOffset, S.byteLength) },
    ],
    inputs: [{ name: "a", elemType: DataType.FLOAT, shape: [1, "m", K] }],
    outputs: [{ name: "y", elemType: DataType.FLOAT, shape: [1, "m", N] }],
  });
}
