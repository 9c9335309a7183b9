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

/// A batched prefill's attention four positions at a time (`GroupedAttention.c`): each key
/// and value row read once for four queries, each query's numbers exactly its own.
extension Kernels {
  /// Whether the four-query kernels take this attention: AVX-512 only, and head sizes that
  /// are whole 8-float slices from 32 to 96 floats (the 15M shape's 48, SmolLM2's 64).
  static func takesFourQueries(headSize: Int, variant: KernelVariant) -> Bool {
    #if arch(x86_64)
      return variant == .avx512 && (32...96).contains(headSize) && headSize % 8 == 0
    #else
      return false
    #endif
  }

  /// Floats ``transposeKeys(_:keys:offsets:count:kvHeads:headSize:)`` writes.
  static func transposedKeysCount(count: Int, kvHeads: Int, headSize: Int) -> Int {
    (count + 15) / 16 * 16 * kvHeads * headSize
  }

  /// The keys of `count` rows laid out 16 rows side by side for
  /// ``attentionScores(four:q:stride:counts:keys:count:heads:headSize:group:scale:)``: per KV
  /// head, per run of 16 rows, each element of the head as 16 consecutive floats.
  static func transposeKeys(
    _ out: UnsafeMutablePointer<Float>, keys: UnsafePointer<Float>, offsets: UnsafePointer<Int>,
    count: Int, kvHeads: Int, headSize: Int
  ) {
    #if arch(x86_64)
      fk_avx512_transpose_keys(out, keys, offsets, count, kvHeads, headSize)
    #endif
  }

  /// ``attentionScores(_:q:keys:offsets:count:heads:headSize:group:scale:inCache:variant:)``
  /// of four queries (`q + a·stride`), query `a` over the first `counts[a]` rows of `keys`
  /// (laid out by ``transposeKeys(_:keys:offsets:count:kvHeads:headSize:)`` from `count`
  /// rows), into `scores[a]`. Only where ``takesFourQueries(headSize:variant:)``.
  static func attentionScores(
    four scores: UnsafePointer<UnsafeMutablePointer<Float>?>, q: UnsafePointer<Float>,
    stride: Int, counts: UnsafePointer<Int>, keys: UnsafePointer<Float>, count: Int, heads: Int,
    headSize: Int, group: Int, scale: Float
  ) {
    #if arch(x86_64)
      fk_avx512_attention_scores_grouped(
        scores, q, stride, counts, keys, (count + 15) / 16, heads, headSize, group, scale)
    #endif
  }

  /// ``attentionValues(_:weights:values:offsets:count:heads:headSize:group:variant:)`` of
  /// four queries: query `a`'s weights in `weights[a]`, its outputs into `out[a]`, over its
  /// first `counts[a]` rows. Only where ``takesFourQueries(headSize:variant:)``.
  static func attentionValues(
    four out: UnsafePointer<UnsafeMutablePointer<Float>?>,
    weights: UnsafePointer<UnsafePointer<Float>?>, counts: UnsafePointer<Int>,
    values: UnsafePointer<Float>, offsets: UnsafePointer<Int>, heads: Int, headSize: Int,
    group: Int
  ) {
    #if arch(x86_64)
      fk_avx512_attention_values_grouped(
        out, weights, counts, values, offsets, heads, headSize, group)
    #endif
  }
}
