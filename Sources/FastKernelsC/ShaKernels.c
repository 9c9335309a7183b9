// SHA-256 with the processor's SHA extensions (x86-64), for the digest a trace header
// records of every checkpoint: a 15M model is a million 64-byte blocks, hashed before the
// first token. A digest is exact, so this gives the portable Swift SHA256's very bytes.

#include "FastKernelsC.h"

// SHA-256's 64 round constants (FIPS 180-4): the one copy, which the portable Swift
// compression reads too.
const unsigned int fk_sha256_round_constants[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
  0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
  0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
  0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
  0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
};

#if defined(__x86_64__)

#include <immintrin.h>

#define SHA __attribute__((target("sha,sse4.1")))

int fk_has_sha(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") ? 1 : 0;
}


SHA void fk_sha256_blocks(unsigned int state[8], const unsigned char *data, long blocks) {
  // The instructions keep the eight words as two vectors, (a, b, e, f) and (c, d, g, h).
  __m128i dcba = _mm_loadu_si128((const __m128i *)state);
  __m128i hgfe = _mm_loadu_si128((const __m128i *)(state + 4));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  const __m128i big_endian = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  for (long block = 0; block < blocks; block++, data += 64) {
    __m128i saved_abef = abef, saved_cdgh = cdgh;
    __m128i w[4];  // the schedule, four words a vector, the last four vectors
    for (int group = 0; group < 16; group++) {  // four rounds a group
      __m128i words;
      if (group < 4) {
        words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * group)), big_endian);
      } else {  // w[t] from w[t-16], w[t-15], w[t-7], w[t-2]
        __m128i w16 = w[group % 4], w12 = w[(group + 1) % 4];
        __m128i w8 = w[(group + 2) % 4], w4 = w[(group + 3) % 4];
        __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(w16, w12), _mm_alignr_epi8(w4, w8, 4));
        words = _mm_sha256msg2_epu32(partial, w4);
      }
      w[group % 4] = words;
      __m128i k = _mm_loadu_si128((const __m128i *)(fk_sha256_round_constants + 4 * group));
      __m128i message = _mm_add_epi32(words, k);
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message);  // two rounds
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(message, 0x0E));  // two more
    }
    abef = _mm_add_epi32(abef, saved_abef);
    cdgh = _mm_add_epi32(cdgh, saved_cdgh);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128((__m128i *)state, _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128((__m128i *)(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

#else

int fk_has_sha(void) { return 0; }  // not x86-64: the portable Swift SHA256 runs

#endif
