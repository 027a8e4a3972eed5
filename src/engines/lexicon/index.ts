/**
 * The lexicon engine: a noisy-channel typo corrector that needs no download.
 *
 * For each run of words (between punctuation and protected spans) it builds a lattice of hypotheses:
 * every word as typed; known misspellings (the strongest evidence) and contractions typed without their
 * apostrophe; dictionary words within edit distance 2 of an unknown word (1 for a rare known word: the
 * candidates.ts searches); confusable real words (their/there/they're, to/too, …); two neighbouring words
 * joined ("sen tence"), re-spaced ("Thi sis"), a doubled word dropped ("the the"), "could of" → "could
 * have", or one word split ("ofthe"). No hypothesis adds or drops a negation between real words. Each
 * is scored by the error model (channel.ts, half learned from misspelling pairs) plus a bigram language
 * model with unigram back-off (Google Books counts via SymSpell's MIT data; a contraction scored as its
 * expansion; a sentence-end model for the last word), and a Viterbi pass picks the best sequence. Only
 * where it differs from the text is an edit made, with its confidence (the posterior against the best
 * reading that keeps those words); edits below FixOptions.minConfidence are dropped. The case shape
 * (restore.ts) and the surrounding punctuation of each word are kept.
 *
 * Cost: linear in the text; per unknown word one bounded trie walk (distance 2), per rare known word one
 * at distance 1, per known common word a trie lookup; one more Viterbi pass over a run per edit (its
 * confidence). Start-up: models/en/lexicon.bin (15 MB) memory-mapped as typed arrays, no parsing.
 * Measured by `bun run bench` (words/s, one-liner wall time, RSS).
 */
import { CONFIDENCE_LEVELS, type Edit, type EditKind, type Engine, type FixOptions, type FixResult } from "../../types.ts";
import { tokenize, type Token } from "../../text/tokenize.ts";
import { caseShape } from "../../text/case.ts";
import { applyEdits } from "../../text/edits.ts";
import { composeEdits } from "./compose.ts";
import { negates } from "../../text/negation.ts";
import { Lexicon } from "./lexicon.ts";
import { WORD_KEEP, WORD_LISTED, WORD_NAME, WORD_NAMELIKE } from "./format.ts";
import { Candidates } from "./candidates.ts";
import { PARAMS } from "./params.ts";
import { channelDistance, useErrorTables } from "./channel.ts";
import { CONFUSABLES } from "../../text/confusables.ts";
import { SENTENCE_END } from "../../text/lines.ts";
import { PROPER } from "./proper.ts";
import { restore } from "./restore.ts";
import { FUNCTION_WORDS, isInflection, LOANWORDS, MODALS, PARTICLES, PARTICLES_CLOSED, PREFIXES, RARE_SWAPS } from "./wordlists.ts";

export { PARAMS };
import { loadLexiconBytes } from "./data.ts";


/** Words on each side of an edit that its confidence is decided over. */
const CONFIDENCE_WINDOW = 3;

/** Contractions whose homophones are the classic real-word errors (it's/its, you're/your, they're/their). */
const HOMOPHONE_CONTRACTIONS = new Set(["it's", "you're", "they're"]);

/** Lexicon id used for names seen elsewhere in the same text. */
const LOCAL = -5;

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

interface Hyp {
  /** Output words in dictionary (lower-case) form, or the original text for kept unknown words. */
  out: string[];
  /** Lexicon ids of the output words, -1 for unknown. */
  ids: number[];
  /** ln P(typed | hyp). */
  channel: number;
  /** Number of input words covered (1 or 2). */
  span: 1 | 2;
  /** True when this hypothesis reproduces the input exactly. */
  keep: boolean;
  kind: EditKind;
  /** The ids the language model scores: `ids` with each contraction replaced by its two words (filled by viterbi). */
  seq?: number[];
}

/** A Viterbi state: the last output word id, the path's score, and how it was reached. */
interface State {
  last: number;
  score: number;
  prev: State | null;
  hyp: Hyp | null;
}

interface Slot {
  tok: Token;
  lower: string;
  /** Dictionary id of the word (or of its stem without a possessive 's). */
  id: number;
  /** Trailing possessive ("'s" / "’s") split off for lookup, re-attached on output. */
  suffix: string;
  stem: string;
  sentenceStart: boolean;
  /**
   * Whether a sentence begins here in a text whose writer capitalises sentences: "sure" after . ! ? or at
   * the start of a text that ends like a sentence, "maybe" at the start of another text.
   */
  capital: "sure" | "maybe" | false;
  /** Known only as the other (US/UK) spelling of a dictionary word: right as typed, never replaced. */
  viaVariant?: boolean;
  editable: boolean;
  /** Whitespace before the next slot in the run, if any. */
  gapAfter: string;
  /** Whether a word of the same run comes before this one. */
  afterWord: boolean;
  /** Names spelled otherwise elsewhere in the same text that this unknown word may be a typo of. */
  local?: string[];
}

let shared: LexiconEngine | undefined;

export class LexiconEngine implements Engine {
  readonly name = "lexicon";
  readonly lex: Lexicon;

  readonly cand: Candidates;

  constructor(bytes: Uint8Array) {
    this.lex = new Lexicon(bytes);
    this.cand = new Candidates(this.lex);
    useErrorTables(this.lex.data.errors);
  }

  /** The process-wide engine, loaded on first use from the embedded lexicon. */
  static shared(): LexiconEngine {
    return (shared ??= new LexiconEngine(loadLexiconBytes()));
  }

