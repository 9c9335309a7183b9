// The AVX2 kernels: see include/FastKernelsC.h for the promise they keep.
//
// Compiled with per-function target attributes, never a global -mavx2, so the rest of the
// program runs on any x86-64; and only "avx2" (not "fma") is enabled, so the compiler has no
// fused multiply-add to contract a multiply and an add into, whatever its settings.

#include "FastKernelsC.h"

#if defined(__x86_64__)

#include <immintrin.h>

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#include "Batched.h"

#define AVX2 __attribute__((target("avx2")))

int fk_has_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? 1 : 0;
}

// The lanes summed as the portable horizontalSum does: halves, then halves, then the pair.
static inline AVX2 float hsum(__m256 v) {
  __m128 four = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  __m128 two = _mm_add_ps(four, _mm_movehl_ps(four, four));
  return _mm_cvtss_f32(two) + _mm_cvtss_f32(_mm_shuffle_ps(two, two, 1));
}

static inline AVX2 __m256 mul(const float *a, const float *b) {
  return _mm256_mul_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b));
}

AVX2 float fk_avx2_dot(const float *a, const float *b, long n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  long j = 0;
  for (; j + 32 <= n; j += 32) {  // four accumulators, 32 elements a block
    s0 = _mm256_add_ps(s0, mul(a + j, b + j));
    s1 = _mm256_add_ps(s1, mul(a + j + 8, b + j + 8));
    s2 = _mm256_add_ps(s2, mul(a + j + 16, b + j + 16));
    s3 = _mm256_add_ps(s3, mul(a + j + 24, b + j + 24));
  }
  for (; j + 8 <= n; j += 8) s0 = _mm256_add_ps(s0, mul(a + j, b + j));  // then 8 into the first
  float sum = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  for (; j < n; j++) sum += a[j] * b[j];  // the last n % 8, one at a time
  return sum;
}

AVX2 void fk_avx2_matmul_rows(
  float *out, const float *x, const float *w, long n, long first, long end) {
  // One row at a time: the product streams w from memory, and a single stream is what the
  // processor's prefetcher follows best (two rows interleaved measured slower).
  for (long i = first; i < end; i++) out[i] = fk_avx2_dot(w + i * n, x, n);
}

#define MAC(sum, w, x) sum = _mm256_add_ps(sum, _mm256_mul_ps(w, x))  // multiply, then add

// Accumulator k of fk_avx2_dot (elements 8k..8k+7 of every 32-element block, and for k = 0
// the 8-element slices after the blocks) of eight dot products: rows r0 and r1 against four
// inputs, x[m] at x + m n. Written to s as (r0, x0) (r1, x0) (r0, x1) (r1, x1) ...
//
// The sixteen 256-bit registers cannot hold eight products' four accumulators each, so the
// products are made one accumulator at a time, in four passes over rows and inputs that sit
// in L1: each pass keeps eight sums in registers and loads each row slice once for four
// inputs and each input slice once for two rows (6 loads for 8 multiplies and 8 adds).
static inline __attribute__((always_inline)) AVX2 void lane_pass(
  const float *r0, const float *r1, const float *x, long n, long k, __m256 s[8]) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
  const float *x0 = x, *x1 = x + n, *x2 = x + 2 * n, *x3 = x + 3 * n;
#define STEP(j)                                                              \
  __m256 w = _mm256_loadu_ps(r0 + (j)), v = _mm256_loadu_ps(r1 + (j)), p;   \
  p = _mm256_loadu_ps(x0 + (j)), MAC(a0, w, p), MAC(c0, v, p);               \
  p = _mm256_loadu_ps(x1 + (j)), MAC(a1, w, p), MAC(c1, v, p);               \
  p = _mm256_loadu_ps(x2 + (j)), MAC(a2, w, p), MAC(c2, v, p);               \
  p = _mm256_loadu_ps(x3 + (j)), MAC(a3, w, p), MAC(c3, v, p);
  long blocks = n / 32 * 32;
  for (long j = 8 * k; j < blocks; j += 32) { STEP(j) }
  if (k == 0) {  // (one loop stepping 32 or 8 ran 28% longer in the C loop than these two)
    for (long j = blocks; j + 8 <= n; j += 8) { STEP(j) }
  }
#undef STEP
  s[0] = a0, s[1] = c0, s[2] = a1, s[3] = c1, s[4] = a2, s[5] = c2, s[6] = a3, s[7] = c3;
}

