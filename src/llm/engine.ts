/**
 * An LLM typo fixer around any StepModel (ONNX on CPU, CoreML on the Neural Engine): long text is cut
 * into sentence-sized segments well inside the context window and put back together exactly; each
 * segment is prompted (chat or completion form), decoded greedily, and the answer passes the guard
 * (src/guard) unless the user asked for the raw output. Whatever fails, the input comes through.
 */
import type { Engine, FixOptions, FixResult } from "../types.ts";
import { segments } from "../text/lines.ts";
import { diffEdits, mergeResults, type PieceResult } from "../text/edits.ts";
import { guard } from "../guard/index.ts";
import { LexiconEngine } from "../engines/lexicon/index.ts";
import { generate, maxNewTokensFor, type Generation, type StepModel } from "./generate.ts";
import { CopyDrafter } from "./draft.ts";
import type { ModelTokenizer } from "./tokenizer.ts";
import type { PromptFormat } from "./prompts.ts";

export interface LlmEngineOptions {
  name: string;
  model: StepModel;
  tokenizer: ModelTokenizer;
  format: PromptFormat;
  noGuard?: boolean;
  /** Characters per segment (default: a conservative share of the context). */
  maxSegmentChars?: number;
  /** Copy-speculative decoding: most drafted tokens a forward pass verifies (0: plain greedy). */
  draftTokens?: number;
}

/** Drafted tokens per pass by default: bench/README.md, "copy-speculative decoding". */
export const DEFAULT_DRAFT_TOKENS = 8;

/** Drafted tokens per pass: TYPOFIX_DRAFT_TOKENS (0 turns speculation off), else the default. */
export function draftTokensFromEnv(env: Record<string, string | undefined> = process.env): number {
  const v = env.TYPOFIX_DRAFT_TOKENS;
  if (v === undefined || v === "") return DEFAULT_DRAFT_TOKENS;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`TYPOFIX_DRAFT_TOKENS="${v}": expected a whole number from 0 (off) to 64`);
  return n;
}

export class LlmEngine implements Engine {
  readonly name: string;
  /** The last generations, for benchmarks. */
  readonly stats: Generation[] = [];
  /** Tokens generated since the engine was created (the server's typofix_tokens_generated_total). */
  tokensGenerated = 0;
  /** Segments given to the model, and those where it failed (the lexicon corrected them instead). */
  segmentsRun = 0;
  segmentsFailed = 0;
  /** The last failure's message. */
  lastError: string | null = null;
  private lexicon = LexiconEngine.shared();
  private queue: Promise<unknown> = Promise.resolve();

  private draftTokens: number;

  constructor(private o: LlmEngineOptions) {
    this.name = o.name;
    this.draftTokens = o.draftTokens ?? draftTokensFromEnv();
  }

  /**
   * The model's error while it has failed on every segment so far (at least one), else null: an engine
   * that never works says so (the CLI once on stderr, the server in its errors counter) instead of
   * quietly handing every text to the lexicon.
   */
  get failing(): string | null {
    return this.segmentsRun > 0 && this.segmentsFailed === this.segmentsRun ? this.lastError : null;
  }

  private get maxChars(): number {
    // about 3 characters per token; prompt + answer must fit, so a segment gets under a third of the context
    return this.o.maxSegmentChars ?? Math.max(40, Math.min(600, Math.floor((this.o.model.contextLength / 3 - 32) * 3)));
  }

  /** Raw model answer for one piece of text. */
  async complete(text: string): Promise<string> {
    const tok = this.o.tokenizer;
    const prompt = tok.prompt(this.o.format, text);
    const input = tok.encode(text);
    const k = this.draftTokens;
    // drafts copy the input, then the end of the answer
    const source = tok.stopIds.length ? [...input, tok.stopIds[0]!] : input;
    const draft = k > 0 ? { drafter: new CopyDrafter(source, (id) => tok.startsWord(id)), k } : undefined;
    const g = await generate(this.o.model, prompt, { maxNewTokens: maxNewTokensFor(input.length), stopIds: tok.stopIds, draft });
    this.stats.push(g);
    this.tokensGenerated += g.tokens.length;
    if (this.stats.length > 1000) this.stats.shift();
    // a thinking block the model opens with (the <think> token, not the text "<think>") is not its answer;
    // "<think>" written in the user's text and echoed back stays
    let tokens = g.tokens;
    const open = this.o.tokenizer.id("<think>");
    const close = this.o.tokenizer.id("</think>");
    if (open !== undefined && tokens[0] === open) {
      const end = close === undefined ? -1 : tokens.indexOf(close);
      tokens = end < 0 ? [] : tokens.slice(end + 1);
    }
    return this.o.tokenizer.decode(tokens).trim();
  }

  fix(text: string, options: FixOptions = {}): Promise<FixResult> {
    // one generation at a time: the model holds one sequence's state
    const run = this.queue.then(() => this.fixNow(text, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async fixNow(text: string, options: FixOptions): Promise<FixResult> {
    const parts: PieceResult[] = [];
    let pos = 0;
    for (const seg of segments(text, this.maxChars)) {
      const lead = seg.length - seg.trimStart().length;
      const core = seg.trim();
      const base = pos + lead;
      pos += seg.length;
      // empty, or an unbroken run longer than a segment (a token, not prose): nothing for the model
      if (!core || core.length > this.maxChars) continue;
      let r: FixResult;
      let warning: string | undefined;
      this.segmentsRun++;
      try {
        const out = await this.complete(core);
        r = this.o.noGuard
          ? { input: core, output: out, edits: diffEdits(core, out), engine: this.name }
          : guard(core, out, {
              isKnown: (w) => this.lexicon.isKnown(w),
              userWords: options.userWords,
              fallback: (t) => this.lexicon.fixSync(t, options),
              engine: this.name,
            });
      } catch (err) {
        this.segmentsFailed++;
        this.lastError = (err as Error).message;
        warning = `${this.name} failed (${(err as Error).message}); used the lexicon engine`;
        r = this.lexicon.fixSync(core, options);
      }
      parts.push({ base, result: r, warning });
    }
    return mergeResults(text, parts, this.name);
  }

  async dispose(): Promise<void> {
    await (this.o.model as { dispose?: () => Promise<void> }).dispose?.();
  }
}
