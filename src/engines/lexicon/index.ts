/**
 * The lexicon engine: a noisy-channel typo corrector that needs no download.
 *
 * For each run of words (between punctuation and protected spans) it builds a lattice of hypotheses:
 * every word as typed; known misspellings (the strongest evidence) and contractions typed without their
 * apostrophe; dictionary words within edit distance 2 of an unknown word (1 for a rare known word: the
 * candidates.ts searches); confusable real words (their/there/they're, to/too, …); two neighbouring words
 * joined ("sen tence"), re-spaced ("Thi sis"), a doubled word dropped ("the the"), "could of" → "could
 * have", or one word split ("ofthe"). No hypothesis adds or drops a negation between real words. Each
 * is scored by the error model (channel.ts, half learned from misspelling pairs, with substring edits
 * such as ie → ei learned from them for unknown words) plus a bigram language
 * model with unigram back-off (Google Books counts via SymSpell's MIT data; a contraction scored as its
 * expansion; a sentence-end model for the last word), and a Viterbi pass picks the best sequence. Only
 * where it differs from the text is an edit made, with its confidence (the posterior against the best
 * reading that keeps those words); edits below FixOptions.minConfidence are dropped. The case shape
 * (restore.ts) and the surrounding punctuation of each word are kept.
 *
 * This file tokenises the text, builds the runs of words (their dictionary ids, sentence starts, what is
 * editable) and keeps the confidence threshold; the rules of what is left alone are in rules.ts, the
 * hypotheses in hypotheses.ts, the Viterbi search and the edits with their confidences in search.ts.
 *
 * Cost: linear in the text; per unknown word one bounded trie walk (distance 2), per known word a trie
 * lookup and a read of its real-word neighbours from the file; one more Viterbi pass over a run per edit
 * (its confidence). Start-up: models/en/lexicon.bin (29 MB) memory-mapped as typed arrays, no parsing.
 * Measured by `bun run bench` (words/s, one-liner wall time, RSS).
 */
import { CONFIDENCE_LEVELS, type Edit, type Engine, type FixOptions, type FixResult } from "../../types.ts";
import { tokenize, type Token } from "../../text/tokenize.ts";
import { lowerLetters, pattern, startsLower, startsUpper, withoutPossessive } from "../../text/ascii.ts";
import { caseShape } from "../../text/case.ts";
import { applyEdits, shiftEdits } from "../../text/edits.ts";
import { composeEdits } from "./compose.ts";
import { Lexicon } from "./lexicon.ts";
import { WORD_COMMON, WORD_KEEP, WORD_LISTED, WORD_NAME, WORD_PERSON } from "./format.ts";
import { Candidates } from "./candidates.ts";
import { PARAMS } from "./params.ts";
import { useErrorTables } from "./channel.ts";
import { hasSentenceMark, SENTENCE_END } from "../../text/lines.ts";
import { PARTICLES } from "./wordlists.ts";
import { runOnOfFunctionWord, type Slot } from "./hypotheses.ts";
import { codeNames, editable, editableWord, fixedCompoundPart, foreignLine, foreignQuotes, localNames, looksEnglish, nameLists, prefixedName, rareWord, strayCapital, termLists, unknownLower as unknownLowerWord, unknownName, userWord } from "./rules.ts";
import { technicalLine } from "../../text/technical.ts";
import { clearSearchMemos, decodeRunUncached } from "./search.ts";

export { PARAMS };
import { loadLexiconBytes } from "./data.ts";
import { hotPath } from "../../runtime/jit.ts";


let shared: LexiconEngine | undefined;

/** The lower-case words (a possessive counts as the word) that occur twice or more among the tokens, added to `given` (the document's). */
function repeatedWords(tokens: Token[], given: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  const seen = new Set<string>();
  let out: Set<string> | undefined;
  for (const t of tokens) {
    if (t.kind !== "word" || !/^[a-z]/.test(t.text)) continue;
    const w = withoutPossessive(t.text);
    if (!seen.has(w)) seen.add(w);
    else if (!given?.has(w)) (out ??= new Set(given)).add(w);
  }
  return out ?? given;
}

/** A word written before an abbreviation's full stop: a capitalised one of up to four letters (Corp, Mr, St) or one with a stop inside (U.S, e.g). */
const ABBREVIATION = /^(?:\p{Lu}\p{L}{0,3}|\S*\p{L}\.\p{L}\S*)$/u;
/** The memo of a run that needs no edit (shared, never changed). */
const NO_EDITS: Edit[] = [];
/**
 * Least lift, ln P(w | i) - ln P(w), of the word after a lone "i" for it to be the pronoun (pronounI). The
 * pronoun's verbs lie above (think 2.7, will 0.2, said 0.2), the words after a letter or a variable below
 * (is -2.7, in -3.3, and -3.9, of -5.3).
 */
