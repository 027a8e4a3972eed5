/*
 * typofix's attention kernel (attention.c) as an onnxruntime custom op: domain "ai.typofix", op
 * "GroupQueryAttention", the inputs and outputs of com.microsoft GroupQueryAttention (query, key,
 * value, past_key, past_value, seqlens_k, total_sequence_length -> output, present_key,
 * present_value) with float32 query/key/value/output and a float16 cache, and its attributes
 * num_heads, kv_num_heads and scale (the rewrite in src/engines/onnx/rewrite.ts swaps only nodes whose
 * other attributes are the defaults: no rotary, no local window, no softcap). As onnxruntime's kernel
 * with past_present_share_buffer: when present is the same buffer as past (the engine binds it so),
 * the new tokens are written in place; otherwise past is copied into present first.
 * Parallel over batch × kv heads with onnxruntime's intra-op threads (KernelContext_ParallelFor).
 *
 * The few OrtApi entries used are called through their index in the function table of
 * onnxruntime_c_api.h (append-only across versions); the struct layouts below are the public header's.
 * Loaded by onnxruntime's RegisterCustomOpsLibrary_V2, which calls RegisterCustomOps. The same domain
 * has typofix's 4-bit matmul (below: "MatMulNBits", matmul.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "attention.h"
#include "matmul.h"

#if defined(_WIN32)
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif

typedef struct OrtStatus OrtStatus;
typedef struct OrtApi OrtApi;
typedef struct OrtKernelInfo OrtKernelInfo;
typedef struct OrtKernelContext OrtKernelContext;
typedef struct OrtValue OrtValue;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtCustomOpDomain OrtCustomOpDomain;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct {
  const OrtApi *(*GetApi)(uint32_t version);
  const char *(*GetVersionString)(void);
} OrtApiBase;

enum { T_FLOAT = 1, T_UINT8 = 2, T_INT32 = 6, T_FLOAT16 = 10 };

/* OrtApi function-table indices (onnxruntime_c_api.h) */
enum {
  I_CreateStatus = 0,
  I_CreateCustomOpDomain = 26,
  I_CustomOpDomain_Add = 27,
  I_AddCustomOpDomain = 28,
  I_GetTensorMutableData = 51,
  I_GetTensorElementType = 60,
  I_GetDimensionsCount = 61,
  I_GetDimensions = 62,
  I_GetTensorTypeAndShape = 65,
  I_KernelInfoGetAttribute_float = 85,
  I_KernelInfoGetAttribute_int64 = 86,
  I_KernelContext_GetInput = 90,
  I_KernelContext_GetOutput = 91,
  I_ReleaseStatus = 93,
  I_ReleaseTensorTypeAndShapeInfo = 99,
  I_KernelContext_ParallelFor = 274, /* API 17 (onnxruntime 1.17) */
};

/* struct OrtCustomOp, up to the version-17 members */
typedef struct OrtCustomOp {
  uint32_t version;
  void *(*CreateKernel)(const struct OrtCustomOp *, const OrtApi *, const OrtKernelInfo *);
  const char *(*GetName)(const struct OrtCustomOp *);
  const char *(*GetExecutionProviderType)(const struct OrtCustomOp *);
  int (*GetInputType)(const struct OrtCustomOp *, size_t);
  size_t (*GetInputTypeCount)(const struct OrtCustomOp *);
  int (*GetOutputType)(const struct OrtCustomOp *, size_t);
  size_t (*GetOutputTypeCount)(const struct OrtCustomOp *);
  void (*KernelCompute)(void *, OrtKernelContext *);
  void (*KernelDestroy)(void *);
  int (*GetInputCharacteristic)(const struct OrtCustomOp *, size_t);
  int (*GetOutputCharacteristic)(const struct OrtCustomOp *, size_t);
  int (*GetInputMemoryType)(const struct OrtCustomOp *, size_t);
  int (*GetVariadicInputMinArity)(const struct OrtCustomOp *);
  int (*GetVariadicInputHomogeneity)(const struct OrtCustomOp *);
  int (*GetVariadicOutputMinArity)(const struct OrtCustomOp *);
  int (*GetVariadicOutputHomogeneity)(const struct OrtCustomOp *);
  OrtStatus *(*CreateKernelV2)(const struct OrtCustomOp *, const OrtApi *, const OrtKernelInfo *, void **);
  OrtStatus *(*KernelComputeV2)(void *, OrtKernelContext *);
  OrtStatus *(*InferOutputShapeFn)(const struct OrtCustomOp *, void *);
  int (*GetStartVersion)(const struct OrtCustomOp *);
  int (*GetEndVersion)(const struct OrtCustomOp *);
} OrtCustomOp;

