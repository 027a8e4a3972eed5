/*
 * The x86-64 paths of typofix's 4-bit matmul (matmul.h), compiled with AVX-512 (F/BW/VL/VNNI/BF16) and
 * AMX (tile, bf16) enabled (native/build.sh); matmul.c calls them only where the CPU has them.
 *
 * AMX (prefill-sized M): the activations are converted once to bfloat16 ([M rounded up to 16][K]).
 * Each task takes 32 output columns: their 4-bit weights are unpacked once, for the whole K, into
 * bfloat16 tiles with the block's scale folded in ((v - 8) · scale, rounded to nearest even), laid out
 * as TDPBF16PS reads B (row r of a block's tile: the pair k = 2r, 2r+1 of each of 16 columns, which is
 * byte r of each column's block: its low and high nibble). Then for every 32 rows of A, four C tiles
 * (32 × 32 float32) accumulate over K with TDPBF16PS and are stored to Y. The unpacked weights (2 KB a
 * block of 32 columns: 64 KB for K = 1024) stay in L2 while every row group reuses them.
 *
 * VNNI (decode-sized M): the activations are quantised to int8 per row and block of 32 (scale =
 * absmax / 127, as MLAS's CompInt8 does), each block's values reordered evens then odds to match the
 * nibbles; a column's weights stream once from memory, 64 bytes (4 blocks) at a time: low and high
 * nibbles (unsigned 0..15) dot the int8 activations with VPDPBUSD, the accumulator starting from
 * -8 · (the block's sum of activations), which applies the zero point 8; the int32 sums of the 4 blocks
 * are scaled by activation scale × weight scale into a float32 accumulator.
 */
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "matmul.h"

/* ---- VNNI ---- */

typedef struct {
  int ngrp;      /* groups of 4 blocks along K */
  uint8_t *q;    /* [M][ngrp][128]: per group 64 bytes of even-k values, 64 of odd-k (4 blocks × 16) */
  float *as;     /* [M][ngrp][16]: lane l: the activation scale of block l/4 */
  int32_t *corr; /* [M][ngrp][16]: lane 4j: -8 · sum of block j's int8 values; other lanes 0 */
} vnni_prep;

int mmx_prepare_vnni(mm_args *a) {
  const int M = a->M, K = a->K, nb = K / MM_BLOCK, ngrp = (nb + 3) / 4;
  vnni_prep *p = malloc(sizeof *p);
  if (!p) return -1;
  p->ngrp = ngrp;
  p->q = aligned_alloc(64, (size_t)M * ngrp * 128 + 64);
  p->as = aligned_alloc(64, (size_t)M * ngrp * 64 + 64);
  p->corr = aligned_alloc(64, (size_t)M * ngrp * 64 + 64);
  if (!p->q || !p->as || !p->corr) {
    free(p->q), free(p->as), free(p->corr), free(p);
    return -1;
  }
  memset(p->q, 0, (size_t)M * ngrp * 128);
  memset(p->as, 0, (size_t)M * ngrp * 64);
  memset(p->corr, 0, (size_t)M * ngrp * 64);
  for (int m = 0; m < M; m++) {
    const float *x = a->a + (size_t)m * K;
    for (int b = 0; b < nb; b++) {
      const float *xb = x + b * MM_BLOCK;
      __m512 v0 = _mm512_loadu_ps(xb), v1 = _mm512_loadu_ps(xb + 16);
      float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
      float s = amax / 127.0f, inv = amax > 0 ? 127.0f / amax : 0.0f;
      /* round to nearest even, as MLAS's quantisation */
      __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, _mm512_set1_ps(inv)));
      __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, _mm512_set1_ps(inv)));
      int32_t qi[32];
      _mm512_storeu_si512(qi, q0);
      _mm512_storeu_si512(qi + 16, q1);
      const int g = b / 4, j = b % 4;
      uint8_t *dst = p->q + ((size_t)m * ngrp + g) * 128;
      int sum = 0;
      for (int i = 0; i < 16; i++) {
        dst[16 * j + i] = (uint8_t)(int8_t)qi[2 * i];
        dst[64 + 16 * j + i] = (uint8_t)(int8_t)qi[2 * i + 1];
        sum += qi[2 * i] + qi[2 * i + 1];
      }
      float *as = p->as + ((size_t)m * ngrp + g) * 16;
      for (int l = 0; l < 4; l++) as[4 * j + l] = s;
      p->corr[((size_t)m * ngrp + g) * 16 + 4 * j] = -8 * sum;
    }
  }
  a->prep = p;
  return 0;
}

void mmx_free_vnni(void *prep) {
  vnni_prep *p = prep;
  if (!p) return;
  free(p->q), free(p->as), free(p->corr), free(p);
}

