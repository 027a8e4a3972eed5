/**
 * The lexicon's rules for what is left alone: which words may be edited at all (the user's words,
 * names, loanwords, acronyms), a capital inside a word that is a slip of the shift key rather than a brand
 * or identifier, the short parts of hyphenated names and prefixes, names the same text uses elsewhere,
 * quotations and lines in another language.
 *
 * Cost: per word a few regular expressions and trie lookups; localNames compares each name seen once
 * with the names seen several times (bounded edit distance); foreignQuotes one distance-1 search per
 * unknown word inside a quotation.
 */
import type { Token } from "../../text/tokenize.ts";
import { caseShape } from "../../text/case.ts";
import { countUpper, hasLower, pattern, plainWord, startsLower, startsUpper, withoutPossessive } from "../../text/ascii.ts";
import { PARAMS } from "./params.ts";
import { PROPER } from "./proper.ts";
import { WORD_COMMON, WORD_KEEP } from "./format.ts";
import { FOREIGN_LANGUAGES, foreignStopwordLanguages, LOANWORDS, PARTICLES, PREFIXES } from "./wordlists.ts";
import type { LexiconContext } from "./hypotheses.ts";
import { hotPath } from "../../runtime/jit.ts";

/** Optimal-string-alignment distance, giving up above `max`. */
function osa(a: string, b: string, max: number): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length]![b.length]!;
}

/**
 * A part of a hyphenated compound that is written so on purpose: a prefix (pre-, neo-, proto-, mis-), a
 * short part of a compound name (Port-au-Prince, Zia-ul-Haq, Young-jin, ha-Pardes), or a part of a
 * compound whose parts are all short and unknown (ad-hoc: a set phrase, not two slips at once).
 */
export function fixedCompoundPart(ctx: LexiconContext, tokens: Token[], i: number): boolean {
  // (most words have no hyphen beside them: tested first; no negative index, which the optimising JIT
  // treats as a miss of its own: the first word of every line left its code)
  const p = i > 0 ? tokens[i - 1] : undefined;
  const q = tokens[i + 1];
  if (!(p && p.kind === "punct" && (p.text === "-" || p.text === "‐")) && !(q && q.kind === "punct" && (q.text === "-" || q.text === "‐"))) return false;
  const left = isHyphen(tokens, i - 1) && tokens[i - 2]?.kind === "word";
  const right = isHyphen(tokens, i + 1) && tokens[i + 2]?.kind === "word";
  if (!left && !right) return false;
  const text = tokens[i]!.text;
  const lower = text.toLowerCase();
  if (right && !left && PREFIXES.has(lower)) return true;
  // the whole compound: neighbouring words joined by hyphens
  let a = i;
  while (isHyphen(tokens, a - 1) && tokens[a - 2]?.kind === "word") a -= 2;
  let b = i;
  while (isHyphen(tokens, b + 1) && tokens[b + 2]?.kind === "word") b += 2;
  // short parts all unknown (ad-hoc, et-al): a set phrase or a code, not two slips at once
  let unknown = true;
  for (let k = a; k <= b; k += 2) if (tokens[k]!.text.length > 4 || ctx.lex.id(tokens[k]!.text.toLowerCase()) >= 0) unknown = false;
  if (unknown) return true;
  let capitalised = false;
  for (let k = a; k <= b; k += 2) if (k !== i && startsUpper(tokens[k]!.text)) capitalised = true;
  return capitalised && lower.length <= 4 && (lower.length <= 3 || ctx.lex.id(lower) < 0);
}

/** Whether tokens[k] is a hyphen (- or ‐). */
function isHyphen(tokens: Token[], k: number): boolean {
  const t = k >= 0 ? tokens[k] : undefined;
  return t !== undefined && t.kind === "punct" && (t.text === "-" || t.text === "‐");
}

/**
 * A coined name of mixed case (BEiT, DeBERTa, FastViT, ConvNeXt, LLaVa): a capital, then two more capitals
 * or more among lower-case letters. A slip of the shift key makes one stray capital, and caps lock makes
 * all capitals after the first letter (tHE), so such a word was written so on purpose.
 */
export function coinedName(text: string): boolean {
  return startsUpper(text) && hasLower(text) && countUpper(text.slice(1)) >= 2;
}

export function editable(ctx: LexiconContext, text: string, lower: string, user?: ReadonlySet<string>, shouting = false): boolean {
  return !userWord(text, lower, user) && editableWord(ctx, text, lower, shouting);
}

/** Whether the word is one of the user's words, also with a possessive (citty's, Kubernetes'). */
export function userWord(text: string, lower: string, user?: ReadonlySet<string>): boolean {
  return !!user && user.size > 0 && (user.has(text) || user.has(lower) || user.has(text.replace(/['’]s?$/, "")) || user.has(lower.replace(/['’]s?$/, "")));
}

/**
 * editable() without the user's words: a function of the word alone, and of `shouting` for a word in
 * capitals only (index.ts keeps it per word).
 */
