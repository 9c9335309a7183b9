// The AVX-512 kernels: see include/FastKernelsC.h for the promise they keep.
//
// The portable dot product keeps four 8-lane accumulators, s0..s3, and adds a 32-element
// block into them as four 8-element slices. Here one 512-bit register holds s0 and s1 side
// by side, another s2 and s3, so a block is two multiplies and two adds, lane for lane the
// same operations. After the blocks the pairs are split back into 256-bit halves and the
// dot ends exactly as the AVX2 kernel ends (8-element slices into s0, the pairwise sum, the
// scalar tail). Only "avx512f" is enabled besides "avx2", never "fma", and contraction is
// off, so no multiply and add are ever fused.

#include "FastKernelsC.h"

#if defined(__x86_64__)

#include <immintrin.h>

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#include "Batched.h"
#include "Lanes16.h"

#define AVX2 __attribute__((target("avx2")))
#define AVX512 __attribute__((target("avx2,avx512f")))

int fk_has_avx512(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f") ? 1 : 0;
}

// The lanes summed as the portable horizontalSum does: halves, then halves, then the pair.
static inline AVX2 float hsum8(__m256 v) {
  __m128 four = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  __m128 two = _mm_add_ps(four, _mm_movehl_ps(four, four));
  return _mm_cvtss_f32(two) + _mm_cvtss_f32(_mm_shuffle_ps(two, two, 1));
}

static inline AVX512 __m256 low(__m512 v) { return _mm512_castps512_ps256(v); }

static inline AVX512 __m256 high(__m512 v) {
  return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
}

static inline AVX512 __m512 add16(__m512 sum, __m512 a, __m512 b) {
  return _mm512_add_ps(sum, _mm512_mul_ps(a, b));
}

// The end of a dot product whose blocks (elements 0..<j) are in s01 = [s0|s1] and
// s23 = [s2|s3]: the rest, as fk_avx2_dot ends.
static inline AVX512 float finish(__m512 s01, __m512 s23, const float *a, const float *b,
                                  long j, long n) {
  __m256 s0 = low(s01), s1 = high(s01), s2 = low(s23), s3 = high(s23);
  for (; j + 8 <= n; j += 8) {
    s0 = _mm256_add_ps(s0, _mm256_mul_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j)));
  }
  float sum = hsum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  for (; j < n; j++) sum += a[j] * b[j];
  return sum;
}

AVX512 float fk_avx512_dot(const float *a, const float *b, long n) {
  __m512 s01 = _mm512_setzero_ps(), s23 = s01;
  long j = 0;
  for (; j + 32 <= n; j += 32) {
    s01 = add16(s01, _mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j));
    s23 = add16(s23, _mm512_loadu_ps(a + j + 16), _mm512_loadu_ps(b + j + 16));
  }
  return finish(s01, s23, a, b, j, n);
}

AVX512 void fk_avx512_matmul_rows(
  float *out, const float *x, const float *w, long n, long first, long end) {
  for (long i = first; i < end; i++) out[i] = fk_avx512_dot(w + i * n, x, n);  // one stream
}

// The ends of eight dot products at once, row[k] against input[k], whose blocks (elements
// 0..<j) are in s01[k] = [s0|s1] and s23[k] = [s2|s3]: as finish ends each, with the eight
// lane sums taken together. Writes the results to *out[k].
static inline AVX512 void finish8(const __m512 s01[8], const __m512 s23[8],
                                  const float *const row[8], const float *const input[8],
                                  long j, long n, float *const out[8]) {
  __m256 lanes[8];
  long rest = j;
  for (int k = 0; k < 8; k++) {
    __m256 s0 = low(s01[k]), s1 = high(s01[k]), s2 = low(s23[k]), s3 = high(s23[k]);
    long i = j;
    for (; i + 8 <= n; i += 8) {
      __m256 product = _mm256_mul_ps(_mm256_loadu_ps(row[k] + i), _mm256_loadu_ps(input[k] + i));
      s0 = _mm256_add_ps(s0, product);
    }
    rest = i;
    lanes[k] = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
  }
  float sums[8];
  _mm256_storeu_ps(sums, hsum8x8(lanes));
  for (int k = 0; k < 8; k++) {
    float sum = sums[k];
    for (long i = rest; i < n; i++) sum += row[k][i] * input[k][i];  // the scalar tail
    *out[k] = sum;
  }
}

