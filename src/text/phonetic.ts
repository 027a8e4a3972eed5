/**
 * A phonetic key of an English word, after Lawrence Philips's Metaphone (1990; the algorithm is public):
 * letters mapped to the consonant sounds they spell (`ph` → F, `ck` → K, soft `c` → S, silent `gh`, `kn`, `wr`),
 * vowels dropped after the first letter, doubled letters read once. Two spellings that sound alike share a
 * key (juse/juice: JS, perple/purple: PRPL, muinets/minutes: MNTS); the lexicon's error model uses it as
 * evidence the way aspell's "soundslike" does: a writer who spells by ear keeps the sound, not the letters.
 * O(word length); ASCII letters only (anything else is skipped).
 */

const VOWEL = /[aeiou]/;

/** Metaphone-style key of `word` (lower or mixed case), upper case; "" for a word without letters. */
export function phoneticKey(word: string): string {
  let w = word.toLowerCase().replace(/[^a-z]/g, "");
  if (!w) return "";
  // silent or changed first letters
  if (/^(kn|gn|pn|ae|wr)/.test(w)) w = w.slice(1);
  else if (w[0] === "x") w = "s" + w.slice(1);
  else if (w.startsWith("wh")) w = "w" + w.slice(2);
  let out = "";
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const c = w[i]!;
    const prev = i > 0 ? w[i - 1]! : "";
    const next = i + 1 < n ? w[i + 1]! : "";
    const next2 = i + 2 < n ? w[i + 2]! : "";
    // a doubled letter is one sound (but `cc` in "accent" is K + S)
    if (c === prev && c !== "c") continue;
    let k = "";
    switch (c) {
      case "a":
      case "e":
      case "i":
      case "o":
      case "u":
        if (i === 0) k = c.toUpperCase();
        break;
      case "b":
        if (!(prev === "m" && i === n - 1)) k = "B";
        break;
      case "c":
        if (next === "i" && next2 === "a") k = "X";
        else if (next === "h") k = prev === "s" ? "K" : "X";
        else if ("iey".includes(next) && next) k = prev === "s" ? "" : "S";
        else k = "K";
        break;
      case "d":
        k = next === "g" && "eiy".includes(next2) && next2 ? "J" : "T";
        break;
      case "g":
        if (next === "h" && !(i + 2 >= n || VOWEL.test(next2))) k = "";
        else if (next === "n" && (i + 2 === n || (next2 === "e" && w[i + 3] === "d" && i + 4 === n))) k = "";
        else if ("iey".includes(next) && next && prev !== "g") k = "J";
        else k = "K";
        break;
      case "h":
        if (VOWEL.test(next) && !"cgpst".includes(prev || "-")) k = "H";
        else if (i === 0 && next) k = "H";
        break;
      case "k":
        if (prev !== "c") k = "K";
        break;
      case "p":
        k = next === "h" ? "F" : "P";
        break;
      case "q":
        k = "K";
        break;
      case "s":
        k = next === "h" || (next === "i" && (next2 === "o" || next2 === "a")) ? "X" : "S";
        break;
      case "t":
        if (next === "i" && (next2 === "o" || next2 === "a")) k = "X";
        else if (next === "h") k = "0";
        else if (!(next === "c" && next2 === "h")) k = "T";
        break;
      case "v":
        k = "F";
        break;
      case "w":
      case "y":
        if (VOWEL.test(next)) k = c.toUpperCase();
        break;
      case "x":
        k = "KS";
        break;
      case "z":
        k = "S";
        break;
      default:
        k = c.toUpperCase();
    }
    // "ph", "th", "sh", "ch" consumed their h
    if (k && (c === "p" || c === "t" || c === "s" || c === "c") && next === "h" && k !== "K") i++;
    // two letters that spell one sound ("ck", "cq"): one key letter
    if (k && out.endsWith(k) && k.length === 1 && !(i > 0 && VOWEL.test(prev))) continue;
    out += k;
  }
  return out;
}
