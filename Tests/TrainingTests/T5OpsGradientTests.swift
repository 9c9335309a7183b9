import Foundation
import Testing
import TinyTransformer

@testable import Training

/// Every backward pass of T5's operations against finite differences in `Double`, on odd
/// sizes, and the relative-position buckets against T5's formula.
@Suite(.tags(.unit)) struct T5OpsGradientTests {
  @Test func reluGradientMatchesFiniteDifferences() {
    let count = 9
    let x = GradientCheck.random(count, seed: 30, scale: 3)
    let r = GradientCheck.random(count, seed: 31)
    func forward(_ x: [Double]) -> [Double] {
      var h = [Double](repeating: 0, count: count)
      Ops.relu(&h, x, count: count)
      return h
    }
    var dx = [Double](repeating: 0, count: count)
    Ops.reluBackward(r, x, dx: &dx, count: count)
    GradientCheck.expectMatches(dx, { GradientCheck.project(forward($0), r) }, at: x, "dx")
    #expect(dx.contains(0) && dx.contains { $0 != 0 })
  }

  @Test func gatedGELUGradientMatchesFiniteDifferences() {
    let count = 11
    let g = GradientCheck.random(count, seed: 32, scale: 4)
    let u = GradientCheck.random(count, seed: 33)
    let r = GradientCheck.random(count, seed: 34)
    func forward(_ g: [Double], _ u: [Double]) -> [Double] {
      var h = [Double](repeating: 0, count: count)
      Ops.gatedGELU(&h, gate: g, up: u, count: count)
      return h
    }
    var (dg, du) = ([Double](repeating: 0, count: count), [Double](repeating: 0, count: count))
    Ops.gatedGELUBackward(r, gate: g, up: u, dGate: &dg, dUp: &du, count: count)
    GradientCheck.expectMatches(dg, { GradientCheck.project(forward($0, u), r) }, at: g, "dg")
    GradientCheck.expectMatches(du, { GradientCheck.project(forward(g, $0), r) }, at: u, "du")
  }

  /// GELU's tanh form against Foundation's `tanh`, far into both tails.
  @Test func gatedGELUMatchesTheTanhFormula() {
    let g: [Double] = [-30, -3.5, -1, -0.25, 0, 0.3, 1.7, 4, 30]
    var h = [Double](repeating: 0, count: g.count)
    Ops.gatedGELU(&h, gate: g, up: [Double](repeating: 1, count: g.count), count: g.count)
    for (x, y) in zip(g, h) {
      let expected = 0.5 * x * (1 + tanh(0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x)))
      #expect(abs(y - expected) <= 1e-12 * max(1, abs(expected)), "gelu(\(x))")
    }
  }

  /// Self-attention (bidirectional and causal, with a position bias) and cross-attention
  /// (more keys than queries, no bias), three heads of five.
  @Test(arguments: [(5, 5, false, true), (5, 5, true, true), (4, 7, false, false)])
  func attentionGradientMatchesFiniteDifferences(
    queries: Int, keys: Int, causal: Bool, biased: Bool
  ) {
    let shape = Ops.T5AttentionShape(
      queries: queries, keys: keys, heads: 3, headSize: 5, causal: causal)
    let (qCount, kCount, bCount) = (queries * 15, keys * 15, 3 * queries * keys)
    let q = GradientCheck.random(qCount, seed: 40, scale: 1.5)
    let k = GradientCheck.random(kCount, seed: 41, scale: 1.5)
    let v = GradientCheck.random(kCount, seed: 42)
    let bias = GradientCheck.random(bCount, seed: 43, scale: 2)
    let r = GradientCheck.random(qCount, seed: 44)
    var probs = [Double](repeating: 0, count: bCount)
    func forward(_ q: [Double], _ k: [Double], _ v: [Double], _ b: [Double]) -> [Double] {
      var out = [Double](repeating: 0, count: qCount)
      b.withUnsafeBufferPointer { b in
        Ops.t5Attention(
          q: q, k: k, v: v, bias: biased ? b.baseAddress : nil, probs: &probs, out: &out,
          shape: shape)
      }
      return out
    }
    _ = forward(q, k, v, bias)
    var (dq, dk, dv) = (
      [Double](repeating: 0, count: qCount), [Double](repeating: 0, count: kCount),
      [Double](repeating: 0, count: kCount)
    )
    var (dBias, scratch) = (
      [Double](repeating: 0, count: bCount), [Double](repeating: 0, count: keys)
    )
    Ops.t5AttentionBackward(
      dOut: r, q: q, k: k, v: v, probs: probs, dq: &dq, dk: &dk, dv: &dv, dBias: &dBias,
      scratch: &scratch, shape: shape)
    let f = { (q: [Double], k: [Double], v: [Double], b: [Double]) in
      GradientCheck.project(forward(q, k, v, b), r)
    }
    GradientCheck.expectMatches(dq, { f($0, k, v, bias) }, at: q, "dq")
    GradientCheck.expectMatches(dk, { f(q, $0, v, bias) }, at: k, "dk")
    GradientCheck.expectMatches(dv, { f(q, k, $0, bias) }, at: v, "dv")
    if biased { GradientCheck.expectMatches(dBias, { f(q, k, v, $0) }, at: bias, "dBias") }
    if causal { #expect(probs[1] == 0 && probs[0] == 1) }  // query 0 reads key 0 only
  }

  @Test(arguments: [true, false])
  func positionBiasGradientMatchesFiniteDifferences(bidirectional: Bool) {
    let buckets = RelativePositionBuckets(bidirectional: bidirectional, buckets: 8, maxDistance: 9)
    let (heads, queries, keys) = (3, 6, 7)
    let table = GradientCheck.random(8 * heads, seed: 50)
    let r = GradientCheck.random(heads * queries * keys, seed: 51)
    func forward(_ table: [Double]) -> [Double] {
      var out = [Double](repeating: 0, count: heads * queries * keys)
      Ops.positionBias(
        &out, table: table, buckets: buckets, heads: heads, queries: queries, keys: keys)
      return out
    }
    var dTable = [Double](repeating: 0, count: table.count)
    Ops.positionBiasBackward(
      r, dTable: &dTable, buckets: buckets, heads: heads, queries: queries, keys: keys)
    GradientCheck.expectMatches(
      dTable, { GradientCheck.project(forward($0), r) }, at: table, "dTable")
  }

  /// T5's bucket formula, computed per distance in `Double` as Hugging Face writes it, away
  /// from the exact powers where floating point may land either side of an integer.
  @Test(arguments: [(true, 32, 128), (false, 32, 128), (true, 16, 20), (false, 10, 7)])
  func bucketsFollowTheLogFormula(bidirectional: Bool, count: Int, maxDistance: Int) {
    let buckets = RelativePositionBuckets(
      bidirectional: bidirectional, buckets: count, maxDistance: maxDistance)
    for offset in -300...300 {
      var (n, base, perDirection) = (offset, 0, count)
      if bidirectional {
        perDirection = count / 2
        base = offset > 0 ? perDirection : 0
        n = abs(offset)
      } else {
        n = max(0, -offset)
      }
      let maxExact = perDirection / 2
      let scaled =
        n < maxExact
        ? Double(n)
        : log(Double(n) / Double(maxExact)) / log(Double(maxDistance) / Double(maxExact))
          * Double(perDirection - maxExact)
      if n >= maxExact && abs(scaled - scaled.rounded()) < 1e-9 { continue }
      let expected = n < maxExact ? n : min(maxExact + Int(scaled), perDirection - 1)
      #expect(
        buckets.bucket(query: 300, key: 300 + offset) == base + expected, "offset \(offset)")
    }
  }

  /// At the exact powers the integer thresholds decide as exact arithmetic does: in the
  /// encoder's 32 buckets up to 128, distance 16 is the first of bucket 10 (`8 + ⌊8·log 2 /
  /// log 16⌋`), 15 the last of bucket 9.
  @Test func bucketsAtExactPowers() {
    let buckets = RelativePositionBuckets(bidirectional: true, buckets: 32, maxDistance: 128)
    let expected = [(15, 9), (16, 10), (32, 12), (64, 14), (127, 15), (128, 15), (5000, 15)]
    for (n, bucket) in expected {
      #expect(buckets.bucket(query: 0, key: n) == 16 + bucket, "key after, distance \(n)")
      #expect(buckets.bucket(query: n, key: 0) == bucket, "key before, distance \(n)")
    }
    let causal = RelativePositionBuckets(bidirectional: false, buckets: 32, maxDistance: 128)
    #expect(causal.bucket(query: 0, key: 5) == 0)  // a later key: never read, bucket 0
    #expect(causal.bucket(query: 15, key: 0) == 15)
    #expect(causal.bucket(query: 128, key: 0) == 31)
  }
}
