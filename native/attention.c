/*
 * Run-time choice of the kernel's build (attention_impl.c compiled per instruction set on x86-64;
 * one generic build elsewhere).
 */
#include <stdlib.h>
#include <string.h>
#include "attention.h"

#define DECL(isa)                                       \
  void attn_store_##isa(const attn_args *a, int h);     \
  void attn_head_##isa(const attn_args *a, int h);
DECL(generic)
#if defined(__x86_64__) && defined(TYPOFIX_X86_ISAS)
DECL(avx2)
DECL(avx512)
#endif

typedef void (*fn_t)(const attn_args *, int);
static fn_t store_fn, head_fn;
static const char *isa_name;

/* TYPOFIX_ATTENTION_ISA=avx2|generic takes a lesser build than the CPU allows (to measure it) */
static void pick(void) {
  if (head_fn) return;
  const char *force = getenv("TYPOFIX_ATTENTION_ISA");
  if (force && !strcmp(force, "generic")) {
    store_fn = attn_store_generic, isa_name = "generic";
    head_fn = attn_head_generic;
    return;
  }
#if defined(__x86_64__) && defined(TYPOFIX_X86_ISAS)
  __builtin_cpu_init();
  if ((!force || strcmp(force, "avx2")) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma")) {
    store_fn = attn_store_avx512, isa_name = "avx512";
    head_fn = attn_head_avx512;
    return;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    /* F16C comes with every AVX2 CPU made (Haswell and Zen on) */
    store_fn = attn_store_avx2, isa_name = "avx2";
    head_fn = attn_head_avx2;
    return;
  }
#endif
  store_fn = attn_store_generic, isa_name = "generic";
  head_fn = attn_head_generic;
}

void attn_store(const attn_args *a, int h) {
  pick();
  store_fn(a, h);
}
void attn_head(const attn_args *a, int h) {
  pick();
  head_fn(a, h);
}
void attn_task(const attn_args *a, int h) {
  pick();
  store_fn(a, h);
  head_fn(a, h);
}
const char *attn_isa(void) {
  pick();
  return isa_name;
}
