/** src/runtime/jit.ts: the hot functions that streamJit keeps out of the FTL are listed, and listing them changes nothing. */
import { describe, expect, test } from "bun:test";
import { hotPath, methodsOf, streamJit } from "../src/runtime/jit.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

describe("stream JIT policy", () => {
  test("methodsOf lists a class's methods, not its constructor or accessors", () => {
    class A {
      get size(): number {
        return 1;
      }
      f(): number {
        return 1;
      }
      private g(): number {
        return 2;
      }
    }
    const names = methodsOf(A.prototype).map((f) => f.name);
    expect(names.sort()).toEqual(["f", "g"]);
  });

  test("after streamJit, functions listed later and the engine still work alike", () => {
    const engine = LexiconEngine.shared();
    const before = engine.fixSync("Thi sis a tset of teh engine.");
    streamJit();
    streamJit();
    const late = (x: number) => x + 1;
    hotPath(() => [late]);
    expect(late(1)).toBe(2);
    for (let k = 0; k < 200; k++) expect(engine.fixSync("Thi sis a tset of teh engine.").output).toBe(before.output);
  });
});
