/**
 * An LLM typo fixer around any StepModel (ONNX on CPU, CoreML on the Neural Engine): long text is cut
 * into sentence-sized segments well inside the context window and put back together exactly; each
 * segment is prompted (chat or completion form), decoded greedily, and the answer passes the guard
 * (src/guard) unless the user asked for the raw output. Whatever fails, the input comes through.
 */
import type { Edit, Engine, FixOptions, FixResult, RejectedEdit } from "../types.ts";
import { segments } from "../text/lines.ts";
import { applyEdits, diffEdits } from "../text/edits.ts";
import { guard } from "../guard/index.ts";
import { LexiconEngine } from "../engines/lexicon/index.ts";
import { generate, maxNewTokensFor, type Generation, type StepModel } from "./generate.ts";
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

  constructor(private o: LlmEngineOptions) {
    this.name = o.name;
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
    const prompt = this.o.tokenizer.prompt(this.o.format, text);
    const g = await generate(this.o.model, prompt, {
      maxNewTokens: maxNewTokensFor(this.o.tokenizer.encode(text).length),
      stopIds: this.o.tokenizer.stopIds,
    });
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
    const edits: Edit[] = [];
    const rejected: RejectedEdit[] = [];
    const warnings: string[] = [];
    let pos = 0;
    for (const seg of segments(text, this.maxChars)) {
      const lead = seg.length - seg.trimStart().length;
      const core = seg.trim();
      const base = pos + lead;
      pos += seg.length;
      // empty, or an unbroken run longer than a segment (a token, not prose): nothing for the model
      if (!core || core.length > this.maxChars) continue;
      let r: FixResult;
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
        warnings.push(`${this.name} failed (${(err as Error).message}); used the lexicon engine`);
        r = this.lexicon.fixSync(core, options);
      }
      for (const e of r.edits) edits.push({ ...e, start: e.start + base, end: e.end + base });
      for (const e of r.rejected ?? []) rejected.push({ ...e, start: e.start + base, end: e.end + base });
      if (r.warning) warnings.push(r.warning);
    }
    const result: FixResult = { input: text, output: applyEdits(text, edits), edits, engine: this.name };
    if (rejected.length) result.rejected = rejected;
    if (warnings.length) result.warning = [...new Set(warnings)].join("; ");
    return result;
  }

  async dispose(): Promise<void> {
    await (this.o.model as { dispose?: () => Promise<void> }).dispose?.();
  }
}