/* one column, R rows (R ≤ 4, a constant at each call site so the accumulators stay in registers) */
static inline __attribute__((always_inline)) void vnni_col(const mm_args *a, const vnni_prep *p, int n, int m0, const int R) {
  const int nb = a->K / MM_BLOCK, ngrp = p->ngrp;
  const uint8_t *bc = a->b + (size_t)n * nb * 16;
  const float *sc = a->scales + (size_t)n * nb;
  const __m512i low = _mm512_set1_epi8(0x0f);
  const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
  __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
  for (int g = 0; g < ngrp; g++) {
    __m512i x;
    __m128 s4;
    if (4 * g + 4 <= nb) {
      x = _mm512_loadu_si512(bc + (size_t)g * 64);
      s4 = _mm_loadu_ps(sc + 4 * g);
    } else {
      const int left = nb - 4 * g;
      x = _mm512_maskz_loadu_epi8((__mmask64)((1ULL << (16 * left)) - 1), bc + (size_t)g * 64);
      s4 = _mm_maskz_loadu_ps((__mmask8)((1u << left) - 1), sc + 4 * g);
    }
    const __m512i lo = _mm512_and_si512(x, low), hi = _mm512_and_si512(_mm512_srli_epi16(x, 4), low);
    const __m512 bs = _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(s4));
    for (int r = 0; r < R; r++) {
      const size_t o = (size_t)(m0 + r) * ngrp + g;
      const uint8_t *q = p->q + o * 128;
      __m512i s = _mm512_load_si512(p->corr + o * 16);
      s = _mm512_dpbusd_epi32(s, lo, _mm512_load_si512(q));
      s = _mm512_dpbusd_epi32(s, hi, _mm512_load_si512(q + 64));
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(bs, _mm512_load_ps(p->as + o * 16)), acc[r]);
    }
  }
  for (int r = 0; r < R; r++) a->y[(size_t)(m0 + r) * a->N + n] = _mm512_reduce_add_ps(acc[r]);
}

void mmx_task_vnni(const mm_args *a, int n0, int n1) {
  const vnni_prep *p = a->prep;
  for (int n = n0; n < n1; n++) {
    int m = 0;
    for (; m + 4 <= a->M; m += 4) vnni_col(a, p, n, m, 4);
    switch (a->M - m) {
      case 3: vnni_col(a, p, n, m, 3); break;
      case 2: vnni_col(a, p, n, m, 2); break;
      case 1: vnni_col(a, p, n, m, 1); break;
    }
  }
}

/* ---- AMX (bfloat16) ---- */

typedef struct {
  int mpad;        /* M rounded up to 16 */
  uint16_t *abf;   /* [mpad][K] bfloat16 */
} amx_prep;

int mmx_prepare_amx(mm_args *a) {
  const int M = a->M, K = a->K, mpad = (M + 15) / 16 * 16;
  amx_prep *p = malloc(sizeof *p);
  if (!p) return -1;
  p->mpad = mpad;
  p->abf = aligned_alloc(64, (size_t)mpad * K * 2 + 64);
  if (!p->abf) return free(p), -1;
  for (int m = 0; m < M; m++) {
    const float *x = a->a + (size_t)m * K;
    uint16_t *d = p->abf + (size_t)m * K;
    int k = 0;
    for (; k + 16 <= K; k += 16) _mm256_storeu_si256((__m256i *)(d + k), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(x + k)));
    if (k < K) {
      const __mmask16 mk = (__mmask16)((1u << (K - k)) - 1);
      _mm256_mask_storeu_epi16(d + k, mk, (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mk, x + k)));
    }
  }
  memset(p->abf + (size_t)M * K, 0, (size_t)(mpad - M) * K * 2);
  a->prep = p;
  return 0;
}

void mmx_free_amx(void *prep) {
  amx_prep *p = prep;
  if (!p) return;
  free(p->abf), free(p);
}

typedef struct {
  uint8_t palette, start_row, reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
} tilecfg;

/* the 16 columns c0.. (valid of them) of every block, as bfloat16 B tiles: out[kb][16 rows][16 pairs] */
static void unpack_tiles(const mm_args *a, int c0, int valid, uint32_t *out) {
  const int nb = a->K / MM_BLOCK;
  const __mmask16 mk = (__mmask16)((1u << valid) - 1);
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i bidx = _mm512_mullo_epi32(lane, _mm512_set1_epi32(nb * 16));
  const __m512i sidx = _mm512_mullo_epi32(lane, _mm512_set1_epi32(nb));
  const __m512i nib = _mm512_set1_epi32(0x0f);
  /* words 2n, 2n+1 <- words n, 16 + n */
  static const uint16_t inter_idx[32] __attribute__((aligned(64))) = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
  const __m512i inter = _mm512_load_si512(inter_idx);
  const uint8_t *base = a->b + (size_t)c0 * nb * 16;
  const float *sbase = a->scales + (size_t)c0 * nb;
  for (int kb = 0; kb < nb; kb++) {
    const __m512 s = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mk, sidx, sbase + kb, 4);
    const __m512 m8 = _mm512_mul_ps(s, _mm512_set1_ps(-8.0f));
    uint32_t *t = out + (size_t)kb * 256;
    for (int j = 0; j < 4; j++) {
      const __m512i g = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mk, bidx, base + (size_t)kb * 16 + 4 * j, 1);
      for (int i = 0; i < 4; i++) {
        const __m512i x = _mm512_srli_epi32(g, 8 * i);
        const __m512 flo = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_and_si512(x, nib)), s, m8);
        const __m512 fhi = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(x, 4), nib)), s, m8);
        const __m512i bf = (__m512i)_mm512_cvtne2ps_pbh(fhi, flo);
        _mm512_store_si512(t + (4 * j + i) * 16, _mm512_permutexvar_epi16(inter, bf));
      }
    }
  }
}

