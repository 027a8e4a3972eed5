/*
 * The x86-64 paths of typofix's 4-bit matmul (matmul.h), compiled with AVX-512 (F/BW/VL/VNNI) and AMX
 * (tile, int8) enabled (native/build.sh); matmul.c calls them only where the CPU has them.
 *
 * Both paths compute the same numbers, bit for bit, whatever M is, so that a row's result does not
 * depend on how many rows came with it (a speculative verification pass must give the tokens plain
 * greedy decoding gives, and a prompt's last rows go through a prefill chunk, not a decode step):
 * - the activations are quantised to int8 per row and block of 32 (scale = absmax / 127, round to
 *   nearest even: MLAS's CompInt8 quantisation), each block's 32 values stored evens then odds to
 *   match the low and high nibbles of the weights' bytes;
 * - a block's dot product is an exact int32: sum of q · v over its 32 values (v the unsigned nibble,
 *   0..15) minus 8 · sum of q (the zero point 8);
 * - y[m][n] = Σ over blocks, in order, fma(float(dot), act_scale · weight_scale, y) from 0.
 * The weights are unpacked per block of 16 columns into the layout VPDPBUSD and TDPBSUD read (row r
 * of a block: 4 consecutive values of each of 16 columns, unsigned), for the whole K, into a buffer
 * per thread (512 bytes a block: 16 KB for K = 1024) that the rows reuse from L1/L2.
 * VNNI (M below the AMX threshold): per 16 columns and block, 8 VPDPBUSD per row (lanes = columns).
 * AMX (from the threshold): 32 columns × 32 rows at a time, four C tiles of int32 block sums per
 * block (TDPBSUD: int8 activations × unsigned nibbles), stored and folded into float32 accumulators
 * as above.
 */
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "matmul.h"

/* ---- the activations, shared by both paths ---- */

typedef struct {
  int M, nb, mpad;
  int8_t *q;     /* [mpad][nb][32]: per block the even-k values, then the odd-k ones */
  int32_t *corr; /* [mpad][nb]: -8 · sum of the block's q */
  float *as;     /* [mpad][nb]: the block's scale */
} acts;

int mmx_prepare(mm_args *a) {
  const int M = a->M, K = a->K, nb = K / MM_BLOCK, mpad = (M + 15) / 16 * 16;
  acts *p = calloc(1, sizeof *p);
  if (!p) return -1;
  a->prep = p;
  p->M = M, p->nb = nb, p->mpad = mpad;
  p->q = aligned_alloc(64, ((size_t)mpad * nb * 32 + 63) / 64 * 64);
  p->corr = aligned_alloc(64, ((size_t)mpad * nb * 4 + 63) / 64 * 64);
  p->as = aligned_alloc(64, ((size_t)mpad * nb * 4 + 63) / 64 * 64);
  if (!p->q || !p->corr || !p->as) return -1;
  memset(p->q + (size_t)M * nb * 32, 0, (size_t)(mpad - M) * nb * 32);
  memset(p->corr + (size_t)M * nb, 0, (size_t)(mpad - M) * nb * 4);
  memset(p->as + (size_t)M * nb, 0, (size_t)(mpad - M) * nb * 4);
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
      /* evens then odds: q0 holds k = 0..15, q1 k = 16..31 */
      const __m512i ev = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
      const __m512i od = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
      __m512i e = _mm512_permutex2var_epi32(q0, ev, q1), o = _mm512_permutex2var_epi32(q0, od, q1);
      int8_t *dst = p->q + ((size_t)m * nb + b) * 32;
      _mm_storeu_si128((__m128i *)dst, _mm512_cvtepi32_epi8(e));
      _mm_storeu_si128((__m128i *)(dst + 16), _mm512_cvtepi32_epi8(o));
      p->corr[(size_t)m * nb + b] = -8 * _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
      p->as[(size_t)m * nb + b] = s;
    }
  }
  return 0;
}

void mmx_free(void *prep) {
  acts *p = prep;
  if (!p) return;
  free(p->q), free(p->corr), free(p->as), free(p);
}

/*
 * The packed copy (mm_pack): per group of 16 columns and block, 256 bytes: 4 × 64, the j-th holding
 * bytes 4j..4j+3 of each of the 16 columns' block (column n at 4n); then, after all the groups' weights,
 * per group and block the 16 columns' scales. Columns past N are zeros. The same bytes as the original,
 * in the order the kernels read them: one group's whole K is one contiguous stream.
 */