export function editableWord(ctx: LexiconContext, text: string, lower: string, shouting = false): boolean {
  if (text.length > 40) return false;
  // a word of ASCII letters with none in capitals but the first (the usual: "word", "Word") matches none of the
  // patterns below, nor is it a coined name: only the loanwords and the capitals check are left (a one-liner
  // then compiles and runs none of those regular expressions)
  if (plainWord(text)) {
    if (LOANWORDS.has(lower)) return false;
    if (caseShape(text) === "upper") return text.length >= 4 && (shouting || capsSlip(ctx, lower));
    return true;
  }
  // a single letter's plural or possessive (a's and b's, x's, i's): the letter named, not a word mistyped
  if (pattern("letterPossessive", text).test(text)) return false;
  if (coinedName(text)) return false;
  // a word ending in a run of capitals is a name with an acronym (RedeTV, BlueFRITZ, UeBB)
  if (pattern("capsRunEnd", text).test(text)) return false;
  // English loanwords written with their accents are right as they are
  if (LOANWORDS.has(lower)) return false;
  // O'Sullivan, d'Agriculture, l'Orient: a prefix and apostrophe before a capital is a name
  if (pattern("apostropheCapital", text).test(text)) return false;
  // capitalised words with accents are names (São, Université, Íris)
  if (startsUpper(text) && /[^\x00-\x7f]/.test(text)) return false;
  // an acronym run on a word (ECMAScript, HTTPServer, ARTery) is written so on purpose; a shift key
  // held one letter too long ("THe") is not
  if (pattern("capsThenLower", text).test(text)) return false;
  // two capitals then lower case on a known word: a shift key held on a common word ("THe", "ANd",
  // "HIstory"); on a word of the vocabulary's rarer or technical part it is an abbreviation run on a word
  // (NBits, OAuth), which lower case would damage
  if (pattern("twoCapsWord", text).test(text)) {
    const id = ctx.lex.id(lower);
    if (id >= 0 && !(ctx.lex.flags(id) & WORD_COMMON)) return false;
  }
  // an ALL-CAPS word in text written in capitals is checked like any other; elsewhere it is an acronym,
  // unless it is a known misspelling (RECIEVE). Short ones (NPM, TEH) are acronyms either way.
  // Mixed case reaches here only as a stray capital (see strayCapital).
  if (caseShape(text) === "upper") return text.length >= 4 && (shouting || capsSlip(ctx, lower));
  return true;
}

/**
 * Whether an unknown word in capitals outside text written in capitals is a slip rather than an acronym:
 * a known misspelling (RECIEVE), or a word of six letters or more one slip after its first letter from a
 * common word (SHIPPNG, URGNET: an acronym that long is rarely one letter from English).
 */
function capsSlip(ctx: LexiconContext, lower: string): boolean {
  if (ctx.lex.id(lower) >= 0) return false;
  if (ctx.lex.corrections(lower).length === 1) return true;
  if (lower.length < 6 || !/^[a-z]+$/.test(lower)) return false;
  // (a word of today's English (SCOWL's common sizes) that keeps the first letter, by a plain edit:
  // ZRANGE, ZINTER, ZUNION are Redis's commands, not slips of range, winter, union; JUSTID no Justin)
  for (const h of ctx.cand.nearest(lower, 1, false, false)) {
    const w = ctx.lex.word(h.id);
    if (w[0] === lower[0] && ctx.lex.logP(h.id) > PARAMS.rareKnownLogP && ctx.lex.flags(h.id) & WORD_COMMON) return true;
  }
  return false;
}

/** Whether `w` (lower case), or it without a plural s, is a word of the vocabulary other than a name only. */
function wordOrStem(ctx: LexiconContext, w: string): boolean {
  return ctx.lex.wordId(w) >= 0 || (w.endsWith("s") && ctx.lex.wordId(w.slice(0, -1)) >= 0);
}

/**
 * Two-letter units in their own case: an SI prefix symbol (yocto … kilo, below mega; u for micro) then a
 * unit symbol (SI base and derived units, litre, byte, bel as dB), and pH and eV. From the SI brochure's
 * tables of prefixes and units, not from examples.
 */
const UNIT2 = /^(?:[yzafpnumcdhk][ABCFHJKLNSTVW]|pH|eV)$/;

/**
 * A mixed-case word is left alone when it is a known name in another case (eBay, JavaScript, iPhone,
 * McDonald: the dictionary has them in lower case) or a CamelCase identifier (two or more parts of three
 * or more letters that are words: getValue, setTimeout). Otherwise the capital is a slip of the shift key
 * inside a word ("gaFve", "proLincial", "tBe") and the word is corrected like any other.
 */
