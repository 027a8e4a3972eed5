/**
 * Word lists and spelling patterns of the lexicon engine's rules: function words, particles, hyphenated
 * prefixes, name particles, modal verbs, confusable pairs that need more evidence, loanwords that keep their
 * accents, and the American/British spelling patterns. Small in-memory sets; no cost beyond a lookup.
 */

/** Function words: a run-on with one of them ("ofthe", "andthe", "wasborn") is two words, not a compound. */
export const FUNCTION_WORDS = new Set(
  ("a an the and or but nor of to in on at by for from with as is was are were be been being am has have had do does did " +
    "it its he she they we you i me him her them us my your his our their this that these those which who whom what " +
    "not no so if then than there here when where will would can could shall should may might must also very just").split(" "),
);

/** Adverb particles that form closed compounds with a longer word (setup, uplinks, onboard, offseason). */
export const PARTICLES_CLOSED = new Set(["up", "on", "off", "out", "in", "over", "down", "back"]);

/**
 * Prefixes written with a hyphen (pre-war, neo-classical, ethno-jazz): never changed before a hyphen; closed
 * up with a known word (respacing, untrusted) they make a word the dictionary may lack.
 */
export const PREFIXES = new Set(
  ("un dis pre post anti non neo proto ethno mis co re sub semi multi pseudo quasi inter intra ultra micro macro mega mini " +
    "self socio bio geo euro afro indo sino franco anglo ex vice meta para poly mono bi tri counter extra infra hyper " +
    "hypo neuro psycho electro photo auto cyber eco agro techno retro trans cis pan mid").split(" "),
);

/** Name particles (Otto von Bismarck, Leonardo da Vinci): never changed. */
export const PARTICLES = new Set(["von", "van", "der", "den", "des", "du", "di", "da", "del", "della", "de", "la", "le", "el", "al", "bin", "ibn", "zu", "ter", "dos", "das", "do", "y"]);

/** Modal verbs after which "of" stands for "have" (could of, should of). */
export const MODALS = new Set(["could", "should", "would", "might", "must", "may", "will", "shall"]);

/** Words whose confusable swaps need extra evidence. */
export const RARE_SWAPS = new Set(["two", "off", "led", "lead", "new", "knew", "no", "know", "by", "buy", "right", "write", "past", "passed", "here", "hear"]);

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
export const LOANWORDS = new Set(
  ("café cafés naïve naïvely naïveté résumé résumés fiancé fiancée fiancés fiancées déjà façade façades crème " +
    "brûlée protégé protégée cliché clichés entrée entrées soirée soirées rosé sauté sautéed touché exposé " +
    "exposés décor débris début débuts débutante élite élites piñata jalapeño jalapeños señor señora señorita " +
    "über coöperate coördinate naïf doppelgänger müesli smörgåsbord pâté purée purées flambé consommé " +
    "attaché communiqué divorcée habitué outré passé risqué blasé décolleté négligée precís précis " +
    // and foreign words English text quotes with their accents (née, as in "Kate Madikane (née Aldridge)")
    "née né für").split(" "),
);

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
  [/([aeiou])l(?=ed$|ing$|er$|ers$|ment|ery|ry)/g, "$1ll"],
  [/([aeiou])ll(?=ed$|ing$|er$|ers$|ment|ery|ry)/g, "$1l"],
  // paediatric, haemoglobin, foetus, manoeuvre: the digraph early in the word, three letters or more after it
  [/(?<=^[a-z]{0,7}[^aeiou])e(?=[^aeiou][a-z]{2})/g, "ae"],
  [/(?<=^[a-z]{0,8})ae(?=[^aeiou][a-z]{2})/g, "e"],
  [/(?<=^[a-z]{0,7}[^aeiou])e(?=[^aeiou][a-z]{2})/g, "oe"],
  [/(?<=^[a-z]{0,8})oe(?=[^aeiou][a-z]{2})/g, "e"],
  [/ell?ry$/g, "ellery"],
  [/ellery$/g, "elry"],
];
