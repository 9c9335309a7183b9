// The exponential, the softmax, SwiGLU and the top-k scan in wider registers: see
// include/FastKernelsC.h for the promise they keep.
//
// Every exponential here is DeterministicMath.expf (TinyTransformer/Model), operation for
// operation: x·log2(e) rounded to n (halves away from zero), r = x − n·ln2 in two parts, a
// degree-5 polynomial by Horner's rule with every multiply and add rounded on its own, and
// the result scaled by 2^n built from its exponent bits. A lane outside [−87, 88], or NaN,
// takes the scalar version (fk_expf), as the Swift vector version sends such a vector to its
// scalar version lane by lane; both versions give the same bits on the lanes inside. Sums
// run in index order, one element at a time, as the portable kernels sum. No "fma" target,
// contraction off.

#include "FastKernelsC.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// 2^e for e in −126...127, and infinity above (as Swift's Float(sign:exponent:significand:)).
static inline float power_of_two(int e) {
  if (e > 127) return INFINITY;
  uint32_t bits = (uint32_t)(e + 127) << 23;
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

float fk_expf(float x) {
  if (x != x) return x;
  if (x > 88.72f) return INFINITY;
  if (x < -103.97f) return 0;
  float n = roundf(x * 1.442695041f);
  float r = (x - n * 0.693359375f) - n * -2.1219444e-4f;
  float p = 1.98756915e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float e = (p * (r * r) + r) + 1;
  int exponent = (int)n;
  if (exponent < -126) return e * power_of_two(exponent + 64) * power_of_two(-64);
  return e * power_of_two(exponent);
}

// The tail of a softmax's exponentials, x[i..<n] − m one by one, each added to `sum` in
// index order; returns the sum.
static inline float exp_tail(float *x, long i, long n, float m, float sum) {
  for (; i < n; i++) {
    x[i] = fk_expf(x[i] - m);
    sum += x[i];
  }
  return sum;
}

// A softmax's last pass: every x[i] times 1 / sum (one product each, in any register width).
static inline void scale_by_inverse(float *x, long n, float sum) {
  float inverse = 1 / sum;
  for (long i = 0; i < n; i++) x[i] *= inverse;
}

// SwiGLU one value at a time, for gate[i..<n].
static inline void swiglu_tail(float *gate, const float *up, long i, long n) {
  for (; i < n; i++) {
    float g = gate[i];
    gate[i] = g / (1 + fk_expf(-g)) * up[i];
  }
}

// One value offered to the k best (indices, largest value first, ties: lower index first),
// as Sampler.top does; `count` is how many are held.
static inline void offer(const float *values, long index, long k, long *best, long *count) {
  float value = values[index];
  if (*count == k && !(value > values[best[k - 1]])) return;
  long slot = *count;
  while (slot > 0 && value > values[best[slot - 1]]) slot -= 1;
  long last = *count < k ? *count : k - 1;  // the one pushed out, when full
  for (long j = last; j > slot; j--) best[j] = best[j - 1];
  best[slot] = index;
  if (*count < k) *count += 1;
}

// The values at i + l for every bit l set in `lanes`, offered in index order.
static inline void offer_marked(const float *values, long i, unsigned lanes, long k, long *best,
                                long *count) {
  for (int l = 0; lanes; l++, lanes >>= 1) {
    if (lanes & 1) offer(values, i + l, k, best, count);
  }
}

// The sums of R rows of n exponentials (row r at x + r n), each in index order as the
// one-row softmax sums, the R chains taken a step each in turn: one row's sum waits on every
// addition (three or four cycles each), R rows' additions overlap. R is a constant at each call
// (see scale_rows_by_sums), so the sums stay in registers.
static inline __attribute__((always_inline)) void interleaved_sums(
  const float *x, long n, const int R, float *sums) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (long i = 0; i < n; i++) {
    for (int r = 0; r < R; r++) s[r] += x[r * n + i];
  }
  for (int r = 0; r < R; r++) sums[r] = s[r];
}