  isKnown(word: string): boolean {
    const w = word.toLowerCase().replace(/’/g, "'");
    if (this.lex.id(w) >= 0) return true;
    const m = /^(.+)'s$/.exec(w);
    return m ? this.lex.id(m[1]!) >= 0 : false;
  }

  frequency(word: string): number {
    const id = this.lex.id(word.toLowerCase());
    return id < 0 ? 0 : Math.exp(this.lex.logP(id));
  }

  async fix(text: string, options: FixOptions = {}): Promise<FixResult> {
    return this.fixSync(text, options);
  }

  /**
   * Correct `text`. A correction can make a word that itself looks like a typo of another ("kni" → "kin",
   * then "kin" → "in"), so the result is decoded again until it stops changing (at most three passes);
   * correcting twice then gives the same as correcting once.
   */
  fixSync(text: string, options: FixOptions = {}): FixResult {
    const first = this.pass(text, options);
    if (!first.edits.length) return { input: text, output: text, edits: [], engine: this.name };
    let output = first.output;
    let edits = first.edits;
    for (let k = 0; k < 2; k++) {
      const again = this.pass(output, options);
      if (!again.edits.length) break;
      // the edits of this round, composed with those before, as edits of the input
      edits = composeEdits(text, edits, output, again.edits);
      output = again.output;
    }
    return { input: text, output, edits, engine: this.name };
  }