const PRONOUN_LIFT = -1;
/** Confidence of "i'm" → "I'm" and the like, which nothing else could mean. */
const PRONOUN_CONFIDENCE = 0.97;

/**
 * The memo key of a run (LexiconEngine.decodeRun): whether the sentence ends after it and whether it is
 * the whole text, one character per slot for its sentence start and capital, whether it may be edited and
 * whether it ends a compound, then the run's text as written (its words and the spaces between them: no
 * word has a space inside, so the text splits back into the slots). A run with names of the text that a
 * word may stand for spells each slot out instead, with those names.
 */
function runKey(text: string, run: Slot[], ends: boolean, marked: boolean): string {
  let key = (ends ? (marked ? "," : ".") : "") + (run[0]!.alone ? "=" : "");
  let local = false;
  for (const s of run) {
    if (s.local) local = true;
    const start = s.capital === "sure" ? 1 : s.capital === "maybe" ? 2 : s.sentenceStart ? 3 : 0;
    key += String.fromCharCode(65 + start * 4 + (s.editable ? 0 : 2) + (s.compoundEnd ? 1 : 0));
  }
  if (!local) return key + "\u0000" + text.slice(run[0]!.tok.start, run[run.length - 1]!.tok.end);
  key = "\u0001" + key;
  for (const s of run) key += s.tok.text + (s.local ? `{${s.local.join("|")}}` : "") + s.gapAfter + "\u0000";
  return key;
}

/** The markers of a list item and of a quotation in Markdown and plain text, and of a comment in shell, Python, YAML or TOML (a Markdown heading is a sentence too). */
const LINE_MARKERS = "-*+•>#";

/**
 * Whether token i is a list item's or a quotation's marker (- * + • >) at the start of a line, with a space
 * after it: the words after it begin the line's text as if it were not there, a sentence's first word
 * among them ("- Suports plain text": a capitalised word in mid-sentence is taken for a name and kept).
 */
function lineMarker(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  if (t.text.length !== 1 || !LINE_MARKERS.includes(t.text)) return false;
  const after = tokens[i + 1];
  if (!after || after.kind !== "space" || after.text.includes("\n")) return false;
  const before = tokens[i - 1];
  return !before || (before.kind === "space" && (i === 1 || before.text.includes("\n")));
}

/** A number written in digits alone (5, 1,000, 3.5), not 5pm, 5th or v3.5. */
function plainNumber(t: Token | undefined): boolean {
  if (!t || t.kind !== "protected" || t.span !== "number") return false;
  const x = t.text;
  for (let k = 0; k < x.length; k++) {
    const c = x.charCodeAt(k);
    // digits, and a comma or full stop between two digits
    if ((c < 48 || c > 57) && !((c === 44 || c === 46) && k > 0 && k < x.length - 1)) return false;
  }
  return true;
}

/**
 * The language models' word for a number in digits: the trigram model of confusables (confusable-lm.ts) was
 * trained on transcribed speech, where numbers are words ("at five", "in ten minutes", "more than five").
 */
const NUMBER_WORD = "five";

/**
 * A number between two words of a sentence, or after the last, as a slot of the run: never edited, unknown
 * to the bigram model (its score is the same after every word: it decides nothing there), and NUMBER_WORD to
 * the trigram model, whose window then reaches past it: "I'll be their in 5 mins" is "there", "Its 5 o'clock"
 * "It's". (Before, a number ended the run, and a confusable just before it had no right context.)
 */
function numberSlot(t: Token, tokens: Token[], i: number, alone: boolean): Slot {
  return { tok: t, lower: NUMBER_WORD, id: -1, suffix: "", stem: NUMBER_WORD, sentenceStart: false, capital: false, editable: false, gapAfter: runGap(tokens, i, false), afterWord: false, alone, number: true };
}

/**
 * The whitespace after token i where the run goes on past it (a Slot's gapAfter): a space without a line
 * break, then a word, or with `toNumber` a number in digits (numberSlot); "" where the run ends at i.
 * (string tests where a regular expression would only look for a character: each expression a one-liner
 * runs is compiled first)
 */
function runGap(tokens: Token[], i: number, toNumber: boolean): string {
  const next = tokens[i + 1];
  if (!next || next.kind !== "space" || next.text.includes("\n") || next.text.includes("\r")) return "";
  const after = tokens[i + 2];
  return after?.kind === "word" || (toNumber && plainNumber(after)) ? next.text : "";
}