// (s0 + s1) + (s2 + s3) of one dot product whose blocks are in s01 = [s0|s1] and
// s23 = [s2|s3]: fk_avx2_dot's lanes before their sum, when no elements are left over.
static inline AVX512 __m256 whole_blocks(__m512 s01, __m512 s23) {
  return _mm256_add_ps(_mm256_add_ps(low(s01), high(s01)), _mm256_add_ps(low(s23), high(s23)));
}

// Two rows of w against four inputs: eight dot products, each in its own pair of registers,
// so every 32-element block loads each row slice once for four inputs and each input slice
// once for two rows (12 loads for 16 multiplies and 16 adds, where one dot needs 4 for 2).
// The eight ends are summed together (hsum8x8); when n is whole blocks (288, 768, 4096...)
// they stay in registers and go out as four pairs (rows i and i + 1 of one input), else
// finish8 takes the leftover elements first.
static inline AVX512 void rows2x4(
  const float *r0, const float *r1, const float *x, long n, long d, long i, float *out) {
  const float *x0 = x, *x1 = x + n, *x2 = x + 2 * n, *x3 = x + 3 * n;
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  __m512 c0 = a0, c1 = a0, c2 = a0, c3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
  long j = 0;
  for (; j + 32 <= n; j += 32) {
    __m512 w0 = _mm512_loadu_ps(r0 + j), w1 = _mm512_loadu_ps(r0 + j + 16);
    __m512 v0 = _mm512_loadu_ps(r1 + j), v1 = _mm512_loadu_ps(r1 + j + 16);
    __m512 p = _mm512_loadu_ps(x0 + j), q = _mm512_loadu_ps(x0 + j + 16);
    a0 = add16(a0, w0, p), b0 = add16(b0, w1, q), c0 = add16(c0, v0, p), e0 = add16(e0, v1, q);
    p = _mm512_loadu_ps(x1 + j), q = _mm512_loadu_ps(x1 + j + 16);
    a1 = add16(a1, w0, p), b1 = add16(b1, w1, q), c1 = add16(c1, v0, p), e1 = add16(e1, v1, q);
    p = _mm512_loadu_ps(x2 + j), q = _mm512_loadu_ps(x2 + j + 16);
    a2 = add16(a2, w0, p), b2 = add16(b2, w1, q), c2 = add16(c2, v0, p), e2 = add16(e2, v1, q);
    p = _mm512_loadu_ps(x3 + j), q = _mm512_loadu_ps(x3 + j + 16);
    a3 = add16(a3, w0, p), b3 = add16(b3, w1, q), c3 = add16(c3, v0, p), e3 = add16(e3, v1, q);
  }
  if (j == n) {  // a product 8-10% faster than through finish8 (its arrays go through memory)
    const __m256 v[8] = {
      whole_blocks(a0, b0), whole_blocks(c0, e0), whole_blocks(a1, b1), whole_blocks(c1, e1),
      whole_blocks(a2, b2), whole_blocks(c2, e2), whole_blocks(a3, b3), whole_blocks(c3, e3)};
    __m256 sums = hsum8x8(v);  // (i, x0) (i + 1, x0) (i, x1) (i + 1, x1) ...
    __m128 first = _mm256_castps256_ps128(sums), second = _mm256_extractf128_ps(sums, 1);
    _mm_storel_pi((__m64 *)(out + i), first);
    _mm_storeh_pi((__m64 *)(out + d + i), first);
    _mm_storel_pi((__m64 *)(out + 2 * d + i), second);
    _mm_storeh_pi((__m64 *)(out + 3 * d + i), second);
    return;
  }
  const __m512 s01[8] = {a0, a1, a2, a3, c0, c1, c2, c3};
  const __m512 s23[8] = {b0, b1, b2, b3, e0, e1, e2, e3};
  const float *const rows[8] = {r0, r0, r0, r0, r1, r1, r1, r1};
  const float *const inputs[8] = {x0, x1, x2, x3, x0, x1, x2, x3};
  float *const outs[8] = {
    out + i, out + d + i, out + 2 * d + i, out + 3 * d + i,
    out + i + 1, out + d + i + 1, out + 2 * d + i + 1, out + 3 * d + i + 1};
  finish8(s01, s23, rows, inputs, j, n, outs);
}

// In tiles (batch_in_tiles); the tiles made each product 3-7% faster, and the ends in
// registers (rows2x4) another 8-10%: 69-73 -> 77-79 GFLOP/s over a whole model's products
// in a C loop, where 96 is this processor's most without fused multiply-adds.
AVX512 void fk_avx512_matmul_batch_rows(
  float *out, const float *x, const float *w, long n, long d, long count, long first,
  long end) {
  batch_in_tiles(out, x, w, n, d, count, first, end, rows2x4, fk_avx512_dot);
}

