/*
 * typofix's 4-bit matmul: Y[M][N] = A[M][K] · W[K][N] with W in com.microsoft MatMulNBits's layout as
 * the Hub's q4 exports store it: 4 bits, blocks of 32 along K, symmetric (no zero points: the implied
 * zero point is 8), B uint8 [N][K/32][16] (column n's block, two values a byte, low nibble first),
 * scales float32 [N][K/32]. A and Y float32, row-major.
 */
#ifndef TYPOFIX_MATMUL_H
#define TYPOFIX_MATMUL_H
#include <stddef.h>
#include <stdint.h>

#define MM_BLOCK 32

typedef struct {
  int M, K, N;
  const float *a;
  const uint8_t *b;
  const float *scales;
  float *y;
  /* the weights and scales repacked by mm_pack for the x86 paths, or NULL (then read from b/scales as they are) */
  const uint8_t *packed;
  /* scratch prepared by mm_prepare for the chosen path (activations converted once per call) */
  void *prep;
  int path;   /* MM_PATH_* */
  int failed; /* set by a task that could not get its scratch memory */
} mm_args;

enum { MM_PATH_GENERIC = 0, MM_PATH_VNNI = 1, MM_PATH_AMX = 2 };

/* Units of parallel work for a call (columns split into groups); mm_task(a, i) for i < mm_tasks(a). */
size_t mm_tasks(const mm_args *a);
/* Pick the path for this M and quantise the activations (int8 per row and block of 32). 0 on success. */
int mm_prepare(mm_args *a);
void mm_task(const mm_args *a, size_t i);
void mm_finish(mm_args *a);
/*
 * The x86 paths read the weights faster from a copy in their own layout (matmul_x86.c), made once per
 * node: mm_packed_bytes(a) bytes (0: the path has no use for one), filled by mm_pack(a, dst, i) for
 * i < mm_pack_tasks(a) (in parallel), then passed as a->packed.
 */
size_t mm_packed_bytes(const mm_args *a);
size_t mm_pack_tasks(const mm_args *a);
void mm_pack(const mm_args *a, uint8_t *dst, size_t i);
/* Which build the running CPU takes ("amx", "avx512", "generic"). */
const char *mm_isa(void);
/* Rows from which the AMX path is taken (TYPOFIX_MATMUL_AMX_ROWS; default below). */
int mm_amx_rows(void);

#endif
