/**
 * Greedy decoding over any model that can score a step: the driver owns stopping (stop tokens, a
 * max-new-tokens bound) and the context cap; the model (ONNX session, CoreML dylib) only returns the
 * next token for the tokens it is given. With a copy drafter (src/llm/draft.ts) and a model that can
 * score several tokens in one pass, decoding is speculative: k drafted tokens are verified in one
 * forward pass, the longest prefix the model agrees with is kept plus the model's own next token, and
 * the cache is cut back to what was kept — the tokens are exactly those of plain greedy decoding
 * (test/speculative.test.ts), in fewer passes. Cost: one forward pass per step, or per accepted run.
 */
import type { CopyDrafter } from "./draft.ts";

export interface StepModel {
  /** Context length the model supports (prompt + generated). */
  readonly contextLength: number;
  /** Start a sequence: process the prompt, return the greedy next token. */
  prefill(ids: readonly number[]): Promise<number>;
  /** Feed one token, return the greedy next token. */
  decode(id: number): Promise<number>;
  /** Forget the sequence (KV cache). */
  reset(): Promise<void> | void;
  /** Feed several tokens in one forward pass; the greedy next token after each of the last `keep` of them. */
  forward?(ids: readonly number[], keep: number): Promise<number[]>;
  /** Keep only the first `length` tokens of the sequence (drop rejected drafts). */
  truncate?(length: number): Promise<void> | void;
}

export interface GenerateOptions {
  maxNewTokens: number;
  stopIds: readonly number[];
  /** Speculative decoding: where drafts come from, and how many tokens a pass verifies at most. */
  draft?: { drafter: CopyDrafter; k: number };
}

export interface Generation {
  tokens: number[];
  stoppedBy: "stop" | "max_tokens" | "context";
  prefillMs: number;
  decodeMs: number;
  /** Forward passes (prefill included). */
  passes: number;
}

/** Max new tokens for a text: its token count with room for fixes (not a fixed number). */
export const maxNewTokensFor = (inputTokens: number) => Math.ceil(inputTokens * 1.5) + 8;

export async function generate(model: StepModel, prompt: readonly number[], opts: GenerateOptions): Promise<Generation> {
  if (prompt.length >= model.contextLength) throw new Error(`prompt of ${prompt.length} tokens does not fit the context of ${model.contextLength}`);
  await model.reset();
  const spec = opts.draft && opts.draft.k > 0 && model.forward && model.truncate ? opts.draft : undefined;
  const ctx = model.contextLength;
  const tokens: number[] = [];
  // greedy tokens already known (verified drafts and the model's token after them); every one but the
  // last has been fed to the model
  let known: number[];
  // one pass over `feed`: the model's token after feed[0], then while drafts match, after each of them
  const verify = async (feed: readonly number[], draft: number[]): Promise<number[]> => {
    const preds = await model.forward!(feed, draft.length + 1);
    const out = [preds[0]!];
    for (let i = 0; i < draft.length && draft[i] === preds[i]; i++) out.push(preds[i + 1]!);
    return out;
  };
  // drafts that greedy decoding could still reach: inside the context and the token budget
  const room = (len: number) => Math.min(spec?.k ?? 0, ctx - len - 2, opts.maxNewTokens - tokens.length - 1);
  const t0 = performance.now();
  let passes = 1;
  if (spec) {
    const d = spec.drafter.draft(tokens, room(prompt.length - 1));
    known = await verify([...prompt, ...d], d);
  } else known = [await model.prefill(prompt)];
  const t1 = performance.now();
  let stoppedBy: Generation["stoppedBy"] = "max_tokens";
  let len = prompt.length;
  while (true) {
    const next = known.shift()!;
    if (opts.stopIds.includes(next)) {
      stoppedBy = "stop";
      break;
    }
    tokens.push(next);
    if (tokens.length >= opts.maxNewTokens) break;
    if (len + 1 >= ctx) {
      stoppedBy = "context";
      break;
    }
    if (!known.length) {
      // `next` is not in the cache yet: feed it, with drafts of what follows
      passes++;
      const d = spec ? spec.drafter.draft(tokens, room(len)) : [];
      if (d.length) {
        await model.truncate!(len);
        known = await verify([next, ...d], d);
      } else {
        if (spec) await model.truncate!(len);
        known = [await model.decode(next)];
      }
    }
    len++;
  }
  return { tokens, stoppedBy, prefillMs: t1 - t0, decodeMs: performance.now() - t1, passes };
}
