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

#define TYPOFIX_ANE_ABI_VERSION 1

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
 * lmhead}, compute_units, abi_version. NULL on error. Owned by the handle (see above). */
const char *typofix_ane_info_json(typofix_ane_model *model);

/* Reset the state and process a prompt of n token ids (1 <= n < context length) in batches; returns
 * the greedy next token id, or -1 on error. */
int32_t typofix_ane_prefill(typofix_ane_model *model, const int32_t *ids, int32_t n);

/* Feed one token id at the next position; returns the greedy next token id (argmax across all lm-head
 * parts), or -1 on error (including a position past the context length). */
int32_t typofix_ane_decode(typofix_ane_model *model, int32_t id);

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