// Rows i and i + 1 of w (r0, r1) against four inputs: the eight dot products of
// fk_avx2_dot, lane for lane, their accumulators combined as it combines them,
// (s0 + s1) + (s2 + s3), and the eight lane sums taken together (hsum8x8).
static inline AVX2 void rows2x4(
  const float *r0, const float *r1, const float *x, long n, long d, long i, float *out) {
  __m256 s01[8], s2[8], lanes[8];
  lane_pass(r0, r1, x, n, 0, s01);
  lane_pass(r0, r1, x, n, 1, s2);
  for (int m = 0; m < 8; m++) s01[m] = _mm256_add_ps(s01[m], s2[m]);  // s0 + s1
  lane_pass(r0, r1, x, n, 2, s2);
  lane_pass(r0, r1, x, n, 3, lanes);
  for (int m = 0; m < 8; m++) lanes[m] = _mm256_add_ps(s01[m], _mm256_add_ps(s2[m], lanes[m]));
  float sums[8];
  _mm256_storeu_ps(sums, hsum8x8(lanes));
  for (int m = 0; m < 8; m++) {
    const float *row = m % 2 ? r1 : r0, *input = x + (m / 2) * n;
    float sum = sums[m];
    for (long j = n / 8 * 8; j < n; j++) sum += row[j] * input[j];  // the scalar tail
    out[(m / 2) * d + i + m % 2] = sum;
  }
}

// In tiles (batch_in_tiles), as the AVX-512 product. In a C loop over the 15M shape's
// products for 200 positions: 49-50 GFLOP/s with one row against two inputs and no tiles,
// 65-66 with these (AVX-512: 78-80).
AVX2 void fk_avx2_matmul_batch_rows(
  float *out, const float *x, const float *w, long n, long d, long count, long first,
  long end) {
  batch_in_tiles(out, x, w, n, d, count, first, end, rows2x4, fk_avx2_dot);
}

AVX2 void fk_avx2_add_scaled(float *y, float a, const float *x, long n) {
  __m256 scale = _mm256_set1_ps(a);
  long i = 0;
  for (; i + 8 <= n; i += 8) {  // each lane: the product, then the sum
    __m256 product = _mm256_mul_ps(scale, _mm256_loadu_ps(x + i));
    _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), product));
  }
  for (; i < n; i++) y[i] += a * x[i];
}

AVX2 void fk_avx2_attention_scores(
  float *scores, const float *q, const float *keys, const long *offsets, long count, long heads,
  long headSize, long group, float scale) {
  for (long t = 0; t < count; t++) {  // row by row: every head's slice while the row is in cache
    const float *k = keys + offsets[t];
    for (long h = 0; h < heads; h++) {
      scores[h * count + t] = fk_avx2_dot(q + h * headSize, k + (h / group) * headSize, headSize)
        * scale;
    }
  }
}

AVX2 void fk_avx2_attention_values(
  float *out, const float *weights, const float *values, const long *offsets, long count,
  long heads, long headSize, long group) {
  for (long i = 0; i < heads * headSize; i++) out[i] = 0;
  for (long t = 0; t < count; t++) {
    const float *v = values + offsets[t];
    for (long h = 0; h < heads; h++) {
      fk_avx2_add_scaled(
        out + h * headSize, weights[h * count + t], v + (h / group) * headSize, headSize);
    }
  }
}

AVX2 float fk_avx2_sum(const float *x, long n) {
  __m256 a = _mm256_setzero_ps(), b = a, c = a, d = a;
  long i = 0;
  for (; i + 32 <= n; i += 32) {  // four independent chains: the loop waits on memory only
    a = _mm256_add_ps(a, _mm256_loadu_ps(x + i));
    b = _mm256_add_ps(b, _mm256_loadu_ps(x + i + 8));
    c = _mm256_add_ps(c, _mm256_loadu_ps(x + i + 16));
    d = _mm256_add_ps(d, _mm256_loadu_ps(x + i + 24));
  }
  float sum = hsum(_mm256_add_ps(_mm256_add_ps(a, b), _mm256_add_ps(c, d)));
  for (; i < n; i++) sum += x[i];
  return sum;
}

#else

int fk_has_avx2(void) { return 0; }  // not x86-64: the portable Swift kernels run

#endif
