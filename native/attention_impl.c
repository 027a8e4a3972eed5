/*
 * The kernel's loops, compiled once per instruction set (native/build.sh: -DISA=avx512 with AVX-512F/VL,
 * F16C and FMA; -DISA=avx2 with AVX2, F16C and FMA; -DISA=generic with the compiler's defaults) and
 * picked at run time by attention.c. Written as plain loops the compiler vectorises, except the
 * float16 conversions (intrinsics where the target has them: compilers do not vectorise _Float16 casts).
 *
 * Decode (one new token): for each kv head, its keys stream once from memory in tiles of TILE rows,
 * converted to float32 in a small scratch buffer (L1) and dotted with every query head of the group;
 * softmax; then the values the same way. Each cache byte is read once per step, which is the point:
 * a float16 cache is half the bytes of onnxruntime's float32 one, and onnxruntime's CPU kernel reads
 * each kv head once per query head and converts a float16 cache to float32 scratch in full first.
 * Prefill (S > 1): the kv head's keys are converted once, transposed ([head_size][T]), so that a
 * query row's scores are a sum over head_size of a scalar times a contiguous row (vectorised over keys,
 * no horizontal sums); values once to [T][head_size]; causal rows. Cost O(S·T·head_size) per query head.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "attention.h"
#if defined(__AVX512F__) || defined(__F16C__)
#include <immintrin.h>
#endif

#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(name, ISA)

#define TILE 32

/* float16 bits -> float32 (IEEE binary16; subnormals, infinities and NaN kept). */
static inline float h2f_1(uint16_t h) {
  uint32_t s = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff, u;
  if (e == 0) {
    if (!m) u = s;
    else {
      /* subnormal: normalise */
      e = 127 - 15 + 1;
      while (!(m & 0x400)) {
        m <<= 1;
        e--;
      }
      u = s | (e << 23) | ((m & 0x3ff) << 13);
    }
  } else if (e == 31) u = s | 0x7f800000 | (m << 13);
  else u = s | ((e + 127 - 15) << 23) | (m << 13);
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* float32 -> float16 bits, round to nearest even (as F16C's vcvtps2ph with rounding mode 0). */
static inline uint16_t f2h_1(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  uint32_t s = (u >> 16) & 0x8000, a = u & 0x7fffffff;
  if (a >= 0x7f800000) return (uint16_t)(s | 0x7c00 | (a > 0x7f800000 ? 0x200 : 0));
  if (a >= 0x477ff000) return (uint16_t)(s | 0x7c00); /* rounds to >= 65520: infinity */
  if (a < 0x38800000) {
    /* subnormal or zero in float16 */
    if (a < 0x33000000) return (uint16_t)s;
    uint32_t e = a >> 23, m = (a & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - e; /* 14..24 */
    uint32_t r = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1))) r++;
    return (uint16_t)(s | r);
  }
  uint32_t r = a - 0x38000000; /* rebias exponent */
  uint32_t out = r >> 13, rem = r & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (out & 1))) out++;
  return (uint16_t)(s | out);
}

static void h2f(const uint16_t *restrict h, float *restrict f, int n) {
  int i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(f + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(h + i))));
#elif defined(__F16C__)
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(f + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(h + i))));
#endif
  for (; i < n; i++) f[i] = h2f_1(h[i]);
}

static void f2h(const float *restrict f, uint16_t *restrict h, int n) {
  int i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= n; i += 16) _mm256_storeu_si256((__m256i *)(h + i), _mm512_cvtps_ph(_mm512_loadu_ps(f + i), _MM_FROUND_TO_NEAREST_INT));
#elif defined(__F16C__)
  for (; i + 8 <= n; i += 8) _mm_storeu_si128((__m128i *)(h + i), _mm256_cvtps_ph(_mm256_loadu_ps(f + i), _MM_FROUND_TO_NEAREST_INT));
#endif
  for (; i < n; i++) h[i] = f2h_1(f[i]);
}

/* exp(x) for x <= 0 (softmax after the max is subtracted); relative error ~2e-7; vectorisable. */
static inline float exp_neg(float x) {
  x = x < -87.0f ? -87.0f : x;
  /* n = round(x / ln 2), by the 1.5 * 2^23 trick (exact for |n| < 2^22) */
  float n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t e = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &e, 4);
  return p * scale;
}

