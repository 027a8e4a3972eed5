/*
 * A test double of swift/Sources/CTypofixANE/include/typofix_ane.h: a tiny deterministic "model" that replays a scripted
 * token sequence, so the TypeScript binding and generation loop can be tested where CoreML cannot run.
 * The greedy next token after a position is the script's answer for that position: with P the prompt's
 * length (the first prefill or forward after a reset or truncate to 0 sets it: prefill's n, forward's
 * n - keep + 1), the token after P + k tokens is replay[k] (then 151645, <|im_end|>) while the k tokens
 * after the prompt are the script's first k, else `miss`: drafts that match advance, a wrong one gets a
 * wrong answer after it, as from a real model, and truncate rewinds.
 * Model folder: fake.conf with lines
 *   context=N        context length (default 64)
 *   replay=a b c     the script
 *   miss=T           the answer after a sequence that left the script (default 0)
 *   forward=step     info's "forward" (default batch; the answers are the same either way)
 *   step_after=K     ... "step" once K forward calls were made (the runner falls to "step" when its
 *                    first batch rows disagree with infer)
 *   fail=CALL        make a call fail: open, info, prefill, decode, forward, truncate, reset
 *   fail_after=K     ... only after K successful calls of that kind
 * info JSON counts the calls: "calls":{"prefill":N,"decode":N,"forward":N,"truncate":N}.
 * Built with -DFAKE_ANE_ABI_V1 it is an ABI version 1 library (no forward, no truncate).
 *   lm_head_outputs=logits1,logits2   the lm head's outputs as the runner would read them from its
 *                    description (default logits1…logits16); none named logits…: open fails
 *   logits_type=T    their element type (default float16); anything but float16/float32: open fails
 * The environment variable TYPOFIX_FAKE_FAIL=CALL does the same as fail=CALL.
 * A meta.yaml in the folder is checked as the Swift runner checks it, with the same messages:
 * context_length, batch_size, num_chunks and split_lm_head must be whole numbers of at least 1
 * (context_length also sets the context); a bad one fails open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "../../swift/Sources/CTypofixANE/include/typofix_ane.h"

#define MAX_REPLAY 4096
struct typofix_ane_model {
  int32_t context;
  int32_t replay[MAX_REPLAY];
  int32_t nreplay;
  int32_t *seq;    /* the sequence's tokens (context of them) */
  int32_t pos;     /* tokens in the sequence */
  int32_t prompt;  /* the prompt's length */
  int32_t miss;
  int step_path;   /* info's "forward" is "step" */
  int32_t step_after; /* ... from this many forward calls on (0: never) */
  int32_t n_prefill, n_decode, n_forward, n_truncate;
  char fail[32];
  int32_t fail_after;
  int32_t calls;
  int32_t units;
  char info[512];
  int32_t magic;
};

static __thread char last_error[512];
static void set_error(const char *m) { snprintf(last_error, sizeof last_error, "%s", m); }

static int should_fail(struct typofix_ane_model *m, const char *call) {
  const char *env = getenv("TYPOFIX_FAKE_FAIL");
  if (env && strcmp(env, call) == 0) return 1;
  if (m && strcmp(m->fail, call) == 0) {
    if (m->calls >= m->fail_after) return 1;
    m->calls++;
  }
  return 0;
}

#ifdef FAKE_ANE_ABI_V1
int32_t typofix_ane_abi_version(void) { return 1; }
#else
int32_t typofix_ane_abi_version(void) { return TYPOFIX_ANE_ABI_VERSION; }
#endif

/* Trim spaces and one pair of quotes in place; returns the start. */
static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
  if (e - s >= 2 && (*s == '"' || *s == '\'') && e[-1] == *s) { e[-1] = 0; s++; }
  return s;
}

/* meta.yaml's counts, checked as AneMeta.parse checks them. 0 on success; -1 with the error set. */
static int check_meta(const char *dir, int32_t *context) {
  char path[4096], line[1024];
  snprintf(path, sizeof path, "%s/meta.yaml", dir);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  static const char *keys[] = {"context_length", "batch_size", "num_chunks", "split_lm_head"};
  while (fgets(line, sizeof line, f)) {
    char *colon = strchr(line, ':');
    if (!colon) continue;
    *colon = 0;
    char *key = trim(line), *value = trim(colon + 1);
    char *hash = strstr(value, " #");
    if (hash) { *hash = 0; value = trim(value); }
    if (!*value || !strcmp(value, "null") || !strcmp(value, "~")) continue;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
      if (strcmp(key, keys[k])) continue;
      char *end;
      double d = strtod(value, &end);
      if (end == value || *end || d < 1 || d != (double)(long)d || d >= 1e9) {
        snprintf(last_error, sizeof last_error, "meta.yaml: %s must be a whole number of at least 1 (got %s)", key, value);
        fclose(f);
        return -1;
      }
      if (k == 0) *context = (int32_t)d;
    }
  }
  fclose(f);
  return 0;
}

