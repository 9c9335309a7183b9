import KVTrace

extension Attention {
  /// A batched prefill's attention four consecutive positions at a time.
  ///
  /// One position at a time, each query reads every key and value row through its own. In a
  /// batched prefill those rows were all written just now and sit in the core's L2 cache,
  /// and it is reading them from there, not the arithmetic, that sets the pace: every row
  /// arrives once per query. Four queries together read each row once (the keys laid out 16
  /// rows side by side first, so one register holds an element of 16 rows), and every
  /// score, weight and output is still the same arithmetic in the same order as
  /// ``Attention/attend(_:over:config:scores:out:event:report:scoring:threads:)`` does for
  /// that query alone: the same bits, the same events. In a C loop over a 200-token prefill
  /// of the 15M shape, the scores took 0.96 to 1.25 ms instead of 1.67 (the keys' layout
  /// included) and the weighted sums 0.86 to 1.08 instead of 1.40.
  ///
  /// Built once per layer from the rows the last position reads; runs only under AVX-512
  /// (see ``Kernels/takesFourQueries(headSize:variant:)``).
  final class FourQueries {
    // A class: it owns the laid-out keys, freed exactly once.
    let rows: Rows  // the last position's: every row any of the positions reads
    let config: ModelConfig
    let keys: UnsafeMutablePointer<Float>  // the keys, 16 rows side by side
    let group: Int
    let scale: Float
    let variant: KernelVariant  // the softmaxes'

    /// The layout of `rows` (read by the last position), or `nil` when these kernels do not
    /// take this attention here.
    init?(rows: Rows, config c: ModelConfig, variant: KernelVariant = .active) {
      guard Kernels.takesFourQueries(headSize: c.headSize, variant: variant),
        rows.positions == nil, c.kvHeads > 0
      else { return nil }
      (self.rows, config, self.variant) = (rows, c, variant)
      group = c.queriesPerKVHead > 0 ? c.queriesPerKVHead : max(c.heads, 1)  // as attend's
      scale = 1 / Float(c.headSize).squareRoot()
      keys = AlignedFloats.allocate(
        Kernels.transposedKeysCount(count: rows.count, kvHeads: c.kvHeads, headSize: c.headSize))
      Kernels.transposeKeys(
        keys, keys: rows.keys, offsets: rows.offsets, count: rows.count, kvHeads: c.kvHeads,
        headSize: c.headSize)
    }

    deinit { keys.deallocate() }

    /// Whether a query reading `other` reads the first `other.count` of these rows, the same
    /// rows in the same order (so the laid-out keys serve it).
    func covers(_ other: Rows) -> Bool {
      other.positions == nil && other.count <= rows.count && other.keys == rows.keys
        && other.values == rows.values
        && (0..<other.count).allSatisfy { other.offsets[$0] == rows.offsets[$0] }
    }

    /// The four queries at `q + a·stride` (a < 4), query `a` over the first `counts[a]`
    /// rows: its weights into `scores[a]` (`[heads, counts[a]]`), its output into
    /// `out + a·stride`, and each head's scores before the softmax into `raw[a]` when
    /// `keepsScores`.
    func attend(
      _ q: UnsafePointer<Float>, stride: Int, counts: [Int],
      scores: [UnsafeMutablePointer<Float>], out: UnsafeMutablePointer<Float>,
      keepsScores: Bool, raw: inout [[[Float]]]
    ) {
      let c = config
      let weights = scores.map { Optional(UnsafePointer($0)) }
      let outs = (0..<4).map { Optional(out + $0 * stride) }
      Kernels.attentionScores(
        four: scores.map { Optional($0) }, q: q, stride: stride, counts: counts, keys: keys,
        count: rows.count, heads: c.heads, headSize: c.headSize, group: group, scale: scale)
      for (a, count) in counts.enumerated() {
        if keepsScores {  // the scores before the softmax, head by head
          raw[a] = (0..<c.heads).map {
            Array(UnsafeBufferPointer(start: scores[a] + $0 * count, count: count))
          }
        }
        Kernels.softmax(rows: scores[a], n: count, count: c.heads, variant: variant)
      }
      Kernels.attentionValues(
        four: outs, weights: weights, counts: counts, values: rows.values,
        offsets: rows.offsets, heads: c.heads, headSize: c.headSize, group: group)
    }
  }
}