static const OrtApi *api;
static int api_version;
#define F(idx) (((void *const *)api)[idx])
typedef OrtStatus *(*st_fn)();

static OrtStatus *status(const char *msg) { return ((OrtStatus * (*)(int, const char *)) F(I_CreateStatus))(1 /* ORT_FAIL */, msg); }

typedef struct {
  int64_t heads, kv_heads;
  float scale;
} kernel;

static OrtStatus *create_kernel(const OrtCustomOp *op, const OrtApi *a, const OrtKernelInfo *info, void **out) {
  (void)op, (void)a;
  kernel *k = calloc(1, sizeof *k);
  if (!k) return status("typofix attention: out of memory");
  OrtStatus *s;
  if ((s = ((OrtStatus * (*)(const OrtKernelInfo *, const char *, int64_t *)) F(I_KernelInfoGetAttribute_int64))(info, "num_heads", &k->heads))) return free(k), s;
  if ((s = ((OrtStatus * (*)(const OrtKernelInfo *, const char *, int64_t *)) F(I_KernelInfoGetAttribute_int64))(info, "kv_num_heads", &k->kv_heads))) return free(k), s;
  if ((s = ((OrtStatus * (*)(const OrtKernelInfo *, const char *, float *)) F(I_KernelInfoGetAttribute_float))(info, "scale", &k->scale))) {
    ((void (*)(OrtStatus *))F(I_ReleaseStatus))(s);
    k->scale = 0; /* absent: 1/sqrt(head_size), set per run */
  }
  if (k->heads <= 0 || k->kv_heads <= 0 || k->heads % k->kv_heads) return free(k), status("typofix attention: num_heads must be a positive multiple of kv_num_heads");
  *out = k;
  return NULL;
}

/* shape and data of a tensor */
typedef struct {
  int64_t dims[8];
  size_t rank;
  int type;
  void *data;
} tensor;

static OrtStatus *describe(const OrtValue *v, tensor *t) {
  OrtTensorTypeAndShapeInfo *info;
  OrtStatus *s;
  if ((s = ((st_fn)F(I_GetTensorTypeAndShape))(v, &info))) return s;
  s = ((st_fn)F(I_GetDimensionsCount))(info, &t->rank);
  if (!s && t->rank > 8) s = status("typofix op: tensor rank above 8");
  if (!s) s = ((st_fn)F(I_GetDimensions))(info, t->dims, t->rank);
  if (!s) s = ((st_fn)F(I_GetTensorElementType))(info, &t->type);
  ((void (*)(OrtTensorTypeAndShapeInfo *))F(I_ReleaseTensorTypeAndShapeInfo))(info);
  if (!s) s = ((st_fn)F(I_GetTensorMutableData))(v, &t->data);
  return s;
}

/* The kernel's first n inputs and their descriptions; `missing` is the message for an absent one. */
static OrtStatus *gather(OrtKernelContext *ctx, size_t n, const OrtValue **in, tensor *t, const char *missing) {
  OrtStatus *s;
  for (size_t i = 0; i < n; i++) {
    if ((s = ((st_fn)F(I_KernelContext_GetInput))(ctx, i, &in[i]))) return s;
    if (!in[i]) return status(missing);
    if ((s = describe(in[i], &t[i]))) return s;
  }
  return NULL;
}

typedef struct {
  attn_args *per_batch;
  int kv_heads;
} work;

static void task(void *p, size_t i) {
  work *w = p;
  attn_task(&w->per_batch[i / w->kv_heads], (int)(i % w->kv_heads));
}