/** What pass() knows of a word from its text alone (LexiconEngine.wordInfo). */
interface WordInfo {
  lower: string;
  id: number;
  suffix: string;
  stem: string;
  viaVariant: boolean;
  /** editableWord() of the word, not shouting. */
  editable: boolean;
  /** In lower case and unknown to looksEnglish (rules.ts unknownLower). */
  unknownLower: boolean;
  /**
   * What the rules ask of some words only, found when first asked: RARE_KNOWN set once rules.ts rareWord
   * (for foreignLine) is known, RARE its answer; NAME_KNOWN and NAME the same for unknownName (localNames).
   */
  lazy: number;
}

/** Bits of WordInfo.lazy. */
const RARE_KNOWN = 1;
const RARE = 2;
const NAME_KNOWN = 4;
const NAME = 8;

/** Word texts whose WordInfo is kept (172,762 words of prose have ~16,000 distinct word tokens). */
const WORD_MEMO_MAX = 20_000;

/** Marks that join code and markup to a word, not prose: a short unknown word against one is code (codeToken). */
const CODE_MARKS = ":[]*-_/\\|{}<>=@#$~^+&`";
/** Whether `c` (one UTF-16 unit, or "") is one of CODE_MARKS. */
export const codeMark = (c: string) => c.length === 1 && CODE_MARKS.includes(c);

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
    const first = this.pass(text, options, true);
    if (!first.edits.length) return { input: text, output: text, edits: [], engine: this.name };
    let output = first.output;
    let edits = first.edits;
    for (let k = 0; k < 2; k++) {
      const again = this.pass(output, options, false);
      if (!again.edits.length) break;
      // the edits of this round, composed with those before, as edits of the input
      edits = composeEdits(text, edits, output, again.edits);
      output = again.output;
    }
    return { input: text, output, edits, engine: this.name };
  }

  /** One decoding of `text`; `first`: the text as given (a corrected one is in English: its language is not judged again). */
  private pass(text: string, options: FixOptions, first: boolean): { output: string; edits: Edit[] } {
    const edits: Edit[] = [];
    const tokens = tokenize(text);
    const user = options.userWords;
    // (what the rules and the loop below need of each word token, looked up once: infos[i] of tokens[i])
    const infos: Array<WordInfo | undefined> = [];
    for (const t of tokens) infos.push(t.kind === "word" ? this.wordInfo(t.text) : undefined);
    if (!looksEnglish(this, tokens, (_, i) => infos[i]!.unknownLower) || (first && foreignLine(this, tokens, (_, i) => this.rareWord(infos[i]!, tokens[i]!.text)))) return { output: text, edits };
    const local = localNames(this, tokens, (_, i) => this.unknownName(infos[i]!, tokens[i]!.text));
    const foreign = foreignQuotes(this, tokens);
    const names = nameLists(tokens);
    for (const k of termLists(this, tokens)) names.add(k);
    // Split the token stream into runs of words separated only by whitespace (no newline).
    let run: Slot[] = [];
    // a text that continues a sentence from the previous line (wrapped prose) does not begin one
    let sentenceStart = !options.continues;
    // (a text without . ! ? or … has one sentence start at most, its own, so it shows no writer who begins
    // sentences in lower case, and it ends none: neither expression runs on it, hasSentenceMark)
    const marked = hasSentenceMark(text);
    const capsStyle = !marked || this.capitalStarts(text);
    let capital: Slot["capital"] = sentenceStart && (marked && SENTENCE_END.test(text) ? "sure" : "maybe");
    // a text written in capitals: three words or more of two letters or more, most of them ALL-CAPS
    let words = 0;
    let caps = 0;
    // (and the tokens that are not spaces, counted in the same pass)
    let solid = 0;
    for (const t of tokens) {
      if (t.kind !== "space") solid++;
      // (span asked of a protected token only: a token's span is a string there, undefined on the others)
      if ((t.kind === "word" || (t.kind === "protected" && t.span === "acronym")) && t.text.length >= 2) {
        words++;
        if (caseShape(t.text) === "upper") caps++;
      }
    }
    const shouting = caps >= 3 && caps >= 0.6 * words;
    // technical text (src/text/technical.ts: code spans, file names, flags, arrows on the line, or the
    // caller's word for the whole document; or two camelCase names of code, rules.ts codeNames): there a
    // short unknown word of two or three lower-case letters is left alone unless the misspelling lists know it (teh); and so, in a technical document, is a lower-case
    // word that recurs in it, unknown or rare (citty, ane: a word of code repeats, a slip rarely does), or
    // within the line itself when the line is technical (but for an unknown word that is a contraction
    // without its apostrophe, dont or isnt: people drop apostrophes again and again)
    const technical = options.technical || technicalLine(text, tokens) || codeNames(this, tokens);
    const recurring = technical ? repeatedWords(tokens, options.technical ? options.recurring : undefined) : undefined;
    // a text that is one word and nothing else (`typofix lonley`): a word asked about, not a word of prose
    const alone = solid === 1;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.kind === "protected" && this.checkedProtected(t, technical, user, shouting)) t.kind = "word";
      if (run.length && run[run.length - 1]!.gapAfter && plainNumber(t)) {
        run.push(numberSlot(t, tokens, i, alone));
        if (!run[run.length - 1]!.gapAfter) {
          this.flush(text, tokens, run, edits, i + 1);
          run = [];
        }
        continue;
      }
      if (t.kind === "word") {
        // (a protected token made a word above has no info yet)
        const w = infos[i] ?? this.wordInfo(t.text);
        const { lower, id, suffix, stem, viaVariant } = w;
        // (a number in the sentence goes on the run as a slot of its own, numberSlot: "be their in 5 mins")
        const gapAfter = runGap(tokens, i, true);
        // a name particle before a capitalised word (von Bismarck, da Vinci) is part of the name
        const particle = PARTICLES.has(lower) && tokens[i + 1]?.kind === "space" && startsUpper(tokens[i + 2]?.text ?? "");
        run.push({
          tok: t,
          lower,
          id,
          suffix,
          stem,
          sentenceStart,
          // (a lone word keeps its own case: "rember" is "remember", not "Member")
          capital: !alone && sentenceStart && capsStyle && capital,
          // (what technical text keeps, in a method of its own: technicalKeeps)
          editable: !particle && !foreign.has(i) && !(names.has(i) && !this.lex.corrections(stem).length) && !(technical && this.technicalKeeps(t.text, id, lower, stem, recurring)) && !fixedCompoundPart(this, tokens, i) && (!local.size || local.get(withoutPossessive(t.text))?.length !== 0) && (shouting ? editable(this, t.text, lower, user, true) : !userWord(t.text, lower, user) && w.editable),
          gapAfter,
          numberAfter: gapAfter !== "" && plainNumber(tokens[i + 2]),
          afterWord: run.length > 0 && !run[run.length - 1]!.number,
          alone,
          viaVariant,
          // (most texts have no names of their own: no look-up then)
          local: id < 0 && local.size ? local.get(withoutPossessive(t.text)) : undefined,
          // (no negative index: the optimising JIT takes one for a miss and left pass's code for it)
          compoundEnd: i >= 2 && (tokens[i - 1]!.text === "-" || tokens[i - 1]!.text === "‐") && tokens[i - 2]!.kind === "word",
        });
        sentenceStart = false;
        capital = false;
        if (!gapAfter) {
          this.flush(text, tokens, run, edits, i + 1);
          run = [];
        }
        continue;
      }
      if (t.kind === "space") {
        if (t.text.includes("\n") && /\n\s*\n/.test(t.text)) sentenceStart = true;
        continue;
      }
      // (a list item's or a quotation's marker leaves the line's start as it was: "- Suports plain text")
      if (lineMarker(tokens, i)) continue;
      this.flush(text, tokens, run, edits, i);
      run = [];
      // a capital is certain after . ! ? (and quotes or brackets that open after them)
      capital = t.kind === "punct" && SENTENCE_END.test(t.text) ? "sure" : t.kind === "punct" && /^["“‘'(\[]+$/.test(t.text) ? capital : false;
      // (the full stop of an initial, "Quoc V. Le", "John F. Kennedy", begins no sentence: a name goes on)
      const initial = t.text === "." && i >= 2 && tokens[i - 1]!.kind === "word" && /^\p{Lu}$/u.test(tokens[i - 1]!.text) && tokens[i - 2]!.kind === "space";
      if (initial) capital = false;
      else if (t.kind === "punct" && /[.!?…:;"“”]/.test(t.text)) sentenceStart = true;
      else if (t.kind === "punct" && /[(\["'‘’«]/.test(t.text)) {
        /* opening marks keep the sentence state */
      } else if (t.kind === "protected" || t.kind === "other" || t.kind === "punct") sentenceStart = false;
    }
    this.flush(text, tokens, run, edits, tokens.length);
    // (a writer who begins sentences in lower case writes so on purpose, and the pronoun too: capsStyle)
    if (!technical && capsStyle) this.pronounI(tokens, edits);
    // only the edits the caller's boldness allows
    const min = options.minConfidence ?? PARAMS.minConfidence;
    // at the default level, a swap within a confusable set (its/it's, to/too, where/were) changes a real
    // word for another: it needs the context to be surer than a spelling fix does (an explicit number or
    // another level applies to every edit alike)
    const swapMin = min === CONFIDENCE_LEVELS.default ? Math.max(min, PARAMS.confusableConfidence) : min;
    // (a loop, not filter: a one-liner runs this in the interpreter, where a builtin's first call compiles it)
    let kept = edits;
    if (min > 0) {
      kept = [];
      for (const e of edits) if ((e.confidence ?? 1) >= (e.kind === "confusable" || (swapMin > min && this.modernRealWord(e)) ? swapMin : min)) kept.push(e);
    }
    kept.sort((a, b) => a.start - b.start);
    return { output: applyEdits(text, kept), edits: kept };
  }

  /**
   * Whether an edit replaces a word of today's English that the books count rarely (SCOWL's common sizes,
   * four letters or more, below settledLogP: lent, borne, paces, cooped, stooped) with another word: as a
   * confusable swap, it needs the surer context at the default level, for the bigrams barely know such a
   * word's pairs ("the book you lent me" was "let me" at 0.67; the novel's "borne into", "a few paces",
   * "cooped up", "I had stooped" were changed at 0.6-0.8).
   */
  private modernRealWord(e: Edit): boolean {
    if (e.kind !== "spelling" || e.from.includes(" ") || e.to.includes(" ")) return false;
    const w = e.from.toLowerCase();
    // (its apostrophe put back, wont → won't, is judged by the trigram model with the words' odds: search.ts)
    if (e.to.toLowerCase().replace("'", "") === w) return false;
    const id = this.lex.id(w);
    return w.length >= 4 && id >= 0 && (this.lex.flags(id) & WORD_COMMON) !== 0 && this.lex.logP(id) <= PARAMS.settledLogP;
  }

  /**
   * Whether the writer of `text` begins sentences with a capital (pass): not if two or more sentence starts are
   * lower-case and so are most of those that are dictionary words, or most of all when none is (a misspelt word at
   * a sentence start may have lost its capital in the same slip: on the realistic dev set, judging by all starts
   * cost 0.003 of reduction in lost capitals).
   */
  private capitalStarts(text: string): boolean {
    let starts = 0;
    let lowerStarts = 0;
    let known = 0;
    let knownLower = 0;
    // (the full stop of an abbreviation, "Metals Corp. for", "the U.S. army", ends no sentence: the word after
    // it says nothing of the writer's capitals)
    // (exec in a loop, not matchAll: its iterator's builtins cost a one-liner's interpreted start-up more; every
    // match takes a letter, so none is empty)
    const starter = pattern("sentenceStart", text);
    starter.lastIndex = 0;
    for (let m = starter.exec(text); m; m = starter.exec(text)) {
      if (m.index > 0 && ABBREVIATION.test(/\S*$/.exec(text.slice(Math.max(0, m.index - 16), m.index))![0])) continue;
      const w = m[1]!;
      const lower = startsLower(w);
      starts++;
      if (lower) lowerStarts++;
      const wl = w.toLowerCase();
      if (this.lex.id(wl.includes("’") ? wl.replace(/’/g, "'") : wl) < 0) continue;
      known++;
      if (lower) knownLower++;
    }
    return lowerStarts < 2 || (known ? knownLower * 2 <= known : lowerStarts * 2 <= starts);
  }

  /**
   * Whether pass checks a protected token as a word (in a method of its own: most texts have none): an
   * identifier with a stray capital, or an ALL-CAPS word where editable() says so (in text written in
   * capitals, or a known misspelling).
   */
  private checkedProtected(t: Token, technical: boolean, user: FixOptions["userWords"], shouting: boolean): boolean {
    if (t.span === "identifier") return strayCapital(this, t.text, technical);
    return t.span === "acronym" && /^\p{Lu}+$/u.test(t.text) && editable(this, t.text, t.text.toLowerCase(), user, shouting);
  }

  /**
   * Whether technical text keeps a word as written (pass, for its slot's `editable`; only asked where the
   * text is technical, out of pass's body: a one-liner's first call of pass links less bytecode).
   */
  private technicalKeeps(text: string, id: number, lower: string, stem: string, recurring: ReadonlySet<string> | undefined): boolean {
    return Boolean(
      // (a contraction typed without its apostrophe, unknown or rare, is none of these: im, ive, hes, wont)
      ((id < 0 || this.lex.logP(id) < PARAMS.rareKnownLogP) && /^[a-z]{2,3}$/.test(text) && !this.lex.corrections(lower).length && this.cand.contraction(lower) < 0) ||
      (recurring?.has(stem) && /^[a-z]/.test(text) && (id < 0 || this.lex.logP(id) < PARAMS.rareKnownLogP) && !this.lex.corrections(stem).length && this.cand.contraction(stem) < 0 && !this.habitualTypo(stem)) ||
      (recurring && /^[A-Z][a-z]+$/.test(text) && recurring.has(text) && (id < 0 || this.lex.logP(id) < PARAMS.rareKnownLogP) && !this.lex.corrections(stem).length && !this.habitualTypo(stem)) ||
      prefixedName(this, text, lower) ||
      this.listedTerm(id, stem)
    );
  }

  /** Decode a run of words that ends before token i (pass): its code tokens made not editable first. */
  private flush(text: string, tokens: Token[], run: Slot[], edits: Edit[], i: number): void {
    for (let k = 0; k < run.length; k += run.length - 1 || 1) if (this.codeToken(text, run, k)) run[k]!.editable = false;
    if (run.length) {
      const ends = this.endsSentence(tokens, i);
      this.decodeRun(text, run, edits, ends, ends && this.endsAtMark(tokens, i));
    }
  }

  /**
   * The pronoun I typed in lower case ("i think so", "yes i'm in", "i've seen it"): English always writes it
   * with a capital. A lone "i" is taken for the pronoun only where a word follows it on the line that the
   * bigram model finds after "i" at least about as often as anywhere (PRONOUN_LIFT: i think, i can, i will;
   * not "for i in", "element i of", where "i" is a letter or a variable); "i'm", "i'll", "i've", "i'd" are
   * the pronoun whatever follows. Not in technical text, nor from a writer who begins sentences in lower
   * case (the caller skips both), not a word an edit already covers, nor one joined to a hyphen or bracket
   * ("i-th", "(i)").
   */
  private pronounI(tokens: Token[], edits: Edit[]): void {
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind !== "word" || t.text[0] !== "i" || (t.text.length > 1 && t.text[1] !== "'" && t.text[1] !== "’")) continue;
      this.pronounAt(tokens, k, edits);
    }
  }

  /** pronounI at tokens[k], an "i" or "i'…" word (in a method of its own: most texts have none, and the first call of a function links all of its bytecode). */
  private pronounAt(tokens: Token[], k: number, edits: Edit[]): void {
    const t = tokens[k]!;
    const contraction = t.text.length > 1;
    if (contraction && !/^i['’](?:m|ll|ve|d)$/.test(t.text)) return;
    const before = tokens[k - 1];
    if (before && before.kind !== "space" && !/^["“‘]$/.test(before.text)) return;
    const gap = tokens[k + 1];
    const next = tokens[k + 2];
    let confidence = PRONOUN_CONFIDENCE;
    if (!contraction) {
      if (!gap || gap.kind !== "space" || gap.text.includes("\n") || !next || next.kind !== "word") return;
      // (a contraction after it is judged by its first word: "i can't" by "i can")
      const w = this.wordInfo(next.text);
      const id = w.id >= 0 ? (this.cand.expansion(w.id)?.[0] ?? w.id) : -1;
      const i = this.lex.id("i");
      const pair = id >= 0 && i >= 0 ? this.lex.bigram(i, id) : NaN;
      if (Number.isNaN(pair)) return;
      const lift = pair - this.lex.logP(id);
      if (lift < PRONOUN_LIFT) return;
      confidence = Math.round(1e4 / (1 + Math.exp(-(lift - PRONOUN_LIFT + 2)))) / 1e4;
    }
    if (edits.some((e) => e.start < t.end && e.end > t.start)) return;
    edits.push({ start: t.start, end: t.end, from: t.text, to: "I" + t.text.slice(1), kind: "case", confidence });
  }

  /**
   * What pass() needs to know of a word token that depends on its text alone: its lower case, dictionary
   * id (of the word, or of its stem without a possessive 's; or of the word it is a spelling variant or
   * regular inflection of), and whether editableWord() allows it outside text written in capitals.
   * Memoised per text: prose repeats its words, and each costs several trie look-ups. (Full, the memo keeps
   * what it has, as search.ts's memo of a word's hypotheses does.)
   */
  private wordInfo(text: string): WordInfo {
    let w = this.words.get(text);
    if (w) return w;
    // (the replace only where there is a ’: a one-liner then compiles no expression for it)
    let lower = text.toLowerCase();
    if (lower.includes("’")) lower = lower.replace(/’/g, "'");
    let id = this.lex.id(lower);
    let suffix = "";
    let stem = lower;
    if (id < 0) {
      // (the expression only for a word that ends in 's: a one-liner's unknown words compile none)
      const m = lower.endsWith("'s") ? /^(.+)('s)$/.exec(lower) : null;
      if (m) {
        stem = m[1]!;
        suffix = text.slice(-2);
        id = this.lex.id(stem);
      }
    }
    // a word the lists know only as a name (Abby, Xerox) is unknown in lower case
    if (id >= 0 && this.lex.flags(id) & WORD_NAME && !startsUpper(text)) id = -1;
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
        // (and the plural of a word of the technical lists, never changed: wasms, gpus)
        if (id < 0 && stem.endsWith("s") && /^[a-z]{3,}s$/.test(stem)) {
          const base = this.lex.id(stem.slice(0, -1));
          if (base >= 0 && this.lex.flags(base) & WORD_KEEP) id = base;
        }
        viaVariant = id >= 0;
      }
    }
    // (looksEnglish asks of a word in lower case only)
    const unknownLower = caseShape(text) === "lower" && unknownLowerWord(this, text);
    w = { lower, id, suffix, stem, viaVariant, editable: editableWord(this, text, lower, false), unknownLower, lazy: 0 };
    if (this.words.size < WORD_MEMO_MAX) this.words.set(text, w);
    return w;
  }

  private readonly words = new Map<string, WordInfo>();

  /**
   * Whether a word that recurs in a technical document is a typo its writer makes by habit rather than a
   * name of code (technicalKeeps): a set phrase run together, a function word then a word the bigrams show
   * e⁴ (55) times likelier after it than anywhere (alot, aswell, eachother, everytime: 4.2–5.5; the names of
   * code isempty 4.0, foreach 3.4, todo 2.8 are words of the lists), or, of five letters or more, two
   * letters of a common word swapped (udpate). A slip of a name of code rarely repeats; these do.
   */
  private habitualTypo(w: string): boolean {
    if (runOnOfFunctionWord(this.lex, w, PARAMS.habitualRunOnLift, 1)) return true;
    if (w.length < 5 || !/^[a-z]+$/.test(w)) return false;
    for (let k = 0; k + 1 < w.length; k++) {
      if (w[k] === w[k + 1]) continue;
      const id = this.lex.id(w.slice(0, k) + w[k + 1] + w[k] + w.slice(k + 2));
      if (id >= 0 && this.lex.logP(id) > PARAMS.settledLogP) return true;
    }
    return false;
  }

  /**
   * Whether a word of technical text is one the lists know without a count (nats) or know only as a
   * name and it is typed in lower case (nushell, npm's package names): a name of code or a tool, written as
   * its users write it, and never a misspelling the lists record. In prose such a word may still be a
   * slip for a frequent neighbour; in technical text the lists are the evidence (`id`: the word's id as
   * wordInfo gives it, -1 for a name typed in lower case).
   */
  private listedTerm(id: number, stem: string): boolean {
    const raw = id >= 0 ? id : this.lex.id(stem);
    // (not a word of five letters or more known only as a person's name: in lower case "moring", "houde" are
    // slips, not code; a shorter one may be a tool's name the lists lack, roff)
    return raw >= 0 && (this.lex.flags(raw) & (WORD_LISTED | WORD_NAME)) !== 0 && ((this.lex.flags(raw) & WORD_PERSON) === 0 || stem.length < 5) && !this.lex.corrections(stem).length;
  }

  /** rules.ts rareWord of a word (its WordInfo w), memoised there (foreignLine asks it of every word of a line of five or more). */
  private rareWord(w: WordInfo, text: string): boolean {
    if (!(w.lazy & RARE_KNOWN)) w.lazy |= RARE_KNOWN | (rareWord(this, text) ? RARE : 0);
    return (w.lazy & RARE) !== 0;
  }

  /** rules.ts unknownName of a word (its WordInfo w), memoised there (localNames asks it of every capitalised word of five letters or more). */
  private unknownName(w: WordInfo, text: string): boolean {
    if (!(w.lazy & NAME_KNOWN)) w.lazy |= NAME_KNOWN | (unknownName(this, text) ? NAME : 0);
    return (w.lazy & NAME) !== 0;
  }

  /**
   * Decode one run of words, memoised on the run's text: prose repeats its phrases, and the fixed-point
   * pass of fixSync re-reads every unchanged run of a corrected line.
   */
  private decodeRun(text: string, run: Slot[], edits: Edit[], ends: boolean, marked: boolean): void {
    let any = false;
    for (let k = 0; k < run.length && !any; k++) any = run[k]!.editable;
    if (!any) return;
    const base = run[0]!.tok.start;
    const key = runKey(text, run, ends, marked);
    let found = this.runCache.get(key);
    if (!found) {
      const fresh: Edit[] = [];
      decodeRunUncached(this, run, fresh, ends, marked);
      // (most runs need no edit: they share one empty array)
      found = fresh.length ? shiftEdits(fresh, -base) : NO_EDITS;
      if (this.runCache.size >= 10_000) this.runCache.clear();
      this.runCache.set(key, found);
    }
    if (found.length) edits.push(...shiftEdits(found, base));
  }

  private readonly runCache = new Map<string, Edit[]>();

  /**
   * Whether the word at i (the first or last of its run) is a short unknown word written against a mark
   * of code or markup on its outer side (`fn:`, `[bb]`, `**lt**`, `bun:ffi`, `es-shim`, `&lt;`, `| aom |`): an
   * identifier, flag or name more often than a typo, and the bigram model has context for it on one side
   * at most; it is kept (made not editable). So is one joined by a full stop to a word (`fc.context`, a
   * dotted name). Prose punctuation otherwise (. , ; ( ) quotes) does not count, nor a number or acronym beside it ("dn 1945" is still "In 1945"); a
   * known misspelling ("teh:") is still corrected. (A text of the word alone has no mark: it is judged
   * as a word.)
   */
  private codeToken(text: string, run: Slot[], i: number): boolean {
    const s = run[i]!;
    // (nor a contraction typed without its apostrophe: "# dont retry on 4xx" is a comment, not a heading's name)
    if (s.id >= 0 || s.stem.length > PARAMS.loneShortMax + PARAMS.enclosedExtra || !lowerLetters(s.tok.text) || this.lex.corrections(s.stem).length || this.cand.contraction(s.stem) >= 0) return false;
    // (a table cell's bar counts across the cell's padding: "| aom |")
    // (each expression only where the text has the character it needs: a one-liner compiles none of them)
    const left40 = text.slice(Math.max(0, s.tok.start - 40), s.tok.start);
    const before = left40.includes("|") && /\|[ \t]*$/.test(left40) ? "|" : text[s.tok.start - 1] ?? "";
    // (and an optional field's ?: in a signature: "le?: boolean")
    const right40 = text.slice(s.tok.end, s.tok.end + 40);
    const after = (right40.includes("|") || right40.startsWith("?:")) && /^(?:[ \t]*\||\?:)/.test(right40) ? "|" : text[s.tok.end] ?? "";
    // a lower-case word that begins a Markdown heading is a name (# gopd, # 🌆 citty: a package's README
    // title); a heading of prose begins with a capital
    const lineStart = text.lastIndexOf("\n", s.tok.start - 1) + 1;
    const head = i === 0 ? text.slice(lineStart, s.tok.start) : "";
    if (head.includes("#") && /^[ \t]*#{1,6}[ \t]+(?:[^\p{L}\p{N}\s]+[ \t]+)?$/u.test(head)) return true;
    // (a full stop inside a dotted name counts: fc.context, obj.fn)
    const left = i === 0 && (codeMark(before) || (before === "." && /\p{L}/u.test(text[s.tok.start - 2] ?? "")));
    const right = i === run.length - 1 && (codeMark(after) || (after === "." && /\p{Ll}/u.test(text[s.tok.end + 1] ?? "")));
    // a longer one only between two marks, alone (`**rotr**(`, `| pango |`, `<b>volrk</b>`)
    return s.stem.length <= PARAMS.loneShortMax ? left || right : left && right;
  }

  /** Forget memoised searches and runs (benchmarks measure cold calls on repeated text). */
  clearCaches(): void {
    this.runCache.clear();
    this.words.clear();
    this.cand.clear();
    clearSearchMemos(this);
  }

  /**
   * Whether the sentence (or a clause) ends after a run that stops before token i: . ! ? next, a clause's
   * ; : , or a bracket, closing or opening an aside ("alone too)", "CPU time too:", "hold too (then",
   * "Your welcome, happy to help"), or the end of the text. (A comma counts: the trigram model of
   * confusables, trained on speech without punctuation, then reads its sentence end, and the last word's
   * clause-end odds apply: "in a pew, of the change" is no longer made "new".)
   */
  private endsSentence(tokens: Token[], i: number): boolean {
    while (i < tokens.length && tokens[i]!.kind === "space" && !tokens[i]!.text.includes("\n")) i++;
    return i >= tokens.length || tokens[i]!.text.includes("\n") || (tokens[i]!.kind === "punct" && /^[.!?…;:(),\]]/.test(tokens[i]!.text));
  }

  /** Whether a punctuation mark (not the end of a line or of the text) ends the clause after a run that stops before token i (endsSentence). */
  private endsAtMark(tokens: Token[], i: number): boolean {
    while (i < tokens.length && tokens[i]!.kind === "space" && !tokens[i]!.text.includes("\n")) i++;
    return i < tokens.length && tokens[i]!.kind === "punct";
  }
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [repeatedWords, runKey, lineMarker, plainNumber, numberSlot, runGap, LexiconEngine.prototype]);
