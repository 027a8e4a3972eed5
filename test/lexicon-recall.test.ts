import { describe, expect, test } from "bun:test";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

const engine = LexiconEngine.shared();
const fix = (s: string) => engine.fixSync(s).output;

describe("lexicon recall", () => {
  test("a closed compound of two rare parts does not shield a slip (dir + ven, curt + ans)", () => {
    expect(fix("he had dirven home")).toBe("he had driven home");
    expect(fix("the curtans were drawn")).toBe("the curtains were drawn");
    // compounds of common parts stay
    expect(fix("the band's frontman gave no timeframe for the payroll stickup")).toBe("the band's frontman gave no timeframe for the payroll stickup");
  });

  test("an unknown three-letter word may be two slips from the word meant", () => {
    // neither has a dictionary word one edit away; both letters are keyboard neighbours of the right ones
    expect(fix("he bought a new cqf today")).toBe("he bought a new car today");
    expect(fix("it was tpk good")).toBe("it was too good");
    // two-letter words stay one edit from their corrections, and known short words are left alone
    expect(fix("it was not good")).toBe("it was not good");
  });
});