static OrtStatus *compute(void *kp, OrtKernelContext *ctx) {
  kernel *k = kp;
  const OrtValue *in[7];
  tensor t[7];
  OrtStatus *s;
  if ((s = gather(ctx, 7, in, t, "typofix attention: a required input is missing"))) return s;
  /* query [B,S,heads*hd], key/value [B,S,kv*hd], past [B,kv,cap,hd] float16, seqlens_k [B], total [] or [1] */
  if (t[0].rank != 3 || t[1].rank != 3 || t[2].rank != 3 || t[3].rank != 4 || t[4].rank != 4) return status("typofix attention: unexpected input ranks");
  if (t[0].type != T_FLOAT || t[1].type != T_FLOAT || t[2].type != T_FLOAT || t[3].type != T_FLOAT16 || t[4].type != T_FLOAT16 || t[5].type != T_INT32 || t[6].type != T_INT32)
    return status("typofix attention: expected float32 query/key/value, a float16 cache and int32 lengths");
  const int64_t B = t[0].dims[0], S = t[0].dims[1], H = k->heads, KV = k->kv_heads;
  const int64_t hd = t[0].dims[2] / H, cap = t[3].dims[2];
  if (hd * H != t[0].dims[2] || t[1].dims[2] != KV * hd || t[2].dims[2] != KV * hd || t[3].dims[1] != KV || t[3].dims[3] != hd || t[4].dims[2] != cap)
    return status("typofix attention: shapes do not match num_heads / kv_num_heads");
  const int32_t *seqlens = t[5].data;
  const int32_t total = *(const int32_t *)t[6].data;
  /* present: the past's capacity, or the total length when the past buffer is shorter (not shared) */
  const int64_t pcap = cap >= total ? cap : total;
  int64_t odims[3] = {B, S, H * hd}, pdims[4] = {B, KV, pcap, hd};
  OrtValue *out[3];
  if ((s = ((OrtStatus * (*)(OrtKernelContext *, size_t, const int64_t *, size_t, OrtValue **)) F(I_KernelContext_GetOutput))(ctx, 0, odims, 3, &out[0]))) return s;
  for (int i = 1; i < 3; i++)
    if ((s = ((OrtStatus * (*)(OrtKernelContext *, size_t, const int64_t *, size_t, OrtValue **)) F(I_KernelContext_GetOutput))(ctx, (size_t)i, pdims, 4, &out[i]))) return s;
  void *o[3];
  for (int i = 0; i < 3; i++)
    if ((s = ((st_fn)F(I_GetTensorMutableData))(out[i], &o[i]))) return s;
  attn_args stack_args[4];
  attn_args *args = B <= 4 ? stack_args : malloc(sizeof(attn_args) * (size_t)B);
  if (!args) return status("typofix attention: out of memory");
  for (int64_t b = 0; b < B; b++) {
    const int64_t past = (int64_t)seqlens[b] + 1 - S;
    if (past < 0 || past + S > pcap) {
      if (args != stack_args) free(args);
      return status("typofix attention: seqlens_k out of range for the cache");
    }
    uint16_t *pk = (uint16_t *)o[1] + (size_t)b * KV * pcap * hd, *pv = (uint16_t *)o[2] + (size_t)b * KV * pcap * hd;
    const uint16_t *ck = (const uint16_t *)t[3].data + (size_t)b * KV * cap * hd, *cv = (const uint16_t *)t[4].data + (size_t)b * KV * cap * hd;
    if (pk != ck || pv != cv || pcap != cap)
      for (int64_t h = 0; h < KV; h++) {
        memmove(pk + (size_t)h * pcap * hd, ck + (size_t)h * cap * hd, (size_t)past * hd * 2);
        memmove(pv + (size_t)h * pcap * hd, cv + (size_t)h * cap * hd, (size_t)past * hd * 2);
      }
    args[b] = (attn_args){(int)H, (int)KV, (int)hd, k->scale ? k->scale : 1.0f / sqrtf((float)hd), (int)S, (int)past, (int)pcap,
                          (const float *)t[0].data + (size_t)b * S * H * hd, (const float *)t[1].data + (size_t)b * S * KV * hd,
                          (const float *)t[2].data + (size_t)b * S * KV * hd, pk, pv, (float *)o[0] + (size_t)b * S * H * hd};
  }
  work w = {args, (int)KV};
  const size_t n = (size_t)(B * KV);
  if (api_version >= 17)
    s = ((OrtStatus * (*)(const OrtKernelContext *, void (*)(void *, size_t), size_t, size_t, void *)) F(I_KernelContext_ParallelFor))(ctx, task, n, 0, &w);
  else {
    s = NULL;
    for (size_t i = 0; i < n; i++) task(&w, i);
  }
  if (args != stack_args) free(args);
  return s;
}

