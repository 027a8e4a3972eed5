/*
 * typofix_ane.h — the C ABI between typofix (TypeScript, bun:ffi) and its Swift CoreML runner for
 * ANEMLL-converted models on the Apple Neural Engine. The library only runs the model: the caller owns
 * tokenisation, prompting, stopping, maximum lengths, segmentation and the guard.
 *
 * Versioning: TYPOFIX_ANE_ABI_VERSION changes whenever a signature or a meaning below changes;
 * callers check typofix_ane_abi_version() before anything else.
 *
 * Ownership:
 *   - typofix_ane_model* handles are created by typofix_ane_open and released by typofix_ane_close
 *     (exactly once; a closed handle must not be used again).
 *   - Strings returned by the library (info JSON, last error) are owned by the library: valid until the
 *     next call on the same handle (info) or the next call on the same thread (last error). Callers copy
 *     them; they never free them.
 *   - Arrays passed in (token ids) are owned by the caller and only read during the call.
 * Threads: calls on one handle must not overlap. No callbacks are ever made into the caller.
 * Errors never abort the host: every failure returns NULL or -1 and sets the thread's last error.
 */
#ifndef TYPOFIX_ANE_H
#define TYPOFIX_ANE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 2: typofix_ane_forward and typofix_ane_truncate (copy-speculative decoding through the batch path);
 *    info JSON's "forward". 1: open, info, prefill, decode, reset, close, last error. */
#define TYPOFIX_ANE_ABI_VERSION 2

/* Compute units for CoreML. */
#define TYPOFIX_ANE_CPU_AND_NEURAL_ENGINE 0
#define TYPOFIX_ANE_CPU_ONLY 1
#define TYPOFIX_ANE_ALL 2

typedef struct typofix_ane_model typofix_ane_model;

/* The ABI version the library was built with (compare with TYPOFIX_ANE_ABI_VERSION). */
int32_t typofix_ane_abi_version(void);

/* Open an ANEMLL model folder (meta.yaml, embeddings, FFN chunk(s), lm head). NULL on error. */
typofix_ane_model *typofix_ane_open(const char *model_dir, int32_t compute_units);

/* Model facts as JSON: context_length, batch_size, vocab_size, num_chunks, lut_bits {embeddings, ffn,
 * lmhead}, compute_units, abi_version, and forward: "batch" when typofix_ane_forward reads the next
 * tokens from the FFN prefill function's output rows, "step" when it steps with `infer` for every token
 * whose next token is wanted (a conversion whose prefill returns fewer rows than its batch, e.g. only the
 * first one, as ANEMLL's converters do; or one whose rows disagreed with `infer` when checked once, on
 * the handle's first batch forward). Either way forward's results are the same greedy tokens; "step"
 * saves no model calls over decode, so callers speculate only on "batch". It can change from "batch"
 * to "step" during the handle's life, never back. NULL on error. Owned by the handle (see above). */
const char *typofix_ane_info_json(typofix_ane_model *model);

/* Reset the state and feed a prompt of n token ids (1 <= n < context length) as typofix_ane_forward
 * does with keep 1; returns the greedy next token id, or -1 on error. */
int32_t typofix_ane_prefill(typofix_ane_model *model, const int32_t *ids, int32_t n);

/* Feed one token id at the next position; returns the greedy next token id (argmax across all lm-head
 * parts), or -1 on error (including a position past the context length). */
int32_t typofix_ane_decode(typofix_ane_model *model, int32_t id);

/* Feed n >= 1 token ids at the next positions (p .. p+n-1, p the current length) and write the greedy
 * next token after each of the last `keep` of them (1 <= keep <= n) to out[0..keep-1]: out[i] follows
 * ids[n-keep+i], the argmax across all lm-head parts exactly as decode's. Returns keep, or -1 on error
 * (p+n past the context length, as decode; a bad id, keep or pointer), and then the sequence is as it
 * was before the call. How: the FFN `prefill` function in blocks of batch_size tokens at position ids
 * p.., with the causal-mask rows of those queries (key j visible to query q iff j <= q), padded after
 * the real tokens; a block is used only where it lies wholly inside the context (no position is ever
 * clamped), else the tokens go one by one through `infer`. Padding rows write KV entries after the
 * real tokens: those lie past the sequence, are masked for every query, and are overwritten when the
 * sequence reaches them. The lm head takes each wanted row's hidden state as its own [1,1,H] input.
 * With "forward":"step" (see info) the tokens whose next token is not wanted still go in prefill blocks,
 * and the wanted ones step through `infer`. out is owned by the caller (keep int32 values). */
int32_t typofix_ane_forward(typofix_ane_model *model, const int32_t *ids, int32_t n, int32_t keep, int32_t *out);

/* Keep the first `length` tokens of the sequence (0 <= length <= current length) and continue from
 * there: the KV entries after them stay in the state but are masked by the causal mask (no query at a
 * position below theirs sees them) until the sequence reaches their positions again and overwrites
 * them. 0 on success, -1 on error (a length outside 0..current length). */
int32_t typofix_ane_truncate(typofix_ane_model *model, int32_t length);

/* Forget the sequence (KV cache state, position). 0 on success, -1 on error. */
int32_t typofix_ane_reset(typofix_ane_model *model);

/* Release the handle and its models. NULL is ignored. */
void typofix_ane_close(typofix_ane_model *model);

/* The calling thread's last error message ("" when none). Owned by the library. */
const char *typofix_ane_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* TYPOFIX_ANE_H */
