import KVTrace
import Testing

@testable import TinyTransformer

/// A batched prefill's attention four positions at a time (``Attention/FourQueries``) gives
/// each query the portable kernels' bits, one query at a time: its scores before the
/// softmax, its weights and its output, at the head sizes the AVX-512 kernels take, with
/// grouped-query heads, rows out of order, queries reading different numbers of rows (one,
/// a whole run of 16, past it) and a score made only of -0 products.
@Suite(.tags(.oracle)) struct FourQueriesTests {
  /// Floats from `seed`, in [-1, 1).
  static func random(_ count: Int, seed: UInt64) -> UnsafeMutablePointer<Float> {
    var generator = SplitMix64(seed: seed)
    let floats = UnsafeMutablePointer<Float>.allocate(capacity: count)
    for i in 0..<count { floats[i] = generator.nextSignedFloat() }
    return floats
  }

  @Test(arguments: [32, 40, 48, 64, 96], [1, 2])
  func fourQueriesGiveEachQueryThePortableBits(headSize: Int, group: Int) throws {
    let heads = 4
    let c = ModelConfig(
      layers: 1, heads: heads, kvHeads: heads / group, dim: heads * headSize, mlpDim: 8,
      contextLength: 64, vocabularySize: 8)
    let count = 37  // three runs of 16 rows, the last one partial
    let (keys, values) = (
      Self.random(count * c.kvDim, seed: 1), Self.random(count * c.kvDim, seed: 2)
    )
    let q = Self.random(4 * c.dim, seed: 3)
    let offsets = UnsafeMutablePointer<Int>.allocate(capacity: count)
    defer { [keys, values, q].forEach { $0.deallocate() } }
    defer { offsets.deallocate() }
    for t in 0..<count { offsets[t] = (7 * t) % count * c.kvDim }  // rows out of order
    // Query 1's head 0 is +0 and row 2's KV head 0 negative: every product -0, a score of +0.
    for e in 0..<headSize {
      q[c.dim + e] = 0
      keys[offsets[2] + e] = -1 - Float(e)
    }
    let rows = Attention.Rows(keys: keys, values: values, offsets: offsets, count: count)
    guard KernelVariant.available.contains(.avx512) else {  // then a prefill never asks for it
      #expect(Attention.FourQueries(rows: rows, config: c) == nil)
      return
    }
    let layout = try #require(Attention.FourQueries(rows: rows, config: c, variant: .avx512))
    for counts in [[34, 35, 36, 37], [37, 16, 1, 20]] {
      let scores = (0..<4).map { _ in AlignedFloats.allocate(heads * count) }
      let out = UnsafeMutablePointer<Float>.allocate(capacity: 4 * c.dim)
      defer { scores.forEach { $0.deallocate() } }
      defer { out.deallocate() }
      var raw = [[[Float]]](repeating: [], count: 4)
      layout.attend(
        q, stride: c.dim, counts: counts, scores: scores, out: out, keepsScores: true, raw: &raw)
      for (a, n) in counts.enumerated() {
        let one = Self.portable(q + a * c.dim, rows: rows, count: n, config: c)
        let label = "head size \(headSize), group \(group), query \(a) of \(counts)"
        #expect(raw[a].flatMap { $0 }.map(\.bitPattern) == one.raw.map(\.bitPattern), "\(label)")
        let weights = Array(UnsafeBufferPointer(start: scores[a], count: heads * n))
        #expect(weights.map(\.bitPattern) == one.weights.map(\.bitPattern), "\(label)")
        let output = Array(UnsafeBufferPointer(start: out + a * c.dim, count: c.dim))
        #expect(output.map(\.bitPattern) == one.output.map(\.bitPattern), "\(label)")
      }
      #expect(raw[1][0][2].bitPattern == 0, "a sum of -0 products is +0, as the portable sum")
    }
  }

  @Test func onlyAVX512RunsFourAtATimeAndOnlyHeadsOf32To96Floats() {
    #expect(
      Kernels.takesFourQueries(headSize: 48, variant: .avx2) == false
        && Kernels.takesFourQueries(headSize: 48, variant: .portable) == false)
    #expect(Kernels.takesFourQueries(headSize: 16, variant: .avx512) == false)  // too narrow
    #expect(Kernels.takesFourQueries(headSize: 128, variant: .avx512) == false)  // too wide
    #if arch(x86_64)
      #expect(Kernels.takesFourQueries(headSize: 48, variant: .avx512))
      #expect(Kernels.takesFourQueries(headSize: 96, variant: .avx512))
      #expect(Kernels.takesFourQueries(headSize: 44, variant: .avx512) == false)  // not 8s
    #endif
  }

  /// One query alone through the portable kernels: its scores before the softmax, its
  /// weights and its output, over the first `count` rows.
  static func portable(
    _ q: UnsafePointer<Float>, rows: Attention.Rows, count: Int, config c: ModelConfig
  ) -> (raw: [Float], weights: [Float], output: [Float]) {
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: c.heads * count)
    let out = UnsafeMutablePointer<Float>.allocate(capacity: c.dim)
    defer { scores.deallocate() }
    defer { out.deallocate() }
    Kernels.attentionScores(
      scores, q: q, keys: rows.keys, offsets: rows.offsets, count: count, heads: c.heads,
      headSize: c.headSize, group: c.queriesPerKVHead,
      scale: 1 / Float(c.headSize).squareRoot(), variant: .portable)
    let raw = Array(UnsafeBufferPointer(start: scores, count: c.heads * count))
    Kernels.softmax(rows: scores, n: count, count: c.heads, variant: .portable)
    Kernels.attentionValues(
      out, weights: scores, values: rows.values, offsets: rows.offsets, count: count,
      heads: c.heads, headSize: c.headSize, group: c.queriesPerKVHead, variant: .portable)
    let weights = Array(UnsafeBufferPointer(start: scores, count: c.heads * count))
    return (raw, weights, Array(UnsafeBufferPointer(start: out, count: c.dim)))
  }
}