static void destroy(void *k) { free(k); }
static const char *op_name(const OrtCustomOp *op) { (void)op; return "GroupQueryAttention"; }
static const char *op_ep(const OrtCustomOp *op) { (void)op; return "CPUExecutionProvider"; }
static int in_type(const OrtCustomOp *op, size_t i) { (void)op; return i < 3 ? T_FLOAT : i < 5 ? T_FLOAT16 : T_INT32; }
static size_t in_count(const OrtCustomOp *op) { (void)op; return 7; }
static int out_type(const OrtCustomOp *op, size_t i) { (void)op; return i == 0 ? T_FLOAT : T_FLOAT16; }
static size_t out_count(const OrtCustomOp *op) { (void)op; return 3; }
static int required(const OrtCustomOp *op, size_t i) { (void)op, (void)i; return 0; /* INPUT_OUTPUT_REQUIRED */ }
static int mem_default(const OrtCustomOp *op, size_t i) { (void)op, (void)i; return 0; }
static int one(const OrtCustomOp *op) { (void)op; return 1; }
static int zero(const OrtCustomOp *op) { (void)op; return 0; }
static int start_version(const OrtCustomOp *op) { (void)op; return 1; }
static int end_version(const OrtCustomOp *op) { (void)op; return 2147483647; }

static OrtCustomOp op = {
    .version = 17,
    .GetName = op_name,
    .GetExecutionProviderType = op_ep,
    .GetInputType = in_type,
    .GetInputTypeCount = in_count,
    .GetOutputType = out_type,
    .GetOutputTypeCount = out_count,
    .KernelDestroy = destroy,
    .GetInputCharacteristic = required,
    .GetOutputCharacteristic = required,
    .GetInputMemoryType = mem_default,
    .GetVariadicInputMinArity = one,
    .GetVariadicInputHomogeneity = zero,
    .GetVariadicOutputMinArity = one,
    .GetVariadicOutputHomogeneity = zero,
    .CreateKernelV2 = create_kernel,
    .KernelComputeV2 = compute,
    .InferOutputShapeFn = NULL,
    .GetStartVersion = start_version,
    .GetEndVersion = end_version,
};

/* ---- MatMulNBits: typofix's 4-bit matmul (matmul.h) ---- */
/*
 * Domain "ai.typofix", op "MatMulNBits": com.microsoft MatMulNBits's first three inputs (A float32
 * [..., K], B uint8 [N, K/32, 16], scales float32 [N·K/32]) and output (Y float32 [..., N]), attributes
 * K, N, bits = 4, block_size = 32 (accuracy_level and others are read by nobody). The rewrite swaps only
 * nodes of that form: no zero points, g_idx or bias. Parallel over groups of output columns. On x86 the
 * weights are repacked once, at the node's first run (mm_pack: the same bytes in the kernels' order, a
 * second copy of B and the scales held as long as the session), so decode steps stream them.
 */
typedef struct {
  int64_t K, N;
  /* the weights repacked for the x86 paths (matmul.h mm_pack), made at the first run; and the B they came from */
  uint8_t *packed;
  const void *packed_from;
} mm_kernel;