size_t mmx_packed_bytes(const mm_args *a) {
  const size_t ng = (size_t)(a->N + 15) / 16, nb = (size_t)a->K / MM_BLOCK;
  return ng * nb * (256 + 64);
}

static inline __mmask16 cols_mask(int valid) { return (__mmask16)((1u << valid) - 1); }

/* Gathering the 16 columns c0.. (valid of them; the others read as 0) of B and of the scales, block by block. */
typedef struct {
  __mmask16 mk;
  __m512i bidx, sidx;
  const uint8_t *base;
  const float *sbase;
} cols16;

static inline cols16 cols16_at(const mm_args *a, int c0, int valid) {
  const int nb = a->K / MM_BLOCK;
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return (cols16){
      .mk = cols_mask(valid),
      .bidx = _mm512_mullo_epi32(lane, _mm512_set1_epi32(nb * 16)),
      .sidx = _mm512_mullo_epi32(lane, _mm512_set1_epi32(nb)),
      .base = a->b + (size_t)c0 * nb * 16,
      .sbase = a->scales + (size_t)c0 * nb,
  };
}

/* Block kb's scales of the 16 columns. */
static inline __m512 cols16_scales(const cols16 *c, int kb) { return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), c->mk, c->sidx, c->sbase + kb, 4); }

/* Bytes 4j..4j+3 of block kb of each of the 16 columns (one 32-bit lane a column). */
static inline __m512i cols16_bytes(const cols16 *c, int kb, int j) {
  return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), c->mk, c->bidx, c->base + (size_t)kb * 16 + 4 * j, 1);
}

void mmx_pack(const mm_args *a, uint8_t *dst, size_t g) {
  const int nb = a->K / MM_BLOCK, ng = (a->N + 15) / 16, c0 = (int)g * 16, valid = a->N - c0 < 16 ? a->N - c0 : 16;
  const cols16 c = cols16_at(a, c0, valid);
  uint8_t *w = dst + g * nb * 256;
  float *sc = (float *)(dst + (size_t)ng * nb * 256) + g * nb * 16;
  for (int kb = 0; kb < nb; kb++) {
    _mm512_store_ps(sc + kb * 16, cols16_scales(&c, kb));
    for (int j = 0; j < 4; j++) _mm512_store_si512(w + kb * 256 + j * 64, cols16_bytes(&c, kb, j));
  }
}

/*
 * The weights of the 16 columns c0.. (valid of them; the others read as 0) for every block, unsigned
 * nibbles in VNNI order: out[kb][r][n] (4 bytes) = values 4r..4r+3 of the block's evens-then-odds order
 * for column n: the low nibbles of bytes 4r..4r+3 (r < 4), the high nibbles of bytes 4(r-4).. (r ≥ 4).
 * And the block's scales: sc[kb][n]. From the packed copy where there is one, else gathered from B.
 */
static void unpack16(const mm_args *a, int c0, int valid, uint32_t *out, float *sc) {
  const int nb = a->K / MM_BLOCK;
  const __m512i nib = _mm512_set1_epi8(0x0f);
  const size_t g = (size_t)c0 / 16, ng = (size_t)(a->N + 15) / 16;
  const uint8_t *w = a->packed ? a->packed + g * nb * 256 : NULL;
  const cols16 c = cols16_at(a, c0, valid);
  if (w) memcpy(sc, (const float *)(a->packed + ng * nb * 256) + g * nb * 16, (size_t)nb * 64);
  for (int kb = 0; kb < nb; kb++) {
    if (!w) _mm512_store_ps(sc + kb * 16, cols16_scales(&c, kb));
    uint32_t *t = out + (size_t)kb * 128;
    for (int j = 0; j < 4; j++) {
      const __m512i x = w ? _mm512_load_si512(w + kb * 256 + j * 64) : cols16_bytes(&c, kb, j);
      _mm512_store_si512(t + j * 16, _mm512_and_si512(x, nib));
      _mm512_store_si512(t + (j + 4) * 16, _mm512_and_si512(_mm512_srli_epi16(x, 4), nib));
    }
  }
}