#if defined(__AVX512F__)
#define VN 16
#elif defined(__AVX__)
#define VN 8
#else
#define VN 4 /* SSE2, NEON */
#endif
#define NV (16 / VN)
typedef float vf __attribute__((vector_size(VN * 4)));
static inline vf ldv(const float *p) {
  vf x;
  memcpy(&x, p, sizeof x);
  return x;
}
static inline void stv(float *p, vf x) { memcpy(p, &x, sizeof x); }
typedef int32_t vi __attribute__((vector_size(VN * 4)));
/* lanes of a where m is set, else of b */
static inline vf sel(vi m, vf a, vf b) { return (vf)((m & (vi)a) | (~m & (vi)b)); }

/* exp_neg on a vector (the same polynomial) */
static inline vf exp_neg_v(vf x) {
  const vf lo = x - x - 87.0f;
  x = sel(x < lo, lo, x);
  vf n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;
  vf r = x - n * 0.693359375f + n * 2.12194440e-4f;
  vf p = r * 1.9875691500e-4f + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  vi e = (__builtin_convertvector(n, vi) + 127) << 23;
  return p * (vf)e;
}

/* softmax of s[0..n) in place */
static void softmax(float *restrict s, int n) {
  float m = -INFINITY;
  int t = 0;
  if (n >= VN) {
    vf mv = ldv(s);
    for (t = VN; t + VN <= n; t += VN) {
      vf x = ldv(s + t);
      mv = sel(x > mv, x, mv);
    }
    for (int l = 0; l < VN; l++) m = mv[l] > m ? mv[l] : m;
  }
  for (; t < n; t++) m = s[t] > m ? s[t] : m;
  vf acc = {0};
  for (t = 0; t + VN <= n; t += VN) {
    vf e = exp_neg_v(ldv(s + t) - m);
    stv(s + t, e);
    acc += e;
  }
  float sum = 0;
  for (; t < n; t++) {
    float e = exp_neg(s[t] - m);
    s[t] = e;
    sum += e;
  }
  for (int l = 0; l < VN; l++) sum += acc[l];
  float inv = 1.0f / sum;
  for (t = 0; t < n; t++) s[t] *= inv;
}

/* dot product over n floats (n a multiple of 16 takes the vector path: 16 partial sums) */
static inline float dot(const float *restrict a, const float *restrict b, int n) {
  float acc[16] = {0};
  int d = 0;
  for (; d + 16 <= n; d += 16)
    for (int l = 0; l < 16; l++) acc[l] += a[d + l] * b[d + l];
  float s = 0;
  for (; d < n; d++) s += a[d] * b[d];
  for (int l = 0; l < 16; l++) s += acc[l];
  return s;
}

/* per-thread scratch, grown as needed */
static __thread float *scratch;
static __thread size_t scratch_n;
static float *buf(size_t n) {
  if (n > scratch_n) {
    free(scratch);
    scratch = (float *)aligned_alloc(64, ((n * sizeof(float)) + 63) / 64 * 64);
    scratch_n = scratch ? n : 0;
  }
  return scratch;
}

void FN(attn_store)(const attn_args *a, int h) {
  const int hd = a->head_size, kvw = a->kv_heads * hd;
  for (int i = 0; i < a->seq; i++) {
    size_t row = ((size_t)h * a->capacity + a->past + i) * hd;
    f2h(a->k + (size_t)i * kvw + (size_t)h * hd, a->kc + row, hd);
    f2h(a->v + (size_t)i * kvw + (size_t)h * hd, a->vc + row, hd);
  }
}

#if defined(__AVX512F__)
/*
 * Few new tokens (decode, and speculative verification passes) with AVX-512, head_size a multiple of
 * 16 up to 128: the kv head's key and value rows are converted in registers as they stream in (no
 * scratch), each shared by two query rows at a time (rows are (position, head of the group), each with
 * its causal limit).
 */
