/**
 * Composition of two rounds of edits: A takes `text` to `mid`, B takes `mid` further; the result takes
 * `text` straight to B's output, as edits in `text`'s offsets. Where a B edit touches an A edit they
 * become one edit (its confidence the lower of theirs). Linear in the number of edits, where a word diff
 * of the two texts would be quadratic in the words of a long line.
 */
import type { Edit } from "../../types.ts";

interface Span {
  start: number;
  end: number;
  /** From A (offsets into `mid` are start/end; the source range is src). */
  a?: Edit & { src: [number, number] };
  b?: Edit;
}

export function composeEdits(text: string, a: Edit[], mid: string, b: Edit[]): Edit[] {
  // A's edits as ranges of `mid`
  const spans: Span[] = [];
  let shift = 0;
  for (const e of a) {
    const start = e.start + shift;
    spans.push({ start, end: start + e.to.length, a: { ...e, src: [e.start, e.end] } });
    shift += e.to.length - (e.end - e.start);
  }
  for (const e of b) spans.push({ start: e.start, end: e.end, b: e });
  spans.sort((x, y) => x.start - y.start || (x.a ? -1 : 1));
  // clusters of ranges that overlap or touch
  const out: Edit[] = [];
  let i = 0;
  // mid → text offset for a position outside every A range: subtract A's growth before it
  let growth = 0;
  while (i < spans.length) {
    const group: Span[] = [spans[i]!];
    let end = spans[i]!.end;
    let j = i + 1;
    while (j < spans.length && (spans[j]!.start < end || (spans[j]!.start === end && (spans[j]!.b || group.some((g) => g.b))))) {
      end = Math.max(end, spans[j]!.end);
      group.push(spans[j]!);
      j++;
    }
    const start = spans[i]!.start;
    const as = group.filter((g) => g.a);
    const bs = group.filter((g) => g.b).map((g) => g.b!);
    const srcStart = start - growth;
    for (const g of as) growth += g.a!.to.length - (g.a!.src[1] - g.a!.src[0]);
    const srcEnd = end - growth;
    if (!bs.length) out.push(stripSrc(as[0]!.a!));
    else {
      // the cluster's text in `mid`, with B's edits applied
      let to = "";
      let pos = start;
      for (const e of bs) {
        to += mid.slice(pos, e.start) + e.to;
        pos = e.end;
      }
      to += mid.slice(pos, end);
      const from = text.slice(srcStart, srcEnd);
      const confidence = Math.min(...group.map((g) => (g.a ?? g.b)!.confidence ?? 1));
      if (to !== from) out.push({ start: srcStart, end: srcEnd, from, to, kind: (bs[0] ?? as[0]!.a!).kind, confidence });
    }
    i = j;
  }
  return out;
}

function stripSrc(e: Edit & { src?: unknown }): Edit {
  const { src: _src, ...rest } = e;
  return rest;
}
