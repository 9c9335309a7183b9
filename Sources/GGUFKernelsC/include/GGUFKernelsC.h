// The GGUF block formats' dot products in 256-bit AVX2, for TinyTransformer.
//
// Each function computes exactly what the Swift dot product of the same format computes
// (Sources/TinyTransformer/GGUF/Blocks): the same multiplications and additions, in the
// same order, into the same sixteen lanes (here two 8-lane registers: lanes 0-7 and 8-15),
// summed in the same pairwise order at the end, with no fused multiply-add. So the bits
// are the same whichever runs; only the speed differs.
//
// The AVX2 code is compiled per function (`target("avx2,f16c")`), never for the whole
// file, and runs only after gguf_kernels_have_avx2() said yes. On other machines (arm64,
// x86-64 without AVX2) every function here is a stub that is never called.
#ifndef GGUF_KERNELS_C_H
#define GGUF_KERNELS_C_H

#include <stddef.h>

/// 1 when this CPU (and its operating system) runs AVX2 and F16C, else 0.
int gguf_kernels_have_avx2(void);

/// Row · x for `blocks` blocks of 32 numbers (Q8_0: 34 bytes a block; Q4_0: 18;
/// Q4_1: 20; Q5_0: 22); `x` holds 32 × blocks floats.
float gguf_dot_q8_0_avx2(const void *row, const float *x, ptrdiff_t blocks);
float gguf_dot_q4_0_avx2(const void *row, const float *x, ptrdiff_t blocks);
float gguf_dot_q4_1_avx2(const void *row, const float *x, ptrdiff_t blocks);
float gguf_dot_q5_0_avx2(const void *row, const float *x, ptrdiff_t blocks);

/// Row · x for `blocks` super-blocks of 256 numbers (Q4_K: 144 bytes; Q6_K: 210).
float gguf_dot_q4_k_avx2(const void *row, const float *x, ptrdiff_t blocks);
float gguf_dot_q6_k_avx2(const void *row, const float *x, ptrdiff_t blocks);

/// Row · x for `count` numbers stored as IEEE halves (F16) or bfloat16 (BF16).
float gguf_dot_f16_avx2(const void *row, const float *x, ptrdiff_t count);
float gguf_dot_bf16_avx2(const void *row, const float *x, ptrdiff_t count);

#endif