export function strayCapital(ctx: LexiconContext, text: string, code = false): boolean {
  if (!/^\p{L}+$/u.test(text)) return false;
  const knownId = ctx.lex.id(text.toLowerCase());
  if (knownId >= 0) {
    // a known word with one capital that no brand or identifier has: at its end ("thE", "foR",
    // "followEd"), or before a tail that is no word ("aRmy", "whIle"; but eBay, iPhone, getValue); one
    // letter then a capital is a slip too ("iT", "oN", "hE"), unless it is how a unit is written: an SI
    // prefix symbol then a unit symbol (dB, kW, mA, nF, kV, mL), or pH, eV
    if (/^\p{Ll}{2,}\p{Lu}$/u.test(text)) return true;
    if (/^\p{Ll}\p{Lu}$/u.test(text)) return !UNIT2.test(text);
    // otherwise a word of the technical lists (never changed) in mixed case is a brand written its own way:
    // jsDelivr (the lists keep one spelling of it, in lower case)
    if (ctx.lex.flags(knownId) & WORD_KEEP) return false;
    const m = /^(\p{Ll}+)(\p{Lu}\p{Ll}+)$/u.exec(text);
    return !!m && ctx.lex.id(m[2]!.toLowerCase()) < 0;
  }
  // brands: i or e before a capitalised word (iPads, iPhones, eBay, eBooks), or two capitalised words run
  // together (LightOn, YouTube); a slip of the shift key rarely makes two words
  // (and camelCase of two words, toString, fieldId, is an identifier)
  const brand = /^([ie]|\p{Lu}\p{Ll}+|\p{Ll}{2,})(\p{Lu}\p{Ll}+)$/u.exec(text);
  // (a part the lists know only as a name, Ima, makes no brand of the two: "ImaAm" is Imam with a slipped shift key)
  const known = (w: string) => wordOrStem(ctx, w.toLowerCase());
  // (unless, in lower camelCase, the word without its capital is a word: "thGat", "adoptTed", "hiUs" are a
  // shift key pressed in the middle of "that", "adopted", "his", not "th" + "Gat")
  // In technical text (`code`: a line or document with marks of code, src/text/technical.ts) code's names
  // are likelier than slips: there two words (allKeys: "all" + "Keys", toBe, though "alleys" and "toe"
  // are words) are a slip only when the capital doubles the letter beside it, as a shift key pressed on a
  // repeated key does ("adoptTed"). (In prose a stray capital that lands between two words,
  // "allCowed", "newMs", is the likelier reading: the artificial dev set's generator makes many.)
  if (brand && (brand[1]!.length === 1 || known(brand[1]!)) && known(brand[2]!) && !(startsLower(text) && (!code || doubledCapital(text)) && shiftTyped(ctx, text))) return false;
  // in technical text, lower camelCase whose head is a word of three letters or more and whose capital no
  // slip of the shift key explains (compareFn, withImg: dropped, or put back as the letter it replaced,
  // it leaves no word) is a name made in code
  if (code) {
    const head = /^(\p{Ll}{3,})\p{Lu}/u.exec(text);
    if (head && ctx.lex.id(head[1]!) >= 0 && !slipOfShift(ctx, text)) return false;
    // …and so is one whose capital begins a tail of one or two letters, a variable's suffix (logP, nodeFs,
    // transB, posX: the capital a slip of the shift key would have added to log, nodes, trans, pos), or a
    // word of three letters or more after a short head that no slip explains (lmKey, fsPath)
    if (/^\p{Ll}{2,}\p{Lu}\p{Ll}?$/u.test(text)) return false;
    const tail = /^\p{Ll}{2}(\p{Lu}\p{Ll}{2,})$/u.exec(text);
    if (tail && wordOrStem(ctx, tail[1]!.toLowerCase()) && !slipOfShift(ctx, text)) return false;
  }
  // camelCase whose capital starts a word of four letters or more (osaTable, rgbColor) is a name made in
  // code, unless the capital is a slipped shift key: dropped, or put back as the letter it replaced, it
  // leaves a word ("yeEars", "diffeLing"); one that leaves a tail that is no word ("proLincial") is a slip
  if (/^\p{Ll}{2,}\p{Lu}\p{Ll}{3,}$/u.test(text) && known(brand![2]!) && !slipOfShift(ctx, text)) return false;
  if (coinedName(text)) return false;
  // a capitalised word with one more capital at its end (VimL, TopK, WebP, CtrlH, DeiT): in technical text a
  // name of code; in prose too where the word without it is no common word ("VimL" is no slip of vim), while
  // "HereD" is a held shift key
  if (/^\p{Lu}\p{Ll}+\p{Lu}$/u.test(text)) {
    if (code) return false;
    const stem = text.slice(0, -1).toLowerCase();
    const dropped = ctx.lex.id(stem);
    // (a word English always capitalises is written so: "ThaiE food" is Thai)
    if (dropped >= 0 && ctx.lex.logP(dropped) <= PARAMS.settledLogP && !PROPER.has(stem)) return false;
  }
  // names: McNair, MacLeod, DiNardo, DeAngelo, LaToya, VanDyke, FitzGerald, O'Neill-like forms
  if (/^(?:Mc|Mac|Di|De|Da|Du|La|Le|Van|Von|Fitz|St)\p{Lu}\p{Ll}/u.test(text)) return false;
  // a capital run then lower case (ARTery, PhD, IPv) is emphasis or an abbreviation
  if (/^\p{Lu}{2,}\p{Ll}/u.test(text) || /^\p{Lu}\p{Ll}\p{Lu}$/u.test(text)) return false;
  // PascalCase of two capitalised parts (TikTok, DavEx) is a name unless dropping the inner capital
  // gives a word ("WeIstern" → "Western")
  if (/^\p{Lu}\p{Ll}+\p{Lu}\p{Ll}+$/u.test(text)) {
    // …or the inner capital took the place of a letter ("JustTce" → Justice, "EasteHn" → Eastern)
    if (!slipOfShift(ctx, text)) return false;
  }
  const parts = text.split(/(?=\p{Lu})/u).filter((p) => p.length >= 3);
  // (words run together in camelCase, unless one capital in lower camelCase leaves a word when dropped:
  // "adoptTed" is "adopted" typed with a shift key, not adopt + Ted)
  return !(parts.length >= 2 && parts.every((p) => ctx.lex.id(p.toLowerCase()) >= 0)) || (/^\p{Ll}+\p{Lu}\p{Ll}+$/u.test(text) && shiftTyped(ctx, text));
}