// Rows 0..<rows of x scaled by 1 / their sums in index order, eight rows' sums at a time:
// a softmax's last two steps for a block of rows whose exponentials are in place.
static inline void scale_rows_by_sums(float *x, long n, long rows) {
  for (long first = 0; first < rows; first += 8) {
    float *y = x + first * n, sums[8];
    switch (rows - first < 8 ? rows - first : 8) {
    case 1: interleaved_sums(y, n, 1, sums); break;
    case 2: interleaved_sums(y, n, 2, sums); break;
    case 3: interleaved_sums(y, n, 3, sums); break;
    case 4: interleaved_sums(y, n, 4, sums); break;
    case 5: interleaved_sums(y, n, 5, sums); break;
    case 6: interleaved_sums(y, n, 6, sums); break;
    case 7: interleaved_sums(y, n, 7, sums); break;
    default: interleaved_sums(y, n, 8, sums); break;
    }
    for (long r = 0; r < 8 && first + r < rows; r++) scale_by_inverse(y + r * n, n, sums[r]);
  }
}

#if defined(__x86_64__)

#include <immintrin.h>

#include "Lanes16.h"

#define AVX2 __attribute__((target("avx2")))
#define AVX512 __attribute__((target("avx2,avx512f")))

// ---- AVX2: eight lanes, as the portable SIMD8 version --------------------------------

static inline AVX2 __m256 exp8(__m256 x) {
  const __m256 magic = _mm256_set1_ps(12582912.0f), one = _mm256_set1_ps(1.0f);
  const __m256 zero = _mm256_setzero_ps();
  __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(1.442695041f));
  __m256 n = _mm256_sub_ps(_mm256_add_ps(t, magic), magic);  // to nearest, halves to even
  __m256 rest = _mm256_sub_ps(t, n);
  __m256 up = _mm256_and_ps(_mm256_cmp_ps(rest, _mm256_set1_ps(0.5f), _CMP_EQ_OQ),
                            _mm256_cmp_ps(t, zero, _CMP_GT_OQ));
  __m256 down = _mm256_and_ps(_mm256_cmp_ps(rest, _mm256_set1_ps(-0.5f), _CMP_EQ_OQ),
                              _mm256_cmp_ps(t, zero, _CMP_LT_OQ));
  n = _mm256_blendv_ps(n, _mm256_add_ps(n, one), up);  // halves away from zero
  n = _mm256_blendv_ps(n, _mm256_sub_ps(n, one), down);
  __m256 r = _mm256_sub_ps(_mm256_sub_ps(x, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f))),
                           _mm256_mul_ps(n, _mm256_set1_ps(-2.1219444e-4f)));
  __m256 p = _mm256_set1_ps(1.98756915e-4f);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
  __m256 e = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), one);
  __m256i whole = _mm256_sub_epi32(_mm256_castps_si256(_mm256_add_ps(n, magic)),
                                   _mm256_castps_si256(magic));
  __m256 power = _mm256_castsi256_ps(
    _mm256_slli_epi32(_mm256_add_epi32(whole, _mm256_set1_epi32(127)), 23));
  __m256 result = _mm256_mul_ps(e, power);
  __m256 inside = _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-87.0f), _CMP_GE_OQ),
                                _mm256_cmp_ps(x, _mm256_set1_ps(88.0f), _CMP_LE_OQ));
  int outside = ~_mm256_movemask_ps(inside) & 0xFF;
  if (outside) {  // rare: NaN, overflow, underflow, subnormal results
    float lanes[8], inputs[8];
    _mm256_storeu_ps(lanes, result);
    _mm256_storeu_ps(inputs, x);
    for (int l = 0; l < 8; l++) {
      if (outside >> l & 1) lanes[l] = fk_expf(inputs[l]);
    }
    result = _mm256_loadu_ps(lanes);
  }
  return result;
}

// The largest of x[0..<n] as `if x[i] > m { m = x[i] }` from m = x[0] finds it: NaN never
// replaces a number. Only called when x[0] is a number.
static inline AVX2 float max8(const float *x, long n) {
  __m256 m = _mm256_set1_ps(x[0]);
  long i = 0;
  for (; i + 8 <= n; i += 8) m = _mm256_max_ps(_mm256_loadu_ps(x + i), m);  // NaN keeps m
  float lanes[8], best = x[0];
  _mm256_storeu_ps(lanes, m);
  for (int l = 0; l < 8; l++) best = lanes[l] > best ? lanes[l] : best;
  for (; i < n; i++) best = x[i] > best ? x[i] : best;
  return best;
}

