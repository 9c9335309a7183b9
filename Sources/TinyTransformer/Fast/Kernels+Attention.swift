import FastKernelsC

/// Attention's two inner loops, over every head of one query: the scores, and the
/// weighted sum of the value rows. Both walk the rows in order and every head's slice of
/// a row while that row is in cache; the AVX2 variant (see ``KernelVariant``) runs the
/// same loops with the same arithmetic.
extension Kernels {
  /// `scores[h count + t] = (q_h · k_t) × scale` for every head `h` and row `t`, where
  /// query head `h` reads KV head `h / group` of row `t` (at `keys + offsets[t]`).
  ///
  /// `inCache` says the rows were just written (a batched prefill's): under AVX-512 they are
  /// then read head by head in blocks of eight rows, faster there and slower from memory,
  /// where a decode step finds them. The bits are the same either way.
  static func attentionScores(
    _ scores: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>, keys: UnsafePointer<Float>,
    offsets: UnsafePointer<Int>, count: Int, heads: Int, headSize: Int, group: Int,
    scale: Float, inCache: Bool = false, variant: KernelVariant = .active
  ) {
    #if arch(x86_64)
      if variant == .avx512, inCache {
        return fk_avx512_attention_scores_cached(
          scores, q, keys, offsets, count, heads, headSize, group, scale)
      }
      if variant.hasAVX2 {
        return fk_avx2_attention_scores(
          scores, q, keys, offsets, count, heads, headSize, group, scale)
      }
    #endif
    for t in 0..<count {  // scores [heads, count], row by row
      let k = keys + offsets[t]  // [kvDim]
      for head in 0..<heads {
        let key = k + (head / group) * headSize  // [headSize]
        scores[head * count + t] = dot(q + head * headSize, key, n: headSize) * scale
      }
    }
  }

  /// `out_h = Σ_t weights[h count + t] · v_t`, the rows in order, for every head `h`
  /// (reading KV head `h / group`); `out` (`[heads, headSize]`) is overwritten.
  static func attentionValues(
    _ out: UnsafeMutablePointer<Float>, weights: UnsafePointer<Float>,
    values: UnsafePointer<Float>, offsets: UnsafePointer<Int>, count: Int, heads: Int,
    headSize: Int, group: Int, variant: KernelVariant = .active
  ) {
    #if arch(x86_64)
      if variant == .avx512 {
        return fk_avx512_attention_values(
          out, weights, values, offsets, count, heads, headSize, group)
      }
      if variant.hasAVX2 {
        return fk_avx2_attention_values(
          out, weights, values, offsets, count, heads, headSize, group)
      }
    #endif
    out.initialize(repeating: 0, count: heads * headSize)
    for t in 0..<count {  // Σ_t weight_t · v_t, row by row
      let v = values + offsets[t]  // [kvDim]
      for head in 0..<heads {
        let value = v + (head / group) * headSize  // [headSize]
        addScaled(out + head * headSize, weights[head * count + t], value, n: headSize)
      }
    }
  }
}
