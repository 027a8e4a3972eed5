/**
 * Extracts the word lists that models/en/src/ commits, from their published packages, so that anyone can
 * check or refresh them. build-lexicon.ts reads only the committed `.txt.gz` files (no network, no npm).
 *
 *   SCOWL "large" (size 70) American and British lists (Debian `wamerican-large`, `wbritish-large` 2020.12.07):
 *     `apt-get download wamerican-large wbritish-large && for d in *.deb; do dpkg-deb -x $d x; done`
 *     → models/en/src/scowl-large.txt.gz (both spellings, case kept, possessives 's dropped)
 *   SCOWL size 50 (Debian `wamerican`, `wbritish` 2020.12.07, the default dictionaries), in the same folder:
 *     `apt-get download wamerican wbritish` → models/en/src/scowl-common.txt.gz (lower-case words)
 *   cspell's technical dictionaries (npm, MIT): @cspell/dict-software-terms, dict-fullstack,
 *     dict-companies, dict-npm, installed into some folder with `npm install --prefix DIR …`
 *     → models/en/src/cspell-tech.txt.gz (words of letters only, case kept)
 *   cspell's programming-language dictionaries (npm, MIT): @cspell/dict-cpp, dict-python, dict-node,
 *     dict-golang, dict-rust, dict-shell, dict-data-science, dict-typescript (same --cspell folder)
 *     → models/en/src/cspell-code.txt.gz: identifiers and abbreviations of code (libc, dtype, setenv,
 *     onnx), lower case (code's case is the language's, not the word's): words of four letters or more
 *     from any of them, of three letters (buf, pid, cmd) only when two languages' lists or more have them,
 *     since a three-letter word of one list alone (`eot`, `ofb`) is as often a typo of an English word;
 *     two-letter ones (`fn`, `op`, `ls`) are left out: nearly every pair of letters is some language's keyword
 *
 *   cspell's people names (npm @cspell/dict-people-names 1.1.16, MIT), taken as it is without its comments:
 *     `grep -v '^#' DIR/node_modules/@cspell/dict-people-names/dict/people-names.txt | grep -v '^$' | gzip -9n`
 *     → models/en/src/cspell-people-names.txt.gz (build-lexicon.ts chooses which to take as names)
 *
 *   The typos project's misspelling list (crate-ci/typos, MIT OR Apache-2.0), taken as it is:
 *     (echo "# …"; git show HEAD:crates/typos-dict/assets/words.csv) | gzip -9n > models/en/src/typos-words.csv.gz
 *
 *   bun scripts/extract-wordlists.ts --scowl DIR_WITH_usr/share/dict --cspell DIR_WITH_node_modules
 *
 * Cost: a few seconds; run by hand when a source changes, never by the build or the tests.
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const out = join(import.meta.dir, "../models/en/src");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function text(path: string): string {
  const buf = readFileSync(path);
  return path.endsWith(".gz") ? new TextDecoder().decode(Bun.gunzipSync(buf)) : buf.toString("utf8");
}

/** Sorted unique lines, gzipped with a fixed level (the same input gives the same bytes). */
function write(name: string, header: string[], words: Set<string>): void {
  const body = [...words].sort().join("\n");
  const bytes = Bun.gzipSync(new TextEncoder().encode(header.map((h) => `# ${h}\n`).join("") + body + "\n"), { level: 9 });
  writeFileSync(join(out, name), bytes);
  console.error(`wrote ${name}: ${words.size} words`);
}

const scowlDir = arg("--scowl", "/");
const scowl = new Set<string>();
for (const f of ["american-english-large", "british-english-large"]) {
  const path = join(scowlDir, "usr/share/dict", f);
  if (!existsSync(path)) throw new Error(`missing ${path}: see the header of this script`);
  for (const line of text(path).split("\n")) {
    const w = line.trim();
    if (/^[A-Za-z]+$/.test(w)) scowl.add(w);
  }
}
write("scowl-large.txt.gz", ["SCOWL large (size 70), American and British (Debian wamerican-large, wbritish-large 2020.12.07); see models/en/src/LICENSE.scowl.txt"], scowl);

// the common sizes (up to 50, Debian's default dictionaries): lower-case words only, to mark, not to add
const common = new Set<string>();
for (const f of ["american-english", "british-english"]) {
  const path = join(scowlDir, "usr/share/dict", f);
  if (!existsSync(path)) throw new Error(`missing ${path}: see the header of this script`);
  for (const line of text(path).split("\n")) {
    const w = line.trim();
    if (/^[a-z]+$/.test(w)) common.add(w);
  }
}
write("scowl-common.txt.gz", ["SCOWL up to size 50, American and British, lower-case words (Debian wamerican, wbritish 2020.12.07); see models/en/src/LICENSE.scowl.txt"], common);

const cspellDir = join(arg("--cspell", "."), "node_modules/@cspell");
const tech = new Set<string>();
const versions: string[] = [];
for (const pkg of ["dict-software-terms", "dict-fullstack", "dict-companies", "dict-npm"]) {
  const dir = join(cspellDir, pkg);
  versions.push(`@cspell/${pkg}@${JSON.parse(text(join(dir, "package.json"))).version}`);
  for (const f of readdirSync(join(dir, "dict")).sort()) {
    if (!/\.txt(\.gz)?$/.test(f)) continue;
    for (const line of text(join(dir, "dict", f)).split("\n")) {
      const w = line.trim();
      // words of letters only: package names with dashes or dots, hex constants and comments are left out
      if (/^[A-Za-z]{2,}$/.test(w)) tech.add(w);
    }
  }
}
write("cspell-tech.txt.gz", [`${versions.join(", ")} (MIT); see models/en/src/LICENSE.cspell-MIT.txt`], tech);

const code = new Map<string, number>();
const codeVersions: string[] = [];
for (const pkg of ["dict-cpp", "dict-python", "dict-node", "dict-golang", "dict-rust", "dict-shell", "dict-data-science", "dict-typescript"]) {
  const dir = join(cspellDir, pkg);
  codeVersions.push(`@cspell/${pkg}@${JSON.parse(text(join(dir, "package.json"))).version}`);
  // each language's main list (cpp.txt.gz, python.txt, …; not its lists of package or crate names)
  const main: Record<string, string> = { "dict-cpp": "cpp.txt.gz", "dict-python": "python.txt", "dict-node": "node.txt", "dict-golang": "go.txt", "dict-rust": "rust.txt.gz", "dict-shell": "shell-all-words.txt", "dict-data-science": "data-science.txt", "dict-typescript": "typescript.txt" };
  const words = new Set<string>();
  for (const line of text(join(dir, "dict", main[pkg]!)).split("\n")) {
    const w = line.replace(/#.*/, "").trim();
    if (/^[A-Za-z]{3,}$/.test(w)) words.add(w.toLowerCase());
  }
  for (const w of words) code.set(w, (code.get(w) ?? 0) + 1);
}
write(
  "cspell-code.txt.gz",
  [`${codeVersions.join(", ")} (MIT); see models/en/src/LICENSE.cspell-MIT.txt and LICENSE.cspell-rust-MIT.txt`, "lower case; four letters or more from any list, three letters when two lists or more have the word"],
  new Set([...code].filter(([w, n]) => w.length >= 4 || n >= 2).map(([w]) => w)),
);
