/**
 * `bun scripts/lexicon/reindex-deletes.ts [FILE]`: re-make the symmetric-delete index of a lexicon file in
 * place (sections 44–46: bucket starts, entries, tags) with src/engines/lexicon/deletes.ts
 * buildDeleteIndex, from the file's own counted words: what scripts/build-lexicon.ts would write, without
 * the rest of the build. For a lexicon.bin made before a change of the index's layout (the same entries
 * and tags, in other buckets: the file's size and every other section stay as they are). Checks that the
 * ranks and the entries are the same before writing. FILE defaults to models/en/lexicon.bin.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeLexicon } from "../../src/engines/lexicon/format.ts";
import { buildDeleteIndex } from "../../src/engines/lexicon/deletes.ts";

const path = process.argv[2] ?? join(import.meta.dir, "../../models/en/lexicon.bin");
// (a copy at offset 0 of its own buffer: the decoded views are views of it, and it is written back whole)
const file = new Uint8Array(readFileSync(path));
const d = decodeLexicon(file);
const dec = new TextDecoder();
const words: string[] = [];
for (let id = 0; id < d.nCounted; id++) words.push(dec.decode(d.wordBytes.subarray(d.wordOffsets[id]!, d.wordOffsets[id + 1]!)));
const x = buildDeleteIndex(words, d.deletes.nFrequent);
const o = d.deletes;
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};
if (x.ids.length !== o.ids.length || x.start.length !== o.start.length) throw new Error(`${path}: the index has ${o.ids.length} entries, the words make ${x.ids.length}: rebuild the file (scripts/build-lexicon.ts)`);
if (!same(x.rank, o.rank) || !same(x.byRank, o.byRank)) throw new Error(`${path}: the word order differs from the file's: rebuild it (scripts/build-lexicon.ts)`);
// the same entries (word, tag), whatever their buckets
const entries = (ids: Uint32Array, tags: Uint8Array) => Float64Array.from(ids, (v, i) => v * 256 + tags[i]!).sort();
if (!same(entries(x.ids, x.tags), entries(o.ids, o.tags))) throw new Error(`${path}: the index's entries differ from the words': rebuild the file (scripts/build-lexicon.ts)`);
const changed = !same(x.start, o.start) || !same(x.ids, o.ids) || !same(x.tags, o.tags);
if (changed) {
  o.start.set(x.start);
  o.ids.set(x.ids);
  o.tags.set(x.tags);
  writeFileSync(path, file);
}
console.error(`${path}: ${x.ids.length} entries of ${words.length} counted words (${o.nFrequent} frequent): ${changed ? "index re-made" : "already as buildDeleteIndex makes it"}`);
