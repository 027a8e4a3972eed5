import { describe, expect, test } from "bun:test";
import { LexiconEngine } from "../src/engines/lexicon/index.ts";

const engine = LexiconEngine.shared();
const fix = (s: string) => engine.fixSync(s).output;

describe("lexicon recall", () => {
  test("a long unknown word one slip from a rarer word is a misspelling more often than a valid word we lack", () => {
    expect(fix("no letter could inxriminate him")).toBe("no letter could incriminate him");
    expect(fix("the smoke curled upwward into the sky")).toBe("the smoke curled upward into the sky");
    expect(fix("a repulsife smell came from the room")).toBe("a repulsive smell came from the room");
  });

  test("a second slip in one word costs more than the first: a frequent word two edits away does not beat the word one edit away", () => {
    // (rules and cry are frequent, but trubles and ccry are one slip from troubles and cry, two from them)
    expect(fix("that our trubles were over")).toBe("that our troubles were over");
    expect(fix("in a sharp ccry of surprise")).toBe("in a sharp cry of surprise");
  });

  test("a closed compound of two rare parts does not shield a slip (dir + ven, curt + ans)", () => {
    expect(fix("he had dirven home")).toBe("he had driven home");
    expect(fix("the curtans were drawn")).toBe("the curtains were drawn");
    // compounds of common parts stay
    expect(fix("the band's frontman gave no timeframe for the payroll stickup")).toBe("the band's frontman gave no timeframe for the payroll stickup");
  });

  test("a misspelling the lists correct to one word is that word, even where the context favours a neighbour", () => {
    // (felt only / only after are common pairs; lonley is a recorded misspelling of lonely, and only of it)
    expect(fix("She felt lonley after the move.")).toBe("She felt lonely after the move.");
    expect(fix("I felt lonley today")).toBe("I felt lonely today");
  });

  test("an unknown three-letter word may be two slips from the word meant, unless it has no vowel", () => {
    // no dictionary word is one edit from either; the slips are keyboard neighbours of the right letters
    expect(fix("she said uoj would come")).toBe("she said you would come");
    // three consonants are an abbreviation more often than two slips (ctx, llm, rtl)
    expect(fix("pass the ctx to the handler")).toBe("pass the ctx to the handler");
    expect(fix("he bought a new cqf today")).toBe("he bought a new cqf today");
  });

  test("a capitalised unknown word in mid-sentence is scored letter by letter, not by the substring rules", () => {
    // (with the rules, Bordes became Borders and Wenting Wanting)
    expect(fix("We met Bordes and Hewett in Paris")).toBe("We met Bordes and Hewett in Paris");
    expect(fix("the paper by Wenting and Angele")).toBe("the paper by Wenting and Angele");
  });

  test("a lone unknown word asked about (the whole text) is likelier a misspelling than one met in prose", () => {
    // alone, keeping the unknown word used to win
    expect(fix("vitamen")).toBe("vitamin");
    // it keeps the case it was typed in ("sertain" became "Certain": a text's first word, no capital typed)
    expect(fix("sertain")).toBe("certain");
    // known words and unknown shorthand alone stay
    expect(fix("elegant")).toBe("elegant");
    expect(fix("oklch")).toBe("oklch");
    // in prose, with punctuation or capitalised, the prose model decides as before
    expect(fix("vitamen.")).toBe("vitamen.");
    expect(fix("Vitamen")).toBe("Vitamen");
  });

  test("a lone word's candidates that sound like it are likelier (phonetic key, as aspell's soundslike)", () => {
    // elegant is one letter nearer and more frequent; elephant sounds the same (ELFNT)
    expect(fix("elefant")).toBe("elephant");
    // a right word is not replaced by one that sounds like it
    expect(fix("night")).toBe("night");
  });

  test("a single l for a double one before -ery is a misspelling, not a US/UK variant (galery, artilery)", () => {
    expect(fix("the galery was full")).toBe("the gallery was full");
    expect(fix("the artilery fired")).toBe("the artillery fired");
    // the variants of -ed, -ing, -er and -ry stay right
    expect(fix("the traveller and the traveler cancelled or canceled the jewellery and jewelry")).toBe("the traveller and the traveler cancelled or canceled the jewellery and jewelry");
  });

  test("misspelt sentence starts do not count as the writer's lower-case style", () => {
    // two of three sentences begin with a slip: their capitals went with the slip
    expect(fix("Some countries. thh four largest are here. tehy are big.")).toBe("Some countries. The four largest are here. They are big.");
    // a writer whose dictionary-word sentence starts are lower-case keeps lower-case corrections
    expect(fix("i went home. so thsi is fun. and teh end")).toBe("i went home. so this is fun. and the end");
    // the full stop of an abbreviation begins no sentence: a lower-case word after it is no sign of that style
    expect(fix("òn 2 May the ship was sold to Acme Corp. for scrap and to the U.S. for parts.")).toBe("On 2 May the ship was sold to Acme Corp. for scrap and to the U.S. for parts.");
  });

  test("a corrected word beside a capitalised word it forms a name with takes the name's capital (the shift key slipped too)", () => {
    expect(fix("she was born in soutth Africa in 1960")).toBe("she was born in South Africa in 1960");
    expect(fix("they toured the United staets last year")).toBe("they toured the United States last year");
    // not beside a capitalised word, nor with a word that is no part of a name with it
    expect(fix("the wind blew soutth all night")).toBe("the wind blew south all night");
    expect(fix("we drove soutth to Africa")).toBe("we drove south to Africa");
    // between two capitalised words, a word that names write with a capital; a function word stays lower
    expect(fix("we stayed at the Grand centarl Hotel last year")).toBe("we stayed at the Grand Central Hotel last year");
    expect(fix("she met Alice aftr Lunch")).toBe("she met Alice after Lunch");
    // a capital only because a sentence begins is no name
    expect(fix("Wnited staets are a good idea")).toBe("United states are a good idea");
  });
});
