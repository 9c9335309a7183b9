// Super-blocks of 256 numbers: Q4_K and Q6_K. Each loop body is its Swift twin's
// (Q4_KRows.dot, Q6_KRows.dot) written for two 8-lane halves.
#include "GGUFKernelsC.h"

#if defined(__x86_64__)
#include "Lanes.h"

/// Q4_K sub-block s's 6-bit scale and minimum from the 12 packed bytes at q
/// (Q4_KRows.scaleMin).
static inline void gguf_scale_min(const uint8_t *q, int s, float *scale, float *min) {
  if (s < 4) {
    *scale = (float)(q[s] & 63);
    *min = (float)(q[s + 4] & 63);
  } else {
    *scale = (float)((q[s + 4] & 0x0F) | ((q[s - 4] >> 6) << 4));
    *min = (float)((q[s + 4] >> 4) | ((q[s] >> 6) << 4));
  }
}

/// Eight nibbles as floats: bytes at p, shifted right by shift (0 or 4), low four bits.
GGUF_AVX2 static inline __m256 gguf_nibbles8(const uint8_t *p, int shift) {
  __m256i q = _mm256_srli_epi32(gguf_bytes8(p), shift);
  return _mm256_cvtepi32_ps(_mm256_and_si256(q, _mm256_set1_epi32(0x0F)));
}

/// Sixteen lanes of q·x + r·y (lanes 0-7 in *a, 8-15 in *b) for sixteen nibbles of q and r
/// (the low ones when shift is 0, the high ones when 4) and sixteen floats of x and y.
GGUF_AVX2 static inline void gguf_nibbles_dot(
  const uint8_t *q, const uint8_t *r, int shift, const float *x, const float *y, __m256 *a,
  __m256 *b) {
  __m256 qa = gguf_nibbles8(q, shift), qb = gguf_nibbles8(q + 8, shift);
  __m256 ra = gguf_nibbles8(r, shift), rb = gguf_nibbles8(r + 8, shift);
  *a = _mm256_add_ps(_mm256_mul_ps(qa, _mm256_loadu_ps(x)), _mm256_mul_ps(ra, _mm256_loadu_ps(y)));
  *b = _mm256_add_ps(
    _mm256_mul_ps(qb, _mm256_loadu_ps(x + 8)), _mm256_mul_ps(rb, _mm256_loadu_ps(y + 8)));
}

/// acc += scale·qx − min·(x + y), on both halves.
GGUF_AVX2 static inline void gguf_q4_k_add(
  __m256 *lo, __m256 *hi, float scale, float min, __m256 qa, __m256 qb, const float *x,
  const float *y) {
  __m256 s = _mm256_set1_ps(scale), m = _mm256_set1_ps(min);
  __m256 sa = _mm256_add_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(y));
  __m256 sb = _mm256_add_ps(_mm256_loadu_ps(x + 8), _mm256_loadu_ps(y + 8));
  *lo = _mm256_add_ps(*lo, _mm256_sub_ps(_mm256_mul_ps(s, qa), _mm256_mul_ps(m, sa)));
  *hi = _mm256_add_ps(*hi, _mm256_sub_ps(_mm256_mul_ps(s, qb), _mm256_mul_ps(m, sb)));
}

// Q4_K: per pair of sub-blocks (2c, 2c + 1) sharing 32 bytes of nibbles:
// acc += (d·sc)·qx − (dmin·m)·(x + y) for the low nibbles, then for the high ones.
GGUF_AVX2 float gguf_dot_q4_k_avx2(const void *row, const float *x, ptrdiff_t blocks) {
  const uint8_t *p = row;
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  for (ptrdiff_t b = 0; b < blocks; b++, p += 144) {
    float d = gguf_half(p), dmin = gguf_half(p + 2);
    for (int c = 0; c < 4; c++, x += 64) {
      const uint8_t *q = p + 16 + 32 * c;
      float sc0, m0, sc1, m1;
      gguf_scale_min(p + 4, 2 * c, &sc0, &m0);
      gguf_scale_min(p + 4, 2 * c + 1, &sc1, &m1);
      __m256 la, lb, ha, hb;
      gguf_nibbles_dot(q, q + 16, 0, x, x + 16, &la, &lb);
      gguf_nibbles_dot(q, q + 16, 4, x + 32, x + 48, &ha, &hb);
      gguf_q4_k_add(&lo, &hi, d * sc0, dmin * m0, la, lb, x, x + 16);
      gguf_q4_k_add(&lo, &hi, d * sc1, dmin * m1, ha, hb, x + 32, x + 48);
    }
  }
  return gguf_sum16(lo, hi);
}

