// Helpers the AVX2 kernels share: sixteen Swift lanes as two 8-lane registers.
//
// A Swift `SIMD16<Float>` of the portable kernels is here a pair (lanes 0-7, lanes 8-15);
// every lane-wise operation is done on both halves, so lane l holds the same number in
// both versions. Included only on x86-64, by files that define their functions with
// GGUF_AVX2.
#ifndef GGUF_KERNELS_LANES_H
#define GGUF_KERNELS_LANES_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

// Never fuse a multiplication and an addition: the Swift kernels round each one.
#pragma clang fp contract(off)

/// Compiles one function for AVX2 (with F16C's half conversions), leaving the rest of
/// the program for the baseline CPU.
#define GGUF_AVX2 __attribute__((target("avx2,f16c")))

/// The sum of sixteen lanes (lo: 0-7, hi: 8-15) in BlockLanes.sum's order: halves added
/// pairwise, 16 -> 8 -> 4 -> 2 -> 1.
GGUF_AVX2 static inline float gguf_sum16(__m256 lo, __m256 hi) {
  __m256 eight = _mm256_add_ps(lo, hi);
  __m128 four = _mm_add_ps(_mm256_castps256_ps128(eight), _mm256_extractf128_ps(eight, 1));
  __m128 two = _mm_add_ps(four, _mm_movehl_ps(four, four));
  return _mm_cvtss_f32(_mm_add_ss(two, _mm_movehdup_ps(two)));
}

/// Eight unsigned bytes at p, each widened to a 32-bit lane.
GGUF_AVX2 static inline __m256i gguf_bytes8(const uint8_t *p) {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

/// Eight signed bytes at p, each widened to a 32-bit lane.
GGUF_AVX2 static inline __m256i gguf_signed8(const uint8_t *p) {
  return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

/// The little-endian half at p, widened exactly (as BlockLanes.half).
GGUF_AVX2 static inline float gguf_half(const uint8_t *p) {
  uint16_t h;
  memcpy(&h, p, 2);
  return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
}

/// One 32-value block of a scaled format (Q8_0, Q4_0, Q5_0): its first sixteen values
/// `a` (lanes 0-7) and `b` (lanes 8-15) meet x[0..16], its last sixteen `a2` and `b2` meet
/// x[16..32]; lo += d·(a·x + a2·x[16..]), hi likewise: the Swift kernel's 16 lanes, in its order.
GGUF_AVX2 static inline void gguf_block32(
  __m256 d, __m256 a, __m256 b, __m256 a2, __m256 b2, const float *x, __m256 *lo, __m256 *hi) {
  __m256 sa = _mm256_add_ps(
    _mm256_mul_ps(a, _mm256_loadu_ps(x)), _mm256_mul_ps(a2, _mm256_loadu_ps(x + 16)));
  __m256 sb = _mm256_add_ps(
    _mm256_mul_ps(b, _mm256_loadu_ps(x + 8)), _mm256_mul_ps(b2, _mm256_loadu_ps(x + 24)));
  *lo = _mm256_add_ps(*lo, _mm256_mul_ps(d, sa));
  *hi = _mm256_add_ps(*hi, _mm256_mul_ps(d, sb));
}

/// The four bytes at p: two halves (or a 32-bit word) in one load.
static inline uint32_t gguf_word(const uint8_t *p) {
  uint32_t w;
  memcpy(&w, p, 4);
  return w;
}

#endif