static int stream512(const attn_args *a, int h) {
  const int hd = a->head_size, g = a->heads / a->kv_heads, T = a->past + a->seq, nv = hd / 16;
  if (hd % 16 || nv > 8) return 0;
  const int qw = a->heads * hd, R = a->seq * g;
  const uint16_t *K = a->kc + (size_t)h * a->capacity * hd, *V = a->vc + (size_t)h * a->capacity * hd;
  float *s = buf((size_t)2 * T + 32);
  if (!s) abort();
  for (int r0 = 0; r0 < R; r0 += 2) {
    const int two = r0 + 1 < R, r1 = two ? r0 + 1 : r0;
    const int i0 = r0 / g, i1 = r1 / g;
    const int n0 = a->past + i0 + 1, n1 = a->past + i1 + 1; /* causal limits, n0 <= n1 */
    const float *q0 = a->q + (size_t)i0 * qw + (size_t)(h * g + r0 % g) * hd;
    const float *q1 = a->q + (size_t)i1 * qw + (size_t)(h * g + r1 % g) * hd;
    __m512 qa[8], qb[8];
    const __m512 sc = _mm512_set1_ps(a->scale);
    for (int i = 0; i < nv; i++) qa[i] = _mm512_mul_ps(_mm512_loadu_ps(q0 + 16 * i), sc), qb[i] = _mm512_mul_ps(_mm512_loadu_ps(q1 + 16 * i), sc);
    float *s0 = s, *s1 = s + T;
    for (int t = 0; t < n1; t++) {
      const uint16_t *kr = K + (size_t)t * hd;
      __m512 x0 = _mm512_setzero_ps(), x1 = _mm512_setzero_ps();
      for (int i = 0; i < nv; i++) {
        __m512 k = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(kr + 16 * i)));
        x0 = _mm512_fmadd_ps(k, qa[i], x0);
        x1 = _mm512_fmadd_ps(k, qb[i], x1);
      }
      s0[t] = _mm512_reduce_add_ps(x0);
      s1[t] = _mm512_reduce_add_ps(x1);
    }
    softmax(s0, n0);
    for (int t = n0; t < n1; t++) s0[t] = 0;
    softmax(s1, n1);
    __m512 o0[8], o1[8];
    for (int i = 0; i < nv; i++) o0[i] = o1[i] = _mm512_setzero_ps();
    for (int t = 0; t < n1; t++) {
      const uint16_t *vr = V + (size_t)t * hd;
      const __m512 p0 = _mm512_set1_ps(s0[t]), p1 = _mm512_set1_ps(s1[t]);
      for (int i = 0; i < nv; i++) {
        __m512 v = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(vr + 16 * i)));
        o0[i] = _mm512_fmadd_ps(p0, v, o0[i]);
        o1[i] = _mm512_fmadd_ps(p1, v, o1[i]);
      }
    }
    float *out0 = a->out + (size_t)i0 * qw + (size_t)(h * g + r0 % g) * hd;
    float *out1 = a->out + (size_t)i1 * qw + (size_t)(h * g + r1 % g) * hd;
    for (int i = 0; i < nv; i++) {
      _mm512_storeu_ps(out0 + 16 * i, o0[i]);
      if (two) _mm512_storeu_ps(out1 + 16 * i, o1[i]);
    }
  }
  return 1;
}
#endif

static void decode(const attn_args *a, int h) {
  const int hd = a->head_size, g = a->heads / a->kv_heads, T = a->past + 1;
  const uint16_t *K = a->kc + (size_t)h * a->capacity * hd, *V = a->vc + (size_t)h * a->capacity * hd;
  /* scratch: g query rows (scaled), g score rows, TILE converted rows, g output rows */
  float *mem = buf((size_t)g * hd + (size_t)g * T + (size_t)TILE * hd + (size_t)g * hd + 64);
  if (!mem) abort();
  float *qs = mem, *s = qs + (size_t)g * hd, *tile = s + (size_t)g * T, *o = tile + (size_t)TILE * hd;
  for (int r = 0; r < g; r++) {
    const float *q = a->q + (size_t)(h * g + r) * hd;
    for (int d = 0; d < hd; d++) qs[r * hd + d] = q[d] * a->scale;
  }
  for (int t0 = 0; t0 < T; t0 += TILE) {
    int n = T - t0 < TILE ? T - t0 : TILE;
    h2f(K + (size_t)t0 * hd, tile, n * hd);
    for (int t = 0; t < n; t++)
      for (int r = 0; r < g; r++) s[(size_t)r * T + t0 + t] = dot(qs + r * hd, tile + (size_t)t * hd, hd);
  }
  for (int r = 0; r < g; r++) softmax(s + (size_t)r * T, T);
  memset(o, 0, sizeof(float) * g * hd);
  for (int t0 = 0; t0 < T; t0 += TILE) {
    int n = T - t0 < TILE ? T - t0 : TILE;
    h2f(V + (size_t)t0 * hd, tile, n * hd);
    for (int r = 0; r < g; r++) {
      float *restrict orow = o + r * hd;
      const float *p = s + (size_t)r * T + t0;
      for (int t = 0; t < n; t++) {
        const float pt = p[t], *restrict vr = tile + (size_t)t * hd;
        for (int d = 0; d < hd; d++) orow[d] += pt * vr[d];
      }
    }
  }
  for (int r = 0; r < g; r++) memcpy(a->out + (size_t)(h * g + r) * hd, o + r * hd, sizeof(float) * hd);
}

