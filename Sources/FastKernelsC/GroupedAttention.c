// A batched prefill's attention, four positions at a time (AVX-512): see
// include/FastKernelsC.h for the promise these keep.
//
// One position at a time, a query reads every key and value row through its own, and with
// the rows in the core's L2 cache (a 200-token prompt's rows of one layer are 230 KB of keys
// and as many of values, more than L1 holds) the reading sets the pace, not the arithmetic:
// each row comes from L2 once per query. Here four consecutive positions go together, so a row
// comes once for four queries, and each of them still gets exactly its own numbers.
//
// Scores. The keys are first laid out 16 rows side by side (fk_avx512_transpose_keys): for
// each KV head, each run of 16 rows and each element e of the head, the 16 rows' element e
// in one register. A query then makes 16 scores at once, one row per lane, broadcasting its
// element e against that register. The portable dot product (fk_avx2_dot) keeps 32 partial
// sums, one for each element index e mod 32 (four 8-lane accumulators s0..s3), adds the
// leftover 8-element slices into s0, takes (s0 + s1) + (s2 + s3) lane by lane and then the
// eight lanes as hsum8 does. Here each partial sum is its own register, its lanes the 16
// rows, and the same additions happen in the same order, lane by lane.
//
// One change of form: the first product of each partial sum is the partial sum, where the
// portable kernel adds it to zero. The two differ only when that product is -0 (0 + -0 is
// +0), a difference that can reach the end only as the sign of a zero (x + -0 is x for every
// other x); and the portable sum never ends at -0 (two terms make -0 only when both are -0,
// and none of its terms is). So the total plus +0 is the portable total, bit for bit, and
// the 32 additions of zero per 16 scores are saved.
//
// Weighted sums. Each head's outputs of the four queries stay in registers across the rows
// (four queries × up to six 16-float chunks); each value row's slice is loaded once for the
// four, and each output is 0 + w·v for every row in order, as fk_avx2_attention_values adds
// it.
//
// In a C loop over a 200-token prefill of the 15M shape (6 layers, 6 heads of 48), one query
// at a time against four: scores 1.66-1.67 -> 0.96-1.25 ms (the keys' layout included: it
// took 0.22-0.25 ms one float at a time, 0.05-0.07 in 16 x 16 transposes), weighted sums
// 1.39-1.41 -> 0.86-1.08 ms.

#include "FastKernelsC.h"

#if defined(__x86_64__)

#include <immintrin.h>

#include "Lanes16.h"

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#define AVX512 __attribute__((target("avx2,avx512f")))
#define INLINE static inline __attribute__((always_inline))

// Sixteen rows of 16 floats turned into sixteen columns: r[l] holds element e of row l in
// lane e; afterwards r[e] holds element e of row l in lane l. Pairs of rows interleaved, then
// fours, then the 128-bit quarters exchanged twice: the usual 16 x 16 transpose in registers.
static inline AVX512 void transpose16(__m512 r[16]) {
  __m512 t[16], u[16];
  for (int k = 0; k < 8; k++) {  // per quarter: elements 0, 1 and 2, 3 of rows 2k, 2k + 1
    t[2 * k] = _mm512_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm512_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
  for (int k = 0; k < 4; k++) {  // u[4k + m], quarter L: element 4L + m of rows 4k..4k + 3
    u[4 * k] = _mm512_shuffle_ps(t[4 * k], t[4 * k + 2], 0x44);
    u[4 * k + 1] = _mm512_shuffle_ps(t[4 * k], t[4 * k + 2], 0xEE);
    u[4 * k + 2] = _mm512_shuffle_ps(t[4 * k + 1], t[4 * k + 3], 0x44);
    u[4 * k + 3] = _mm512_shuffle_ps(t[4 * k + 1], t[4 * k + 3], 0xEE);
  }
  for (int m = 0; m < 4; m++) {  // element 4L + m: quarter L of u[m], u[4 + m], u[8 + m], ...
    __m512 ab01 = _mm512_shuffle_f32x4(u[m], u[4 + m], 0x44);
    __m512 ab23 = _mm512_shuffle_f32x4(u[m], u[4 + m], 0xEE);
    __m512 cd01 = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0x44);
    __m512 cd23 = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0xEE);
    r[m] = _mm512_shuffle_f32x4(ab01, cd01, 0x88);
    r[4 + m] = _mm512_shuffle_f32x4(ab01, cd01, 0xDD);
    r[8 + m] = _mm512_shuffle_f32x4(ab23, cd23, 0x88);
    r[12 + m] = _mm512_shuffle_f32x4(ab23, cd23, 0xDD);
  }
}

