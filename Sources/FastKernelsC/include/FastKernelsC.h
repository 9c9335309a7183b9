// Wider versions of TinyTransformer's F32 kernels, chosen at run time.
//
// Every function here repeats the portable Swift kernel (Kernels.swift) operation for
// operation: the same four 8-lane accumulators, a multiply then a separate add (never a
// fused multiply-add), the same order of combining them and of the scalar tail. Only the
// register width differs: one 256-bit AVX2 register holds what the portable kernel keeps
// in two 128-bit halves, so each result has exactly the portable kernel's bits.
//
// The functions exist on x86-64 only and must be called only when fk_has_avx2() is 1 (the
// fk_avx512_ ones when fk_has_avx512() is 1).
// On any other processor this header declares them and the library compiles to nothing
// but fk_has_avx2, which returns 0.

#ifndef FAST_KERNELS_C_H
#define FAST_KERNELS_C_H

/// 1 when this processor and operating system run AVX2 instructions, else 0.
int fk_has_avx2(void);

/// The dot product of a and b, both [n].
float fk_avx2_dot(const float *a, const float *b, long n);

/// out[i] = dot(w + i n, x, n) for i in first..<end: rows of w [d, n] times x [n].
void fk_avx2_matmul_rows(
  float *out, const float *x, const float *w, long n, long first, long end);

/// out[p d + i] = dot(w + i n, x + p n, n) for i in first..<end and p in 0..<count.
void fk_avx2_matmul_batch_rows(
  float *out, const float *x, const float *w, long n, long d, long count, long first, long end);

/// y += a x, both [n].
void fk_avx2_add_scaled(float *y, float a, const float *x, long n);

/// scores[h count + t] = dot(q + h headSize, keys + offsets[t] + (h / group) headSize) * scale
/// for every head h in 0..<heads and row t in 0..<count.
void fk_avx2_attention_scores(
  float *scores, const float *q, const float *keys, const long *offsets, long count, long heads,
  long headSize, long group, float scale);

/// out[h headSize ..] = sum over t of weights[h count + t] * (values + offsets[t] + (h / group)
/// headSize), rows in order t = 0, 1, ...; out is overwritten.
void fk_avx2_attention_values(
  float *out, const float *weights, const float *values, const long *offsets, long count,
  long heads, long headSize, long group);

/// 1 when this processor and operating system run AVX-512 Foundation (and AVX2), else 0.
int fk_has_avx512(void);

/// fk_avx2_dot with s0|s1 and s2|s3 held in two 512-bit registers: the same bits.
float fk_avx512_dot(const float *a, const float *b, long n);

/// fk_avx2_matmul_rows by fk_avx512_dot.
void fk_avx512_matmul_rows(
  float *out, const float *x, const float *w, long n, long first, long end);

/// fk_avx2_matmul_batch_rows by fk_avx512_dot, two rows against four inputs at a time.
void fk_avx512_matmul_batch_rows(
  float *out, const float *x, const float *w, long n, long d, long count, long first, long end);

/// fk_avx2_attention_scores for rows that are in cache (just written: a batched prefill),
/// head by head over blocks of eight rows; slower than it for rows that come from memory.
void fk_avx512_attention_scores_cached(
  float *scores, const float *q, const float *keys, const long *offsets, long count, long heads,
  long headSize, long group, float scale);

/// fk_avx2_attention_values with the sums of up to eight whole heads kept in registers across
/// the rows (at most 24 registers; a head wider than 128 floats takes the AVX2 loop).
void fk_avx512_attention_values(
  float *out, const float *weights, const float *values, const long *offsets, long count,
  long heads, long headSize, long group);

/// A layer's keys for fk_avx512_attention_scores_grouped: rows t < count (at keys + offsets[t],
/// kvHeads heads of headSize floats each) laid out 16 rows side by side, kt[((h runs + g)
/// headSize + e) 16 + l] = element e of KV head h of row 16 g + l (0 past the last row), for
/// runs = (count + 15) / 16; kt holds kvHeads runs headSize 16 floats.
void fk_avx512_transpose_keys(
  float *kt, const float *keys, const long *offsets, long count, long kvHeads, long headSize);

/// fk_avx512_attention_scores_cached for four queries at once (a batched prefill's consecutive
/// positions): query a at q + a stride reads the first counts[a] rows of kt (the keys as
/// fk_avx512_transpose_keys lays them out, runs runs per KV head), its scores [heads,
/// counts[a]] into scores[a]. headSize a multiple of 8, at least 32. The same bits.
void fk_avx512_attention_scores_grouped(
  float *const scores[4], const float *q, long stride, const long counts[4], const float *kt,
  long runs, long heads, long headSize, long group, float scale);

/// fk_avx512_attention_values for four queries at once: query a's weights [heads, counts[a]]
/// in weights[a], its outputs [heads, headSize] into out[a], over the first counts[a] rows.
/// headSize at most 96. The same bits.
void fk_avx512_attention_values_grouped(
  float *const out[4], const float *const weights[4], const long counts[4], const float *values,
  const long *offsets, long heads, long headSize, long group);

/// The sum of x [n] in the widest registers, in no fixed order: not for results, only for
/// reading memory as fast as the products read it (kvtrace bench's bandwidth probe).
float fk_avx2_sum(const float *x, long n);
float fk_avx512_sum(const float *x, long n);

/// DeterministicMath.expf (TinyTransformer) in C, bit for bit: on every processor.
float fk_expf(float x);

/// x = softmax(x), x [n], as Kernels.softmax: the maximum, each exp(x[i] − max) as
/// DeterministicMath.expf, their sum in index order, then each times 1 / sum.
void fk_avx2_softmax(float *x, long n);
void fk_avx512_softmax(float *x, long n);

/// The softmax of each of `rows` rows of n floats (row r at x + r n), the same bits as
/// fk_*_softmax on each: every row's maximum and exponentials, then the rows' in-order sums
/// taken together (a few chains of additions at once instead of one after another).
void fk_avx2_softmax_rows(float *x, long n, long rows);
void fk_avx512_softmax_rows(float *x, long n, long rows);

/// gate[i] = gate[i] / (1 + exp(−gate[i])) · up[i], as Kernels.swiglu.
void fk_avx2_swiglu(float *gate, const float *up, long n);
void fk_avx512_swiglu(float *gate, const float *up, long n);

/// The indices of the k largest of values [n] into best [k], largest first (ties: lower
/// index first), exactly as Sampler.top chooses them; returns how many (min(k, n)).
long fk_avx2_top(const float *values, long n, long k, long *best);
long fk_avx512_top(const float *values, long n, long k, long *best);

/// SHA-256's 64 round constants, for the instructions and for the portable Swift SHA256.
extern const unsigned int fk_sha256_round_constants[64];

/// 1 when this processor has the SHA extensions (x86-64 SHA-NI), else 0.
int fk_has_sha(void);

/// Folds `blocks` whole 64-byte blocks of `data` into the SHA-256 state (h0...h7); call only
/// when fk_has_sha() is 1. The result is exactly the portable compression's.
void fk_sha256_blocks(unsigned int state[8], const unsigned char *data, long blocks);

#endif
