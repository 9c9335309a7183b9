// Rows of F16 and BF16 numbers (FloatRows.dotF16 / dotBF16): element i into lane i % 16,
// lanes summed pairwise, then a tail shorter than 16 added one number at a time.
#include "GGUFKernelsC.h"

#if defined(__x86_64__)
#include "Lanes.h"

GGUF_AVX2 float gguf_dot_f16_avx2(const void *row, const float *x, ptrdiff_t count) {
  const uint8_t *p = row;
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  ptrdiff_t i = 0;
  for (; i + 16 <= count; i += 16) {
    __m256 wa = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 2 * i)));
    __m256 wb = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 2 * i + 16)));
    lo = _mm256_add_ps(lo, _mm256_mul_ps(wa, _mm256_loadu_ps(x + i)));
    hi = _mm256_add_ps(hi, _mm256_mul_ps(wb, _mm256_loadu_ps(x + i + 8)));
  }
  float sum = gguf_sum16(lo, hi);
  for (; i < count; i++) sum += gguf_half(p + 2 * i) * x[i];
  return sum;
}

/// Eight bfloat16 numbers at p as floats: each one's bits are a float's top 16 bits.
GGUF_AVX2 static inline __m256 gguf_bf16x8(const uint8_t *p) {
  __m256i bits = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(bits, 16));
}

GGUF_AVX2 float gguf_dot_bf16_avx2(const void *row, const float *x, ptrdiff_t count) {
  const uint8_t *p = row;
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  ptrdiff_t i = 0;
  for (; i + 16 <= count; i += 16) {
    lo = _mm256_add_ps(lo, _mm256_mul_ps(gguf_bf16x8(p + 2 * i), _mm256_loadu_ps(x + i)));
    hi = _mm256_add_ps(hi, _mm256_mul_ps(gguf_bf16x8(p + 2 * i + 16), _mm256_loadu_ps(x + i + 8)));
  }
  float sum = gguf_sum16(lo, hi);
  for (; i < count; i++) {
    uint16_t h;
    memcpy(&h, p + 2 * i, 2);
    uint32_t bits = (uint32_t)h << 16;
    float w;
    memcpy(&w, &bits, 4);
    sum += w * x[i];
  }
  return sum;
}

#else
float gguf_dot_f16_avx2(const void *row, const float *x, ptrdiff_t count) { return 0; }
float gguf_dot_bf16_avx2(const void *row, const float *x, ptrdiff_t count) { return 0; }
#endif
