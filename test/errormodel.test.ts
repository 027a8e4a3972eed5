import { afterAll, describe, expect, test } from "bun:test";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";
import { channelDistance, ruleCost, useErrorTables, useSubstringRules } from "../src/engines/lexicon/channel.ts";
import { charIndex, learnErrorTables, learnSubstringRules, ruleKey, subCode } from "../src/engines/lexicon/errormodel.ts";
import { decodeLexicon } from "../src/engines/lexicon/format.ts";
import { encodeLexicon } from "../scripts/lexicon/encode.ts";

const engine = LexiconEngine.shared();
const code = (s: string) => subCode(Array.from(s, (c) => (c === "^" ? 0 : charIndex(c.charCodeAt(0)))));
const costOf = (r: { keys: Uint32Array; costs: Float32Array }, a: string, b: string) => {
  const k = r.keys.indexOf(ruleKey(code(a), code(b)));
  return k < 0 ? undefined : r.costs[k];
};

// the tests below swap the process-wide error model: put the shipped one back
afterAll(() => useErrorTables(engine.lex.data.errors));

describe("substring error model (Brill–Moore)", () => {
  // made-up pairs: "ie" typed "ei" in many words, "ph" typed "f" in a few, one odd slip
  const pairs: Array<[string, string]> = [
    ["beleive", "believe"],
    ["freind", "friend"],
    ["peice", "piece"],
    ["acheive", "achieve"],
    ["feild", "field"],
    ["sheild", "shield"],
    ["grif", "grief"],
    ["fantom", "phantom"],
    ["fysics", "physics"],
    ["fase", "phase"],
    ["fonetic", "phonetic"],
    ["cqt", "cat"],
  ];

  test("learns ie → ei and ph → f from the pairs, likelier (cheaper) the more often they occur", () => {
    const r = learnSubstringRules(pairs, (lnP) => -lnP);
    const ie = costOf(r, "ie", "ei");
    const ph = costOf(r, "ph", "f");
    expect(ie).toBeDefined();
    expect(ph).toBeDefined();
    // seen once: below the count a rule needs
    expect(costOf(r, "ca", "cq")).toBeUndefined();
    // ie is typed ei in 6 of the 7 misspelt words with ie (grif drops the e); ph typed f in 4 of 4
    expect(ie!).toBeCloseTo(-Math.log(6 / 7), 5);
    expect(ph!).toBeCloseTo(0, 5);
  });

  test("the distance uses the rules for unknown words only, and they make the learned slip cheaper", () => {
    const r = learnSubstringRules(pairs, () => 0.2);
    useSubstringRules(r, 1);
    try {
      expect(channelDistance("relieve", "releive", true)).toBeCloseTo(0.2, 5);
      expect(channelDistance("relieve", "releive", true)).toBeLessThan(channelDistance("relieve", "releive", false));
      // a swap the pairs never show gets no rule: the same cost as without
      expect(channelDistance("garden", "gardne", true)).toBe(channelDistance("garden", "gardne", false));
      expect(channelDistance("graph", "graf", true)).toBeLessThan(channelDistance("graph", "grap", true));
    } finally {
      useErrorTables(engine.lex.data.errors);
    }
  });

  test("the shipped model has the rules, learned from the shipped misspelling pairs", () => {
    const rules = engine.lex.data.errors.rules!;
    expect(rules.keys.length).toBeGreaterThan(1000);
    expect(channelDistance("believe", "beleive", true)).toBeLessThan(channelDistance("believe", "beleive", false));
    expect(channelDistance("physics", "fysics", true)).toBeLessThan(channelDistance("physics", "fysics", false));
    // the substring model ranks a vowel swap of a real misspelling pattern above an arbitrary double edit
    expect(channelDistance("separate", "seperate", true)).toBeLessThan(channelDistance("separate", "sepxrate", true));
  });

  test("learnErrorTables carries the rules, and the lexicon file keeps them", () => {
    const t = learnErrorTables(pairs);
    expect(t.rules!.keys.length).toBeGreaterThan(0);
    const d = decodeLexicon(encodeLexicon({ unigrams: [["the", 10]], bigrams: [], errors: t }));
    expect(Array.from(d.errors.rules!.keys)).toEqual(Array.from(t.rules!.keys));
    expect(Array.from(d.errors.rules!.costs)).toEqual(Array.from(t.rules!.costs));
    // a file built without an error model has no rules
    expect(decodeLexicon(encodeLexicon({ unigrams: [["the", 10]], bigrams: [] })).errors.rules!.keys.length).toBe(0);
  });

  test("a rule's cost, found by binary search in the stored keys, is the one stored for it; other pairs have none", () => {
    const { keys, costs } = engine.lex.data.errors.rules!;
    const byKey = new Map<number, number>();
    for (let k = 0; k < keys.length; k++) byKey.set(keys[k]!, costs[k]!);
    for (const [key, cost] of byKey) expect(ruleCost(Math.floor(key / 1024), key % 1024)).toBe(cost);
    let none = 0;
    for (let alpha = 0; alpha < 1024; alpha += 7)
      for (let beta = 0; beta < 1024; beta += 13) {
        expect(ruleCost(alpha, beta)).toBe(byKey.get(alpha * 1024 + beta));
        if (!byKey.has(alpha * 1024 + beta)) none++;
      }
    expect(none).toBeGreaterThan(1000);
  });
});
