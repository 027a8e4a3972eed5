/**
 * Bench rows for adversarial long lines (issue 15): one phrase with a misspelling repeated on a 64 K
 * line (the lexicon corrects it in three passes, which once meant an O(n·m) re-alignment: 5.6 s and
 * 1.07 GB), and 1 MB of random common words with 10 % typos on one line (once 15 s and 665 MB; 20 MB
 * never finished). Each is corrected by a fresh `typofix --file` process; its time and peak RSS are the
 * row. Cost: the two runs (a few seconds on 2 cores) and a temporary folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LongLineRow {
  name: string;
  bytes: number;
  seconds: number;
  peakRssMb: number;
  exitCode: number;
}

const WORDS = "the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three".split(" ");
const TYPOS = ["teh", "adn", "freind", "recieve", "whcih", "becuase", "kni", "seperate", "untill", "occured", "wierd", "beleive"];

/** The adversarial lines, deterministic: [name, text]. */
export function adversarialLines(randomBytes = 1_000_000): Array<[string, string]> {
  const unit = "I saw my freind kni the house and ";
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const parts: string[] = [];
  for (let n = 0; n < randomBytes; ) {
    const w = rnd() < 0.1 ? TYPOS[Math.floor(rnd() * TYPOS.length)]! : WORDS[Math.floor(rnd() * WORDS.length)]!;
    parts.push(w);
    n += w.length + 1;
  }
  return [
    ["64 K line: one phrase with typos repeated (three passes)", unit.repeat(Math.floor(65000 / unit.length))],
    [`${(randomBytes / 1e6).toFixed(0)} MB line: random common words, 10 % typos`, parts.join(" ")],
  ];
}

/**
 * Run `cmd` and measure it: exit code, standard output, seconds, peak RSS. Linux counts a parent's peak
 * RSS in the peak of a child it starts (the high-water mark survives exec), so from a big process (a test
 * runner, the bench) the command is started by a small Bun process in between, whose own RSS (~30 MB)
 * is then the floor. A compiled typofix has no Bun to do that: there the child is measured directly.
 */
export function runMeasured(cmd: string[], compiled: boolean, env: Record<string, string | undefined> = process.env): { code: number; stdout: string; seconds: number; peakRssMb: number } {
  const t0 = performance.now();
  if (compiled) {
    const p = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe", env });
    return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), seconds: (performance.now() - t0) / 1000, peakRssMb: (p.resourceUsage?.maxRSS ?? 0) / 2 ** 20 };
  }
  const inner = "const p = Bun.spawnSync(JSON.parse(process.env.MEASURED_CMD), { stdout: 'pipe', stderr: 'inherit' }); process.stdout.write(JSON.stringify({ code: p.exitCode, rss: p.resourceUsage.maxRSS, out: p.stdout.toString() }));";
  const p = Bun.spawnSync([process.execPath, "-e", inner], { stdout: "pipe", stderr: "pipe", env: { ...env, MEASURED_CMD: JSON.stringify(cmd) } });
  const seconds = (performance.now() - t0) / 1000;
  const r = JSON.parse(p.stdout.toString() || '{"code":-1,"rss":0,"out":""}') as { code: number; rss: number; out: string };
  return { code: r.code ?? -1, stdout: r.out, seconds, peakRssMb: r.rss / 2 ** 20 };
}

/** Correct each line with a fresh CLI process (`self` runs typofix) and measure it. */
export function measureLongLines(self: (...args: string[]) => string[], compiled = false): LongLineRow[] {
  const dir = mkdtempSync(join(tmpdir(), "typofix-longlines-"));
  try {
    return adversarialLines().map(([name, text]) => {
      const f = join(dir, "line.txt");
      writeFileSync(f, text + "\n");
      const r = runMeasured(self("--no-server", "--quiet", "--engine", "lexicon", "--file", f), compiled);
      return { name, bytes: text.length + 1, seconds: r.seconds, peakRssMb: r.peakRssMb, exitCode: r.code };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
