/*
 * typofix's 4-bit matmul outside onnxruntime: results of the path this CPU takes (and of the ones
 * TYPOFIX_MATMUL_ISA forces) against a float64 reference over the dequantised weights, and its time;
 * and the first and last rows computed alone must equal them bit for bit (exit 1 otherwise).
 *   matmul-bench [M K N [repeats]]   (default: a few shapes of Qwen3-0.6B; one thread)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "matmul.h"

static uint32_t rng = 12345;
static uint32_t next(void) {
  rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
  return rng;
}
static float unif(void) { return (float)(next() >> 8) / 16777216.0f * 2 - 1; }
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int run(int M, int K, int N, int reps, int pack) {
  const int nb = K / MM_BLOCK;
  float *a = malloc(sizeof(float) * M * K), *s = malloc(sizeof(float) * N * nb), *y = malloc(sizeof(float) * M * N);
  uint8_t *b = malloc((size_t)N * nb * 16);
  for (int i = 0; i < M * K; i++) a[i] = unif();
  for (int i = 0; i < N * nb; i++) s[i] = 0.01f * (0.75f + 0.25f * (unif() + 1));
  for (size_t i = 0; i < (size_t)N * nb * 16; i++) b[i] = (uint8_t)next();
  mm_args x = {M, K, N, a, b, s, y, NULL, NULL, 0, 0};
  uint8_t *packed = NULL;
  if (pack && mm_packed_bytes(&x)) {
    packed = aligned_alloc(64, (mm_packed_bytes(&x) + 63) / 64 * 64);
    for (size_t i = 0; i < mm_pack_tasks(&x); i++) mm_pack(&x, packed, i);
    x.packed = packed;
  }
  double best = 1e9;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    if (mm_prepare(&x)) return fprintf(stderr, "prepare failed\n"), 1;
    size_t n = mm_tasks(&x);
    for (size_t i = 0; i < n; i++) mm_task(&x, i);
    mm_finish(&x);
    double t = now() - t0;
    if (t < best) best = t;
  }
  if (x.failed) return fprintf(stderr, "a task failed\n"), 1;
  /* a row's result does not depend on the rows that came with it: the first and last rows alone, bit for bit */
  int differ = 0;
  float *y1 = malloc(sizeof(float) * N);
  for (int m = 0; m < M; m += (M > 1 ? M - 1 : 1)) {
    mm_args one = {1, K, N, a + (size_t)m * K, b, s, y1, packed, NULL, 0, 0};
    if (mm_prepare(&one)) return fprintf(stderr, "prepare failed\n"), 1;
    for (size_t i = 0, n = mm_tasks(&one); i < n; i++) mm_task(&one, i);
    mm_finish(&one);
    differ += memcmp(y1, y + (size_t)m * N, sizeof(float) * N) != 0;
  }
  free(y1);
  /* reference: float64 over the dequantised weights, relative to the scale of the output */
  double maxerr = 0, maxref = 0;
  for (int n = 0; n < N; n += (N > 256 ? 7 : 1))
    for (int m = 0; m < M; m++) {
      double acc = 0;
      for (int k = 0; k < K; k++) {
        uint8_t byte = b[((size_t)n * nb + k / 32) * 16 + (k % 32) / 2];
        int v = (k & 1 ? byte >> 4 : byte & 15) - 8;
        acc += (double)a[m * K + k] * v * s[n * nb + k / 32];
      }
      double e = fabs(acc - y[(size_t)m * N + n]);
      if (e > maxerr) maxerr = e;
      if (fabs(acc) > maxref) maxref = fabs(acc);
    }
  printf("%-7s %s path %d  M=%4d K=%5d N=%6d  %8.3f ms  %7.1f GMAC/s  max err %.2e of max |y| %.3f (%.2e)%s\n", mm_isa(), packed ? "packed" : "as-is ", x.path, M, K, N, best * 1e3,
         (double)M * K * N / best / 1e9, maxerr, maxref, maxerr / maxref, differ ? "  ROWS DIFFER FROM ONE-ROW CALLS" : "");
  free(a), free(s), free(y), free(b), free(packed);
  return maxerr / maxref > 2e-2 || differ;
}

int main(int argc, char **argv) {
  if (argc >= 4) return run(atoi(argv[1]), atoi(argv[2]), atoi(argv[3]), argc > 4 ? atoi(argv[4]) : 5, 1);
  int bad = 0;
  const int shapes[][3] = {{1, 1024, 3072}, {1, 3072, 1024}, {4, 1024, 2048}, {9, 1024, 3072}, {16, 1024, 1024}, {128, 1024, 3072}, {128, 3072, 1024}, {40, 96, 40}, {3, 64, 17}};
  for (int pack = 1; pack >= 0; pack--)
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) bad |= run(shapes[i][0], shapes[i][1], shapes[i][2], 5, pack);
  return bad;
}