AVX2 void fk_avx2_softmax(float *x, long n) {
  if (n <= 0) return;
  float m = x[0];
  if (m == m) m = max8(x, n);  // a NaN first element stays the maximum, as in Swift
  __m256 shift = _mm256_set1_ps(m);
  float sum = 0;
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(x + i, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), shift)));
    for (int l = 0; l < 8; l++) sum += x[i + l];  // in index order
  }
  scale_by_inverse(x, n, exp_tail(x, i, n, m, sum));
}

// x[0..<n] = exp(x[i] − max) in place, the last lanes masked (the lanes past the end given
// the maximum itself: exp(0), never the scalar fallback).
static inline AVX2 void exponentials8(float *x, long n) {
  float m = x[0];
  if (m == m) m = max8(x, n);
  __m256 shift = _mm256_set1_ps(m);
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(x + i, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), shift)));
  }
  if (i == n) return;
  __m256i lanes = _mm256_cmpgt_epi32(
    _mm256_set1_epi32((int)(n - i)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256 tail = _mm256_blendv_ps(
    shift, _mm256_maskload_ps(x + i, lanes), _mm256_castsi256_ps(lanes));
  _mm256_maskstore_ps(x + i, lanes, exp8(_mm256_sub_ps(tail, shift)));
}

AVX2 void fk_avx2_softmax_rows(float *x, long n, long rows) {
  if (n <= 0) return;
  for (long r = 0; r < rows; r++) exponentials8(x + r * n, n);
  scale_rows_by_sums(x, n, rows);
}

AVX2 void fk_avx2_swiglu(float *gate, const float *up, long n) {
  const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 g = _mm256_loadu_ps(gate + i);
    __m256 silu = _mm256_div_ps(g, _mm256_add_ps(one, exp8(_mm256_xor_ps(g, sign))));
    _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
  }
  swiglu_tail(gate, up, i, n);
}

AVX2 long fk_avx2_top(const float *values, long n, long k, long *best) {
  long count = 0, i = 0;
  if (k <= 0) return 0;
  for (; i < n && i < k; i++) offer(values, i, k, best, &count);
  for (; i + 8 <= n; i += 8) {  // only lanes above the k-th best need a look
    __m256 above = _mm256_cmp_ps(_mm256_loadu_ps(values + i),
                                 _mm256_set1_ps(values[best[k - 1]]), _CMP_GT_OQ);
    offer_marked(values, i, (unsigned)_mm256_movemask_ps(above), k, best, &count);
  }
  for (; i < n; i++) offer(values, i, k, best, &count);
  return count;
}

// ---- AVX-512: sixteen lanes, each the same operations ---------------------------------

static inline AVX512 __m512 exp16(__m512 x) {
  const __m512 magic = _mm512_set1_ps(12582912.0f), one = _mm512_set1_ps(1.0f);
  const __m512 zero = _mm512_setzero_ps();
  __m512 t = _mm512_mul_ps(x, _mm512_set1_ps(1.442695041f));
  __m512 n = _mm512_sub_ps(_mm512_add_ps(t, magic), magic);
  __m512 rest = _mm512_sub_ps(t, n);
  __mmask16 up = _mm512_cmp_ps_mask(rest, _mm512_set1_ps(0.5f), _CMP_EQ_OQ) &
                 _mm512_cmp_ps_mask(t, zero, _CMP_GT_OQ);
  __mmask16 down = _mm512_cmp_ps_mask(rest, _mm512_set1_ps(-0.5f), _CMP_EQ_OQ) &
                   _mm512_cmp_ps_mask(t, zero, _CMP_LT_OQ);
  n = _mm512_mask_add_ps(n, up, n, one);
  n = _mm512_mask_sub_ps(n, down, n, one);
  __m512 r = _mm512_sub_ps(_mm512_sub_ps(x, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f))),
                           _mm512_mul_ps(n, _mm512_set1_ps(-2.1219444e-4f)));
  __m512 p = _mm512_set1_ps(1.98756915e-4f);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.0000001201e-1f));
  __m512 e = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), one);
  __m512i whole = _mm512_sub_epi32(_mm512_castps_si512(_mm512_add_ps(n, magic)),
                                   _mm512_castps_si512(magic));
  __m512 power = _mm512_castsi512_ps(
    _mm512_slli_epi32(_mm512_add_epi32(whole, _mm512_set1_epi32(127)), 23));
  __m512 result = _mm512_mul_ps(e, power);
  __mmask16 inside = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.0f), _CMP_GE_OQ) &
                     _mm512_cmp_ps_mask(x, _mm512_set1_ps(88.0f), _CMP_LE_OQ);
  if (inside != 0xFFFF) {  // rare: NaN, overflow, underflow, subnormal results
    float lanes[16], inputs[16];
    _mm512_storeu_ps(lanes, result);
    _mm512_storeu_ps(inputs, x);
    for (int l = 0; l < 16; l++) {
      if (!(inside >> l & 1)) lanes[l] = fk_expf(inputs[l]);
    }
    result = _mm512_loadu_ps(lanes);
  }
  return result;
}