typofix_ane_model *typofix_ane_open(const char *dir, int32_t compute_units) {
  set_error("");
  if (!dir) { set_error("model folder is NULL"); return NULL; }
  if (compute_units < 0 || compute_units > 2) { set_error("unknown compute units"); return NULL; }
  int32_t meta_context = 0;
  if (check_meta(dir, &meta_context) != 0) return NULL;
  char path[4096];
  snprintf(path, sizeof path, "%s/fake.conf", dir);
  FILE *f = fopen(path, "r");
  if (!f) { snprintf(last_error, sizeof last_error, "%s: missing fake.conf (not a model folder)", dir); return NULL; }
  struct typofix_ane_model *m = calloc(1, sizeof *m);
  m->context = meta_context ? meta_context : 64;
  m->magic = 0x7a4e45;
  char line[8192];
  char outputs[1024] = "logits1", type[64] = "float16";
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "context=", 8)) m->context = atoi(line + 8);
    else if (!strncmp(line, "lm_head_outputs=", 16)) snprintf(outputs, sizeof outputs, "%s", trim(line + 16));
    else if (!strncmp(line, "logits_type=", 12)) snprintf(type, sizeof type, "%s", trim(line + 12));
    else if (!strncmp(line, "fail=", 5)) { sscanf(line + 5, "%31s", m->fail); }
    else if (!strncmp(line, "miss=", 5)) m->miss = atoi(line + 5);
    else if (!strncmp(line, "forward=", 8)) m->step_path = !strcmp(trim(line + 8), "step");
    else if (!strncmp(line, "step_after=", 11)) m->step_after = atoi(line + 11);
    else if (!strncmp(line, "fail_after=", 11)) m->fail_after = atoi(line + 11);
    else if (!strncmp(line, "replay=", 7)) {
      char *p = line + 7, *end;
      while (m->nreplay < MAX_REPLAY) {
        long v = strtol(p, &end, 10);
        if (end == p) break;
        m->replay[m->nreplay++] = (int32_t)v;
        p = end;
      }
    }
  }
  fclose(f);
  if (should_fail(m, "open")) { set_error("scripted failure in open"); free(m); return NULL; }
  /* the lm head's description, as the runner checks it: logitsN (or logits) outputs, float16 or float32 */
  char first[64] = "";
  {
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", outputs);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
      tok = trim(tok);
      if (!strncmp(tok, "logits", 6) && (!tok[6] || isdigit((unsigned char)tok[6]))) { snprintf(first, sizeof first, "%s", tok); break; }
    }
  }
  if (!*first) {
    snprintf(last_error, sizeof last_error, "lm head: no logits outputs (logits1\xe2\x80\xa6logits16 or logits; it has %s)", outputs);
    free(m);
    return NULL;
  }
  if (strcmp(type, "float16") && strcmp(type, "float32")) {
    snprintf(last_error, sizeof last_error, "lm head: output %s has data type %s; expected float16 or float32", first, type);
    free(m);
    return NULL;
  }
  if (m->context < 1) m->context = 1;
  m->seq = calloc((size_t)m->context, sizeof *m->seq);
  m->units = compute_units;
  return m;
}

static int valid(typofix_ane_model *m) {
  if (!m || m->magic != 0x7a4e45) { set_error("invalid handle"); return 0; }
  return 1;
}

const char *typofix_ane_info_json(typofix_ane_model *m) {
  if (!valid(m)) return NULL;
  if (should_fail(m, "info")) { set_error("scripted failure in info"); return NULL; }
  int32_t u = m->units;
  snprintf(m->info, sizeof m->info,
           "{\"context_length\":%d,\"batch_size\":64,\"vocab_size\":151936,\"num_chunks\":1,"
           "\"lut_bits\":{\"embeddings\":null,\"ffn\":4,\"lmhead\":6},\"compute_units\":\"%s\",\"abi_version\":%d,"
           "\"forward\":\"%s\",\"calls\":{\"prefill\":%d,\"decode\":%d,\"forward\":%d,\"truncate\":%d},\"fake\":true}",
           m->context, u == 0 ? "cpuAndNeuralEngine" : u == 1 ? "cpuOnly" : "all", typofix_ane_abi_version(),
           m->step_path || (m->step_after > 0 && m->n_forward >= m->step_after) ? "step" : "batch", m->n_prefill, m->n_decode, m->n_forward, m->n_truncate);
  return m->info;
}

