/**
 * The guard: what an LLM proposes reaches the user only if it looks like a typo fix.
 *
 * An LLM may answer the text instead of correcting it, rewrite its style, drop a clause, follow an
 * instruction hidden in the text, truncate, or loop. The guard aligns the model's output with the input
 * word by word (src/text/edits.ts) and accepts an edit only when it is typo-shaped:
 *   - a misspelling: small Damerau-Levenshtein distance relative to the word, same surrounding
 *     punctuation, and the new word is known (lexicon) or the user's;
 *   - a whitespace split / join / moved space whose letters are unchanged, into known words;
 *   - a known confusable pair (their/there, to/too, …; the list in src/text/confusables.ts,
 *     shared with the lexicon engine and the corruption module);
 *   - a real word replaced by another real word only as a confusable, a plain letter swap (form → from) or
 *     where the lexicon's context model makes the same fix; never a negation added or removed (not → now);
 *   - a case or punctuation change only next to an accepted fix.
 * Everything else is rejected with a reason; where an edit is rejected, the lexicon engine's own fixes
 * for that stretch are used instead. Protected spans (URLs, numbers, code) and user words never change.
 * If the output as a whole is unusable (empty, far too long or short, another script, a repetition
 * loop), the lexicon result is returned with a warning. Cost: O(words²) alignment per segment.
 */
import type { Edit, FixResult, RejectedEdit } from "../types.ts";
import { applyEdits, diffEdits, classifyEdit } from "../text/edits.ts";
import { protectedSpans, overlapsSpan } from "../text/spans.ts";
import { CONFUSABLES } from "../text/confusables.ts";
import { osaDistance } from "../text/distance.ts";
import { negates, negationCount } from "../text/negation.ts";

export interface GuardContext {
  /** Dictionary membership (case-insensitive), e.g. LexiconEngine.isKnown. */
  isKnown(word: string): boolean;
  userWords?: ReadonlySet<string>;
  /** The lexicon engine's correction of a text (used where the model's edits are rejected). */
  fallback(text: string): FixResult;
  /** Name to report as the engine. */
  engine: string;
}