/*
 * The staging both prefills share: scratch of keys transposed [hd][Tp], values [Tp][hd], scores [4][Tp]
 * and scaled queries [4][hd] (and TILE converted rows), the kv head's keys and values converted to float32
 * and padded with zeros up to `Tp`.
 */
static void stage_kv(const attn_args *a, int h, int Tp, float **Kt_, float **Vf_, float **sc_, float **qs_) {
  const int hd = a->head_size, T = a->past + a->seq;
  const uint16_t *K = a->kc + (size_t)h * a->capacity * hd, *V = a->vc + (size_t)h * a->capacity * hd;
  float *mem = buf((size_t)hd * Tp + (size_t)Tp * hd + 4 * (size_t)Tp + 4 * (size_t)hd + (size_t)TILE * hd + 64);
  if (!mem) abort();
  float *Kt = mem, *Vf = Kt + (size_t)hd * Tp, *sc = Vf + (size_t)Tp * hd, *qs = sc + 4 * (size_t)Tp, *tile = qs + 4 * (size_t)hd;
  for (int t0 = 0; t0 < T; t0 += TILE) {
    int n = T - t0 < TILE ? T - t0 : TILE;
    h2f(K + (size_t)t0 * hd, tile, n * hd);
    for (int d = 0; d < hd; d++)
      for (int t = 0; t < n; t++) Kt[(size_t)d * Tp + t0 + t] = tile[(size_t)t * hd + d];
  }
  for (int d = 0; d < hd; d++)
    for (int t = T; t < Tp; t++) Kt[(size_t)d * Tp + t] = 0;
  h2f(V, Vf, T * hd);
  memset(Vf + (size_t)T * hd, 0, sizeof(float) * (size_t)(Tp - T) * hd);
  *Kt_ = Kt, *Vf_ = Vf, *sc_ = sc, *qs_ = qs;
}

/* A block of 4 query rows from row r0 (nr real ones; the rest repeat the last): scaled queries, causal limits, output rows. */
static void block_rows(const attn_args *a, int h, int r0, int nr, float *qs, int lim[4], float *orow[4]) {
  const int hd = a->head_size, g = a->heads / a->kv_heads, qw = a->heads * hd;
  for (int j = 0; j < 4; j++) {
    int r = r0 + (j < nr ? j : nr - 1), i = r / g, qh = h * g + r % g;
    lim[j] = a->past + i + 1;
    const float *q = a->q + (size_t)i * qw + (size_t)qh * hd;
    for (int d = 0; d < hd; d++) qs[j * hd + d] = q[d] * a->scale;
    orow[j] = a->out + (size_t)i * qw + (size_t)qh * hd;
  }
}

#if defined(__AVX512F__)
/*
 * Prefill with AVX-512 (head_size a multiple of 16): register-blocked products over float32 copies of
 * the kv head's keys (transposed: [hd][Tp]) and values ([T][hd]). Query rows go in blocks of 4
 * (position-major: rows are (position, head of the group)); scores of a block are 4 rows × 64 keys
 * in 16 accumulators, summed over head_size with broadcast query values; P·V is 4 rows × 64 dims
 * per pass over the keys. Keys beyond a row's causal limit get -inf before the softmax, and a block
 * reads keys only up to its last row's limit.
 */
