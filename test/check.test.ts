/**
 * src/check: a document's prose ranges through an engine, the line cache that makes a re-check call the
 * engine only for changed lines (and keeps only the latest pass), masking by ignore_regex, cancellation.
 */
import { describe, expect, test } from "bun:test";
import { applyFindings, checkDocument, LineCache } from "../src/check/index.ts";
import type { Engine, FixOptions, FixResult } from "../src/types.ts";

/** A test engine: "teh" → "the", and it records what it was given. */
function fakeEngine(delayMs = 0): Engine & { seen: Array<{ text: string; options?: FixOptions }> } {
  const seen: Array<{ text: string; options?: FixOptions }> = [];
  return {
    name: "fake",
    seen,
    async fix(text: string, options?: FixOptions): Promise<FixResult> {
      seen.push({ text, options });
      const until = performance.now() + delayMs;
      while (performance.now() < until);
      const edits = [...text.matchAll(/\bteh\b/g)].filter((m) => !options?.userWords?.has("teh")).map((m) => ({ start: m.index!, end: m.index! + 3, from: "teh", to: "the", kind: "spelling" as const }));
      let output = text;
      for (const e of [...edits].reverse()) output = output.slice(0, e.start) + e.to + output.slice(e.end);
      return { input: text, output, edits, engine: "fake" };
    },
  };
}

describe("checkDocument", () => {
  test("findings carry line and column; comments only in code; continues and confidence reach the engine", async () => {
    const e = fakeEngine();
    const r = await checkDocument(e, ["let teh = 1; // see teh,", "// and teh"], "code:c", { confidence: 0.4 });
    expect(r.lines.map((l) => l.map((f) => `${f.line}:${f.start}`))).toEqual([["0:20"], ["1:7"]]);
    expect(e.seen.map((s) => [s.text, s.options?.continues, s.options?.minConfidence])).toEqual([[" see teh,", false, 0.4], [" and teh", true, 0.4]]);
    expect(applyFindings("let teh = 1; // see teh,", r.lines[0]!)).toBe("let teh = 1; // see the,");
  });
  test("with a LineCache, a re-check calls the engine only for the changed lines; the cache keeps only current lines", async () => {
    const e = fakeEngine();
    const cache = new LineCache();
    const doc = Array.from({ length: 100 }, (_, i) => `line ${i} has teh word`);
    expect((await checkDocument(e, doc, "text", { cache })).engineCalls).toBe(100);
    doc[40] = "line 40 was edited teh";
    const r = await checkDocument(e, doc, "text", { cache });
    expect(r.engineCalls).toBe(1);
    expect(r.lines.flat().length).toBe(100);
    for (let k = 0; k < 50; k++) {
      doc[k] = `edit ${k}`;
      await checkDocument(e, doc, "text", { cache });
    }
    expect(cache.size).toBe(100);
  });
  test("ignore_regex masks text, with offsets kept", async () => {
    const e = fakeEngine();
    const r = await checkDocument(e, ['say "teh" → "the" but teh'], "text", { ignoreRegex: [/"[^"]+" → "[^"]+"/gu] });
    expect(r.lines[0]!.map((f) => f.start)).toEqual([22]);
    expect(e.seen[0]!.text).toBe("say " + " ".repeat(13) + " but teh");
  });
  test("a check can be cancelled between lines; the lines found so far are in the cache", async () => {
    const e = fakeEngine(2);
    const cache = new LineCache();
    const doc = Array.from({ length: 200 }, (_, i) => `line ${i} teh`);
    let polls = 0;
    const r = await checkDocument(e, doc, "text", { cache, cancelled: () => ++polls >= 2 });
    expect(r.cancelled).toBe(true);
    expect(r.lines.length).toBeLessThan(200);
    const again = await checkDocument(e, doc, "text", { cache });
    expect(again.engineCalls).toBe(200 - r.lines.length);
  });
  test("an engine that throws leaves its lines without findings and says why", async () => {
    const e: Engine = { name: "broken", fix: async () => { throw new Error("boom"); } };
    const r = await checkDocument(e, ["teh"], "text");
    expect(r.lines).toEqual([[]]);
    expect(r.warnings).toEqual(["boom"]);
  });
});