static void store_tile_partial(const float *tmp, float *y, int N, int rows, int cols) {
  for (int r = 0; r < rows; r++) memcpy(y + (size_t)r * N, tmp + r * 16, (size_t)cols * 4);
}

#define AMX_COLS 32

size_t mmx_amx_groups(const mm_args *a) { return (size_t)(a->N + AMX_COLS - 1) / AMX_COLS; }

void mmx_task_amx(const mm_args *a, size_t task) {
  const amx_prep *p = a->prep;
  const int K = a->K, N = a->N, M = a->M, nb = K / MM_BLOCK;
  const int n0 = (int)task * AMX_COLS;
  const int nt = N - n0 > 16 ? 2 : 1;
  /* the unpacked weights: a buffer per thread, kept from call to call (2 KB per block of K) */
  static __thread uint32_t *bb;
  static __thread size_t cap;
  const size_t need = (size_t)2 * nb * 1024;
  if (cap < need) {
    free(bb);
    bb = aligned_alloc(64, need);
    cap = bb ? need : 0;
    if (!bb) {
      __atomic_store_n(&((mm_args *)a)->failed, 1, __ATOMIC_RELAXED);
      return;
    }
  }
  for (int t = 0; t < nt; t++) {
    const int c0 = n0 + 16 * t, valid = N - c0 < 16 ? N - c0 : 16;
    unpack_tiles(a, c0, valid, bb + (size_t)t * nb * 256);
  }
  tilecfg cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.palette = 1;
  for (int i = 0; i < 8; i++) cfg.colsb[i] = 64, cfg.rows[i] = 16;
  _tile_loadconfig(&cfg);
  const uint16_t *A = p->abf;
  const size_t as = (size_t)K * 2;
  const uint32_t *B0 = bb, *B1 = bb + (size_t)nb * 256;
  float tmp[256] __attribute__((aligned(64)));
  for (int m0 = 0; m0 < p->mpad; m0 += 32) {
    const int two = m0 + 16 < p->mpad;
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    const uint16_t *a0 = A + (size_t)m0 * K, *a1 = A + (size_t)(m0 + 16) * K;
    if (two && nt == 2)
      for (int kb = 0; kb < nb; kb++) {
        _tile_loadd(4, a0 + kb * 32, as);
        _tile_loadd(6, B0 + kb * 256, 64);
        _tile_loadd(5, a1 + kb * 32, as);
        _tile_loadd(7, B1 + kb * 256, 64);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
      }
    else if (two)
      for (int kb = 0; kb < nb; kb++) {
        _tile_loadd(4, a0 + kb * 32, as);
        _tile_loadd(6, B0 + kb * 256, 64);
        _tile_loadd(5, a1 + kb * 32, as);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(2, 5, 6);
      }
    else if (nt == 2)
      for (int kb = 0; kb < nb; kb++) {
        _tile_loadd(4, a0 + kb * 32, as);
        _tile_loadd(6, B0 + kb * 256, 64);
        _tile_loadd(7, B1 + kb * 256, 64);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
      }
    else
      for (int kb = 0; kb < nb; kb++) {
        _tile_loadd(4, a0 + kb * 32, as);
        _tile_loadd(6, B0 + kb * 256, 64);
        _tile_dpbf16ps(0, 4, 6);
      }
    /* C tiles to Y: whole tiles straight, edges through tmp */
    for (int ti = 0; ti < 4; ti++) {
      const int ra = ti >> 1, cb = ti & 1;
      if ((ra && !two) || (cb && nt < 2)) continue;
      const int r0 = m0 + 16 * ra, c0 = n0 + 16 * cb;
      const int rows = M - r0 < 16 ? M - r0 : 16, cols = N - c0 < 16 ? N - c0 : 16;
      if (rows <= 0) continue;
      float *y = a->y + (size_t)r0 * N + c0;
      const int whole = rows == 16 && cols == 16;
      float *dst = whole ? y : tmp;
      const size_t stride = whole ? (size_t)N * 4 : 64;
      switch (ti) {
        case 0: _tile_stored(0, dst, stride); break;
        case 1: _tile_stored(1, dst, stride); break;
        case 2: _tile_stored(2, dst, stride); break;
        case 3: _tile_stored(3, dst, stride); break;
      }
      if (!whole) store_tile_partial(tmp, y, N, rows, cols);
    }
  }
  _tile_release();
}
#endif
