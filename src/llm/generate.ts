/**
 * Greedy decoding over any model that can score a step: the driver owns stopping (stop tokens, a
 * max-new-tokens bound) and the context cap; the model (ONNX session, CoreML dylib) only returns the
 * next token for the tokens it is given.
 */

export interface StepModel {
  /** Context length the model supports (prompt + generated). */
  readonly contextLength: number;
  /** Start a sequence: process the prompt, return the greedy next token. */
  prefill(ids: readonly number[]): Promise<number>;
  /** Feed one token, return the greedy next token. */
  decode(id: number): Promise<number>;
  /** Forget the sequence (KV cache). */
  reset(): Promise<void> | void;
}

export interface GenerateOptions {
  maxNewTokens: number;
  stopIds: readonly number[];
}

export interface Generation {
  tokens: number[];
  stoppedBy: "stop" | "max_tokens" | "context";
  prefillMs: number;
  decodeMs: number;
}

/** Max new tokens for a text: its token count with room for fixes (not a fixed number). */
export const maxNewTokensFor = (inputTokens: number) => Math.ceil(inputTokens * 1.5) + 8;

export async function generate(model: StepModel, prompt: readonly number[], opts: GenerateOptions): Promise<Generation> {
  if (prompt.length >= model.contextLength) throw new Error(`prompt of ${prompt.length} tokens does not fit the context of ${model.contextLength}`);
  await model.reset();
  const t0 = performance.now();
  let next = await model.prefill(prompt);
  const t1 = performance.now();
  const tokens: number[] = [];
  let stoppedBy: Generation["stoppedBy"] = "max_tokens";
  let len = prompt.length;
  while (true) {
    if (opts.stopIds.includes(next)) {
      stoppedBy = "stop";
      break;
    }
    tokens.push(next);
    if (tokens.length >= opts.maxNewTokens) break;
    if (len + 1 >= model.contextLength) {
      stoppedBy = "context";
      break;
    }
    next = await model.decode(next);
    len++;
  }
  return { tokens, stoppedBy, prefillMs: t1 - t0, decodeMs: performance.now() - t1 };
}
