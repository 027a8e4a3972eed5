/*
 * typofix's attention kernel: grouped-query attention of S new tokens over a float16 KV cache,
 * as onnxruntime's com.microsoft GroupQueryAttention computes it without rotary (the caller applies
 * rotary before), without a local window, softcap or smooth softmax: causal, scale on QK^T, softmax,
 * P·V. The cache is [batch][kv_heads][capacity][head_size] float16 (IEEE binary16 bit patterns);
 * query/key/value/output are float32 [batch][S][heads·head_size].
 */
#ifndef TYPOFIX_ATTENTION_H
#define TYPOFIX_ATTENTION_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
  int heads, kv_heads, head_size;
  float scale;
  int seq;      /* S: new tokens per batch entry */
  int past;     /* tokens already in the cache before these (per batch entry: see attn_task) */
  int capacity; /* rows per head in the cache buffers */
  const float *q, *k, *v;
  uint16_t *kc, *vc;
  float *out;
} attn_args;

/* Append the S new tokens' keys and values (rounded to float16) at rows past.. of kv head h. */
void attn_store(const attn_args *a, int h);
/* Attention output of the query heads that read kv head h (call after attn_store for h). */
void attn_head(const attn_args *a, int h);
/* Both for kv head h: the unit of parallel work. */
void attn_task(const attn_args *a, int h);
/* Which code path the running CPU takes ("avx512", "avx2", "generic"). */
const char *attn_isa(void);

#endif
