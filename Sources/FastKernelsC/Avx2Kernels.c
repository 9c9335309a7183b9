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

// Eight dot products' last step at once: each of the eight vectors summed exactly as hsum
// sums one (lanes 0+4, 1+5, 2+6, 3+7; then those 0+2 and 1+3; then the pair), the eight
// sums returned in one vector, in order. A transpose, then the same additions lane by lane.
static inline AVX2 __m256 hsum8x8(__m256 v[8]) {
  __m256 f[4];  // [fA | fB], [fC | fD], ...: f = low half + high half, four lanes per vector
  for (int k = 0; k < 4; k++) {
    __m256 lows = _mm256_permute2f128_ps(v[2 * k], v[2 * k + 1], 0x20);
    __m256 highs = _mm256_permute2f128_ps(v[2 * k], v[2 * k + 1], 0x31);
    f[k] = _mm256_add_ps(lows, highs);
  }
  __m256 t[2];  // [tA0 tA1 tC0 tC1 | tB0 tB1 tD0 tD1], ...: t0 = f0 + f2, t1 = f1 + f3
  for (int k = 0; k < 2; k++) {
    __m256 a = _mm256_shuffle_ps(f[2 * k], f[2 * k + 1], _MM_SHUFFLE(1, 0, 1, 0));
    __m256 b = _mm256_shuffle_ps(f[2 * k], f[2 * k + 1], _MM_SHUFFLE(3, 2, 3, 2));
    t[k] = _mm256_add_ps(a, b);
  }
  // t0 + t1 of A, C, E, G | B, D, F, H: then back into the order A, B, ..., H.
  __m256 even = _mm256_shuffle_ps(t[0], t[1], _MM_SHUFFLE(2, 0, 2, 0));
  __m256 odd = _mm256_shuffle_ps(t[0], t[1], _MM_SHUFFLE(3, 1, 3, 1));
  __m256 sums = _mm256_add_ps(even, odd);  // A C E G | B D F H
  __m256 low = _mm256_permute2f128_ps(sums, sums, 0x00);  // A C E G | A C E G
  __m256 high = _mm256_permute2f128_ps(sums, sums, 0x11);  // B D F H | B D F H
  __m256 abcd = _mm256_unpacklo_ps(low, high), efgh = _mm256_unpackhi_ps(low, high);
  return _mm256_permute2f128_ps(abcd, efgh, 0x20);
}

// A dot product up to its last step, as fk_avx2_dot computes it: (s0 + s1) + (s2 + s3) after
// the blocks and the 8-element steps; the caller sums the lanes and adds the scalar tail.
static inline AVX2 __m256 dotLanes(const float *a, const float *b, long n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  long j = 0;
  for (; j + 32 <= n; j += 32) {
    s0 = _mm256_add_ps(s0, mul(a + j, b + j));
    s1 = _mm256_add_ps(s1, mul(a + j + 8, b + j + 8));
    s2 = _mm256_add_ps(s2, mul(a + j + 16, b + j + 16));
    s3 = _mm256_add_ps(s3, mul(a + j + 24, b + j + 24));
  }
  for (; j + 8 <= n; j += 8) s0 = _mm256_add_ps(s0, mul(a + j, b + j));
  return _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
}

AVX2 void fk_avx2_attention_scores(
  float *scores, const float *q, const float *keys, const long *offsets, long count, long heads,
  long headSize, long group, float scale) {
  long tail = headSize - headSize % 8;  // where each dot's scalar tail starts
  __m256 scales = _mm256_set1_ps(scale);
  for (long h = 0; h < heads; h++) {  // head by head, eight rows at a time
    const float *qh = q + h * headSize;
    long slice = (h / group) * headSize;
    long t = 0;
    for (; t + 8 <= count; t += 8) {
      __m256 lanes[8];
      for (int r = 0; r < 8; r++) lanes[r] = dotLanes(qh, keys + offsets[t + r] + slice, headSize);
      __m256 sums = hsum8x8(lanes);
      if (tail < headSize) {  // the scalar tails, in order, after the lanes' sums
        float each[8];
        _mm256_storeu_ps(each, sums);
        for (int r = 0; r < 8; r++) {
          const float *k = keys + offsets[t + r] + slice;
          for (long j = tail; j < headSize; j++) each[r] += qh[j] * k[j];
        }
        sums = _mm256_loadu_ps(each);
      }
      _mm256_storeu_ps(scores + h * count + t, _mm256_mul_ps(sums, scales));
    }
    for (; t < count; t++) {
      scores[h * count + t] = fk_avx2_dot(qh, keys + offsets[t] + slice, headSize) * scale;
    }
  }
}

AVX2 void fk_avx2_attention_values(
  float *out, const float *weights, const float *values, const long *offsets, long count,
  long heads, long headSize, long group) {
  // out_h = sum over t of w_t v_t, row after row: each lane's y + w_t x, in order t = 0, 1,
  // ..., exactly as fk_avx2_add_scaled adds one row; here up to 64 lanes of one head stay in
  // registers across the rows instead of going back to memory after each.
  for (long h = 0; h < heads; h++) {
    const float *w = weights + h * count;
    long slice = (h / group) * headSize;
    float *o = out + h * headSize;
    long c = 0;
    for (; c + 8 <= headSize; c += 64) {
      long width = headSize - c < 64 ? (headSize - c) / 8 : 8;  // 8-lane vectors in this group
      __m256 acc[8];
      for (long k = 0; k < 8; k++) acc[k] = _mm256_setzero_ps();
      for (long t = 0; t < count; t++) {
        __m256 a = _mm256_set1_ps(w[t]);
        const float *v = values + offsets[t] + slice + c;
        for (long k = 0; k < width; k++) {
          acc[k] = _mm256_add_ps(acc[k], _mm256_mul_ps(a, _mm256_loadu_ps(v + 8 * k)));
        }
      }
      for (long k = 0; k < width; k++) _mm256_storeu_ps(o + c + 8 * k, acc[k]);
      if (width < 8) { c += 8 * width; break; }
    }
    for (long j = c; j < headSize; j++) {  // the last headSize % 8 lanes, one at a time
      float y = 0;
      for (long t = 0; t < count; t++) y += w[t] * values[offsets[t] + slice + j];
      o[j] = y;
    }
  }
}

#else

int fk_has_avx2(void) { return 0; }  // not x86-64: the portable Swift kernels run

#endif
