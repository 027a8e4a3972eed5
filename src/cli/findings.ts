/**
 * What `--check` needs on every run, kept small so the one-liner's start-up does not pay for tree walks
 * (src/cli/tree.ts loads only when paths are given): a sink that prints findings in the chosen format
 * (src/printers/ci.ts) and the test whether an argument names a path.
 */
import { nodeFs } from "../runtime/fs.ts";
import { findingGithub, findingJson, findingText, sarif, type CheckFormat, type FileFinding } from "../printers/ci.ts";

/** Collects findings and prints them in one format: as they come, or (SARIF) all at the end. */
export class FindingSink {
  count = 0;
  private all: FileFinding[] = [];
  constructor(private readonly format: CheckFormat, private readonly write: (s: string) => Promise<void>, private readonly version: string) {}
  async add(f: FileFinding): Promise<void> {
    this.count++;
    if (this.format === "sarif") this.all.push(f);
    else await this.write((this.format === "json" ? findingJson(f) : this.format === "github" ? findingGithub(f) : findingText(f)) + "\n");
  }
  async end(): Promise<void> {
    if (this.format === "sarif") await this.write(sarif(this.all, this.version) + "\n");
  }
}

/** Whether a command-line argument names something on disk (then --check/--write treat it as a path). */
export function isPath(arg: string): boolean {
  try {
    nodeFs().statSync(arg);
    return true;
  } catch {
    return false;
  }
}

/** Whether a command-line argument names a folder. */
export function isDir(arg: string): boolean {
  try {
    return nodeFs().statSync(arg).isDirectory();
  } catch {
    return false;
  }
}
