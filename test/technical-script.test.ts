/**
 * scripts/technical.ts's clean measurement: which spans of this project's own text are quoted examples
 * (left out of the clean figure, words and changes alike), and the reviewed list of the READMEs' typos.
 */
import { describe, expect, test } from "bun:test";
import { corpusTypos, exampleSpans, technicalSources } from "../scripts/technical.ts";

const quoted = (line: string) => exampleSpans(line).map(([a, b]) => line.slice(a, b));

describe("examples in our own text", () => {
  test("quotation marks, code spans, word → word and lists of single words", () => {
    expect(quoted('joins ("sen tence") and `the the`')).toEqual(['"sen tence"', "`the the`"]);
    expect(quoted("a fragment 'im' is typo-shaped; the writer's own word")).toEqual(["'im'"]);
    expect(quoted("e.g. ie→ei, an -> en")).toEqual(["ie→ei", "an -> en"]);
    expect(quoted("treat swapped letters as variants (workres, beveragaes)")).toEqual(["(workres, beveragaes)"]);
    expect(quoted("seperate, wierd, lonley, quater, recieve fixed")).toEqual(["seperate, wierd, lonley, quater, recieve"]);
  });

  test("prose stays: an apostrophe, a list with a phrase or a number, numbers before an arrow, two words", () => {
    expect(quoted("the engine's figures: realistic 0.5093 -> 0.5095")).toEqual([]);
    expect(quoted("skipped with the reason (cc, python3, dev data)")).toEqual([]);
    expect(quoted("fast, small and versatile")).toEqual([]);
  });
});

test("the reviewed typos of the READMEs are read as source, typo, correction", () => {
  const typos = corpusTypos();
  expect(typos.has("adm-zip\tinterractions\tinteractions")).toBe(true);
  expect(typos.size).toBeGreaterThanOrEqual(11);
});

test("--documents: every line of each source belongs to a document of the right kind, the commit messages adding up to the log", () => {
  const sources = technicalSources("d729dbc");
  for (const s of sources) {
    expect(s.docOf).toHaveLength(s.lines.length);
    expect(s.docOf!.every((d) => d >= 0 && d < s.documents!.length)).toBe(true);
  }
  const log = sources.find((s) => s.name === "typofix git log")!;
  expect(log.documents!.every((d) => d.kind === "commit")).toBe(true);
  // each message's lines are the log's lines at that place
  for (const [k, line] of log.lines.entries()) expect(log.documents![log.docOf![k]!]!.lines).toContain(line);
  expect(sources[0]!.documents!.every((d) => d.kind === "markdown")).toBe(true);
});