static int prefill512(const attn_args *a, int h) {
  const int hd = a->head_size, g = a->heads / a->kv_heads, S = a->seq, T = a->past + S;
  if (hd % 64) return 0;
  const int R = S * g;
  const int Tp = (T + 63) & ~63;
  float *Kt, *Vf, *sc, *qs;
  stage_kv(a, h, Tp, &Kt, &Vf, &sc, &qs);
  for (int r0 = 0; r0 < R; r0 += 4) {
    const int nr = R - r0 < 4 ? R - r0 : 4;
    int lim[4];
    float *orow[4];
    block_rows(a, h, r0, nr, qs, lim, orow);
    const int n = lim[3] > lim[0] ? lim[3] : lim[0], np = (n + 63) & ~63;
    for (int t0 = 0; t0 < np; t0 += 64) {
      __m512 acc[4][4];
      for (int j = 0; j < 4; j++)
        for (int c = 0; c < 4; c++) acc[j][c] = _mm512_setzero_ps();
      const float *kt = Kt + t0;
      for (int d = 0; d < hd; d++, kt += Tp) {
        const __m512 k0 = _mm512_loadu_ps(kt), k1 = _mm512_loadu_ps(kt + 16), k2 = _mm512_loadu_ps(kt + 32), k3 = _mm512_loadu_ps(kt + 48);
        for (int j = 0; j < 4; j++) {
          const __m512 qv = _mm512_set1_ps(qs[j * hd + d]);
          acc[j][0] = _mm512_fmadd_ps(qv, k0, acc[j][0]);
          acc[j][1] = _mm512_fmadd_ps(qv, k1, acc[j][1]);
          acc[j][2] = _mm512_fmadd_ps(qv, k2, acc[j][2]);
          acc[j][3] = _mm512_fmadd_ps(qv, k3, acc[j][3]);
        }
      }
      for (int j = 0; j < 4; j++)
        for (int c = 0; c < 4; c++) _mm512_storeu_ps(sc + (size_t)j * Tp + t0 + 16 * c, acc[j][c]);
    }
    for (int j = 0; j < nr; j++) {
      softmax(sc + (size_t)j * Tp, lim[j]);
      for (int t = lim[j]; t < np; t++) sc[(size_t)j * Tp + t] = 0;
    }
    for (int d0 = 0; d0 < hd; d0 += 64) {
      __m512 acc[4][4];
      for (int j = 0; j < 4; j++)
        for (int c = 0; c < 4; c++) acc[j][c] = _mm512_setzero_ps();
      const float *s0 = sc, *s1 = sc + Tp, *s2 = sc + 2 * (size_t)Tp, *s3 = sc + 3 * (size_t)Tp;
      for (int t = 0; t < n; t++) {
        const float *vr = Vf + (size_t)t * hd + d0;
        const __m512 v0 = _mm512_loadu_ps(vr), v1 = _mm512_loadu_ps(vr + 16), v2 = _mm512_loadu_ps(vr + 32), v3 = _mm512_loadu_ps(vr + 48);
#define PV(j, sj)                                        \
  {                                                      \
    const __m512 p = _mm512_set1_ps(sj[t]);              \
    acc[j][0] = _mm512_fmadd_ps(p, v0, acc[j][0]);       \
    acc[j][1] = _mm512_fmadd_ps(p, v1, acc[j][1]);       \
    acc[j][2] = _mm512_fmadd_ps(p, v2, acc[j][2]);       \
    acc[j][3] = _mm512_fmadd_ps(p, v3, acc[j][3]);       \
  }
        PV(0, s0) PV(1, s1) PV(2, s2) PV(3, s3)
#undef PV
      }
      for (int j = 0; j < nr; j++)
        for (int c = 0; c < 4; c++) _mm512_storeu_ps(orow[j] + d0 + 16 * c, acc[j][c]);
    }
  }
  return 1;
}
#endif

/*
 * Prefill in portable C with the compilers' vector extension (8 floats: two ymm with AVX2, two q
 * registers with NEON), blocked as prefill512 but 4 rows × 16 keys (scores) and 4 rows × 16 dims (P·V);
 * head_size a multiple of 16.
 */