  private pass(text: string, options: FixOptions): { output: string; edits: Edit[] } {
    const edits: Edit[] = [];
    const tokens = tokenize(text);
    const user = options.userWords;
    if (!this.looksEnglish(tokens)) return { output: text, edits };
    const local = this.localNames(tokens);
    const foreign = this.foreignQuotes(tokens);
    // Split the token stream into runs of words separated only by whitespace (no newline).
    let run: Slot[] = [];
    // a text that continues a sentence from the previous line (wrapped prose) does not begin one
    let sentenceStart = !options.continues;
    // whether the writer begins sentences with a capital: not if most sentence starts (two or more) are lower-case
    const starts = text.match(/(?:^|[.!?…]["”’')\]]*\s+)["“‘'(\[]*\p{L}/gu) ?? [];
    const lowerStarts = starts.filter((m) => /\p{Ll}$/u.test(m)).length;
    const capsStyle = lowerStarts < 2 || lowerStarts * 2 <= starts.length;
    let capital: Slot["capital"] = sentenceStart && (SENTENCE_END.test(text) ? "sure" : "maybe");
    // a text written in capitals: three words or more of two letters or more, most of them ALL-CAPS
    let words = 0;
    let caps = 0;
    for (const t of tokens)
      if ((t.kind === "word" || t.span === "acronym") && t.text.length >= 2) {
        words++;
        if (caseShape(t.text) === "upper") caps++;
      }
    const shouting = caps >= 3 && caps >= 0.6 * words;
    const flush = (i: number) => {
      if (run.length) this.decodeRun(run, edits, this.endsSentence(tokens, i));
      run = [];
    };
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.kind === "protected" && t.span === "identifier" && this.strayCapital(t.text)) t.kind = "word";
      // an ALL-CAPS word is checked where editable() says so (in text written in capitals, or a known misspelling)
      if (t.kind === "protected" && t.span === "acronym" && /^\p{Lu}+$/u.test(t.text) && this.editable(t.text, t.text.toLowerCase(), user, shouting)) t.kind = "word";
      if (t.kind === "word") {
        const lower = t.text.toLowerCase().replace(/’/g, "'");
        let id = this.lex.id(lower);
        let suffix = "";
        let stem = lower;
        if (id < 0) {
          const m = /^(.+)('s)$/.exec(lower);
          if (m) {
            stem = m[1]!;
            suffix = t.text.slice(-2);
            id = this.lex.id(stem);
          }
        }
        // a word the lists know only as a name (Abby, Xerox) is unknown in lower case
        if (id >= 0 && this.lex.flags(id) & WORD_NAME && !/^\p{Lu}/u.test(t.text)) id = -1;
        let viaVariant = false;
        // (a known misspelling is no spelling variant: quater is not quatre)
        if (id < 0 && !this.lex.corrections(stem).length) {
          id = this.cand.variantId(stem);
          // (a short word may match a rare variant by chance: "stor" ~ "stour")
          viaVariant = id >= 0 && stem.length >= 5;
          // a plural or third person of a known word (checksums, matchers): right as written, unless it is
          // a contraction without its apostrophe (theres, heres)
          if (id < 0 && this.cand.contraction(stem) < 0) {
            id = this.cand.inflectionId(stem);
            viaVariant = id >= 0;
          }
        }
        const next = tokens[i + 1];
        const gapAfter = next && next.kind === "space" && !/[\r\n]/.test(next.text) && tokens[i + 2]?.kind === "word" ? next.text : "";
        // a name particle before a capitalised word (von Bismarck, da Vinci) is part of the name
        const particle = PARTICLES.has(lower) && tokens[i + 1]?.kind === "space" && /^\p{Lu}/u.test(tokens[i + 2]?.text ?? "");
        run.push({
          tok: t,
          lower,
          id,
          suffix,
          stem,
          sentenceStart,
          capital: sentenceStart && capsStyle && capital,
          editable: !particle && !foreign.has(i) && !this.fixedCompoundPart(tokens, i) && local.get(t.text.replace(/['’]s$/, ""))?.length !== 0 && this.editable(t.text, lower, user, shouting),
          gapAfter,
          afterWord: run.length > 0,
          viaVariant,
          local: id < 0 ? local.get(t.text.replace(/['’]s$/, "")) : undefined,
        });
        sentenceStart = false;
        capital = false;
        if (!gapAfter) flush(i + 1);
        continue;
      }
      if (t.kind === "space") {
        if (/\n\s*\n/.test(t.text)) sentenceStart = true;
        continue;
      }
      flush(i);
      // a capital is certain after . ! ? (and quotes or brackets that open after them)
      capital = t.kind === "punct" && SENTENCE_END.test(t.text) ? "sure" : t.kind === "punct" && /^["“‘'(\[]+$/.test(t.text) ? capital : false;
      if (t.kind === "punct" && /[.!?…:;"“”]/.test(t.text)) sentenceStart = true;
      else if (t.kind === "punct" && /[(\["'‘’«]/.test(t.text)) {
        /* opening marks keep the sentence state */
      } else if (t.kind === "protected" || t.kind === "other" || t.kind === "punct") sentenceStart = false;
    }
    flush(tokens.length);
    // only the edits the caller's boldness allows
    const min = options.minConfidence ?? PARAMS.minConfidence;
    // at the default level, a swap within a confusable set (its/it's, to/too, where/were) changes a real
    // word for another: it needs the context to be surer than a spelling fix does (an explicit number or
    // another level applies to every edit alike)
    const swapMin = min === CONFIDENCE_LEVELS.default ? Math.max(min, PARAMS.confusableConfidence) : min;
    const kept = min > 0 ? edits.filter((e) => (e.confidence ?? 1) >= (e.kind === "confusable" ? swapMin : min)) : edits;
    kept.sort((a, b) => a.start - b.start);
    return { output: applyEdits(text, kept), edits: kept };
  }

  /**
   * Whether an unknown word is two dictionary words closed up (frontman, timeframe, uplinks, offseason):
   * parts of three letters or more (or a particle such as up/on/off/out before or after a longer part),
   * neither a function word, both common enough.
   */
  private isCompound(w: string): boolean {
    if (w.length < 6 || !/^[a-z]+$/.test(w)) return false;
    const pre = this.lex.prefixIds(w);
    for (let k = 2; k <= w.length - 2; k++) {
      const lid = pre[k]!;
      if (lid < 0) continue;
      const l = w.slice(0, k);
      const r = w.slice(k);
      const rid = this.lex.id(r);
      if (rid < 0 || FUNCTION_WORDS.has(l) || FUNCTION_WORDS.has(r)) continue;
      const ok = (p: string, other: string) => p.length >= 3 || (PARTICLES_CLOSED.has(p) && other.length >= 4);
      if (!ok(l, r) || !ok(r, l)) continue;
      if (this.lex.logP(lid) > -13 && this.lex.logP(rid) > -13) return true;
    }
    return false;
  }

  /**
   * A part of a hyphenated compound that is written so on purpose: a prefix (pre-, neo-, proto-, mis-), or a
   * short part of a compound name (Port-au-Prince, Zia-ul-Haq, Young-jin, ha-Pardes).
   */
  private fixedCompoundPart(tokens: Token[], i: number): boolean {
    const hyphen = (k: number) => tokens[k]?.kind === "punct" && (tokens[k]!.text === "-" || tokens[k]!.text === "‐");
    const left = hyphen(i - 1) && tokens[i - 2]?.kind === "word";
    const right = hyphen(i + 1) && tokens[i + 2]?.kind === "word";
    if (!left && !right) return false;
    const text = tokens[i]!.text;
    const lower = text.toLowerCase();
    if (right && !left && PREFIXES.has(lower)) return true;
    // the whole compound: neighbouring words joined by hyphens
    let a = i;
    while (hyphen(a - 1) && tokens[a - 2]?.kind === "word") a -= 2;
    let b = i;
    while (hyphen(b + 1) && tokens[b + 2]?.kind === "word") b += 2;
    let capitalised = false;
    for (let k = a; k <= b; k += 2) if (k !== i && /^\p{Lu}/u.test(tokens[k]!.text)) capitalised = true;
    return capitalised && lower.length <= 4 && (lower.length <= 3 || this.lex.id(lower) < 0);
  }

  private editable(text: string, lower: string, user?: ReadonlySet<string>, shouting = false): boolean {
    // the user's words, also with a possessive (citty's, Kubernetes')
    if (user && (user.has(text) || user.has(lower) || user.has(text.replace(/['’]s?$/, "")) || user.has(lower.replace(/['’]s?$/, "")))) return false;
    if (text.length > 40) return false;
    // a word ending in a run of capitals is a name with an acronym (RedeTV, BlueFRITZ, UeBB)
    if (/\p{Ll}\p{Lu}{2,}$/u.test(text)) return false;
    // English loanwords written with their accents are right as they are
    if (LOANWORDS.has(lower)) return false;
    // O'Sullivan, d'Agriculture, l'Orient: a prefix and apostrophe before a capital is a name
    if (/['’]\p{Lu}/u.test(text)) return false;
    // capitalised words with accents are names (São, Université, Íris)
    if (/^\p{Lu}/u.test(text) && /[^\x00-\x7f]/.test(text)) return false;
    // an acronym run on a word (ECMAScript, HTTPServer, ARTery) is written so on purpose; a shift key
    // held one letter too long ("THe") is not
    if (/^\p{Lu}{3,}\p{Ll}/u.test(text)) return false;
    // an ALL-CAPS word in text written in capitals is checked like any other; elsewhere it is an acronym,
    // unless it is a known misspelling (RECIEVE). Short ones (NPM, TEH) are acronyms either way.
    // Mixed case reaches here only as a stray capital (see strayCapital).
    if (caseShape(text) === "upper") return text.length >= 4 && (shouting || (this.lex.id(lower) < 0 && this.lex.corrections(lower).length === 1));
    return true;
  }

  /**
   * A mixed-case word is left alone when it is a known name in another case (eBay, JavaScript, iPhone,
   * McDonald: the dictionary has them in lower case) or a CamelCase identifier (two or more parts of three
   * or more letters that are words: getValue, setTimeout). Otherwise the capital is a slip of the shift key
   * inside a word ("gaFve", "proLincial", "tBe") and the word is corrected like any other.
   */
  private strayCapital(text: string): boolean {
    if (!/^\p{L}+$/u.test(text)) return false;
    if (this.lex.id(text.toLowerCase()) >= 0) {
      // a known word with one capital that no brand or identifier has: at its end ("thE", "foR",
      // "followEd"), or before a tail that is no word ("aRmy", "whIle"; but eBay, iPhone, getValue); one
      // letter then a capital is how units and prefixes are written (pH, dB, kW, mA), not a slip
      if (/^\p{Ll}{2,}\p{Lu}$/u.test(text)) return true;
      const m = /^(\p{Ll}+)(\p{Lu}\p{Ll}+)$/u.exec(text);
      return !!m && this.lex.id(m[2]!.toLowerCase()) < 0;
    }
    // brands: i or e before a capitalised word (iPads, iPhones, eBay, eBooks), or two capitalised words run
    // together (LightOn, YouTube); a slip of the shift key rarely makes two words
    // (and camelCase of two words, toString, fieldId, is an identifier)
    const brand = /^([ie]|\p{Lu}\p{Ll}+|\p{Ll}{2,})(\p{Lu}\p{Ll}+)$/u.exec(text);
    const known = (w: string) => this.lex.id(w.toLowerCase()) >= 0 || this.lex.id(w.toLowerCase().replace(/s$/, "")) >= 0;
    if (brand && (brand[1]!.length === 1 || known(brand[1]!)) && known(brand[2]!)) return false;
    // names: McNair, MacLeod, DiNardo, DeAngelo, LaToya, VanDyke, FitzGerald, O'Neill-like forms
    if (/^(?:Mc|Mac|Di|De|Da|Du|La|Le|Van|Von|Fitz|St)\p{Lu}\p{Ll}/u.test(text)) return false;
    // a capital run then lower case (ARTery, PhD, IPv) is emphasis or an abbreviation
    if (/^\p{Lu}{2,}\p{Ll}/u.test(text) || /^\p{Lu}\p{Ll}\p{Lu}$/u.test(text)) return false;
    // PascalCase of two capitalised parts (TikTok, DavEx) is a name unless dropping the inner capital
    // gives a word ("WeIstern" → "Western")
    if (/^\p{Lu}\p{Ll}+\p{Lu}\p{Ll}+$/u.test(text)) {
      const lower = text.toLowerCase();
      const without = text[0] + text.slice(1).replace(/\p{Lu}/gu, "");
      // …or the inner capital took the place of a letter ("JustTce" → Justice, "EasteHn" → Eastern)
      const k = text.slice(1).search(/\p{Lu}/u) + 1;
      const replaced = [..."abcdefghijklmnopqrstuvwxyz"].some((c) => this.lex.id(lower.slice(0, k) + c + lower.slice(k + 1)) >= 0);
      if (this.lex.id(without.toLowerCase()) < 0 && !replaced) return false;
    }
    const parts = text.split(/(?=\p{Lu})/u).filter((p) => p.length >= 3);
    return !(parts.length >= 2 && parts.every((p) => this.lex.id(p.toLowerCase()) >= 0));
  }

  /**
   * Names used in this text: unknown capitalised words of five letters or more. A name that occurs once
   * and is one edit (two, from seven letters) from a name the same text uses several times is likely a
   * typo of it ("Melhcers" beside two "Melchers"). Returns, per such word, the names it may stand for.
   */
  private localNames(tokens: Token[]): Map<string, string[]> {
    const counts = new Map<string, number>();
    for (const t of tokens)
      if (t.kind === "word" && t.text.length >= 5 && caseShape(t.text) === "title") {
        const base = t.text.replace(/['’]s$/, "");
        if (this.lex.id(base.toLowerCase()) < 0) counts.set(base, (counts.get(base) ?? 0) + 1);
      }
    const out = new Map<string, string[]>();
    for (const [w, n] of counts) {
      // a name the text repeats is a name: never "corrected"
      if (n > 1) {
        out.set(w, []);
        continue;
      }
      const max = w.length >= 7 ? 2 : 1;
      // only toward a name the text uses more than once: of two names seen once each, neither is evidence
      const near = [...counts.keys()].filter((o) => o !== w && counts.get(o)! > 1 && Math.abs(o.length - w.length) <= max && osa(o.toLowerCase(), w.toLowerCase(), max) <= max);
      if (near.length) out.set(w, near);
    }
    return out;
  }

  /**
   * Word tokens inside a quotation that is in another language (a title: "Gesetz über die Verpflichtung
   * zum Kriegsdienst", "Libellus de optimo ordine"): three or more words, most of them unknown, two or
   * more of those not within one edit of a dictionary word. They are
   * left alone like a foreign line (looksEnglish); an English quotation has few unknown words, even with
   * typos in it.
   */
  private foreignQuotes(tokens: Token[]): Set<number> {
    const out = new Set<number>();
    const open = (t: Token) => t.kind === "punct" && /^["“„«]$/.test(t.text);
    const close = (t: Token) => t.kind === "punct" && /["”“»]/.test(t.text);
    for (let i = 0; i < tokens.length; i++) {
      if (!open(tokens[i]!)) continue;
      const words: number[] = [];
      let j = i + 1;
      for (; j < tokens.length && !close(tokens[j]!); j++) if (tokens[j]!.kind === "word") words.push(j);
      if (j >= tokens.length) break;
      const long = words.filter((k) => tokens[k]!.text.length >= 2);
      const unknown = long
        .map((k) => tokens[k]!.text.toLowerCase().replace(/’/g, "'").replace(/'s$/, ""))
        .filter((w) => this.lex.id(w) < 0 && this.cand.variantId(w) < 0);
      // …two of them or more not one slip away from any dictionary word ("veryy", "nothin" are typos)
      if (long.length >= 3 && unknown.length / long.length >= PARAMS.foreignQuoteShare && unknown.filter((w) => !this.cand.nearest(w, 1).length).length >= 2)
        for (const k of words) out.add(k);
      i = j;
    }
    return out;
  }

  /**
   * Text in another language would be "corrected" word by word into English nonsense. When most of a
   * line's lower-case words (four or more) are unknown, it is left alone.
   */
  private looksEnglish(tokens: Token[]): boolean {
    let n = 0;
    let unknown = 0;
    for (const t of tokens) {
      if (t.kind !== "word" || t.text.length < 2 || caseShape(t.text) !== "lower") continue;
      n++;
      const w = t.text.replace(/’/g, "'");
      if (this.lex.id(w) < 0 && this.cand.variantId(w.replace(/'s$/, "")) < 0) unknown++;
    }
    return n < 4 || unknown / n <= PARAMS.maxForeignShare;
  }

  /** Unigram-or-bigram ln P(id | prev). */
  private lm(prev: number, id: number, unknownLength = 0): number {
    const lex = this.lex;
    // long unknown words are rarely valid words we lack: words are sparse in edit space as they grow
    // (a lone letter is a letter, a variable, an initial: far likelier than an unknown word)
    const uni =
      id >= 0 ? lex.logP(id) : id === LOCAL ? PARAMS.logPLocalName : unknownLength === 1 ? PARAMS.logPLetter : PARAMS.logPUnknown - PARAMS.unknownPerChar * Math.max(0, unknownLength - 5);
    if (prev < 0 || id < 0) return uni + Math.log(1 - PARAMS.bigramWeight);
    const bi = lex.bigram(prev, id);
    const w = PARAMS.bigramWeight;
    if (Number.isNaN(bi)) return uni + Math.log(1 - w);
    return Math.log(w * Math.exp(bi) + (1 - w) * Math.exp(uni));
  }

  private singleHyps(s: Slot): Hyp[] {
    const keep: Hyp = { out: [s.tok.text], ids: [s.id], channel: 0, span: 1, keep: true, kind: "spelling" };
    // an unknown closed compound of two content words (frontman, timeframe, offseason) is probably right
    // (not a known misspelling: "lonley" is no lon + ley)
    if (s.id < 0 && s.editable && this.isCompound(s.stem) && !this.lex.corrections(s.stem).length) keep.channel = PARAMS.compoundKeep;
    const hyps: Hyp[] = [keep];
    if (!s.editable) return hyps;
    const shape = caseShape(s.tok.text);
    if (shape === "mixed") {
      // a stray capital is itself evidence of a slip: keeping it costs, lower-casing it is cheap
      keep.channel = -PARAMS.strayCapitalCost;
      if (s.id >= 0) hyps.push({ out: [s.lower], ids: [s.id], channel: -1, span: 1, keep: false, kind: "case" });
    }
    const isName = shape === "title" && !s.sentenceStart;
    // a capitalised unknown word at the start of a sentence may still be a name
    const startName = shape === "title" && s.sentenceStart && s.id < 0;
    const word = s.stem;
    const lex = this.lex;
    // single letters (initials, list markers, variables) and abbreviations (km, pH, Mr) are never changed
    // (shorthand, units and short technical words: models/en/src/keep.txt)
    if (s.id >= 0 && lex.flags(s.id) & WORD_KEEP) return hyps;
    // a lone lower-case letter other than a word (a, I) is usually a mangled short word ("t accompany")
    const lone = word.length < 2;
    if (lone && (word === "a" || word === "i" || shape !== "lower")) return hyps;
    const P = PARAMS;
    // long capitalised words are less often unknown names than short ones ("Msueum" vs "Daly")
    const nameBase = Math.max(P.nameCostMin, P.nameCost - P.nameCostPerChar * Math.max(0, word.length - 5));
    const nameCost = isName ? nameBase : startName ? nameBase * P.startNameShare : 0;
    const seen = new Set<number>([s.id]);
    const add = (id: number, channel: number, kind: EditKind) => {
      if (seen.has(id)) return;
      seen.add(id);
      hyps.push({ out: [lex.word(id) + s.suffix.toLowerCase()], ids: [id], channel, span: 1, keep: false, kind });
    };
    if (lone) {
      // only between two words of the same run (not "McCarthy's", "2 m"), for a common word, with strong
      // context and an extra cost
      if (!s.afterWord || !s.gapAfter) return hyps;
      for (const h of this.cand.nearestCommon(word)) if (lex.word(h.id).length > 1) add(h.id, -(P.loneLetterCost + h.cost), "spelling");
      return hyps;
    }
    if (shape === "mixed") {
      // the stray capital was typed in addition to the word: "gaFve" → "gave", "prisoneDrs" → "prisoners"
      // (one capital: removing several letters is not one slip — "BlueFRITZ", "RedeTV" are names)
      const without = s.tok.text.slice(0, 1) + s.tok.text.slice(1).replace(/\p{Lu}/gu, "");
      const id = lex.id(without.toLowerCase());
      if (id >= 0 && without.length >= 2 && without.length === s.tok.text.length - 1) add(id, -(P.typoCost + P.editCost * 0.5), "spelling");
    }
    if (s.id >= 0) {
      // a real word: confusables, and near neighbours of rare words
      // (a contraction is scored as its expansion: the bigram model judges it's/its through "it is")
      for (const alt of CONFUSABLES.get(word) ?? []) {
        const id = lex.id(alt);
        const extra = RARE_SWAPS.has(word) || RARE_SWAPS.has(alt) ? P.rareSwapCost : 0;
        // a contraction and its homophone are confused most of all (its/it's, your/you're, their/they're);
        // other contractions of the sets (we're, who's) only on stronger evidence than the bigrams give
        const contracted = word.includes("'") || alt.includes("'");
        if (contracted && !HOMOPHONE_CONTRACTIONS.has(word) && !HOMOPHONE_CONTRACTIONS.has(alt)) continue;
        const cost = contracted ? P.contractionSwapCost : P.confusableCost;
        if (id >= 0) add(id, -(cost + extra + nameCost), "confusable");
      }
      // a rare word that is a common contraction without its apostrophe (hes, shes, wont)
      const c = lex.logP(s.id) < P.rareKnownLogP ? this.cand.contraction(word) : -1;
      if (c >= 0 && lex.logP(c) > lex.logP(s.id)) add(c, -(P.typoCost + nameCost), "spelling");
      // a word known only from the lists that the misspelling lists know better (quater)
      const fixes = lex.flags(s.id) & WORD_LISTED && word.length >= 4 ? lex.corrections(word) : [];
      if (fixes.length === 1) add(fixes[0]!, -(P.misspellingCost + P.listedCost + nameCost), "spelling");
      // a word right in the other spelling (favor, favorably) is not a real-word error
      if (word.length >= 2 && !isName && !word.includes("'") && !s.viaVariant) {
        // real-word errors: rare words may stand for any neighbour, common words only for common ones
        const rare = lex.logP(s.id) < P.rareKnownLogP;
        // a word of the lists without a count (tmux, linter) is right: only strong context may change it
        const cost = (rare ? P.rareRealWordCost : P.realWordCost) + (lex.flags(s.id) & WORD_LISTED ? P.listedCost : 0);
        const other = this.cand.variantId(word);
        // (a real word is replaced only by a frequent one: a rare neighbour never earns the real-word cost)
        for (const h of rare ? this.cand.nearest(word, 1, true) : this.cand.nearestCommon(word)) {
          // a different form of the same word (plural, tense) is grammar, not a typo
          if (h.id === other || this.cand.variantId(lex.word(h.id)) === s.id) continue; // favor ↔ favour
          const inflection = isInflection(word, lex.word(h.id)) ? P.inflectionCost : 0;
          add(h.id, -(cost + h.cost + inflection), "spelling");
        }
      }
    } else {
      // a contraction typed without its apostrophe (dont, theyre, Im): nothing else explains the word
      const c = this.cand.contraction(word);
      if (c >= 0) {
        add(c, 0, "spelling");
        return hyps;
      }
      // a known misspelling (seperate, wierd): the strongest evidence there is, when the lists agree on one
      // word for it; a short or ambiguous one (fo: of, for, do, go, to) is only a candidate like any other
      const fixes = lex.corrections(word);
      for (const id of fixes) {
        const sure = fixes.length === 1 && word.length >= 4;
        const channel = sure ? P.misspellingCost : P.typoCost + P.editCost * channelDistance(lex.word(id), word);
        add(id, -(channel + (PROPER.has(lex.word(id)) ? nameCost * P.properShare : nameCost)), "spelling");
      }
      // unknown: a typo of a name used elsewhere in this text, of a dictionary word, or a valid word we do not know
      for (const name of s.local ?? [])
        hyps.push({ out: [name + s.suffix], ids: [LOCAL], channel: -(P.typoCost + P.editCost * channelDistance(name.toLowerCase(), word)), span: 1, keep: false, kind: "spelling" });
      // a second edit on a probable name costs more than any dictionary word could win back
      const maxDist = word.length <= 3 || isName ? 1 : 2;
      for (const h of this.cand.nearest(word, maxDist)) {
        // two swapped letters in a long capitalised word ("Cihnese", "Msueum") are a slip, not another name
        const swap = nameCost && word.length >= 6 && h.cost <= P.typoCost + P.editCost * 0.55 + 1e-9;
        // a capitalised word near a word English always capitalises (Chiness → Chinese) is no unknown name
        const proper = nameCost && PROPER.has(lex.word(h.id));
        // …but an unknown name is not a typo of another name (Alexandre, Zheng, Christoph are not Alexander,
        // Zhang, Christophe): names vary more than words do
        if (isName && !proper && lex.flags(h.id) & WORD_NAMELIKE) continue;
        add(h.id, -(h.cost + (swap ? nameCost * P.nameSwapShare : proper ? nameCost * P.properShare : nameCost)), "spelling");
      }
    }
    return hyps;
  }

  /** Hypotheses covering two words a, b separated by whitespace: join, or move the space. */
  private pairHyps(a: Slot, b: Slot): Hyp[] {
    const out: Hyp[] = [];
    if (!a.editable || !b.editable || a.suffix) return out;
    // a contraction without its apostrophe is explained: no respacing around it ("theyre late")
    if ((a.id < 0 && this.cand.contraction(a.stem) >= 0) || (b.id < 0 && this.cand.contraction(b.stem) >= 0)) return out;
    const lex = this.lex;
    const P = PARAMS;
    // a word typed twice ("the the"), where the corpus rarely doubles it: P(a | a) well below P(a)
    // ("had had", "very very", "bye bye" are doubled on purpose, and their bigram says so)
    if (a.lower === b.lower && a.id >= 0 && !b.suffix && lex.bigram(a.id, a.id) - lex.logP(a.id) < P.doubledLift)
      out.push({ out: [a.lower], ids: [a.id], channel: -P.doubledCost, span: 2, keep: false, kind: "other" });
    // could/should/would of → have: "of" after a modal verb is "have" said fast
    if (b.lower === "of" && MODALS.has(a.lower) && a.id >= 0) {
      const have = lex.id("have");
      out.push({ out: [a.lower, "have"], ids: [a.id, have], channel: -P.confusableCost, span: 2, keep: false, kind: "confusable" });
    }
    const joined = a.lower + b.stem;
    const isName = caseShape(a.tok.text) === "title" && !a.sentenceStart;
    const nameCost = isName ? P.nameCost : 0;
    // splitting a word in two and moving a space between two real words are real-word changes
    const bothKnown = a.id >= 0 && b.id >= 0;
    const realCost = bothKnown ? P.realWordCost : 0;
    // moving a space next to a single letter (an initial, a symbol) is never free
    const respaceReal = bothKnown || a.stem.length === 1 || b.stem.length === 1 ? P.realWordCost : 0;
    const jid = lex.id(joined);
    // a lone letter joins its neighbour ("bee n" → "been") unless it is a word itself (a, I)
    const loneOk = (w: string) => w.length >= 2 || (w !== "a" && w !== "i");
    if (jid >= 0 && joined.length >= 4 && loneOk(a.lower) && loneOk(b.stem)) {
      // a lone letter may be a letter in its own right ("letter s", "vitamin b"): joining it costs more
      const loneCost = a.lower.length === 1 || b.stem.length === 1 ? 2 * P.realWordCost : 0;
      out.push({ out: [joined + b.suffix.toLowerCase()], ids: [jid], channel: -(P.joinCost + nameCost + realCost + loneCost), span: 2, keep: false, kind: "join" });
    }
    // move the space: "thi sis" → "this is"
    const pre = lex.prefixIds(joined);
    for (let k = Math.max(1, a.lower.length - 2); k < joined.length && k <= a.lower.length + 2; k++) {
      if (k === a.lower.length) continue;
      const lid = pre[k]!;
      if (lid < 0) continue;
      const l = joined.slice(0, k);
      const r = joined.slice(k);
      const rid = lex.id(r);
      if (rid < 0) continue;
      if ((l.length === 1 && l !== "a" && l !== "i") || (r.length === 1 && r !== "a" && r !== "i")) continue;
      out.push({ out: [l, r + b.suffix.toLowerCase()], ids: [lid, rid], channel: -(P.respaceCost + nameCost + respaceReal), span: 2, keep: false, kind: "respace" });
    }
    return out;
  }

  /** Split an unknown word into two dictionary words: "ofthe" → "of the". */
  private splitHyps(s: Slot): Hyp[] {
    const out: Hyp[] = [];
    if (!s.editable || s.id >= 0 || s.stem.length < 4 || this.cand.contraction(s.stem) >= 0) return out;
    if (caseShape(s.tok.text) === "title" && !s.sentenceStart) return out;
    const lex = this.lex;
    const w = s.stem;
    const pre = lex.prefixIds(w);
    for (let k = 1; k < w.length; k++) {
      const lid = pre[k]!;
      if (lid < 0) continue;
      const l = w.slice(0, k);
      const r = w.slice(k);
      if ((l.length === 1 && l !== "a" && l !== "i") || (r.length === 1 && r !== "a" && r !== "i")) continue;
      const rid = lex.id(r);
      if (rid < 0) continue;
      // two long parts are more often a valid compound we lack (frontman, timeframe) than a run-on
      const compound = l.length >= 4 && r.length >= 4 ? PARAMS.compoundCost : 0;
      out.push({ out: [l, r + s.suffix.toLowerCase()], ids: [lid, rid], channel: -(PARAMS.splitCost + compound), span: 1, keep: false, kind: "split" });
    }
    return out;
  }

  /**
   * Decode one run of words, memoised on the run's text: prose repeats its phrases, and the fixed-point
   * pass of fixSync re-reads every unchanged run of a corrected line.
   */
  private decodeRun(run: Slot[], edits: Edit[], ends: boolean): void {
    if (!run.some((s) => s.editable)) return;
    const base = run[0]!.tok.start;
    let key = ends ? "." : "";
    for (const s of run) key += (s.capital ? `^${s.capital}` : s.sentenceStart ? "^" : "") + (s.editable ? "" : "!") + s.tok.text + (s.local ? `{${s.local.join("|")}}` : "") + s.gapAfter + "\u0000";
    let found = this.runCache.get(key);
    if (!found) {
      const fresh: Edit[] = [];
      this.decodeRunUncached(run, fresh, ends);
      found = fresh.map((e) => ({ ...e, start: e.start - base, end: e.end - base }));
      if (this.runCache.size >= 25_000) this.runCache.clear();
      this.runCache.set(key, found);
    }
    for (const e of found) edits.push({ ...e, start: e.start + base, end: e.end + base });
  }

  private readonly runCache = new Map<string, Edit[]>();

  /** Forget memoised searches and runs (benchmarks measure cold calls on repeated text). */
  clearCaches(): void {
    this.runCache.clear();
    this.cand.clear();
  }

  /** Whether the sentence ends after a run that stops before token i: . ! ? next, or the end of the text. */
  private endsSentence(tokens: Token[], i: number): boolean {
    while (i < tokens.length && tokens[i]!.kind === "space" && !/\n/.test(tokens[i]!.text)) i++;
    return i >= tokens.length || /\n/.test(tokens[i]!.text) || (tokens[i]!.kind === "punct" && /^[.!?…]/.test(tokens[i]!.text));
  }

  private decodeRunUncached(run: Slot[], edits: Edit[], ends = false): void {
    const n = run.length;
    // hypotheses starting at each position
    const from: Hyp[][] = run.map((s, i) => {
      const hs = this.singleHyps(s);
      hs.push(...this.splitHyps(s));
      if (i + 1 < n && run[i]!.gapAfter === " ") hs.push(...this.pairHyps(s, run[i + 1]!));
      return hs;
    });
    // a hypothesis never adds or drops a negation between real words (doesnt → does, know → no)
    const neg = run.map((s) => (negates(s.tok.text) ? 1 : 0));
    for (let i = 0; i < n; i++) {
      const hs = from[i]!;
      for (let k = hs.length - 1; k >= 1; k--) {
        const h = hs[k]!;
        const before = neg[i]! + (h.span === 2 ? neg[i + 1]! : 0);
        let after = 0;
        for (const w of h.out) if (negates(w)) after++;
        // (an unknown word may become one: "nto" → "not")
        if (before !== after && !(after > before && run[i]!.id < 0 && (h.span === 1 || run[i + 1]!.id < 0))) hs.splice(k, 1);
      }
    }
    if (from.every((hs) => hs.length === 1)) return;
    const best = this.viterbi(run, from, ends);
    // walk back and emit edits
    const chosen: Array<{ hyp: Hyp; at: number }> = [];
    let pos = n;
    for (let st: State | null = best; st && st.hyp; st = st.prev) {
      pos -= st.hyp.span;
      chosen.push({ hyp: st.hyp, at: pos });
    }
    for (const { hyp, at } of chosen) {
      if (hyp.keep) continue;
      const first = run[at]!;
      const last = run[at + hyp.span - 1]!;
      const start = first.tok.start;
      const end = last.tok.end;
      const to = this.render(hyp, run.slice(at, at + hyp.span));
      const typed = first.tok.text + (hyp.span === 2 ? first.gapAfter + last.tok.text : "");
      if (to === typed) continue;
      // confidence: the posterior odds of this change against the best reading that keeps these words,
      // exp(score difference), as a probability; both readings decoded over a window of CONFIDENCE_WINDOW
      // words on each side (a bigram model's evidence is local, and a long run stays linear)
      const lo = Math.max(0, at - CONFIDENCE_WINDOW);
      const hi = Math.min(n, at + hyp.span + CONFIDENCE_WINDOW);
      const inside = (hs: Hyp[], i: number) => hs.filter((h) => i + h.span <= hi);
      const free = from.slice(lo, hi).map((hs, k) => inside(hs, lo + k));
      const kept = free.map((hs, k) => {
        const i = lo + k;
        return i >= at && i < at + hyp.span ? hs.filter((h) => h.keep) : i < at ? hs.filter((h) => i + h.span <= at) : hs;
      });
      const window = run.slice(lo, hi);
      const a = this.viterbi(window, free, ends && hi === n);
      const b = this.viterbi(window, kept, ends && hi === n);
      const margin = a && b ? a.score - b.score : 30;
      edits.push({ start, end, from: typed, to, kind: hyp.kind, confidence: Math.round(1e4 / (1 + Math.exp(-margin))) / 1e4 });
    }
  }

  /** Best path through the hypotheses (state = last output word id), or null if none. */
  private viterbi(run: Slot[], from: Hyp[][], ends: boolean): State | null {
    const n = run.length;
    const states: Map<number, State>[] = Array.from({ length: n + 1 }, () => new Map());
    states[0]!.set(-2, { last: -1, score: 0, prev: null, hyp: null });
    // a contraction in context is its expansion: P(they | prev) · P(are | they); "are" is the next word's context
    for (const hs of from)
      for (const h of hs)
        h.seq ??= h.ids.flatMap((id) => (id >= 0 ? this.cand.expansion(id) ?? [id] : [id]));
    for (let i = 0; i < n; i++) {
      const keepLen = run[i]!.stem.length;
      for (const st of states[i]!.values()) {
        for (const h of from[i]!) {
          let score = st.score + h.channel;
          let prev = st.last;
          for (const id of h.seq!) {
            score += this.lm(prev, id, h.keep ? keepLen : 0);
            prev = id;
          }
          const j = i + h.span;
          // unknown kept words: distinguish states by position so they do not collide
          const key = prev >= 0 ? prev : -3 - i;
          const cur = states[j]!.get(key);
          if (!cur || score > cur.score) states[j]!.set(key, { last: prev, score, prev: st, hyp: h });
        }
      }
    }
    let best: State | null = null;
    for (const st of states[n]!.values()) {
      // how much likelier the last word is to end a sentence than words in general ("too." against "to.")
      const score = ends && st.last >= 0 ? st.score + PARAMS.endWeight * this.lex.data.endLogRatio[st.last]! : st.score;
      if (!best || score > best.score) best = { ...st, score };
    }
    return best;
  }

  /** The replacement text with the case shape of the words it replaces. */
  private render(hyp: Hyp, slots: Slot[]): string {
    const a = slots[0]!;
    if (hyp.out.length === 1) return restore(a.tok.text, hyp.out[0]!, a);
    const b = slots[slots.length - 1]!;
    const likeSecond = slots.length === 2 ? b.tok.text : caseShape(a.tok.text) === "upper" ? a.tok.text : hyp.out[1]!;
    return restore(a.tok.text, hyp.out[0]!, a) + " " + restore(likeSecond, hyp.out[1]!);
  }
}
