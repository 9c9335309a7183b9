// The AVX-512 kernels' masks of sixteen lanes: the tails of rows, the chunks of a head.
// Included after <immintrin.h>.

#ifndef FAST_KERNELS_LANES16_H
#define FAST_KERNELS_LANES16_H

// The first `count` of sixteen lanes (every lane for 16 or more; count >= 0).
static inline __attribute__((target("avx2,avx512f"))) __mmask16 first_lanes(long count) {
  return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
}

// The lanes of a head's slice that chunk `c` (16 floats) covers: all but the last chunk's.
static inline __attribute__((target("avx2,avx512f"))) __mmask16 chunk_mask(long headSize, long c) {
  return first_lanes(headSize - c * 16);
}

#endif
