// Sums of eight vectors' lanes at once, shared by the AVX2 and AVX-512 kernels (their
// batched products end eight dot products together). Included after <immintrin.h>.

#ifndef FAST_KERNELS_LANE_SUMS_H
#define FAST_KERNELS_LANE_SUMS_H

// Eight dot products' last step at once: each of the eight vectors summed exactly as hsum8
// sums one (lanes 0+4, 1+5, 2+6, 3+7; then those 0+2 and 1+3; then the pair), the eight
// sums returned in one vector, in order: a transpose, then the same additions lane by lane.
static inline __attribute__((target("avx2"))) __m256 hsum8x8(const __m256 v[8]) {
  __m256 f[4];  // [fA | fB], [fC | fD], ...: low half + high half, four lanes per vector
  for (int k = 0; k < 4; k++) {
    __m256 lows = _mm256_permute2f128_ps(v[2 * k], v[2 * k + 1], 0x20);
    __m256 highs = _mm256_permute2f128_ps(v[2 * k], v[2 * k + 1], 0x31);
    f[k] = _mm256_add_ps(lows, highs);
  }
  __m256 t[2];  // [tA0 tA1 tC0 tC1 | tB0 tB1 tD0 tD1], ...: lanes 0 + 2 and 1 + 3
  for (int k = 0; k < 2; k++) {
    __m256 a = _mm256_shuffle_ps(f[2 * k], f[2 * k + 1], _MM_SHUFFLE(1, 0, 1, 0));
    __m256 b = _mm256_shuffle_ps(f[2 * k], f[2 * k + 1], _MM_SHUFFLE(3, 2, 3, 2));
    t[k] = _mm256_add_ps(a, b);
  }
  __m256 even = _mm256_shuffle_ps(t[0], t[1], _MM_SHUFFLE(2, 0, 2, 0));
  __m256 odd = _mm256_shuffle_ps(t[0], t[1], _MM_SHUFFLE(3, 1, 3, 1));
  __m256 sums = _mm256_add_ps(even, odd);  // the pairs: A C E G | B D F H
  __m256 low = _mm256_permute2f128_ps(sums, sums, 0x00);  // A C E G | A C E G
  __m256 high = _mm256_permute2f128_ps(sums, sums, 0x11);  // B D F H | B D F H
  __m256 abcd = _mm256_unpacklo_ps(low, high), efgh = _mm256_unpackhi_ps(low, high);
  return _mm256_permute2f128_ps(abcd, efgh, 0x20);
}

#endif
