// Blocks of 32 numbers: Q8_0, Q4_0, Q4_1, Q5_0. Each loop body is its Swift twin's
// (Q8_0Rows.dot, Q4Rows.dot0/dot1, Q5_0Rows.dot) written for two 8-lane halves.
#include "GGUFKernelsC.h"

#if defined(__x86_64__)
#include "Lanes.h"

// Q8_0: acc += d * (q[l]·x[l] + q[16+l]·x[16+l]).
GGUF_AVX2 float gguf_dot_q8_0_avx2(const void *row, const float *x, ptrdiff_t blocks) {
  const uint8_t *p = row;
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  for (ptrdiff_t b = 0; b < blocks; b++, p += 34, x += 32) {
    __m256 d = _mm256_set1_ps(gguf_half(p));
    __m256 q0a = _mm256_cvtepi32_ps(gguf_signed8(p + 2));
    __m256 q0b = _mm256_cvtepi32_ps(gguf_signed8(p + 10));
    __m256 q1a = _mm256_cvtepi32_ps(gguf_signed8(p + 18));
    __m256 q1b = _mm256_cvtepi32_ps(gguf_signed8(p + 26));
    gguf_block32(d, q0a, q0b, q1a, q1b, x, &lo, &hi);
  }
  return gguf_sum16(lo, hi);
}

// Q4_0: acc += d * ((lo - 8)·x[l] + (hi - 8)·x[16+l]).
GGUF_AVX2 float gguf_dot_q4_0_avx2(const void *row, const float *x, ptrdiff_t blocks) {
  const uint8_t *p = row;
  const __m256i nibble = _mm256_set1_epi32(0x0F);
  const __m256 eight = _mm256_set1_ps(8);
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  for (ptrdiff_t b = 0; b < blocks; b++, p += 18, x += 32) {
    __m256 d = _mm256_set1_ps(gguf_half(p));
    __m256i ba = gguf_bytes8(p + 2), bb = gguf_bytes8(p + 10);
    __m256 la = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_and_si256(ba, nibble)), eight);
    __m256 lb = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_and_si256(bb, nibble)), eight);
    __m256 ha = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(ba, 4)), eight);
    __m256 hb = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(bb, 4)), eight);
    gguf_block32(d, la, lb, ha, hb, x, &lo, &hi);
  }
  return gguf_sum16(lo, hi);
}

// Q4_1: qx = lo·x[l] + hi·x[16+l]; acc += d·qx + m·(x[l] + x[16+l]).
GGUF_AVX2 float gguf_dot_q4_1_avx2(const void *row, const float *x, ptrdiff_t blocks) {
  const uint8_t *p = row;
  const __m256i nibble = _mm256_set1_epi32(0x0F);
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  for (ptrdiff_t b = 0; b < blocks; b++, p += 20, x += 32) {
    __m128 dm = _mm_cvtph_ps(_mm_cvtsi32_si128((int)gguf_word(p)));  // [d, m, 0, 0]
    __m256 d = _mm256_broadcastss_ps(dm);
    __m256 m = _mm256_broadcastss_ps(_mm_movehdup_ps(dm));
    __m256i ba = gguf_bytes8(p + 4), bb = gguf_bytes8(p + 12);
    __m256 x0a = _mm256_loadu_ps(x), x0b = _mm256_loadu_ps(x + 8);
    __m256 x1a = _mm256_loadu_ps(x + 16), x1b = _mm256_loadu_ps(x + 24);
    __m256 qa = _mm256_add_ps(
      _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(ba, nibble)), x0a),
      _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(ba, 4)), x1a));
    __m256 qb = _mm256_add_ps(
      _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(bb, nibble)), x0b),
      _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(bb, 4)), x1b));
    __m256 ta = _mm256_add_ps(_mm256_mul_ps(d, qa), _mm256_mul_ps(m, _mm256_add_ps(x0a, x1a)));
    __m256 tb = _mm256_add_ps(_mm256_mul_ps(d, qb), _mm256_mul_ps(m, _mm256_add_ps(x0b, x1b)));
    lo = _mm256_add_ps(lo, ta);
    hi = _mm256_add_ps(hi, tb);
  }
  return gguf_sum16(lo, hi);
}

// Q5_0's numbers minus 16, as floats: four low bits, and bit `shift` of `qh` as the fifth.
GGUF_AVX2 static inline __m256 gguf_q5(__m256i low, __m256i qh, __m256i shift) {
  __m256i fifth = _mm256_and_si256(_mm256_srlv_epi32(qh, shift), _mm256_set1_epi32(1));
  __m256i q = _mm256_or_si256(low, _mm256_slli_epi32(fifth, 4));
  return _mm256_sub_ps(_mm256_cvtepi32_ps(q), _mm256_set1_ps(16));
}

// Q5_0: q = nibble | (bit l of qh) << 4 (bit 16 + l for the high nibbles);
// acc += d * ((q0 - 16)·x[l] + (q1 - 16)·x[16+l]).
GGUF_AVX2 float gguf_dot_q5_0_avx2(const void *row, const float *x, ptrdiff_t blocks) {
  const uint8_t *p = row;
  const __m256i nibble = _mm256_set1_epi32(0x0F);
  const __m256i shiftA = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i shiftB = _mm256_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15);
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  for (ptrdiff_t b = 0; b < blocks; b++, p += 22, x += 32) {
    __m256 d = _mm256_set1_ps(gguf_half(p));
    uint32_t qh = gguf_word(p + 2);
    __m256i h0 = _mm256_set1_epi32((int)qh), h1 = _mm256_set1_epi32((int)(qh >> 16));
    __m256i ba = gguf_bytes8(p + 6), bb = gguf_bytes8(p + 14);
    __m256 la = gguf_q5(_mm256_and_si256(ba, nibble), h0, shiftA);
    __m256 lb = gguf_q5(_mm256_and_si256(bb, nibble), h0, shiftB);
    __m256 ha = gguf_q5(_mm256_srli_epi32(ba, 4), h1, shiftA);
    __m256 hb = gguf_q5(_mm256_srli_epi32(bb, 4), h1, shiftB);
    gguf_block32(d, la, lb, ha, hb, x, &lo, &hi);
  }
  return gguf_sum16(lo, hi);
}

#else
float gguf_dot_q8_0_avx2(const void *row, const float *x, ptrdiff_t blocks) { return 0; }
float gguf_dot_q4_0_avx2(const void *row, const float *x, ptrdiff_t blocks) { return 0; }
float gguf_dot_q4_1_avx2(const void *row, const float *x, ptrdiff_t blocks) { return 0; }
float gguf_dot_q5_0_avx2(const void *row, const float *x, ptrdiff_t blocks) { return 0; }
#endif