AVX512 void fk_avx512_transpose_keys(
  float *kt, const float *keys, const long *offsets, long count, long kvHeads, long headSize) {
  long runs = (count + 15) / 16;
  for (long h = 0; h < kvHeads; h++) {
    for (long g = 0; g < runs; g++) {
      float *run = kt + (h * runs + g) * headSize * 16;  // [headSize][16]
      for (long c = 0; c * 16 < headSize; c++) {  // elements 16c..<16c + 16 of the head
        long width = headSize - c * 16 < 16 ? headSize - c * 16 : 16;
        __mmask16 lanes = chunk_mask(headSize, c);
        __m512 r[16];
        for (long l = 0; l < 16; l++) {  // rows past the last: zeros
          long t = g * 16 + l;
          r[l] = t < count
                   ? _mm512_maskz_loadu_ps(lanes, keys + offsets[t] + h * headSize + c * 16)
                   : _mm512_setzero_ps();
        }
        transpose16(r);
        for (long e = 0; e < width; e++) _mm512_store_ps(run + (c * 16 + e) * 16, r[e]);
      }
    }
  }
}

// Lane l of the portable dot product's (s0 + s1) + (s2 + s3), for four queries (q[a], head
// slices of n floats) against the 16 rows of run, into t[a]: partial sums l, 8 + l, 16 + l,
// 24 + l over the 32-element blocks, then the leftover slices' element l into s0. Each row
// register is loaded once for the four queries.
INLINE AVX512 void lane_sums(
  __m512 t[4], const float *const q[4], const float *run, const long n, const int l) {
  __m512 s[4][4];
  for (int c = 0; c < 4; c++) {  // the first block: the products themselves (see the top)
    __m512 k = _mm512_load_ps(run + (8 * c + l) * 16);
    for (int a = 0; a < 4; a++) s[a][c] = _mm512_mul_ps(_mm512_set1_ps(q[a][8 * c + l]), k);
  }
  long j = 32;
  for (; j + 32 <= n; j += 32) {
    for (int c = 0; c < 4; c++) {
      __m512 k = _mm512_load_ps(run + (j + 8 * c + l) * 16);
      for (int a = 0; a < 4; a++) {
        s[a][c] = _mm512_add_ps(s[a][c], _mm512_mul_ps(_mm512_set1_ps(q[a][j + 8 * c + l]), k));
      }
    }
  }
  for (; j + 8 <= n; j += 8) {
    __m512 k = _mm512_load_ps(run + (j + l) * 16);
    for (int a = 0; a < 4; a++) {
      s[a][0] = _mm512_add_ps(s[a][0], _mm512_mul_ps(_mm512_set1_ps(q[a][j + l]), k));
    }
  }
  for (int a = 0; a < 4; a++) {
    t[a] = _mm512_add_ps(_mm512_add_ps(s[a][0], s[a][1]), _mm512_add_ps(s[a][2], s[a][3]));
  }
}

// Four queries' dot products with 16 rows, as hsum8 ends each: lanes 0 + 4, 2 + 6, their
// sum, then 1 + 5, 3 + 7, their sum, then the two; + 0 (see the top).
INLINE AVX512 void scores16(
  __m512 out[4], const float *const q[4], const float *run, const long n) {
  __m512 t[8][4];
  for (int l = 0; l < 8; l++) lane_sums(t[l], q, run, n, l);
  for (int a = 0; a < 4; a++) {
    __m512 even = _mm512_add_ps(_mm512_add_ps(t[0][a], t[4][a]), _mm512_add_ps(t[2][a], t[6][a]));
    __m512 odd = _mm512_add_ps(_mm512_add_ps(t[1][a], t[5][a]), _mm512_add_ps(t[3][a], t[7][a]));
    out[a] = _mm512_add_ps(_mm512_add_ps(even, odd), _mm512_setzero_ps());
  }
}

