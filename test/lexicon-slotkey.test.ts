/**
 * The lexicon memoises each word's own hypotheses per slot (search.ts sameSlot): the comparison must
 * cover every field of a Slot but the token's position, or two different words would share hypotheses.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SLOT_KEY_FIELDS, sameSlot } from "../src/engines/lexicon/search.ts";
import type { Slot } from "../src/engines/lexicon/hypotheses.ts";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

const sample = (): Slot => ({
  tok: { kind: "word", text: "Teh's", start: 3, end: 8 },
  lower: "teh's",
  id: 7,
  suffix: "'s",
  stem: "teh",
  sentenceStart: false,
  capital: false,
  viaVariant: false,
  editable: true,
  gapAfter: " ",
  afterWord: true,
  alone: false,
  local: ["Tehran"],
  compoundEnd: false,
});

describe("slot memo comparison", () => {
  test("names every field of the Slot interface", () => {
    const src = readFileSync(join(import.meta.dir, "../src/engines/lexicon/hypotheses.ts"), "utf8");
    const body = /export interface Slot \{([\s\S]*?)\n\}/.exec(src)![1]!;
    const fields = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
    expect(fields.length).toBeGreaterThan(10);
    expect([...fields].sort()).toEqual([...SLOT_KEY_FIELDS].sort());
  });

  test("changes with every field but the token's position", () => {
    const base = sample();
    const changed: Record<string, (s: Slot) => void> = {
      tok: (s) => (s.tok = { ...s.tok, text: "Tea's" }),
      lower: (s) => (s.lower = "tea's"),
      id: (s) => (s.id = -1),
      suffix: (s) => (s.suffix = "’s"),
      stem: (s) => (s.stem = "tea"),
      sentenceStart: (s) => (s.sentenceStart = true),
      capital: (s) => (s.capital = "maybe"),
      viaVariant: (s) => (s.viaVariant = true),
      editable: (s) => (s.editable = false),
      gapAfter: (s) => (s.gapAfter = ""),
      afterWord: (s) => (s.afterWord = false),
      alone: (s) => (s.alone = true),
      local: (s) => (s.local = undefined),
      compoundEnd: (s) => (s.compoundEnd = true),
    };
    expect(Object.keys(changed).sort()).toEqual([...SLOT_KEY_FIELDS].sort());
    for (const [field, change] of Object.entries(changed)) {
      const s = sample();
      change(s);
      expect(sameSlot(s, base), field).toBe(false);
    }
    // the token's kind and span count too; its position does not
    expect(sameSlot(sample(), base)).toBe(true);
    expect(sameSlot({ ...sample(), tok: { ...sample().tok, span: "acronym" } }, base)).toBe(false);
    expect(sameSlot({ ...sample(), tok: { ...sample().tok, kind: "other" } }, base)).toBe(false);
    expect(sameSlot({ ...sample(), tok: { ...sample().tok, start: 30, end: 35 } }, base)).toBe(true);
    expect(sameSlot({ ...sample(), local: [] }, { ...sample(), local: undefined })).toBe(false);
    expect(sameSlot({ ...sample(), local: ["Tehran", "Tehama"] }, base)).toBe(false);
  });

  test("memoised hypotheses correct a word as a fresh engine does, wherever it stands", () => {
    const warm = LexiconEngine.shared();
    const text = "I recieved teh letter. Teh letter was recieved, and teh reply came the the next day.";
    const first = warm.fixSync(text);
    warm.clearCaches();
    expect(warm.fixSync(text)).toEqual(first);
    expect(first.output).toContain("received the letter");
  });
});