/* per-thread scratch, kept from call to call: the unpacked weights (2 × nb × 512 bytes), scales, accumulators */
static __thread uint8_t *scratch;
static __thread size_t scratch_cap;
static void *thread_scratch(const mm_args *a, size_t need) {
  if (scratch_cap < need) {
    free(scratch);
    scratch = aligned_alloc(64, (need + 63) / 64 * 64);
    scratch_cap = scratch ? need : 0;
    if (!scratch) __atomic_store_n(&((mm_args *)a)->failed, 1, __ATOMIC_RELAXED);
  }
  return scratch;
}

/* ---- VNNI ---- */

/*
 * R rows (R ≤ 4, a constant at each call site) × 16 columns. The weights come from the packed copy
 * (pw: the group's blocks, 256 bytes each, unpacked in registers) or, without one, from the unpacked
 * buffer w (128 dwords a block).
 */
static inline __attribute__((always_inline)) void vnni_rows(const mm_args *a, const acts *p, const uint8_t *pw, const uint32_t *w, const float *sc, int m0, int c0, int valid, const int R) {
  const int nb = p->nb;
  const __m512i nib = _mm512_set1_epi8(0x0f);
  __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
  for (int kb = 0; kb < nb; kb++) {
    __m512i t[8];
    if (pw)
      for (int j = 0; j < 4; j++) {
        const __m512i x = _mm512_load_si512(pw + (size_t)kb * 256 + j * 64);
        t[j] = _mm512_and_si512(x, nib);
        t[j + 4] = _mm512_and_si512(_mm512_srli_epi16(x, 4), nib);
      }
    else
      for (int i = 0; i < 8; i++) t[i] = _mm512_load_si512(w + (size_t)kb * 128 + i * 16);
    const __m512 bs = _mm512_load_ps(sc + kb * 16);
    for (int r = 0; r < R; r++) {
      const size_t o = (size_t)(m0 + r) * nb + kb;
      const int32_t *q = (const int32_t *)(p->q + o * 32);
      __m512i s = _mm512_set1_epi32(p->corr[o]);
      for (int i = 0; i < 8; i++) s = _mm512_dpbusd_epi32(s, t[i], _mm512_set1_epi32(q[i]));
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(_mm512_set1_ps(p->as[o]), bs), acc[r]);
    }
  }
  const __mmask16 mk = (__mmask16)((1u << valid) - 1);
  for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(a->y + (size_t)(m0 + r) * a->N + c0, mk, acc[r]);
}

#define VNNI_COLS 16
size_t mmx_vnni_groups(const mm_args *a) { return (size_t)(a->N + VNNI_COLS - 1) / VNNI_COLS; }

void mmx_task_vnni(const mm_args *a, size_t task) {
  const acts *p = a->prep;
  const int nb = p->nb, c0 = (int)task * VNNI_COLS, valid = a->N - c0 < 16 ? a->N - c0 : 16;
  const uint8_t *pw = NULL;
  const uint32_t *w = NULL;
  const float *sc;
  if (a->packed) {
    pw = a->packed + task * nb * 256;
    sc = (const float *)(a->packed + (size_t)(a->N + 15) / 16 * nb * 256) + task * nb * 16;
  } else {
    uint8_t *buf = thread_scratch(a, (size_t)nb * (512 + 64));
    if (!buf) return;
    float *scb = (float *)(buf + (size_t)nb * 512);
    unpack16(a, c0, valid, (uint32_t *)buf, scb);
    w = (const uint32_t *)buf, sc = scb;
  }
  int m = 0;
  for (; m + 4 <= a->M; m += 4) vnni_rows(a, p, pw, w, sc, m, c0, valid, 4);
  switch (a->M - m) {
    case 3: vnni_rows(a, p, pw, w, sc, m, c0, valid, 3); break;
    case 2: vnni_rows(a, p, pw, w, sc, m, c0, valid, 2); break;
    case 1: vnni_rows(a, p, pw, w, sc, m, c0, valid, 1); break;
  }
}

/* ---- AMX (int8) ---- */

typedef struct {
  uint8_t palette, start_row, reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
} tilecfg;

#define AMX_COLS 32
size_t mmx_amx_groups(const mm_args *a) { return (size_t)(a->N + AMX_COLS - 1) / AMX_COLS; }

