/**
 * Fast paths of the lexicon engine's word lists that stand in for regular expressions (a one-liner compiles
 * fewer of them, a stream runs fewer): they must give the same answers.
 */
import { describe, expect, test } from "bun:test";
import { isInflection, VARIANTS } from "../src/engines/lexicon/wordlists.ts";
import { codeMark, LexiconEngine } from "../src/engines/lexicon/index.ts";
import { lowerLetters, TWINS } from "../src/text/ascii.ts";
import { hasSentenceMark, SENTENCE_END } from "../src/text/lines.ts";
import { clearPairMemo, pairHyps, rememberedNothing, type Slot } from "../src/engines/lexicon/hypotheses.ts";

describe("word-list fast paths", () => {
  test("every match of a spelling-variant pattern contains the part the search checks for first, in a word no shorter than the pattern's shortest", () => {
    const letters = "aeioulrsyzgntbvcmd";
    let seed = 5;
    const rand = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const words = ["colour", "color", "analyze", "analyse", "center", "centre", "catalog", "defense", "traveled", "travelled", "paediatric", "foetus", "jewelry", "jewellery"];
    for (let k = 0; k < 20000; k++) words.push(Array.from({ length: 2 + rand(10) }, () => letters[rand(letters.length)]).join(""));
    let matched = 0;
    for (const [g, , part, shortest] of VARIANTS)
      for (const w of words) {
        g.lastIndex = 0;
        for (let m = g.exec(w); m; m = g.exec(w)) {
          expect(m[0]).toContain(part);
          expect(w.length).toBeGreaterThanOrEqual(shortest);
          matched++;
          if (m[0].length === 0) g.lastIndex++;
        }
      }
    expect(matched).toBeGreaterThan(1000);
  });
  test("a text without . ! ? or … has no sentence end, and no sentence start but at its beginning (hasSentenceMark)", () => {
    const chars = ["a", "B", " ", "\t", "\n", ".", "!", "?", "…", '"', "”", "’", "'", ")", "]", "(", "[", "“", "‘", "é", "Ж", "1", ",", "-"];
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const texts = ["Thi sis a tset", "Is it? yes.", "a. b", "end…", "“Quoted.”  ", "no marks here", "(a) [b] “c”"];
    for (let k = 0; k < 20000; k++) texts.push(Array.from({ length: 1 + rand(12) }, () => chars[rand(chars.length)]).join(""));
    let marked = 0;
    for (const t of texts) {
      if (hasSentenceMark(t)) {
        marked++;
        continue;
      }
      expect(SENTENCE_END.test(t)).toBe(false);
      for (const re of TWINS.sentenceStart) {
        re.lastIndex = 0;
        for (let m = re.exec(t); m; m = re.exec(t)) expect(m.index).toBe(0);
      }
    }
    expect(marked).toBeGreaterThan(1000);
    expect(texts.length - marked).toBeGreaterThan(1000);
  });
  test("isInflection's string tests agree with the regular expressions they replace", () => {
    const ref = (a: string, b: string) => {
      const [s, l] = a.length <= b.length ? [a, b] : [b, a];
      if (!l.startsWith(s.replace(/e$/, ""))) return false;
      return /^(s|es|d|ed|ing|r|er|st|est|ly|n)$/.test(l.slice(s.length)) || (s.endsWith("e") && /^(ing|ed|er|est)$/.test(l.slice(s.length - 1)));
    };
    const stems = ["", "e", "hope", "walk", "make", "see", "free", "bee", "lie", "tree"];
    const ends = ["", "e", "s", "es", "d", "ed", "ing", "r", "er", "st", "est", "ly", "n", "x", "eing", "ee", "\n"];
    for (const a of stems) for (const x of ends) for (const y of ends) {
      expect(isInflection(a + x, a + y)).toBe(ref(a + x, a + y));
      expect(isInflection(a + x, a.slice(0, -1) + y)).toBe(ref(a + x, a.slice(0, -1) + y));
    }
  });
  test("pairHyps gives the same readings of a pair again, and remembers as making nothing only pairs that neither join nor re-space", () => {
    const e = LexiconEngine.shared();
    const slot = (text: string): Slot => {
      const lower = text.toLowerCase();
      return { tok: { kind: "word", text, start: 0, end: text.length }, lower, id: e.lex.id(lower), suffix: "", stem: lower, sentenceStart: false, capital: false, editable: true, gapAfter: " ", afterWord: true };
    };
    const prose =
      "it was the best of times it was the worst of times it was the age of wisdom it was the age of foolishness " +
      "thi sis a tset the the could of been some one a lot in to the house of ten they were not at home when she came in " +
      "for the rest of the day he sat by the fire and read a book that he had found on a shelf in the hall of his old home";
    const words = prose.split(" ");
    for (let id = 0; id < 4000; id += 7) words.push(e.lex.word(id));
    const strip = (hs: ReturnType<typeof pairHyps>) => hs.map((h) => ({ out: h.out, ids: h.ids, channel: h.channel, span: h.span, kind: h.kind }));
    clearPairMemo();
    let remembered = 0;
    let made = 0;
    for (let round = 0; round < 3; round++)
      for (let k = 0; k + 1 < words.length; k++) {
        const a = slot(words[k]!);
        const b = slot(words[k + 1]!);
        const first = strip(pairHyps(e, a, b));
        expect(strip(pairHyps(e, a, b))).toEqual(first);
        const joins = first.filter((h) => h.kind === "join" || h.kind === "respace").length;
        if (joins) made++;
        if (a.id >= 0 && b.id >= 0 && rememberedNothing(e.lex, a.id, b.id)) {
          remembered++;
          expect(joins).toBe(0);
        }
      }
    expect(made).toBeGreaterThan(10);
    expect(remembered).toBeGreaterThan(500);
  });
});

describe("one-liner fast paths of the lexicon engine", () => {
  test("codeMark agrees with the expression it replaces on every UTF-16 unit", () => {
    const re = /^[:[\]*\-_/\\|{}<>=@#$~^+&`]$/;
    expect(codeMark("")).toBe(false);
    let marks = 0;
    for (let c = 0; c < 0x10000; c++) {
      const s = String.fromCharCode(c);
      expect(codeMark(s)).toBe(re.test(s));
      if (re.test(s)) marks++;
    }
    expect(marks).toBe(22);
    for (const s of ["::", "|a", "ab"]) expect(codeMark(s)).toBe(re.test(s));
  });
  test("lowerLetters agrees with /^[a-z]+$/", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const chars = "az`{AZ@[09'’é\n -";
    const words = ["", "a", "abc", "Abc", "ab'c", "abé", "ab\n"];
    for (let k = 0; k < 20000; k++) words.push(Array.from({ length: rand(6) }, () => (rand(3) ? String.fromCharCode(97 + rand(26)) : chars[rand(chars.length)])).join(""));
    for (const w of words) expect(lowerLetters(w)).toBe(/^[a-z]+$/.test(w));
  });
});
