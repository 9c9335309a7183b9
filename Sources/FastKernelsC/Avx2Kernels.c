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

// Two dot products against one shared vector at once (a batched product: two inputs
// against one weight row, which then stays in registers and cache): the shared vector is
// loaded once for both, and each product keeps its own four accumulators, updated in
// exactly the order fk_avx2_dot updates them.
static inline AVX2 void dot2(
  const float *r0, const float *r1, const float *x, long n, float *out0, float *out1) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  long j = 0;
  for (; j + 32 <= n; j += 32) {
    __m256 x0 = _mm256_loadu_ps(x + j), x1 = _mm256_loadu_ps(x + j + 8);
    __m256 x2 = _mm256_loadu_ps(x + j + 16), x3 = _mm256_loadu_ps(x + j + 24);
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(r0 + j), x0));
    b0 = _mm256_add_ps(b0, _mm256_mul_ps(_mm256_loadu_ps(r1 + j), x0));
    a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(r0 + j + 8), x1));
    b1 = _mm256_add_ps(b1, _mm256_mul_ps(_mm256_loadu_ps(r1 + j + 8), x1));
    a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_loadu_ps(r0 + j + 16), x2));
    b2 = _mm256_add_ps(b2, _mm256_mul_ps(_mm256_loadu_ps(r1 + j + 16), x2));
    a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_loadu_ps(r0 + j + 24), x3));
    b3 = _mm256_add_ps(b3, _mm256_mul_ps(_mm256_loadu_ps(r1 + j + 24), x3));
  }
  for (; j + 8 <= n; j += 8) {
    __m256 x0 = _mm256_loadu_ps(x + j);
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(r0 + j), x0));
    b0 = _mm256_add_ps(b0, _mm256_mul_ps(_mm256_loadu_ps(r1 + j), x0));
  }
  float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  float t = hsum(_mm256_add_ps(_mm256_add_ps(b0, b1), _mm256_add_ps(b2, b3)));
  for (; j < n; j++) {
    s += r0[j] * x[j];
    t += r1[j] * x[j];
  }
  *out0 = s;
  *out1 = t;
}

AVX2 void fk_avx2_matmul_rows(
  float *out, const float *x, const float *w, long n, long first, long end) {
  // One row at a time: the product streams w from memory, and a single stream is what the
  // processor's prefetcher follows best (two rows interleaved measured slower).
  for (long i = first; i < end; i++) out[i] = fk_avx2_dot(w + i * n, x, n);
}

AVX2 void fk_avx2_matmul_batch_rows(
  float *out, const float *x, const float *w, long n, long d, long count, long first,
  long end) {
  for (long i = first; i < end; i++) {  // one row of w, while in cache, against every x
    const float *row = w + i * n;
    long p = 0;
    for (; p + 2 <= count; p += 2) {  // two inputs share the row's loads
      dot2(x + p * n, x + (p + 1) * n, row, n, out + p * d + i, out + (p + 1) * d + i);
    }
    if (p < count) out[p * d + i] = fk_avx2_dot(row, x + p * n, n);
  }
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
