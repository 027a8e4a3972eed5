/**
 * Cost on adversarial long lines (issue 15). A line the lexicon corrects in two or three passes (a
 * misspelling whose correction is itself corrected: "kni" → "kin" → "in") used to be re-aligned with its
 * input by an O(n·m) table over its words: a 64 K piece of ~13,000 words took 5.6 s and 1.07 GB, and a
 * 20 MB line never finished. The alignment is now linear (src/text/edits.ts): these tests check that its
 * edits are still exact, and that such lines go through the CLI with bounded memory (the same lines are
 * a `typofix bench` row, with their time).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyEdits, diffEdits } from "../src/text/edits.ts";
import { CLI } from "./support/cli.ts";
import { SLOW, slow } from "./support/skip.ts";
import { adversarialLines, runMeasured } from "../src/bench/longlines.ts";

const WORDS = "the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their".split(" ");

function checkEdits(a: string, b: string) {
  const edits = diffEdits(a, b);
  expect(applyEdits(a, edits)).toBe(b);
  let pos = 0;
  for (const e of edits) {
    expect(e.start).toBeGreaterThanOrEqual(pos);
    expect(a.slice(e.start, e.end)).toBe(e.from);
    pos = e.end;
  }
  return edits;
}

describe("aligning long texts (more than 2^20 word pairs)", () => {
  test("local changes: exact edits, one per substituted word (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(WORDS.length - 1), { minLength: 1100, maxLength: 1600 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom("sub", "split", "join", "del", "ins")), { maxLength: 60 }), (ids, changes) => {
        const a = ids.map((i) => WORDS[i]!);
        const b = [...a];
        for (const [at, kind] of changes) {
          const k = at % b.length;
          if (kind === "sub") b[k] = b[k] + "x";
          else if (kind === "split") b.splice(k, 1, "zz", "yy");
          else if (kind === "join" && k + 1 < b.length) b.splice(k, 2, b[k]! + b[k + 1]!);
          else if (kind === "del" && b.length > 1) b.splice(k, 1);
          else if (kind === "ins") b.splice(k, 0, "qq");
        }
        checkEdits(a.join(" "), b.join(" "));
      }),
      { numRuns: 30 },
    );
  });
  test("scattered substitutions are reported word by word, as for short texts", () => {
    const a = Array.from({ length: 5000 }, (_, i) => WORDS[(i * 7) % WORDS.length]!);
    const b = a.map((w, i) => (i % 10 === 3 ? w.toUpperCase() + "q" : w));
    const edits = checkEdits(a.join(" "), b.join(" "));
    expect(edits).toHaveLength(500);
    expect(edits.every((e) => !e.from.includes(" "))).toBe(true);
  });
  test("texts with nothing in common still give edits that reproduce the output", () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join(" ");
    const b = Array.from({ length: 2500 }, (_, i) => `b${i}`).join(" ");
    checkEdits(a, b);
    checkEdits(a, "");
    checkEdits("", b);
  });
});

describe("adversarial lines through the CLI", () => {
  // Peak RSS bounds are generous (a 1 MB line needs ~150–250 MB here); before the fix these lines took
  // 1.07 GB (64 K of one repeated phrase) and 665 MB (1 MB of random words). Time is a benchmark's job.
  const dir = mkdtempSync(join(tmpdir(), "typofix-cost-"));
  async function run(text: string) {
    const f = join(dir, "line.txt");
    writeFileSync(f, text);
    // the lexicon engine, nothing from the user's config; started through a small process so that the
    // test runner's own peak RSS is not counted in the child's (runMeasured says why)
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TYPOFIX_"))), HOME: dir, XDG_CONFIG_HOME: join(dir, "c"), XDG_CACHE_HOME: join(dir, "k") };
    const r = runMeasured([process.execPath, CLI, "--no-server", "--engine", "lexicon", "--json", "--file", f], false, env);
    return { out: r.stdout, code: r.code, rssMb: r.peakRssMb };
  }
  function rebuilt(row: { input: string; edits: Array<{ start: number; end: number; to: string }> }) {
    return applyEdits(row.input, row.edits.map((e) => ({ ...e, from: row.input.slice(e.start, e.end), kind: "spelling" as const })));
  }
  const [[, phrase], [, random]] = adversarialLines(1_000_000) as [[string, string], [string, string]];
  test("one misspelling repeated on a 64 K line (corrected in three passes)", async () => {
    const r = await run(phrase + "\n");
    expect(r.code).toBe(0);
    const row = JSON.parse(r.out);
    // every repetition corrected alike (the same words on each side), the misspelling gone everywhere
    expect(row.output).not.toContain("freind");
    expect(new Set(row.output.split(" and ").slice(1, -1)).size).toBe(1);
    expect(rebuilt(row)).toBe(row.output);
    expect(r.rssMb).toBeLessThan(600);
  }, 120_000);
  test.skipIf(!SLOW)(slow("1 MB of random dictionary words with typos on one line"), async () => {
    const r = await run(random + "\n");
    expect(r.code).toBe(0);
    const row = JSON.parse(r.out);
    expect(row.input).toBe(random);
    expect(rebuilt(row)).toBe(row.output);
    expect(row.output).not.toContain(" teh ");
    expect(r.rssMb).toBeLessThan(500);
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});