// The lanes (s0 + s1) + (s2 + s3) of fk_avx2_dot(a, b, n) for n a multiple of 8: the blocks
// in [s0|s1] and [s2|s3], the 8-element slices into s0, as finish adds them. The same steps
// as fk_avx512_dot's, kept apart on purpose: with fk_avx512_dot written as this plus its
// tail, the compiler allocated the batched product's registers differently (fk_avx512_dot
// is inlined there for the leftover positions) and spilled its accumulators, halving its
// speed in a C loop (85 -> 40 GFLOP/s, the same bits).
static inline __attribute__((always_inline)) AVX512 __m256 dot_lanes(
  const float *a, const float *b, const long n) {
  __m512 s01 = _mm512_setzero_ps(), s23 = s01;
  long j = 0;
  for (; j + 32 <= n; j += 32) {
    s01 = add16(s01, _mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j));
    s23 = add16(s23, _mm512_loadu_ps(a + j + 16), _mm512_loadu_ps(b + j + 16));
  }
  __m256 s0 = low(s01);
  for (; j + 8 <= n; j += 8) {
    s0 = _mm256_add_ps(s0, _mm256_mul_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j)));
  }
  return _mm256_add_ps(_mm256_add_ps(s0, high(s01)), _mm256_add_ps(low(s23), high(s23)));
}

// fk_avx2_attention_scores for rows already in cache and heads of n floats, n a multiple of 8
// (a constant at the calls below, so each dot product is straight-line code): eight rows at
// a time, each head's eight dot products against them summed together (hsum8x8), scaled in
// one vector and stored as one run; the last rows one by one.
static inline __attribute__((always_inline)) AVX512 void cached_scores(
  float *scores, const float *q, const float *keys, const long *offsets, long count, long heads,
  const long n, long group, float scale) {
  __m256 scales = _mm256_set1_ps(scale);
  long t = 0;
  for (; t + 8 <= count; t += 8) {
    for (long h = 0, kv = 0, g = 0; h < heads; h++) {  // kv = h / group, counted up
      __m256 v[8];
      for (int k = 0; k < 8; k++) v[k] = dot_lanes(q + h * n, keys + offsets[t + k] + kv * n, n);
      _mm256_storeu_ps(scores + h * count + t, _mm256_mul_ps(hsum8x8(v), scales));
      if (++g == group) g = 0, kv++;
    }
  }
  for (; t < count; t++) {
    for (long h = 0; h < heads; h++) {
      __m256 lanes = dot_lanes(q + h * n, keys + offsets[t] + (h / group) * n, n);
      scores[h * count + t] = hsum8(lanes) * scale;
    }
  }
}

#define CACHED_SCORES(N) cached_scores(scores, q, keys, offsets, count, heads, (N), group, scale)

// Head by head over blocks of eight rows: 1.6 times as fast as the AVX2 loop's row by row
// with the rows in cache (a C loop over a 200-token prefill's attention), but 2.4 times as
// slow with them in memory, as a decode step finds them (prefetching the next block or not).
AVX512 void fk_avx512_attention_scores_cached(
  float *scores, const float *q, const float *keys, const long *offsets, long count, long heads,
  long headSize, long group, float scale) {
  switch (headSize) {  // the common head sizes as constants
  case 32: CACHED_SCORES(32); return;
  case 48: CACHED_SCORES(48); return;
  case 64: CACHED_SCORES(64); return;
  case 96: CACHED_SCORES(96); return;
  case 128: CACHED_SCORES(128); return;
  default:
    if (headSize % 8 == 0) {
      CACHED_SCORES(headSize);
    } else {  // a scalar tail: the AVX2 loop
      fk_avx2_attention_scores(scores, q, keys, offsets, count, heads, headSize, group, scale);
    }
  }
}