INLINE AVX512 void grouped_scores(
  float *const scores[4], const float *q, long stride, const long counts[4], const float *kt,
  long runs, long heads, const long n, long group, float scale) {
  __m512 scales = _mm512_set1_ps(scale);
  long most = 0;
  for (int a = 0; a < 4; a++) most = counts[a] > most ? counts[a] : most;
  for (long h = 0; h < heads; h++) {
    const float *keys = kt + (h / group) * runs * n * 16;  // this head's KV head, [runs][n][16]
    const float *const qs[4] = {q + h * n, q + stride + h * n, q + 2 * stride + h * n,
                                q + 3 * stride + h * n};
    for (long g = 0; g * 16 < most; g++) {
      __m512 out[4];
      scores16(out, qs, keys + g * n * 16, n);
      for (int a = 0; a < 4; a++) {
        long left = counts[a] - g * 16;  // rows of this run the query reads
        if (left <= 0) continue;
        float *row = scores[a] + h * counts[a] + g * 16;  // head h's scores, from row 16 g
        _mm512_mask_storeu_ps(row, first_lanes(left), _mm512_mul_ps(out[a], scales));
      }
    }
  }
}

#define GROUPED_SCORES(N)                                                                      \
  grouped_scores(scores, q, stride, counts, kt, runs, heads, (N), group, scale)

AVX512 void fk_avx512_attention_scores_grouped(
  float *const scores[4], const float *q, long stride, const long counts[4], const float *kt,
  long runs, long heads, long headSize, long group, float scale) {
  // A multiple of 8, at least 32 (the caller checked); the common ones as constants.
  switch (headSize) {
  case 32: GROUPED_SCORES(32); return;
  case 48: GROUPED_SCORES(48); return;
  case 64: GROUPED_SCORES(64); return;
  case 96: GROUPED_SCORES(96); return;
  default: GROUPED_SCORES(headSize); return;
  }
}

// Head h's outputs of the four queries, P chunks each, in 4 P registers across the rows:
// rows every query reads first, then the rows only the later ones read.
INLINE AVX512 void grouped_values_head(
  float *const out[4], const float *const weights[4], const long counts[4], const float *values,
  const long *offsets, long headSize, long group, long h, const int P) {
  __m512 sums[4][6];
  __mmask16 masks[6];
  const float *w[4];
  long least = counts[0], most = counts[0];
  for (int a = 0; a < 4; a++) {
    w[a] = weights[a] + h * counts[a];
    least = counts[a] < least ? counts[a] : least;
    most = counts[a] > most ? counts[a] : most;
  }
  for (int c = 0; c < P; c++) masks[c] = chunk_mask(headSize, c);
  for (int a = 0; a < 4; a++) {
    for (int c = 0; c < P; c++) sums[a][c] = _mm512_setzero_ps();
  }
  const long slice = (h / group) * headSize;
  for (long t = 0; t < least; t++) {
    const float *v = values + offsets[t] + slice;
    for (int c = 0; c < P; c++) {
      __m512 x = _mm512_maskz_loadu_ps(masks[c], v + c * 16);
      for (int a = 0; a < 4; a++) {
        sums[a][c] = _mm512_add_ps(sums[a][c], _mm512_mul_ps(_mm512_set1_ps(w[a][t]), x));
      }
    }
  }
  for (long t = least; t < most; t++) {
    const float *v = values + offsets[t] + slice;
    for (int c = 0; c < P; c++) {
      __m512 x = _mm512_maskz_loadu_ps(masks[c], v + c * 16);
      for (int a = 0; a < 4; a++) {
        if (t >= counts[a]) continue;
        sums[a][c] = _mm512_add_ps(sums[a][c], _mm512_mul_ps(_mm512_set1_ps(w[a][t]), x));
      }
    }
  }
  for (int a = 0; a < 4; a++) {
    for (int c = 0; c < P; c++) {
      _mm512_mask_storeu_ps(out[a] + h * headSize + c * 16, masks[c], sums[a][c]);
    }
  }
}

#define GROUPED_VALUES(P)                                                                      \
  for (long h = 0; h < heads; h++) {                                                           \
    grouped_values_head(out, weights, counts, values, offsets, headSize, group, h, (P));       \
  }                                                                                            \
  return

AVX512 void fk_avx512_attention_values_grouped(
  float *const out[4], const float *const weights[4], const long counts[4], const float *values,
  const long *offsets, long heads, long headSize, long group) {
  switch ((headSize + 15) / 16) {  // the caller checked: 1 to 96 floats
  case 1: GROUPED_VALUES(1);
  case 2: GROUPED_VALUES(2);
  case 3: GROUPED_VALUES(3);
  case 4: GROUPED_VALUES(4);
  case 5: GROUPED_VALUES(5);
  default: GROUPED_VALUES(6);
  }
}

#endif