const PUNCT = /^[\p{P}\p{S}]*|[\p{P}\p{S}]*$/gu;
const core = (w: string) => w.replace(PUNCT, "");
const affixes = (w: string) => {
  const c = core(w);
  const i = c ? w.indexOf(c) : w.length;
  return [w.slice(0, i), w.slice(i + c.length)] as const;
};
const letters = (s: string) => s.replace(/[^\p{L}\p{N}']/gu, "").toLowerCase();

/** Largest edit distance accepted for a word of this length. */
export const maxTypoDistance = (len: number) => (len <= 3 ? 1 : len <= 7 ? 2 : 3);

type Verdict = { ok: true } | { ok: false; reason: string } | { ok: "style" };

export { negates };

/** One adjacent swap and nothing else (form → from): the commonest slip that yields another real word. */
const isSwap = (a: string, b: string) => a.length === b.length && a.length > 1 && osaDistance(a, b) === 1 && [...a].sort().join("") === [...b].sort().join("");

/**
 * Judge one edit. `lexiconAgrees(e)` says whether the lexicon engine makes the same change at the same
 * place: a real word replaced by another real word (cat → hat, not → now) changes the meaning unless it
 * is a known confusable, a plain letter swap, or a fix the lexicon's context model also makes.
 */
function judge(e: Edit, input: string, ctx: GuardContext, lexiconAgrees: (e: Edit) => boolean): Verdict {
  const fromWords = e.from.split(/\s+/).filter(Boolean);
  const toWords = e.to.split(/\s+/).filter(Boolean);
  const known = (w: string) => {
    const c = core(w);
    return !c || ctx.isKnown(c) || Boolean(ctx.userWords?.has(c) || ctx.userWords?.has(c.toLowerCase()));
  };
  if (!toWords.length) return { ok: false, reason: "drops words" };
  if (!fromWords.length) return { ok: false, reason: "adds words" };
  if (fromWords.some((w) => ctx.userWords?.has(core(w)) || ctx.userWords?.has(core(w).toLowerCase())))
    return { ok: false, reason: "changes a word of the user's dictionary" };
  if (overlapsSpan(protectedSpans(input), e.start, e.end)) return { ok: false, reason: "changes protected text (URL, number, code, name…)" };
  if (Math.abs(fromWords.length - toWords.length) > 1) return { ok: false, reason: "adds or drops words" };
  // a model that adds or drops a negation flips the meaning, whatever else the edit looks like (know → no)
  if (negationCount(e.from) !== negationCount(e.to)) return { ok: false, reason: "adds or removes a negation" };
  // whitespace repair: same letters, new spacing
  if (fromWords.length !== toWords.length || e.from.replace(/\s+/g, "") === e.to.replace(/\s+/g, "")) {
    if (letters(e.from) !== letters(e.to)) return { ok: false, reason: "rewrites more than the spacing" };
    if (!toWords.every(known)) return { ok: false, reason: "splits into unknown words" };
    if (e.from.replace(/\s+/g, "") === e.to.replace(/\s+/g, "")) return { ok: true };
    return { ok: "style" };
  }
  // one word for one word
  const a = fromWords[0]!;
  const b = toWords[0]!;
  const ca = core(a);
  const cb = core(b);
  if (ca.toLowerCase() === cb.toLowerCase()) return { ok: "style" }; // only case or punctuation changed
  const [pa, sa] = affixes(a);
  const [pb, sb] = affixes(b);
  const punctChanged = pa !== pb || sa !== sb;
  if (CONFUSABLES.get(ca.toLowerCase())?.includes(cb.toLowerCase())) return punctChanged ? { ok: false, reason: "confusable swap that also changes punctuation" } : { ok: true };
  const dist = osaDistance(ca.toLowerCase(), cb.toLowerCase());
  if (dist > maxTypoDistance(ca.length)) return { ok: false, reason: `not typo-shaped (edit distance ${dist} for a ${ca.length}-letter word)` };
  if (!known(b)) return { ok: false, reason: `"${cb}" is not a known word` };
  if (punctChanged) return { ok: false, reason: "changes punctuation around a word" };
  if (ctx.isKnown(ca) && !isSwap(ca.toLowerCase(), cb.toLowerCase()) && !lexiconAgrees(e))
    return { ok: false, reason: `replaces the real word "${ca}" with "${cb}" (not a known confusable, not confirmed by the lexicon)` };
  return { ok: true };
}

/** Reasons why an output cannot be used at all, or null. */
export function unusable(input: string, output: string): string | null {
  if (!input.trim()) return null;
  if (!output.trim()) return "the model returned nothing";
  const ratio = output.length / input.length;
  if (input.length >= 12 && (ratio < 0.6 || ratio > 1.6)) return `length changed too much (×${ratio.toFixed(2)})`;
  // a short input has room for a few inserted letters, not for an answer
  if (input.length < 12 && output.length > input.length * 2 + 8) return `length changed too much (×${ratio.toFixed(2)})`;
  const latin = (s: string) => (s.match(/\p{Script=Latin}/gu) ?? []).length;
  const alpha = (s: string) => (s.match(/\p{L}/gu) ?? []).length;
  if (alpha(input) && latin(input) / alpha(input) > 0.8 && alpha(output) && latin(output) / alpha(output) < 0.6) return "the output is in another script";
  const ws = output.toLowerCase().split(/\s+/).filter(Boolean);
  for (let n = 1; n <= 4; n++) {
    for (let i = 0; i + 4 * n <= ws.length; i++) {
      const g = ws.slice(i, i + n).join(" ");
      let reps = 1;
      while (ws.slice(i + reps * n, i + (reps + 1) * n).join(" ") === g) reps++;
      if (reps >= 4 && !input.toLowerCase().includes(Array(reps).fill(g).join(" "))) return "the output repeats itself";
    }
  }
  return null;
}

/**
 * The word alignment sees "Thi sis" → "This is" as two substitutions; together they only move a space.
 * Neighbouring substitutions whose letters match once merged become one edit, judged as a spacing fix.
 */
function mergeRespacing(input: string, edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  for (const e of edits) {
    const prev = out[out.length - 1];
    const gap = prev ? input.slice(prev.end, e.start) : "";
    if (prev && prev.from && prev.to.trim() && e.from && e.to.trim() && /^\s+$/.test(gap) && letters(prev.from + e.from) === letters(prev.to + e.to) && letters(e.from) !== letters(e.to)) {
      const from = input.slice(prev.start, e.end);
      const to = prev.to + gap + e.to;
      out[out.length - 1] = { start: prev.start, end: e.end, from, to, kind: classifyEdit(from, to) };
    } else out.push(e);
  }
  return out;
}

export function guard(input: string, modelOutput: string, ctx: GuardContext): FixResult {
  const bad = unusable(input, modelOutput);
  if (bad) {
    const fb = ctx.fallback(input);
    return { ...fb, engine: ctx.engine, warning: `guard: ${bad}; used the lexicon engine`, rejected: [{ start: 0, end: input.length, from: input, to: modelOutput, kind: "other", reason: bad }] };
  }
  const proposed = mergeRespacing(input, diffEdits(input, modelOutput));
  let fallback: FixResult | undefined;
  const lexicon = () => (fallback ??= ctx.fallback(input));
  const lexiconAgrees = (e: Edit) => lexicon().edits.some((f) => f.start === e.start && f.end === e.end && f.to.toLowerCase() === e.to.toLowerCase());
  const verdicts = proposed.map((e) => judge(e, input, ctx, lexiconAgrees));
  // case/punctuation changes are accepted only next to an accepted fix
  const accepted: Edit[] = [];
  const rejected: RejectedEdit[] = [];
  const gapIsSpace = (a: Edit, b: Edit) => /^\s*$/.test(input.slice(a.end, b.start));
  proposed.forEach((e, i) => {
    const v = verdicts[i]!;
    if (v.ok === true) accepted.push(e);
    else if (v.ok === "style") {
      const prev = proposed[i - 1];
      const next = proposed[i + 1];
      const near = (prev && verdicts[i - 1]!.ok === true && gapIsSpace(prev, e)) || (next && verdicts[i + 1]!.ok === true && gapIsSpace(e, next));
      if (near) accepted.push(e);
      else rejected.push({ ...e, reason: "case or punctuation change that is not next to a typo fix" });
    } else rejected.push({ ...e, reason: v.reason });
  });
  // where the model's edit was refused, use the lexicon's fixes for that stretch
  let edits = accepted.map((e) => ({ ...e, kind: e.kind === "other" ? classifyEdit(e.from, e.to) : e.kind }));
  if (rejected.length) {
    for (const f of lexicon().edits) {
      const inRejected = rejected.some((r) => f.start < Math.max(r.end, r.start + 1) && f.end > r.start);
      const clash = edits.some((a) => f.start < a.end && a.start < f.end);
      if (inRejected && !clash) edits.push(f);
    }
    edits = edits.sort((a, b) => a.start - b.start);
  }
  const r: FixResult = { input, output: applyEdits(input, edits), edits, engine: ctx.engine };
  if (rejected.length) r.rejected = rejected;
  return r;
}