/// One Q6_K run of sixteen numbers: q = low | ((qh >> 2k) & 3) << 4;
/// acc += (d·scale) · ((q − 32) · x).
GGUF_AVX2 static inline void gguf_q6_k_run(
  __m256 *lo, __m256 *hi, float ds, __m256i lowA, __m256i lowB, const uint8_t *qh, int k,
  const float *x) {
  const __m256i three = _mm256_set1_epi32(3);
  const __m256 bias = _mm256_set1_ps(32);
  __m256i ha = _mm256_and_si256(_mm256_srli_epi32(gguf_bytes8(qh), 2 * k), three);
  __m256i hb = _mm256_and_si256(_mm256_srli_epi32(gguf_bytes8(qh + 8), 2 * k), three);
  __m256i sixA = _mm256_or_si256(lowA, _mm256_slli_epi32(ha, 4));
  __m256i sixB = _mm256_or_si256(lowB, _mm256_slli_epi32(hb, 4));
  __m256 qa = _mm256_sub_ps(_mm256_cvtepi32_ps(sixA), bias);
  __m256 qb = _mm256_sub_ps(_mm256_cvtepi32_ps(sixB), bias);
  __m256 s = _mm256_set1_ps(ds);
  *lo = _mm256_add_ps(*lo, _mm256_mul_ps(s, _mm256_mul_ps(qa, _mm256_loadu_ps(x))));
  *hi = _mm256_add_ps(*hi, _mm256_mul_ps(s, _mm256_mul_ps(qb, _mm256_loadu_ps(x + 8))));
}

// Q6_K: per half h and sixteen-lane group g, four runs k = 0...3 in Q6_KRows's order.
GGUF_AVX2 float gguf_dot_q6_k_avx2(const void *row, const float *x, ptrdiff_t blocks) {
  const uint8_t *p = row;
  const __m256i nibble = _mm256_set1_epi32(0x0F);
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  for (ptrdiff_t b = 0; b < blocks; b++, p += 210, x += 256) {
    float d = gguf_half(p + 208);
    for (int h = 0; h < 2; h++) {
      for (int g = 0; g < 2; g++) {
        const uint8_t *ql0 = p + 64 * h + 16 * g, *ql1 = ql0 + 32;
        const uint8_t *qh = p + 128 + 32 * h + 16 * g;
        const int8_t *scales = (const int8_t *)(p + 192 + 8 * h + g);
        const float *base = x + 128 * h + 16 * g;
        __m256i a0 = gguf_bytes8(ql0), b0 = gguf_bytes8(ql0 + 8);
        __m256i a1 = gguf_bytes8(ql1), b1 = gguf_bytes8(ql1 + 8);
        gguf_q6_k_run(&lo, &hi, d * (float)scales[0], _mm256_and_si256(a0, nibble),
          _mm256_and_si256(b0, nibble), qh, 0, base);
        gguf_q6_k_run(&lo, &hi, d * (float)scales[2], _mm256_and_si256(a1, nibble),
          _mm256_and_si256(b1, nibble), qh, 1, base + 32);
        gguf_q6_k_run(&lo, &hi, d * (float)scales[4], _mm256_srli_epi32(a0, 4),
          _mm256_srli_epi32(b0, 4), qh, 2, base + 64);
        gguf_q6_k_run(&lo, &hi, d * (float)scales[6], _mm256_srli_epi32(a1, 4),
          _mm256_srli_epi32(b1, 4), qh, 3, base + 96);
      }
    }
  }
  return gguf_sum16(lo, hi);
}

#else
float gguf_dot_q4_k_avx2(const void *row, const float *x, ptrdiff_t blocks) { return 0; }
float gguf_dot_q6_k_avx2(const void *row, const float *x, ptrdiff_t blocks) { return 0; }
#endif