static int32_t script(const typofix_ane_model *m, int32_t k) { return k < m->nreplay ? m->replay[k] : 151645; }

/* The greedy next token after the first `len` tokens of the sequence. */
static int32_t answer(const typofix_ane_model *m, int32_t len) {
  int32_t k = len - m->prompt;
  if (k < 0) return m->miss;
  for (int32_t j = 0; j < k; j++)
    if (m->seq[m->prompt + j] != script(m, j)) return m->miss;
  return script(m, k);
}

static int bad_ids(const int32_t *ids, int32_t n) {
  for (int32_t i = 0; i < n; i++)
    if (ids[i] < 0 || ids[i] >= 151936) { snprintf(last_error, sizeof last_error, "token id %d out of range", ids[i]); return 1; }
  return 0;
}

int32_t typofix_ane_prefill(typofix_ane_model *m, const int32_t *ids, int32_t n) {
  if (!valid(m)) return -1;
  if (should_fail(m, "prefill")) { set_error("scripted failure in prefill"); return -1; }
  if (!ids || n < 1) { set_error("empty prompt"); return -1; }
  if (n >= m->context) { snprintf(last_error, sizeof last_error, "prompt of %d tokens does not fit the context of %d", n, m->context); return -1; }
  if (bad_ids(ids, n)) return -1;
  m->n_prefill++;
  memcpy(m->seq, ids, (size_t)n * sizeof *ids);
  m->pos = m->prompt = n;
  return answer(m, n);
}

int32_t typofix_ane_decode(typofix_ane_model *m, int32_t id) {
  if (!valid(m)) return -1;
  if (should_fail(m, "decode")) { set_error("scripted failure in decode"); return -1; }
  if (id < 0 || id >= 151936) { set_error("token id out of range"); return -1; }
  if (m->pos + 1 >= m->context) { snprintf(last_error, sizeof last_error, "position %d is past the context length %d", m->pos + 1, m->context); return -1; }
  m->n_decode++;
  m->seq[m->pos++] = id;
  return answer(m, m->pos);
}

#ifndef FAKE_ANE_ABI_V1
int32_t typofix_ane_forward(typofix_ane_model *m, const int32_t *ids, int32_t n, int32_t keep, int32_t *out) {
  if (!valid(m)) return -1;
  if (should_fail(m, "forward")) { set_error("scripted failure in forward"); return -1; }
  if (!ids || n < 1) { set_error("empty input"); return -1; }
  if (keep < 1 || keep > n) { snprintf(last_error, sizeof last_error, "keep %d is not in 1\xe2\x80\xa6%d", keep, n); return -1; }
  if (!out) { set_error("output array is NULL"); return -1; }
  if (bad_ids(ids, n)) return -1;
  /* as the runner: the last position written is pos + n - 1, and it must be inside the context */
  if (m->pos + n > m->context) { snprintf(last_error, sizeof last_error, "position %d is past the context length %d", m->pos + n - 1, m->context); return -1; }
  m->n_forward++;
  if (m->pos == 0) m->prompt = n - keep + 1;
  for (int32_t i = 0; i < n; i++) {
    m->seq[m->pos++] = ids[i];
    if (i >= n - keep) out[i - (n - keep)] = answer(m, m->pos);
  }
  return keep;
}

int32_t typofix_ane_truncate(typofix_ane_model *m, int32_t length) {
  if (!valid(m)) return -1;
  if (should_fail(m, "truncate")) { set_error("scripted failure in truncate"); return -1; }
  if (length < 0 || length > m->pos) { snprintf(last_error, sizeof last_error, "cannot truncate to %d tokens: the sequence has %d", length, m->pos); return -1; }
  m->n_truncate++;
  m->pos = length;
  return 0;
}
#endif

int32_t typofix_ane_reset(typofix_ane_model *m) {
  if (!valid(m)) return -1;
  if (should_fail(m, "reset")) { set_error("scripted failure in reset"); return -1; }
  m->pos = 0;
  return 0;
}

void typofix_ane_close(typofix_ane_model *m) {
  if (!m || m->magic != 0x7a4e45) return;
  m->magic = 0;
  free(m->seq);
  free(m);
}

const char *typofix_ane_last_error(void) { return last_error; }