/**
 * A capital put before a capitalised word (KWallet, CFunction, GObject, QWidget): in technical text the name
 * of a library's thing (a held shift key on the word itself leaves a known word in lower case: "THe",
 * "ANd"). Not in prose, where the artificial dev set's generator puts stray capitals before names (JCity).
 */
export function prefixedName(ctx: LexiconContext, text: string, lower: string): boolean {
  return pattern("twoCapsWord", text).test(text) && ctx.lex.id(lower) < 0 && ctx.lex.id(lower.slice(1)) >= 0;
}

/** Whether the first inner capital repeats the letter before or after it ("adoptTed", "bookKs"). */
function doubledCapital(text: string): boolean {
  const k = text.slice(1).search(/\p{Lu}/u) + 1;
  const c = text[k]!.toLowerCase();
  return text[k - 1]!.toLowerCase() === c || (text[k + 1]?.toLowerCase() ?? "") === c;
}

/** Whether the word without its one inner capital is a known word ("thGat" → that: the capital was typed in addition). */
function shiftTyped(ctx: LexiconContext, text: string): boolean {
  const k = text.slice(1).search(/\p{Lu}/u) + 1;
  return ctx.lex.id((text.slice(0, k) + text.slice(k + 1)).toLowerCase()) >= 0;
}

/**
 * Whether the one inner capital of a mixed-case word is a slip of the shift key: without it, or with
 * the letter it took the place of, the word is a known one ("WeIstern" → Western, "JustTce" → Justice).
 */
function slipOfShift(ctx: LexiconContext, text: string): boolean {
  const lower = text.toLowerCase();
  const k = text.slice(1).search(/\p{Lu}/u) + 1;
  if (ctx.lex.id(lower.slice(0, k) + lower.slice(k + 1)) >= 0) return true;
  return [..."abcdefghijklmnopqrstuvwxyz"].some((c) => ctx.lex.id(lower.slice(0, k) + c + lower.slice(k + 1)) >= 0);
}

/** Whether two words of the same length differ in exactly one letter. */
function oneSubstitution(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length && diff < 2; i++) if (a[i]!.toLowerCase() !== b[i]!.toLowerCase()) diff++;
  return diff === 1;
}

/**
 * Names used in this text: unknown capitalised words of three letters or more, kept where the text repeats
 * them; of five letters or more, a name that occurs once
 * and is one edit (two, from seven letters) from a name the same text uses several times is likely a
 * typo of it ("Melhcers" beside two "Melchers"). Returns, per such word, the names it may stand for.
 */
export function localNames(ctx: LexiconContext, tokens: Token[], isUnknown = (text: string, _at: number) => unknownName(ctx, text)): Map<string, string[]> {
  const counts = new Map<string, number>();
  // (a word of three or four letters counts only where the text also writes it inside a sentence, "According
  // to Lof,": a slip repeated at sentences' starts, "Thi sis a tset. Thi sis…", is no name)
  let inside: Set<string> | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "word" && t.text.length >= 3 && caseShape(t.text) === "title" && isUnknown(t.text, i)) {
      const base = withoutPossessive(t.text);
      counts.set(base, (counts.get(base) ?? 0) + 1);
      if (base.length < 5 && i >= 2 && tokens[i - 1]!.kind === "space" && (tokens[i - 2]!.kind === "word" || tokens[i - 2]!.text === ",")) (inside ??= new Set()).add(base);
    }
  }
  for (const [w] of counts) if (w.length < 5 && !inside?.has(w)) counts.delete(w);
  return counts.size ? nearNames(counts) : new Map<string, string[]>();
}

