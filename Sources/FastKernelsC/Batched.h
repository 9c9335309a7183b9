// What the AVX2 and AVX-512 batched products share: the walk over blocks of rows and tiles
// of inputs, and the sum of eight dot products' lanes at once. Included after <immintrin.h>.

#ifndef FAST_KERNELS_BATCHED_H
#define FAST_KERNELS_BATCHED_H

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

// A variant's two rows of w (r0 and r1, rows i and i + 1) against four inputs at x, their
// eight dot products stored at out[m d + i] and out[m d + i + 1] for input m; and its one
// dot product.
typedef void (*batch_rows2x4)(
  const float *r0, const float *r1, const float *x, long n, long d, long i, float *out);
typedef float (*batch_dot)(const float *a, const float *b, long n);

// Rows rows[0]..<rows[1] of w against inputs inputs[0]..<inputs[1] of x ([count, n]), two rows
// against four inputs at a time (each row pair from L1 after the first), the leftovers one
// dot product each. Every output is its own dot product, so the order changes no bit.
static inline __attribute__((always_inline)) void batch_tile(
  float *out, const float *x, const float *w, long n, long d, const long rows[2],
  const long inputs[2], batch_rows2x4 rows2x4, batch_dot dot) {
  long i = rows[0];
  for (; i + 2 <= rows[1]; i += 2) {
    long p = inputs[0];
    for (; p + 4 <= inputs[1]; p += 4) {
      rows2x4(w + i * n, w + (i + 1) * n, x + p * n, n, d, i, out + p * d);
    }
    for (; p < inputs[1]; p++) {
      out[p * d + i] = dot(w + i * n, x + p * n, n);
      out[p * d + i + 1] = dot(w + (i + 1) * n, x + p * n, n);
    }
  }
  for (; i < rows[1]; i++) {  // an odd last row
    for (long p = inputs[0]; p < inputs[1]; p++) out[p * d + i] = dot(w + i * n, x + p * n, n);
  }
}

// The batched product of a variant (its rows2x4 and dot): the rows in blocks of about 128 KB
// (they stay in the core's L2 cache while every input passes), the inputs in tiles of about
// 20 KB (they stay in L1 while the block's rows pass), so each row pair is read from L2 once
// per tile instead of every input once per pair. In a C loop over the 15M shape's products
// for 200 positions the tiles made the AVX-512 product 3-7% faster; tiles of 12, 16 and 28 KB
// were slower than 20 for the AVX2 one.
static inline __attribute__((always_inline)) void batch_in_tiles(
  float *out, const float *x, const float *w, long n, long d, long count, long first, long end,
  batch_rows2x4 rows2x4, batch_dot dot) {
  long bytes = n * (long)sizeof(float);
  long block = 131072 / bytes / 2 * 2, tile = 20480 / bytes / 4 * 4;
  if (block < 2) block = 2;
  if (tile < 4) tile = 4;
  long tiles = (count + tile - 1) / tile;
  for (long b = first; b < end; b += block) {
    // The next block's rows are asked for toward L2 a part after each tile but the last, so
    // that its first tile finds them there instead of waiting on memory (in the C loop over
    // a whole model's products, 29.9-30.2 -> 29.1-29.5 ms).
    long after = b + block, ahead = 0;  // where the next block starts; its bytes
    if (after < end) ahead = ((end < after + block ? end : after + block) - after) * bytes;
    const char *next = (const char *)(w + (after < end ? after : b) * n);
    long part = tiles > 1 ? (ahead / (tiles - 1) + 63) / 64 * 64 : 0;
    for (long p = 0, k = 0; p < count; p += tile, k++) {
      const long rows[2] = {b, after < end ? after : end};
      const long inputs[2] = {p, p + tile < count ? p + tile : count};
      batch_tile(out, x, w, n, d, rows, inputs, rows2x4, dot);
      if (k + 1 == tiles) continue;
      for (long line = k * part; line < (k + 1) * part && line < ahead; line += 64) {
        _mm_prefetch(next + line, _MM_HINT_T1);
      }
    }
  }
}

#endif