static OrtStatus *mm_create(const OrtCustomOp *op, const OrtApi *a, const OrtKernelInfo *info, void **out) {
  (void)op, (void)a;
  mm_kernel *k = calloc(1, sizeof *k);
  if (!k) return status("typofix matmul: out of memory");
  int64_t bits = 4, block = 32;
  OrtStatus *s;
  if ((s = ((OrtStatus * (*)(const OrtKernelInfo *, const char *, int64_t *)) F(I_KernelInfoGetAttribute_int64))(info, "K", &k->K))) return free(k), s;
  if ((s = ((OrtStatus * (*)(const OrtKernelInfo *, const char *, int64_t *)) F(I_KernelInfoGetAttribute_int64))(info, "N", &k->N))) return free(k), s;
  if ((s = ((OrtStatus * (*)(const OrtKernelInfo *, const char *, int64_t *)) F(I_KernelInfoGetAttribute_int64))(info, "bits", &bits))) ((void (*)(OrtStatus *))F(I_ReleaseStatus))(s);
  if ((s = ((OrtStatus * (*)(const OrtKernelInfo *, const char *, int64_t *)) F(I_KernelInfoGetAttribute_int64))(info, "block_size", &block))) ((void (*)(OrtStatus *))F(I_ReleaseStatus))(s);
  if (bits != 4 || block != MM_BLOCK || k->K <= 0 || k->N <= 0 || k->K % MM_BLOCK || k->K > (1 << 24) || k->N > (1 << 26))
    return free(k), status("typofix matmul: only 4-bit weights in blocks of 32 along K (K a multiple of 32) are supported");
  *out = k;
  return NULL;
}

static void mm_run(void *p, size_t i) { mm_task(p, i); }
typedef struct {
  const mm_args *a;
  uint8_t *dst;
} pack_work;
static void mm_pack_run(void *p, size_t i) { mm_pack(((pack_work *)p)->a, ((pack_work *)p)->dst, i); }
static void mm_destroy(void *kp) {
  mm_kernel *k = kp;
  free(k->packed);
  free(k);
}

static OrtStatus *mm_compute(void *kp, OrtKernelContext *ctx) {
  mm_kernel *k = kp;
  const OrtValue *in[3];
  tensor t[3];
  OrtStatus *s;
  if ((s = gather(ctx, 3, in, t, "typofix matmul: a required input is missing"))) return s;
  if (t[0].type != T_FLOAT || t[1].type != T_UINT8 || t[2].type != T_FLOAT) return status("typofix matmul: expected float32 A, uint8 B and float32 scales");
  if (t[0].rank < 1 || t[0].dims[t[0].rank - 1] != k->K) return status("typofix matmul: A's last dimension is not K");
  int64_t nb = 1, ns = 1, M = 1;
  for (size_t d = 0; d < t[1].rank; d++) nb *= t[1].dims[d];
  for (size_t d = 0; d < t[2].rank; d++) ns *= t[2].dims[d];
  for (size_t d = 0; d + 1 < t[0].rank; d++) M *= t[0].dims[d];
  if (nb != k->N * k->K / 2 || ns != k->N * k->K / MM_BLOCK) return status("typofix matmul: B or scales do not hold N·K 4-bit weights in blocks of 32");
  int64_t odims[8];
  for (size_t d = 0; d < t[0].rank; d++) odims[d] = t[0].dims[d];
  odims[t[0].rank - 1] = k->N;
  OrtValue *out;
  if ((s = ((OrtStatus * (*)(OrtKernelContext *, size_t, const int64_t *, size_t, OrtValue **)) F(I_KernelContext_GetOutput))(ctx, 0, odims, t[0].rank, &out))) return s;
  void *y;
  if ((s = ((st_fn)F(I_GetTensorMutableData))(out, &y))) return s;
  if (M == 0) return NULL;
  if (M > (1 << 24)) return status("typofix matmul: too many rows");
  mm_args a = {(int)M, (int)k->K, (int)k->N, t[0].data, t[1].data, t[2].data, y, NULL, NULL, 0, 0};
  /* B and scales are initialisers (the rewrite swaps only such nodes): packed once, at the first run */
  const size_t pbytes = mm_packed_bytes(&a);
  if (pbytes && k->packed_from != t[1].data) {
    free(k->packed);
    k->packed_from = NULL;
    k->packed = aligned_alloc(64, (pbytes + 63) / 64 * 64);
    if (k->packed) {
      pack_work pw = {&a, k->packed};
      const size_t np = mm_pack_tasks(&a);
      if (api_version >= 17 && np > 1) s = ((OrtStatus * (*)(const OrtKernelContext *, void (*)(void *, size_t), size_t, size_t, void *)) F(I_KernelContext_ParallelFor))(ctx, mm_pack_run, np, 0, &pw);
      else
        for (size_t i = 0; i < np; i++) mm_pack(&a, k->packed, i);
      if (s) return s;
      k->packed_from = t[1].data;
    } /* else: no memory for the copy; the kernels read B as it is (slower) */
  }
  a.packed = k->packed_from == t[1].data ? k->packed : NULL;
  if (mm_prepare(&a)) {
    mm_finish(&a);
    return status("typofix matmul: out of memory");
  }
  const size_t n = mm_tasks(&a);
  if (api_version >= 17 && n > 1)
    s = ((OrtStatus * (*)(const OrtKernelContext *, void (*)(void *, size_t), size_t, size_t, void *)) F(I_KernelContext_ParallelFor))(ctx, mm_run, n, 0, &a);
  else {
    s = NULL;
    for (size_t i = 0; i < n; i++) mm_task(&a, i);
  }
  mm_finish(&a);
  if (!s && a.failed) s = status("typofix matmul: out of memory");
  return s;
}

