/**
 * Scratch folders for a test file, removed when the file's tests are done: `const scratch = scratchDirs();`
 * at the file's top level registers the clean-up (afterAll), and `scratch("typofix-x-")` makes a folder
 * under the system's temporary folder. (Folders made with mkdtempSync alone stayed behind: the onnx, ane
 * and doctor tests left ~600 MB in /tmp per run, until a CI machine's disk filled.)
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function scratchDirs(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
