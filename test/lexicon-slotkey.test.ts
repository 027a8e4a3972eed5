/**
 * The lexicon memoises each word's own hypotheses per slot (search.ts sameSlot): the comparison must
 * cover every field of a Slot that a word's own hypotheses read, or two different words would share
 * hypotheses; each other field is named as free.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SLOT_FREE_FIELDS, SLOT_KEY_FIELDS, sameSlot } from "../src/engines/lexicon/search.ts";
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
  test("names every field of the Slot interface, as compared or as free", () => {
    const src = readFileSync(join(import.meta.dir, "../src/engines/lexicon/hypotheses.ts"), "utf8");
    const body = /export interface Slot \{([\s\S]*?)\n\}/.exec(src)![1]!;
    const fields = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
    expect(fields.length).toBeGreaterThan(10);
    expect([...fields].sort()).toEqual([...SLOT_KEY_FIELDS, ...SLOT_FREE_FIELDS].sort());
  });

  test("changes with every compared field", () => {
    const base = sample();
    const changed: Record<string, (s: Slot) => void> = {
      tok: (s) => (s.tok = { ...s.tok, text: "Tea's" }),
      id: (s) => (s.id = -1),
      suffix: (s) => (s.suffix = "’s"),
      // (the stem counts through its length: a lone letter's neighbours, below)
      sentenceStart: (s) => (s.sentenceStart = true),
      viaVariant: (s) => (s.viaVariant = true),
      editable: (s) => (s.editable = false),
      alone: (s) => (s.alone = true),
      local: (s) => (s.local = undefined),
    };
    for (const [field, change] of Object.entries(changed)) {
      const s = sample();
      change(s);
      expect(sameSlot(s, base), field).toBe(false);
    }
    // the token's position does not count, nor its kind or span
    expect(sameSlot(sample(), base)).toBe(true);
    expect(sameSlot({ ...sample(), tok: { ...sample().tok, start: 30, end: 35 } }, base)).toBe(true);
    expect(sameSlot({ ...sample(), tok: { ...sample().tok, span: "acronym" } }, base)).toBe(true);
    expect(sameSlot({ ...sample(), local: [] }, { ...sample(), local: undefined })).toBe(false);
    expect(sameSlot({ ...sample(), local: ["Tehran", "Tehama"] }, base)).toBe(false);
  });

  test("a sentence start counts for a capitalised word only, the words beside it for a lone letter only", () => {
    const lower = (): Slot => ({ ...sample(), tok: { ...sample().tok, text: "teh's" } });
    expect(sameSlot({ ...lower(), sentenceStart: true }, lower())).toBe(true);
    expect(sameSlot({ ...sample(), sentenceStart: true }, sample())).toBe(false);
    // (free fields and the neighbours of a word of two letters or more)
    for (const s of [{ capital: "sure" as const }, { compoundEnd: true }, { lower: "x" }, { afterWord: false }, { gapAfter: "" }]) expect(sameSlot({ ...sample(), ...s }, sample())).toBe(true);
    const letter = (): Slot => ({ ...sample(), tok: { ...sample().tok, text: "t" }, lower: "t", stem: "t", suffix: "", id: -1 });
    expect(sameSlot({ ...letter(), afterWord: false }, letter())).toBe(false);
    expect(sameSlot({ ...letter(), gapAfter: "" }, letter())).toBe(false);
    expect(sameSlot({ ...letter(), gapAfter: "  " }, letter())).toBe(true);
    // (a number after it: "x 2" is a letter, "t accompany" a mangled word)
    expect(sameSlot({ ...letter(), numberAfter: true }, letter())).toBe(false);
    expect(sameSlot({ ...sample(), numberAfter: true }, sample())).toBe(true);
  });

  test("memoised hypotheses correct a word as a fresh engine does, wherever it stands", () => {
    const warm = LexiconEngine.shared();
    const text = "I recieved teh letter. Teh letter was recieved, and teh reply came the the next day.";
    const first = warm.fixSync(text);
    warm.clearCaches();
    expect(warm.fixSync(text)).toEqual(first);
    expect(first.output).toContain("received the letter");
  });

  test("a lone letter is corrected between words, not at a run's edge, whichever the memo met first", () => {
    const text = "I want t accompany you. Vitamin t";
    const warm = LexiconEngine.shared();
    warm.clearCaches();
    const fresh = warm.fixSync(text);
    warm.clearCaches();
    warm.fixSync("Vitamin t");
    expect(warm.fixSync(text)).toEqual(fresh);
  });
});