/* the int32 block sums of C tile `ti` (16 rows × 16 columns, in tmp) folded into acc (32 × 32 float32) */
static inline void fold(const acts *p, const int32_t *tmp, float *acc, int m0, int ra, int cb, int kb, const float *sc) {
  const __m512 bs = _mm512_load_ps(sc + kb * 16);
  for (int i = 0; i < 16; i++) {
    const size_t o = (size_t)(m0 + 16 * ra + i) * p->nb + kb;
    float *ac = acc + (16 * ra + i) * 32 + 16 * cb;
    const __m512i s = _mm512_add_epi32(_mm512_load_si512(tmp + i * 16), _mm512_set1_epi32(p->corr[o]));
    _mm512_store_ps(ac, _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(_mm512_set1_ps(p->as[o]), bs), _mm512_load_ps(ac)));
  }
}

void mmx_task_amx(const mm_args *a, size_t task) {
  const acts *p = a->prep;
  const int N = a->N, M = a->M, nb = p->nb;
  const int n0 = (int)task * AMX_COLS;
  const int nt = N - n0 > 16 ? 2 : 1;
  uint8_t *buf = thread_scratch(a, (size_t)nb * 2 * (512 + 64) + 32 * 32 * 4 + 4 * 1024);
  if (!buf) return;
  uint32_t *W[2] = {(uint32_t *)buf, (uint32_t *)(buf + (size_t)nb * 512)};
  float *SC[2] = {(float *)(buf + (size_t)nb * 1024), (float *)(buf + (size_t)nb * 1024 + (size_t)nb * 64)};
  float *acc = (float *)(buf + (size_t)nb * 1152);
  int32_t *tmp = (int32_t *)(buf + (size_t)nb * 1152 + 32 * 32 * 4);
  int valid[2] = {0, 0};
  for (int t = 0; t < nt; t++) {
    const int c0 = n0 + 16 * t;
    valid[t] = N - c0 < 16 ? N - c0 : 16;
    unpack16(a, c0, valid[t], W[t], SC[t]);
  }
  tilecfg cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.palette = 1;
  for (int i = 0; i < 4; i++) cfg.colsb[i] = 64, cfg.rows[i] = 16; /* C: 16 × 16 int32 */
  for (int i = 4; i < 6; i++) cfg.colsb[i] = 32, cfg.rows[i] = 16; /* A: 16 rows × 32 int8 */
  for (int i = 6; i < 8; i++) cfg.colsb[i] = 64, cfg.rows[i] = 8;  /* B: 8 × (16 columns × 4 uint8) */
  _tile_loadconfig(&cfg);
  const size_t as = (size_t)nb * 32;
  for (int m0 = 0; m0 < p->mpad; m0 += 32) {
    const int two = m0 + 16 < p->mpad;
    memset(acc, 0, 32 * 32 * 4);
    const int8_t *a0 = p->q + (size_t)m0 * as, *a1 = p->q + (size_t)(m0 + 16) * as;
    for (int kb = 0; kb < nb; kb++) {
      _tile_zero(0);
      _tile_zero(1);
      _tile_zero(2);
      _tile_zero(3);
      _tile_loadd(4, a0 + kb * 32, as);
      _tile_loadd(6, W[0] + kb * 128, 64);
      _tile_dpbsud(0, 4, 6);
      if (nt == 2) {
        _tile_loadd(7, W[1] + kb * 128, 64);
        _tile_dpbsud(1, 4, 7);
      }
      if (two) {
        _tile_loadd(5, a1 + kb * 32, as);
        _tile_dpbsud(2, 5, 6);
        if (nt == 2) _tile_dpbsud(3, 5, 7);
      }
      _tile_stored(0, tmp, 64);
      fold(p, tmp, acc, m0, 0, 0, kb, SC[0]);
      if (nt == 2) {
        _tile_stored(1, tmp, 64);
        fold(p, tmp, acc, m0, 0, 1, kb, SC[1]);
      }
      if (two) {
        _tile_stored(2, tmp, 64);
        fold(p, tmp, acc, m0, 1, 0, kb, SC[0]);
        if (nt == 2) {
          _tile_stored(3, tmp, 64);
          fold(p, tmp, acc, m0, 1, 1, kb, SC[1]);
        }
      }
    }
    const int rows = M - m0 < 32 ? M - m0 : 32;
    for (int r = 0; r < rows; r++)
      for (int t = 0; t < nt; t++) memcpy(a->y + (size_t)(m0 + r) * N + n0 + 16 * t, acc + r * 32 + 16 * t, (size_t)valid[t] * 4);
  }
  _tile_release();
}
#endif
