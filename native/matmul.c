/*
 * typofix's 4-bit matmul (matmul.h): the choice of path by CPU and M, and the portable path.
 * On x86-64 with AVX-512 (F/BW/VL/VNNI) and AMX-int8, where Linux grants the tile data
 * (arch_prctl ARCH_REQ_XCOMP_PERM), the build is "amx": AMX-int8 tiles from TYPOFIX_MATMUL_AMX_ROWS rows of A
 * (default MM_AMX_ROWS), the VNNI GEMV below that (matmul_x86.c; both give the same numbers). Without AMX but with AVX-512 VNNI it
 * is "avx512" (the GEMV for every M); elsewhere "generic": plain C, float32 dequantisation per column.
 * TYPOFIX_MATMUL_ISA=avx512|generic takes a lesser build than the CPU allows (tests, measurements).
 */
#include <stdlib.h>
#include <string.h>
#include "matmul.h"

/* Linux only: elsewhere the AMX tile state is not handed out the same way (and not tried) */
#if defined(__x86_64__) && defined(__linux__) && defined(TYPOFIX_MATMUL_X86)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
int mmx_prepare(mm_args *a);
void mmx_free(void *prep);
size_t mmx_vnni_groups(const mm_args *a);
void mmx_task_vnni(const mm_args *a, size_t task);
size_t mmx_amx_groups(const mm_args *a);
void mmx_task_amx(const mm_args *a, size_t task);
size_t mmx_packed_bytes(const mm_args *a);
void mmx_pack(const mm_args *a, uint8_t *dst, size_t group);
#define X86 1
#else
#define X86 0
#endif

/* Rows of A from which AMX pays over the GEMV (bench/README.md, "typofix's 4-bit matmul") */
#define MM_AMX_ROWS 16
/* columns per task of the GEMV and generic paths */
#define COLS 64

static const char *isa_name;
static int amx_rows = MM_AMX_ROWS;

static void pick(void) {
  if (isa_name) return;
  const char *force = getenv("TYPOFIX_MATMUL_ISA");
  const char *rows = getenv("TYPOFIX_MATMUL_AMX_ROWS");
  if (rows && atoi(rows) > 0) amx_rows = atoi(rows);
  const char *name = "generic";
  (void)force;
#if X86
  if (!force || strcmp(force, "generic")) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")) {
      name = "avx512";
      unsigned a, b, c, d;
      /* CPUID.(7,0):EDX bit 24 AMX-TILE, bit 25 AMX-INT8 */
      int amx = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (d >> 24 & 1) && (d >> 25 & 1);
      /* Linux hands out the AMX tile data state only on request (ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) */
      if ((!force || strcmp(force, "avx512")) && amx && syscall(SYS_arch_prctl, 0x1023, 18) == 0) name = "amx";
    }
  }
#endif
  isa_name = name;
}

const char *mm_isa(void) {
  pick();
  return isa_name;
}
int mm_amx_rows(void) {
  pick();
  return amx_rows;
}

size_t mm_tasks(const mm_args *a) {
#if X86
  if (a->path == MM_PATH_AMX) return mmx_amx_groups(a);
  if (a->path == MM_PATH_VNNI) return mmx_vnni_groups(a);
#endif
  return (size_t)(a->N + COLS - 1) / COLS;
}

size_t mm_packed_bytes(const mm_args *a) {
  pick();
#if X86
  if (strcmp(isa_name, "generic")) return mmx_packed_bytes(a);
#endif
  (void)a;
  return 0;
}
size_t mm_pack_tasks(const mm_args *a) { return (size_t)(a->N + 15) / 16; }
void mm_pack(const mm_args *a, uint8_t *dst, size_t i) {
#if X86
  mmx_pack(a, dst, i);
#else
  (void)a, (void)dst, (void)i;
#endif
}

int mm_prepare(mm_args *a) {
  pick();
  a->prep = NULL;
  a->path = MM_PATH_GENERIC;
#if X86
  if (strcmp(isa_name, "generic")) {
    /* both paths compute the same numbers (matmul_x86.c): the choice is speed only */
    a->path = !strcmp(isa_name, "amx") && a->M >= amx_rows ? MM_PATH_AMX : MM_PATH_VNNI;
    return mmx_prepare(a);
  }
#endif
  return 0;
}

void mm_finish(mm_args *a) {
#if X86
  if (a->path != MM_PATH_GENERIC) mmx_free(a->prep);
#endif
  a->prep = NULL;
}

/* the portable path: each column dequantised to float32, dotted with every row */
static void generic_cols(const mm_args *a, int n0, int n1) {
  const int K = a->K, nb = K / MM_BLOCK;
  float stack[4096];
  float *w = K <= 4096 ? stack : malloc(sizeof(float) * (size_t)K);
  if (!w) {
    __atomic_store_n(&((mm_args *)a)->failed, 1, __ATOMIC_RELAXED);
    return;
  }
  for (int n = n0; n < n1; n++) {
    const uint8_t *bc = a->b + (size_t)n * nb * 16;
    for (int b = 0; b < nb; b++) {
      const float s = a->scales[(size_t)n * nb + b];
      for (int i = 0; i < 16; i++) {
        const uint8_t byte = bc[b * 16 + i];
        w[b * 32 + 2 * i] = (float)((int)(byte & 15) - 8) * s;
        w[b * 32 + 2 * i + 1] = (float)((int)(byte >> 4) - 8) * s;
      }
    }
    for (int m = 0; m < a->M; m++) {
      const float *x = a->a + (size_t)m * K;
      float acc = 0;
      for (int k = 0; k < K; k++) acc += x[k] * w[k];
      a->y[(size_t)m * a->N + n] = acc;
    }
  }
  if (w != stack) free(w);
}

void mm_task(const mm_args *a, size_t i) {
#if X86
  if (a->path == MM_PATH_AMX) {
    mmx_task_amx(a, i);
    return;
  }
#endif
#if X86
  if (a->path == MM_PATH_VNNI) {
    mmx_task_vnni(a, i);
    return;
  }
#endif
  const int n0 = (int)i * COLS, n1 = n0 + COLS < a->N ? n0 + COLS : a->N;
  generic_cols(a, n0, n1);
}