static int prefill_blocked(const attn_args *a, int h) {
  const int hd = a->head_size, g = a->heads / a->kv_heads, S = a->seq, T = a->past + S;
  if (hd % 16) return 0;
  const int R = S * g;
  const int Tp = (T + 15) & ~15;
  float *Kt, *Vf, *sc, *qs;
  stage_kv(a, h, Tp, &Kt, &Vf, &sc, &qs);
  for (int r0 = 0; r0 < R; r0 += 4) {
    const int nr = R - r0 < 4 ? R - r0 : 4;
    int lim[4];
    float *orow[4];
    block_rows(a, h, r0, nr, qs, lim, orow);
    const int n = lim[3] > lim[0] ? lim[3] : lim[0], np = (n + 15) & ~15;
    for (int t0 = 0; t0 < np; t0 += 16) {
      vf acc[4][NV];
      for (int j = 0; j < 4; j++)
        for (int c = 0; c < NV; c++) acc[j][c] = (vf){0};
      const float *kt = Kt + t0;
      for (int d = 0; d < hd; d++, kt += Tp) {
        vf k[NV];
        for (int c = 0; c < NV; c++) k[c] = ldv(kt + VN * c);
        for (int j = 0; j < 4; j++) {
          const float qv = qs[j * hd + d];
          for (int c = 0; c < NV; c++) acc[j][c] += qv * k[c];
        }
      }
      for (int j = 0; j < 4; j++)
        for (int c = 0; c < NV; c++) stv(sc + (size_t)j * Tp + t0 + VN * c, acc[j][c]);
    }
    for (int j = 0; j < nr; j++) {
      softmax(sc + (size_t)j * Tp, lim[j]);
      for (int t = lim[j]; t < np; t++) sc[(size_t)j * Tp + t] = 0;
    }
    for (int d0 = 0; d0 < hd; d0 += 16) {
      vf acc[4][NV];
      for (int j = 0; j < 4; j++)
        for (int c = 0; c < NV; c++) acc[j][c] = (vf){0};
      for (int t = 0; t < n; t++) {
        const float *vr = Vf + (size_t)t * hd + d0;
        vf v[NV];
        for (int c = 0; c < NV; c++) v[c] = ldv(vr + VN * c);
        for (int j = 0; j < 4; j++) {
          const float p = sc[(size_t)j * Tp + t];
          for (int c = 0; c < NV; c++) acc[j][c] += p * v[c];
        }
      }
      for (int j = 0; j < nr; j++)
        for (int c = 0; c < NV; c++) stv(orow[j] + d0 + VN * c, acc[j][c]);
    }
  }
  return 1;
}

static void prefill(const attn_args *a, int h) {
#if defined(__AVX512F__)
  if (prefill512(a, h)) return;
#endif
  if (prefill_blocked(a, h)) return;
  const int hd = a->head_size, g = a->heads / a->kv_heads, S = a->seq, T = a->past + S;
  const int qw = a->heads * hd;
  const uint16_t *K = a->kc + (size_t)h * a->capacity * hd, *V = a->vc + (size_t)h * a->capacity * hd;
  /* scratch: keys transposed [hd][Tp], values [T][hd], one score row, a tile, a query row */
  const int Tp = (T + 15) & ~15;
  float *mem = buf((size_t)hd * Tp + (size_t)T * hd + Tp + (size_t)TILE * hd + hd + 64);
  if (!mem) abort();
  float *Kt = mem, *Vf = Kt + (size_t)hd * Tp, *s = Vf + (size_t)T * hd, *tile = s + Tp, *qs = tile + (size_t)TILE * hd;
  for (int t0 = 0; t0 < T; t0 += TILE) {
    int n = T - t0 < TILE ? T - t0 : TILE;
    h2f(K + (size_t)t0 * hd, tile, n * hd);
    for (int d = 0; d < hd; d++)
      for (int t = 0; t < n; t++) Kt[(size_t)d * Tp + t0 + t] = tile[(size_t)t * hd + d];
  }
  h2f(V, Vf, T * hd);
  for (int i = 0; i < S; i++) {
    const int n = a->past + i + 1; /* causal: keys 0..past+i */
    for (int r = 0; r < g; r++) {
      const float *q = a->q + (size_t)i * qw + (size_t)(h * g + r) * hd;
      for (int d = 0; d < hd; d++) qs[d] = q[d] * a->scale;
      for (int t = 0; t < n; t++) s[t] = 0;
      for (int d = 0; d < hd; d++) {
        const float c = qs[d], *restrict kr = Kt + (size_t)d * Tp;
        float *restrict sr = s;
        for (int t = 0; t < n; t++) sr[t] += c * kr[t];
      }
      softmax(s, n);
      float *restrict o = a->out + (size_t)i * qw + (size_t)(h * g + r) * hd;
      for (int d = 0; d < hd; d++) o[d] = 0;
      for (int t = 0; t < n; t++) {
        const float pt = s[t], *restrict vr = Vf + (size_t)t * hd;
        for (int d = 0; d < hd; d++) o[d] += pt * vr[d];
      }
    }
  }
}

/* at most this many new tokens take the streaming path (decode, verification passes) */
#define STREAM_MAX 16

void FN(attn_head)(const attn_args *a, int h) {
#if defined(__AVX512F__)
  if (a->seq <= STREAM_MAX && stream512(a, h)) return;
#endif
  if (a->seq == 1) decode(a, h);
  else prefill(a, h);
}
