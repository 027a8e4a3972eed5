/**
 * The QWERTY keyboard's letter neighbours: the keys left and right, the two above and the two below
 * (rows are staggered). Used by the lexicon's error model (a neighbouring key is a cheap slip) and by the
 * corruption module (keyboard-neighbour substitutions). The table is filled at load, the map on first use; a lookup is O(1).
 */
import { hotPath } from "../runtime/jit.ts";

const ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

// 128×128 table of ASCII neighbour pairs: the error model's inner loop asks this for every cell. Filled
// with the map below, in the same loop (index loops over the neighbour strings: iterating the map and the
// strings cost the interpreted start-up of every one-liner ~0.2 M instructions, a spread of its keys more)
/** ADJ[x * 128 + y] is 1 where the ASCII codes x and y are neighbouring keys (read in place by the error model's inner loop). */
export const ADJ = new Uint8Array(128 * 128);

/** The neighbours of the key at row r, column c, in a fixed order (left, right, above, below): seeded corruption depends on it. */
function neighboursOf(r: number, c: number): string {
  let s = (ROWS[r]![c - 1] ?? "") + (ROWS[r]![c + 1] ?? "");
  if (r > 0) s += (ROWS[r - 1]![c] ?? "") + (ROWS[r - 1]![c + 1] ?? "");
  if (r < 2) s += (ROWS[r + 1]![c - 1] ?? "") + (ROWS[r + 1]![c] ?? "");
  return s;
}

// (ADJ filled at load with index loops over the rows' codes: no strings or map made for it, which a one-liner
// never reads; the map below is made on its first use, by the corruption module)
for (let r = 0; r < 3; r++) {
  const row = ROWS[r]!;
  for (let c = 0; c < row.length; c++) {
    const k = row.charCodeAt(c) * 128;
    if (c > 0) ADJ[k + row.charCodeAt(c - 1)] = 1;
    if (c + 1 < row.length) ADJ[k + row.charCodeAt(c + 1)] = 1;
    if (r > 0) {
      const up = ROWS[r - 1]!;
      if (c < up.length) ADJ[k + up.charCodeAt(c)] = 1;
      if (c + 1 < up.length) ADJ[k + up.charCodeAt(c + 1)] = 1;
    }
    if (r < 2) {
      const down = ROWS[r + 1]!;
      if (c > 0 && c - 1 < down.length) ADJ[k + down.charCodeAt(c - 1)] = 1;
      if (c < down.length) ADJ[k + down.charCodeAt(c)] = 1;
    }
  }
}

let keyNeighbours: Map<string, string> | null = null;
/** Lower-case letter → its neighbours, in a fixed order (left, right, above, below): seeded corruption depends on it. */
export function keyNeighboursMap(): ReadonlyMap<string, string> {
  if (!keyNeighbours) {
    keyNeighbours = new Map();
    for (let r = 0; r < 3; r++) for (let c = 0; c < ROWS[r]!.length; c++) keyNeighbours.set(ROWS[r]![c]!, neighboursOf(r, c));
  }
  return keyNeighbours;
}

/** Whether two (lower-case) letters are neighbouring keys. */
export function isKeyboardNeighbour(a: string, b: string): boolean {
  const x = a.charCodeAt(0);
  const y = b.charCodeAt(0);
  return x < 128 && y < 128 && ADJ[x * 128 + y] === 1;
}

// (kept out of the FTL in a long run of the command line: src/runtime/jit.ts streamJit)
hotPath(() => [isKeyboardNeighbour]);
