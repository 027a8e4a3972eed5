/**
 * Word lists and spelling patterns of the lexicon engine's rules: function words, particles, prefixes, name
 * particles, modal verbs, confusable pairs that need more evidence, loanwords that keep their accents (data
 * files under models/en/lists/, each with its source, embedded in the bundle as text) and the
 * American/British spelling patterns. Start-up: the seven small files (~3 KB) split into sets, a few
 * microseconds; then a lookup per use.
 */
import functionWords from "../../../models/en/lists/function-words.txt" with { type: "text" };
import particlesClosed from "../../../models/en/lists/particles-closed.txt" with { type: "text" };
import prefixes from "../../../models/en/lists/prefixes.txt" with { type: "text" };
import nameParticles from "../../../models/en/lists/name-particles.txt" with { type: "text" };
import modals from "../../../models/en/lists/modals.txt" with { type: "text" };
import rareSwaps from "../../../models/en/lists/rare-swaps.txt" with { type: "text" };
import loanwords from "../../../models/en/lists/loanwords.txt" with { type: "text" };

/** The words of a list file: whitespace-separated, `#` to the end of a line is a comment. */
export function parseWordList(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split("\n")) for (const w of line.replace(/#.*/, "").split(/\s+/)) if (w) out.add(w);
  return out;
}

/** Function words: a run-on with one of them ("ofthe", "andthe", "wasborn") is two words, not a compound. */
export const FUNCTION_WORDS = parseWordList(functionWords);

/** Adverb particles that form closed compounds with a longer word (setup, uplinks, onboard, offseason). */
export const PARTICLES_CLOSED = parseWordList(particlesClosed);

/**
 * Prefixes written with a hyphen (pre-war, neo-classical, ethno-jazz): never changed before a hyphen; closed
 * up with a known word (respacing, untrusted) they make a word the dictionary may lack.
 */
export const PREFIXES = parseWordList(prefixes);

/** Name particles (Otto von Bismarck, Leonardo da Vinci): never changed. */
export const PARTICLES = parseWordList(nameParticles);

/** Modal verbs after which "of" stands for "have" (could of, should of). */
export const MODALS = parseWordList(modals);

/** Words whose confusable swaps need extra evidence. */
export const RARE_SWAPS = parseWordList(rareSwaps);

/** `a` and `b` differ only by an inflectional ending: s/es, d/ed, ing, er/est, ly. */
export function isInflection(a: string, b: string): boolean {
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  if (!l.startsWith(s.replace(/e$/, ""))) return false;
  const tail = l.slice(s.length);
  // a silent e dropped before the ending: hope → hoping, hoped (the ending then starts where the e was)
  return /^(s|es|d|ed|ing|r|er|st|est|ly|n)$/.test(tail) || (s.endsWith("e") && /^(ing|ed|er|est)$/.test(l.slice(s.length - 1)));
}

/**
 * English loanwords that keep their accents. Other accented letters inside an English word are
 * treated as slips (a typed "ö" for "o" costs little in the error model).
 */
export const LOANWORDS = parseWordList(loanwords);

// American ↔ British spelling patterns; each is tried at every place it matches
export const VARIANTS: Array<[RegExp, string]> = [
  [/or(?=s?$|ed$|ing$|ful|ite|abl|hood|ship|less|al)/g, "our"],
  [/our(?=s?$|ed$|ing$|ful|ite|abl|hood|ship|less|al)/g, "or"],
  [/iz(?=e|ation|ing)/g, "is"],
  [/is(?=e|ation|ing)/g, "iz"],
  [/yz(?=e|ing)/g, "ys"],
  [/(?<=[tbv])er(?=s?$)/g, "re"],
  [/(?<=[tbv])re(?=s?$)/g, "er"],
  [/og(?=s?$)/g, "ogue"],
  [/ense(?=s?$)/g, "ence"],
  [/([aeiou])l(?=ed$|ing$|er$|ers$|ment|ry)/g, "$1ll"],
  [/([aeiou])ll(?=ed$|ing$|er$|ers$|ment|ry)/g, "$1l"],
  // paediatric, haemoglobin, foetus, manoeuvre: the digraph early in the word, three letters or more after it
  [/(?<=^[a-z]{0,7}[^aeiou])e(?=[^aeiou][a-z]{2})/g, "ae"],
  [/(?<=^[a-z]{0,8})ae(?=[^aeiou][a-z]{2})/g, "e"],
  [/(?<=^[a-z]{0,7}[^aeiou])e(?=[^aeiou][a-z]{2})/g, "oe"],
  [/(?<=^[a-z]{0,8})oe(?=[^aeiou][a-z]{2})/g, "e"],
  [/ell?ry$/g, "ellery"],
  [/ellery$/g, "elry"],
];