/** localNames past its count (in a function of its own, as nameListsOf): each name's neighbours among the `counts` of the text's names. */
function nearNames(counts: Map<string, number>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [w, n] of counts) {
    // a name the text repeats is a name: never "corrected" (one of three or four letters too: "Lof continues",
    // said of the same Lof; but only one of five letters or more is evidence for another name, or needs it)
    if (n > 1) {
      out.set(w, []);
      continue;
    }
    if (w.length < 5) continue;
    const max = w.length >= 7 ? 2 : 1;
    // only toward a name the text uses more than once: of two names seen once each, neither is evidence;
    // and not when one letter stands for another: names differ so (Zheng and Zhang, Kircher and Kirchen in
    // one author list), a slip typing a repeated name drops, adds or swaps letters (Melhcers, Nauburg)
    // (a loop over the map, not a spread and filter: the builtins, shared by every caller, left their
    // optimised code for each new callback)
    const near: string[] = [];
    for (const [o, m] of counts) if (o !== w && m > 1 && o.length >= 5 && Math.abs(o.length - w.length) <= max && !oneSubstitution(o, w) && osa(o.toLowerCase(), w.toLowerCase(), max) <= max) near.push(o);
    if (near.length) out.set(w, near);
  }
  return out;
}

/**
 * Whether localNames counts a capitalised word as a name: the dictionary lacks it (in lower case, without
 * a possessive 's). A function of the text alone: the engine memoises it per word.
 */
export function unknownName(ctx: LexiconContext, text: string): boolean {
  return ctx.lex.id(withoutPossessive(text).toLowerCase()) < 0;
}

/**
 * Word tokens inside a quotation that is in another language (a title: "Gesetz über die Verpflichtung
 * zum Kriegsdienst", "Libellus de optimo ordine"): three or more words, most of them unknown, two or
 * more of those not within one edit of a dictionary word. They are
 * left alone like a foreign line (looksEnglish); an English quotation has few unknown words, even with
 * typos in it.
 */
export function foreignQuotes(ctx: LexiconContext, tokens: Token[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    if (!opensQuote(tokens[i]!)) continue;
    const j = foreignQuote(ctx, tokens, i, out);
    if (j >= tokens.length) break;
    i = j;
  }
  return out;
}

/**
 * The quotation that opens at token i (foreignQuotes, in a function of its own, as nameListsOf): its words
 * added to `out` when it is in another language; returns the index of its closing token (tokens.length when
 * it is not closed).
 */
function foreignQuote(ctx: LexiconContext, tokens: Token[], i: number, out: Set<number>): number {
  const words: number[] = [];
  let j = i + 1;
  for (; j < tokens.length && !closesQuote(tokens[j]!); j++) if (tokens[j]!.kind === "word") words.push(j);
  if (j >= tokens.length) return j;
  // (loops, not filter and map: see localNames)
  const long: number[] = [];
  for (const k of words) if (tokens[k]!.text.length >= 2) long.push(k);
  // (a quotation of fewer than three words is not judged: its words are not looked up)
  if (long.length >= 3) {
    const unknown: string[] = [];
    for (const k of long) {
      const w = tokens[k]!.text.toLowerCase().replace(/’/g, "'").replace(/'s$/, "");
      if (ctx.lex.id(w) < 0 && ctx.cand.variantId(w) < 0) unknown.push(w);
    }
    // …two of them or more not one slip away from any dictionary word ("veryy", "nothin" are typos)
    let far = 0;
    if (unknown.length / long.length >= PARAMS.foreignQuoteShare) for (const w of unknown) if (!ctx.cand.nearest(w, 1).length) far++;
    if (unknown.length / long.length >= PARAMS.foreignQuoteShare && far >= 2) for (const k of words) out.add(k);
  }
  return j;
}

/** A mark that opens a quotation (foreignQuotes). */
function opensQuote(t: Token): boolean {
  return t.kind === "punct" && /^["“„«]$/.test(t.text);
}

/** A mark that closes one. */
function closesQuote(t: Token): boolean {
  return t.kind === "punct" && /["”“»]/.test(t.text);
}

/**
 * Text in another language would be "corrected" word by word into English nonsense. When most of a
 * line's lower-case words (four or more) are unknown, it is left alone.
 */
export function looksEnglish(ctx: LexiconContext, tokens: Token[], unknownWord = (text: string, _at: number) => unknownLower(ctx, text)): boolean {
  let n = 0;
  let unknown = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "word" || t.text.length < 2 || caseShape(t.text) !== "lower") continue;
    n++;
    if (unknownWord(t.text, i)) unknown++;
  }
  return n < 4 || unknown / n <= PARAMS.maxForeignShare;
}

/** Whether a word in lower case is unknown to looksEnglish: not in the dictionary, nor (without a possessive) a spelling variant of a word in it. */
export function unknownLower(ctx: LexiconContext, text: string): boolean {
  // (the replace only where there is a ’: a one-liner then compiles no expression for it)
  const w = text.includes("’") ? text.replace(/’/g, "'") : text;
  // (a word the lists know only as a name, typed in lower case, is no English word: "perro", "calle")
  return ctx.lex.wordId(w) < 0 && ctx.cand.variantId(w.endsWith("'s") ? w.slice(0, -2) : w) < 0;
}

/**
 * Whether the line is in French, German, Italian, Spanish or Portuguese (an English line's words are
 * "corrected" into English nonsense there: le → be, chien → chosen, dans → days), judged from data: the
 * function words of one of those languages (foreignStopwordLanguages) that English seldom uses (below
 * PARAMS.foreignStopwordLogP), two or more and a quarter of the line's words at least, and with its other
 * lower-case words that English seldom uses or does not know (vie, belle, müde) half its words at least.
 * looksEnglish catches the lines mostly of unknown words; this one the lines whose words English also has
 * (chat, table, come, fine) around the other language's function words. An English line that names a few
 * things in another language (da Vinci, Museo del Prado, et al.) has one such word, or far fewer than half.
 * A line of fewer than PARAMS.foreignLineWords words is not judged: two function words by chance among
 * four, where slips make rare words too, are thin evidence, and reading the list would cost the one-liner
 * (`typofix "Thi sis a tset"`, four words) some 0.6 M instructions of its 29.5 M.
 * Cost: a trie look-up per word (memoised variant searches); the list (~30 KB) is read on first use, and
 * searched (a binary search per rare word), only for a line whose rare words could pass the shares.
 */
export function foreignLine(ctx: LexiconContext, tokens: Token[], isRare = (text: string, _at: number) => rareWord(ctx, text)): boolean {
  let n = 0;
  for (const t of tokens) if (t.kind === "word") n++;
  if (n < PARAMS.foreignLineWords) return false;
  // the words English uses seldom or not at all (lower case: a capitalised one is a name more often)
  let rare: Array<{ w: string; lower: boolean }> | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "word") continue;
    if (isRare(t.text, i)) (rare ??= []).push({ w: foreignForm(t.text), lower: caseShape(t.text) === "lower" });
  }
  // (what any language could reach at most, before the list is read: most lines stop here)
  let longer = 0;
  let could = 0;
  for (const { w, lower } of rare ?? []) {
    if (w.length >= 2) longer++;
    if (w.length >= 2 || lower) could++;
  }
  if (!rare || longer < 2 || longer * 4 < n || could * 2 < n) return false;
  return foreignStopwords(rare, n);
}