static const char *mm_name(const OrtCustomOp *op) { (void)op; return "MatMulNBits"; }
static int mm_in_type(const OrtCustomOp *op, size_t i) { (void)op; return i == 1 ? T_UINT8 : T_FLOAT; }
static size_t mm_in_count(const OrtCustomOp *op) { (void)op; return 3; }
static int mm_out_type(const OrtCustomOp *op, size_t i) { (void)op, (void)i; return T_FLOAT; }
static size_t mm_out_count(const OrtCustomOp *op) { (void)op; return 1; }

static OrtCustomOp mm_op = {
    .version = 17,
    .GetName = mm_name,
    .GetExecutionProviderType = op_ep,
    .GetInputType = mm_in_type,
    .GetInputTypeCount = mm_in_count,
    .GetOutputType = mm_out_type,
    .GetOutputTypeCount = mm_out_count,
    .KernelDestroy = mm_destroy,
    .GetInputCharacteristic = required,
    .GetOutputCharacteristic = required,
    .GetInputMemoryType = mem_default,
    .GetVariadicInputMinArity = one,
    .GetVariadicInputHomogeneity = zero,
    .GetVariadicOutputMinArity = one,
    .GetVariadicOutputHomogeneity = zero,
    .CreateKernelV2 = mm_create,
    .KernelComputeV2 = mm_compute,
    .InferOutputShapeFn = NULL,
    .GetStartVersion = start_version,
    .GetEndVersion = end_version,
};

EXPORT OrtStatus *RegisterCustomOps(OrtSessionOptions *options, const OrtApiBase *base) {
  /* the newest API this library knows, down to 16 (CreateKernelV2); ParallelFor needs 17 */
  if (!api)
    for (int v = 17; v >= 16 && !api; v--) {
      api = base->GetApi((uint32_t)v);
      api_version = v;
    }
  if (!api) return NULL; /* nothing to report through: onnxruntime older than 1.16 (the session then fails on the unknown op) */
  if (api_version < 17) op.version = mm_op.version = 16;
  attn_isa(); /* pick the kernels' builds before any thread runs them */
  mm_isa();
  OrtCustomOpDomain *domain;
  OrtStatus *s;
  if ((s = ((OrtStatus * (*)(const char *, OrtCustomOpDomain **)) F(I_CreateCustomOpDomain))("ai.typofix", &domain))) return s;
  if ((s = ((OrtStatus * (*)(OrtCustomOpDomain *, const OrtCustomOp *)) F(I_CustomOpDomain_Add))(domain, &op))) return s;
  if ((s = ((OrtStatus * (*)(OrtCustomOpDomain *, const OrtCustomOp *)) F(I_CustomOpDomain_Add))(domain, &mm_op))) return s;
  return ((OrtStatus * (*)(OrtSessionOptions *, OrtCustomOpDomain *)) F(I_AddCustomOpDomain))(options, domain);
}

/* the kernel's build for this CPU (tests and benchmarks print it) */
EXPORT const char *TypofixAttentionIsa(void) { return attn_isa(); }

/* the 4-bit matmul's build for this CPU ("amx", "avx512", "generic") */
EXPORT const char *TypofixMatmulIsa(void) { return mm_isa(); }
