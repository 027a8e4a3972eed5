/** The lexicon engine's confidences and the composition of its correction rounds (split from lexicon.test.ts). */
import { describe, expect, test } from "bun:test";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { applyEdits } from "../src/text/edits.ts";
import { CONFIDENCE_LEVELS } from "../src/types.ts";
import { composeEdits } from "../src/engines/lexicon/compose.ts";

const engine = LexiconEngine.shared();
const fix = (s: string) => engine.fixSync(s).output;

describe("confidence", () => {
  test("every edit carries a confidence; a known misspelling is surer than a real-word swap", () => {
    const edits = engine.fixSync("I think its going to rain and seperate them", { minConfidence: 0 }).edits;
    expect(edits.map((e) => e.to)).toEqual(["it's", "separate"]);
    for (const e of edits) expect(e.confidence).toBeGreaterThan(0);
    expect(edits[1]!.confidence!).toBeGreaterThan(edits[0]!.confidence!);
  });
  test("minConfidence chooses how bold the engine is: an uncertain swap goes first, a sure fix last", () => {
    // (passed/past before "the house" is a swap the model is unsure of)
    const s = "she walked passed the house and seperate them";
    const conf = engine.fixSync(s, { minConfidence: 0 }).edits[0]!.confidence!;
    expect(engine.fixSync(s, { minConfidence: conf }).output).toBe("she walked past the house and separate them");
    expect(engine.fixSync(s, { minConfidence: conf + 0.0001 }).output).toBe("she walked passed the house and separate them");
    expect(engine.fixSync(s, { minConfidence: CONFIDENCE_LEVELS.high }).output).toBe("she walked passed the house and separate them");
    expect(engine.fixSync(s, { minConfidence: 1.01 }).output).toBe(s);
    // without a setting, the default level applies
    expect(fix(s)).toBe(engine.fixSync(s, { minConfidence: CONFIDENCE_LEVELS.default }).output);
  });
});

describe("composing rounds of edits", () => {
  test("a later round's edits become edits of the input; touching ones merge with the lower confidence", () => {
    const text = "teh the cat sat on teh mat";
    const a = [
      { start: 0, end: 3, from: "teh", to: "the", kind: "spelling" as const, confidence: 0.99 },
      { start: 19, end: 22, from: "teh", to: "the", kind: "spelling" as const, confidence: 0.9 },
    ];
    const mid = applyEdits(text, a);
    const b = [{ start: 0, end: 7, from: "the the", to: "the", kind: "other" as const, confidence: 0.95 }];
    const c = composeEdits(text, a, mid, b);
    expect(applyEdits(text, c)).toBe(applyEdits(mid, b));
    expect(c).toEqual([
      { start: 0, end: 7, from: "teh the", to: "the", kind: "other", confidence: 0.95 },
      { start: 19, end: 22, from: "teh", to: "the", kind: "spelling", confidence: 0.9 },
    ]);
  });
});