// One pass over the rows, in order, for heads first..<first + H, each P registers wide, their
// sums in registers across the rows: each lane 0, then + w·v for every row in order, as
// fk_avx2_attention_values adds it. H and P are constants at every call, so the compiler
// keeps sums[] in registers (with a variable count it kept them in memory: a load, an add
// and a store per chunk and row, three times slower with the rows in cache).
static inline __attribute__((always_inline)) AVX512 void values_pass(
  float *out, const float *weights, const float *values, const long *offsets, long count,
  long headSize, long group, long first, const int H, const int P) {
  if (H * P > 24) return;  // never called so (see most_heads): no code
  __m512 sums[24];
  __mmask16 masks[8];
  const float *w[8];
  long slice[8];
  for (int c = 0; c < P; c++) masks[c] = chunk_mask(headSize, c);
  for (int h = 0; h < H; h++) {
    w[h] = weights + (first + h) * count;
    slice[h] = ((first + h) / group) * headSize;
  }
  for (int a = 0; a < H * P; a++) sums[a] = _mm512_setzero_ps();
  for (long t = 0; t < count; t++) {
    const float *v = values + offsets[t];
    for (int h = 0; h < H; h++) {
      __m512 weight = _mm512_set1_ps(w[h][t]);
      for (int c = 0; c < P; c++) {
        __m512 x = _mm512_maskz_loadu_ps(masks[c], v + slice[h] + c * 16);
        sums[h * P + c] = _mm512_add_ps(sums[h * P + c], _mm512_mul_ps(weight, x));  // then sum
      }
    }
  }
  for (int h = 0; h < H; h++) {
    for (int c = 0; c < P; c++) {
      _mm512_mask_storeu_ps(out + (first + h) * headSize + c * 16, masks[c], sums[h * P + c]);
    }
  }
}

// How many heads of P registers one pass keeps: up to eight, in at most 24 registers.
static inline long most_heads(long P) { return 24 / P < 8 ? 24 / P : 8; }

// The heads first..<first + H in one pass, H a constant for each case.
#define PASS(P)                                                                                \
  switch (H) {                                                                                 \
  case 1: values_pass(out, weights, values, offsets, count, headSize, group, h, 1, P); break;  \
  case 2: values_pass(out, weights, values, offsets, count, headSize, group, h, 2, P); break;  \
  case 3: values_pass(out, weights, values, offsets, count, headSize, group, h, 3, P); break;  \
  case 4: values_pass(out, weights, values, offsets, count, headSize, group, h, 4, P); break;  \
  case 5: values_pass(out, weights, values, offsets, count, headSize, group, h, 5, P); break;  \
  case 6: values_pass(out, weights, values, offsets, count, headSize, group, h, 6, P); break;  \
  case 7: values_pass(out, weights, values, offsets, count, headSize, group, h, 7, P); break;  \
  default: values_pass(out, weights, values, offsets, count, headSize, group, h, 8, P);        \
  }                                                                                            \
  break

// Attention's weighted sum as fk_avx2_attention_values adds it, the rows read in order, with
// the sums of as many whole heads as 24 registers hold (at most eight heads: all six of the
// stories15M shape) kept in registers across the rows instead of loaded and stored at every
// row. More heads take more passes over the rows; a head wider than 128 floats takes the
// AVX2 loop.
AVX512 void fk_avx512_attention_values(
  float *out, const float *weights, const float *values, const long *offsets, long count,
  long heads, long headSize, long group) {
  long per = (headSize + 15) / 16;  // registers per head
  if (per == 0 || per > 8) {
    fk_avx2_attention_values(out, weights, values, offsets, count, heads, headSize, group);
    return;
  }
  for (long h = 0; h < heads; h += most_heads(per)) {
    long H = heads - h < most_heads(per) ? heads - h : most_heads(per);
    switch (per) {
    case 1: PASS(1);
    case 2: PASS(2);
    case 3: PASS(3);
    case 4: PASS(4);
    case 5: PASS(5);
    case 6: PASS(6);
    case 7: PASS(7);
    default: PASS(8);
    }
  }
}

AVX512 float fk_avx512_sum(const float *x, long n) {
  __m512 a = _mm512_setzero_ps(), b = a, c = a, d = a;
  long i = 0;
  for (; i + 64 <= n; i += 64) {  // four independent chains: the loop waits on memory only
    a = _mm512_add_ps(a, _mm512_loadu_ps(x + i));
    b = _mm512_add_ps(b, _mm512_loadu_ps(x + i + 16));
    c = _mm512_add_ps(c, _mm512_loadu_ps(x + i + 32));
    d = _mm512_add_ps(d, _mm512_loadu_ps(x + i + 48));
  }
  __m512 all = _mm512_add_ps(_mm512_add_ps(a, b), _mm512_add_ps(c, d));
  float sum = hsum8(_mm256_add_ps(low(all), high(all)));
  for (; i < n; i++) sum += x[i];
  return sum;
}

#else

int fk_has_avx512(void) { return 0; }  // not x86-64: the portable Swift kernels run

#endif