/** foreignLine past its bounds (in a function of its own, as nameListsOf): whether the stop words of one language are enough of the line's `n` words. */
function foreignStopwords(rare: Array<{ w: string; lower: boolean }>, n: number): boolean {
  // (a single letter, d or y, is a slip or a variable as often: no evidence)
  const langs = rare.map(({ w }) => (w.length >= 2 ? foreignStopwordLanguages(w) : ""));
  for (const lang of FOREIGN_LANGUAGES) {
    let hits = 0;
    let foreign = 0;
    for (let k = 0; k < rare.length; k++) {
      const hit = langs[k]!.includes(lang);
      if (hit) hits++;
      if (hit || rare[k]!.lower) foreign++;
    }
    if (hits >= 2 && hits * 4 >= n && foreign * 2 >= n) return true;
  }
  return false;
}

/**
 * Whether foreignLine counts a word as one English uses seldom or not at all: unknown (and no spelling
 * variant of a known word), or rarer than PARAMS.foreignStopwordLogP. A function of the text alone: the
 * engine memoises it per word.
 */
export function rareWord(ctx: LexiconContext, text: string): boolean {
  // (looked up before the NFC of foreignForm, as typed)
  let w = text.toLowerCase();
  if (w.includes("’")) w = w.replace(/’/g, "'");
  const id = ctx.lex.id(w);
  return id < 0 ? ctx.cand.variantId(w.replace(/'s$/, "")) < 0 : ctx.lex.logP(id) <= PARAMS.foreignStopwordLogP;
}

/** A rare word as foreignLine lists it: in lower case, with ' for ’, in NFC (the stop-word list is in NFC: a word typed with combining accents is composed first). */
function foreignForm(text: string): string {
  let w = text.toLowerCase();
  if (w.includes("’")) w = w.replace(/’/g, "'");
  return /[^\x00-\x7f]/.test(w) ? w.normalize("NFC") : w;
}

/**
 * Words of a list of names: three or more items in a row, separated by commas or "and", each of two to
 * four capitalised words (initials and name particles allowed: "Rahul K. Arora", "Francesco De Toni"), as in an author list
 * ("by Robert Washbourne, Rishi Iyer, Cristian Canton Ferrer, and Yu Bai"). The first item may end a longer
 * clause ("released by Robert Washbourne") and the last begin one. Such words are names, which no
 * dictionary lists in full: Cristian is not Christian there, nor Yu You (a known misspelling, Teh, is still
 * corrected: the engine checks). Returns their token indices.
 *
 * Cost: one pass over the tokens.
 */
export function nameLists(tokens: Token[]): Set<number> {
  const out = new Set<number>();
  // (three items need two separators, and two capitalised words each: most texts have fewer and cost one count)
  let separators = 0;
  let capitalised = 0;
  for (const t of tokens) {
    if ((t.kind === "punct" && (t.text === "," || t.text === ";")) || (t.kind === "word" && t.text === "and")) separators++;
    else if (t.kind === "word" && startsUpper(t.text)) capitalised++;
  }
  // (each item, whole segment or the name that ends the one before or begins the one after, has two words
  // with a capital of its own: six or more in all)
  if (separators < 2 || capitalised < 6) return out;
  return nameListsOf(tokens, out);
}

/**
 * nameLists past its count, in a function of its own: the first call of a function links all of its
 * bytecode, and most texts stop at the count (a one-liner's nameLists links less).
 */
function nameListsOf(tokens: Token[], out: Set<number>): Set<number> {
  const segs: NameSeg[] = [];
  let cur: number[] = [];
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    // "and" separates items too ("by Jianlin Su and Yu Lu and Shengfeng Pan"; after a comma it adds none)
    if (t?.kind === "word" && t.text === "and") {
      let solid = false;
      for (const k of cur) if (tokens[k]!.kind !== "space") solid = true;
      if (solid) segs.push(nameSegment(tokens, cur));
      cur = [];
      continue;
    }
    if (!t || (t.kind === "punct" && /^[,;]$/.test(t.text)) || (t.kind === "punct" && /^[.!?:()[\]]/.test(t.text) && !(t.text === "." && /^\p{Lu}$/u.test(tokens[i - 1]?.text ?? "")))) {
      segs.push(nameSegment(tokens, cur));
      // a sentence or bracket ends the list
      if (t && t.text !== "," && t.text !== ";") segs.push({ whole: null, head: null, tail: null });
      cur = [];
    } else cur.push(i);
  }
  for (let a = 0; a < segs.length; ) {
    if (!segs[a]!.whole) {
      a++;
      continue;
    }
    let b = a;
    while (b + 1 < segs.length && segs[b + 1]!.whole) b++;
    const before = a > 0 ? segs[a - 1]!.tail : null;
    const after = b + 1 < segs.length ? segs[b + 1]!.head : null;
    if (b - a + 1 + (before ? 1 : 0) + (after ? 1 : 0) >= 3) {
      for (let k = a; k <= b; k++) for (const w of segs[k]!.whole!) out.add(w);
      for (const w of before ?? []) out.add(w);
      for (const w of after ?? []) out.add(w);
    }
    a = b + 1;
  }
  return out;
}


/** A segment of nameLists between two separators. */
interface NameSeg {
  /** Name words of the whole segment when it is one name, else null. */
  whole: number[] | null;
  /** The name at its start, and the name at its end (two capitalised words or more), or null. */
  head: number[] | null;
  tail: number[] | null;
}

/**
 * What nameLists makes of one segment (token indices), in functions of the module rather than closures made
 * per line: a stream keeps these out of the FTL (src/runtime/jit.ts), whose compiler cost more than they ran.
 */
function nameSegment(tokens: Token[], seg: number[]): NameSeg {
  // the tokens that are not spaces, a leading "and" or "&" dropped
  let toks: number[] = [];
  for (const k of seg) if (tokens[k]!.kind !== "space") toks.push(k);
  if (toks.length && /^(?:and|&)$/.test(tokens[toks[0]!]!.text)) toks = toks.slice(1);
  let h = 0;
  while (h < toks.length && nameToken(tokens, toks, h)) h++;
  let t = toks.length;
  while (t > 0 && nameToken(tokens, toks, t - 1)) t--;
  const head = toks.slice(0, h);
  const tail = toks.slice(t);
  return { whole: h === toks.length && nameItem(tokens, head) ? wordTokens(tokens, head) : null, head: nameItem(tokens, head) ? wordTokens(tokens, head) : null, tail: nameItem(tokens, tail) ? wordTokens(tokens, tail) : null };
}

/** Whether toks[j] belongs to a name: a capitalised word or a particle, or the full stop of an initial. */
function nameToken(tokens: Token[], toks: number[], j: number): boolean {
  const t = tokens[toks[j]!]!;
  if (t.kind === "word") return /^\p{Lu}\p{Ll}*(?:-\p{Lu}\p{Ll}*)?$/u.test(t.text) || PARTICLES.has(t.text);
  // the full stop of an initial
  return t.text === "." && j > 0 && /^\p{Lu}$/u.test(tokens[toks[j - 1]!]!.text);
}

/** The word tokens among ks. */
function wordTokens(tokens: Token[], ks: number[]): number[] {
  const out: number[] = [];
  for (const k of ks) if (tokens[k]!.kind === "word") out.push(k);
  return out;
}

/** Whether the words among ks have two to four capitals of their own (an item of a list of names). */
function nameItem(tokens: Token[], ks: number[]): boolean {
  let capitals = 0;
  for (const k of wordTokens(tokens, ks)) if (startsUpper(tokens[k]!.text)) capitals++;
  return capitals >= 2 && capitals <= 4;
}

/**
 * Unknown words of a list of terms: three or more items in a row, separated by commas or semicolons, each
 * one token with no space inside ("(cc, rsvg-convert, ruby, python3, qemu, tmpfs, setpriv, chattr)"). An
 * unknown word there is a name, a tool or an identifier when two other items of the list are unknown words
 * or code (a number, a path, an identifier): a list of such terms names things, and one slip in it rarely
 * comes with two more. Returns their token indices.
 *
 * Cost: one pass over the tokens.
 */
export function termLists(ctx: LexiconContext, tokens: Token[]): Set<number> {
  const out = new Set<number>();
  let separators = 0;
  for (const t of tokens) if (t.kind === "punct" && (t.text === "," || t.text === ";")) separators++;
  if (separators < 2) return out;
  return termListsOf(ctx, tokens, out);
}

/** termLists past its count of separators (in a function of its own, as nameListsOf). */
function termListsOf(ctx: LexiconContext, tokens: Token[], out: Set<number>): Set<number> {
  // per item: its word tokens and whether it is odd (unknown or code); null for a segment that is no item
  const items: Array<TermItem | null> = [];
  let cur: number[] = [];
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    if (!t || (t.kind === "punct" && /^[,;]$/.test(t.text))) {
      items.push(termItem(ctx, tokens, cur));
      cur = [];
    } else if (t.kind === "punct" && !/^[-‐/'’]$/.test(t.text)) {
      // any other mark (a full stop, a bracket, a colon) ends the item and the list
      items.push(termItem(ctx, tokens, cur), null);
      cur = [];
    } else cur.push(i);
  }
  for (let a = 0; a < items.length; ) {
    let b = a;
    while (b < items.length && items[b]) b++;
    if (b - a >= 3) {
      let odd = 0;
      for (let k = a; k < b; k++) if (items[k]!.odd) odd++;
      for (let k = a; k < b; k++) if (items[k]!.unknown.length && odd - 1 >= 2) for (const w of items[k]!.unknown) out.add(w);
    }
    a = b + 1;
  }
  return out;
}

/** An item of termLists: its word tokens, its unknown word when it is one token, whether it is odd (unknown or code). */
interface TermItem {
  words: number[];
  unknown: number[];
  odd: boolean;
}

/**
 * What termLists makes of one segment (token indices), or null for one that is no item (a function of the
 * module with loops, not a closure with filter callbacks made per line: the shared builtin filter, called
 * with many callbacks, left its optimised code again and again).
 */
function termItem(ctx: LexiconContext, tokens: Token[], seg: number[]): TermItem | null {
  let toks: number[] = [];
  for (const k of seg) if (tokens[k]!.kind !== "space") toks.push(k);
  if (toks.length && /^(?:and|or)$/.test(tokens[toks[0]!]!.text)) toks = toks.slice(1);
  if (!toks.length) return null;
  // no space inside the item
  for (let k = toks[0]!; k <= toks[toks.length - 1]!; k++) if (tokens[k]!.kind === "space") return null;
  const words: number[] = [];
  for (const k of toks) if (tokens[k]!.kind === "word") words.push(k);
  const unknown: number[] = [];
  for (const k of words) if (ctx.lex.id(tokens[k]!.text.toLowerCase()) < 0 && !ctx.lex.corrections(tokens[k]!.text.toLowerCase()).length) unknown.push(k);
  let code = false;
  for (const k of toks) if (tokens[k]!.kind === "protected" && tokens[k]!.span !== "acronym") code = true;
  return { words, unknown: toks.length === 1 ? unknown : [], odd: code || (words.length > 0 && unknown.length === words.length) };
}

/**
 * Whether the line names two identifiers of code or more in lower camelCase (didOpen, codeAction, parseArgv)
 * that no slip of the shift key explains (strayCapital): a mark of technical writing like those of
 * src/text/technical.ts. One such word is no mark: the artificial dev set's slips leave one on 25 of its
 * 1,000 lines, two on none (nor on any realistic line).
 */
export function codeNames(ctx: LexiconContext, tokens: Token[]): boolean {
  let n = 0;
  for (const t of tokens) if (t.kind === "protected" && t.span === "identifier" && /^\p{Ll}{2,}\p{Lu}/u.test(t.text) && !strayCapital(ctx, t.text) && ++n >= 2) return true;
  return false;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [capsSlip, osa, rareWord, foreignLine, foreignForm, isHyphen, opensQuote, closesQuote, nameSegment, nameToken, wordTokens, nameItem, termItem, unknownName, fixedCompoundPart, coinedName, editable, userWord, editableWord, strayCapital, shiftTyped, slipOfShift, oneSubstitution, localNames, foreignQuotes, looksEnglish, unknownLower, nameLists, termLists, codeNames, nameListsOf, termListsOf, foreignStopwords, nearNames, foreignQuote]);
