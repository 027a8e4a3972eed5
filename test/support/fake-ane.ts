/**
 * Building the C test double of the ANE library (test/ane/fake_ane.c) for a test: a shared library in
 * `dir`, of the header's ABI version, or of version 1 (no forward, no truncate) to test that the binding
 * refuses it. Needs a C compiler (./skip.ts: cc, noCc).
 */
import { join } from "node:path";
import { cc } from "./skip.ts";

export function buildFakeAne(dir: string, o: { abi1?: boolean } = {}): string {
  const lib = join(dir, `libfake${o.abi1 ? "-v1" : ""}.${process.platform === "darwin" ? "dylib" : "so"}`);
  const r = Bun.spawnSync([cc!, "-shared", "-fPIC", "-O2", ...(o.abi1 ? ["-DFAKE_ANE_ABI_V1"] : []), "-o", lib, join(import.meta.dir, "../ane/fake_ane.c")]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return lib;
}