static inline AVX512 float max16(const float *x, long n) {
  __m512 m = _mm512_set1_ps(x[0]);
  long i = 0;
  for (; i + 16 <= n; i += 16) m = _mm512_max_ps(_mm512_loadu_ps(x + i), m);  // NaN keeps m
  float lanes[16], best = x[0];
  _mm512_storeu_ps(lanes, m);
  for (int l = 0; l < 16; l++) best = lanes[l] > best ? lanes[l] : best;
  for (; i < n; i++) best = x[i] > best ? x[i] : best;
  return best;
}

AVX512 void fk_avx512_softmax(float *x, long n) {
  if (n <= 0) return;
  float m = x[0];
  if (m == m) m = max16(x, n);
  __m512 shift = _mm512_set1_ps(m);
  float sum = 0;
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm512_storeu_ps(x + i, exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), shift)));
    for (int l = 0; l < 16; l++) sum += x[i + l];  // in index order
  }
  scale_by_inverse(x, n, exp_tail(x, i, n, m, sum));
}

// x[0..<n] = exp(x[i] − max) in place, sixteen lanes at a time, as exponentials8.
static inline AVX512 void exponentials16(float *x, long n) {
  float m = x[0];
  if (m == m) m = max16(x, n);
  __m512 shift = _mm512_set1_ps(m);
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm512_storeu_ps(x + i, exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), shift)));
  }
  if (i == n) return;
  __mmask16 lanes = first_lanes(n - i);
  __m512 tail = _mm512_mask_loadu_ps(shift, lanes, x + i);
  _mm512_mask_storeu_ps(x + i, lanes, exp16(_mm512_sub_ps(tail, shift)));
}

AVX512 void fk_avx512_softmax_rows(float *x, long n, long rows) {
  if (n <= 0) return;
  for (long r = 0; r < rows; r++) exponentials16(x + r * n, n);
  scale_rows_by_sums(x, n, rows);
}

AVX512 void fk_avx512_swiglu(float *gate, const float *up, long n) {
  const __m512 one = _mm512_set1_ps(1.0f);
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 g = _mm512_loadu_ps(gate + i);
    __m512 minus = _mm512_castsi512_ps(  // −g: the sign bit flipped, as Swift negates
      _mm512_xor_si512(_mm512_castps_si512(g), _mm512_set1_epi32((int)0x80000000u)));
    __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, exp16(minus)));
    _mm512_storeu_ps(gate + i, _mm512_mul_ps(silu, _mm512_loadu_ps(up + i)));
  }
  swiglu_tail(gate, up, i, n);
}

AVX512 long fk_avx512_top(const float *values, long n, long k, long *best) {
  long count = 0, i = 0;
  if (k <= 0) return 0;
  for (; i < n && i < k; i++) offer(values, i, k, best, &count);
  for (; i + 16 <= n; i += 16) {
    __mmask16 above = _mm512_cmp_ps_mask(_mm512_loadu_ps(values + i),
                                         _mm512_set1_ps(values[best[k - 1]]), _CMP_GT_OQ);
    offer_marked(values, i, above, k, best, &count);
  }
  for (; i < n; i++) offer(values, i, k, best, &count);
  return count;
}

#endif
