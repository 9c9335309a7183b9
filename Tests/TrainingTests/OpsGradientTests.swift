import KVTrace
import Testing

@testable import Training

/// Every backward pass of the model's operations against finite differences in `Double`,
/// on awkward sizes (odd widths, three heads, grouped-query attention, five positions).
@Suite(.tags(.unit)) struct OpsGradientTests {
  @Test func rmsnormGradientMatchesFiniteDifferences() {
    let (rows, n) = (3, 5)
    let x = GradientCheck.random(rows * n, seed: 1)
    let w = GradientCheck.random(n, seed: 2)
    let r = GradientCheck.random(rows * n, seed: 3)
    func forward(_ x: [Double], _ w: [Double]) -> [Double] {
      var (out, scales) = (
        [Double](repeating: 0, count: rows * n), [Double](repeating: 0, count: rows)
      )
      Ops.rmsnorm(&out, x, w, scales: &scales, rows: rows, n: n)
      return out
    }
    var scales = [Double](repeating: 0, count: rows)
    var out = [Double](repeating: 0, count: rows * n)
    Ops.rmsnorm(&out, x, w, scales: &scales, rows: rows, n: n)
    var (dx, dw) = ([Double](repeating: 0, count: rows * n), [Double](repeating: 0, count: n))
    Ops.rmsnormBackward(r, x, w, scales: scales, dx: &dx, dw: &dw, rows: rows, n: n)
    GradientCheck.expectMatches(dx, { GradientCheck.project(forward($0, w), r) }, at: x, "dx")
    GradientCheck.expectMatches(dw, { GradientCheck.project(forward(x, $0), r) }, at: w, "dw")
  }

  @Test func ropeGradientMatchesFiniteDifferences() {
    let (rows, width) = (5, 12)  // two heads of six
    let table = RopeTable<Double>(headSize: 6, positions: rows)
    let v = GradientCheck.random(rows * width, seed: 4)
    let r = GradientCheck.random(rows * width, seed: 5)
    func forward(_ v: [Double]) -> [Double] {
      var out = v
      Ops.rope(&out, rows: rows, width: width, table: table)
      return out
    }
    var dv = r
    Ops.ropeBackward(&dv, rows: rows, width: width, table: table)
    GradientCheck.expectMatches(dv, { GradientCheck.project(forward($0), r) }, at: v, "dv")
  }

  @Test(arguments: [(3, 3, 4), (4, 2, 6), (4, 1, 2)])
  func attentionGradientMatchesFiniteDifferences(heads: Int, kvHeads: Int, headSize: Int) {
    let config = ModelConfig(
      layers: 1, heads: heads, kvHeads: kvHeads, dim: heads * headSize, mlpDim: 4,
      contextLength: 8, vocabularySize: 4)
    let shape = Ops.AttentionShape(rows: 5, config: config)
    let (qCount, kvCount) = (shape.rows * shape.dim, shape.rows * shape.kvDim)
    let q = GradientCheck.random(qCount, seed: 6, scale: 2)
    let k = GradientCheck.random(kvCount, seed: 7, scale: 2)
    let v = GradientCheck.random(kvCount, seed: 8)
    let r = GradientCheck.random(qCount, seed: 9)
    var probs = [Double](repeating: 0, count: heads * shape.rows * shape.rows)
    func forward(_ q: [Double], _ k: [Double], _ v: [Double]) -> [Double] {
      var out = [Double](repeating: 0, count: qCount)
      Ops.attention(q: q, k: k, v: v, probs: &probs, out: &out, shape: shape)
      return out
    }
    _ = forward(q, k, v)
    var (dq, dk, dv) = (
      [Double](repeating: 0, count: qCount), [Double](repeating: 0, count: kvCount),
      [Double](repeating: 0, count: kvCount)
    )
    var scratch = [Double](repeating: 0, count: shape.rows)
    Ops.attentionBackward(
      dOut: r, q: q, k: k, v: v, probs: probs, dq: &dq, dk: &dk, dv: &dv, scratch: &scratch,
      shape: shape)
    GradientCheck.expectMatches(dq, { GradientCheck.project(forward($0, k, v), r) }, at: q, "dq")
    GradientCheck.expectMatches(dk, { GradientCheck.project(forward(q, $0, v), r) }, at: k, "dk")
    GradientCheck.expectMatches(dv, { GradientCheck.project(forward(q, k, $0), r) }, at: v, "dv")
  }

  @Test func swigluGradientMatchesFiniteDifferences() {
    let count = 7
    let g = GradientCheck.random(count, seed: 10, scale: 4)
    let u = GradientCheck.random(count, seed: 11)
    let r = GradientCheck.random(count, seed: 12)
    func forward(_ g: [Double], _ u: [Double]) -> [Double] {
      var h = [Double](repeating: 0, count: count)
      Ops.swiglu(&h, gate: g, up: u, count: count)
      return h
    }
    var (dg, du) = ([Double](repeating: 0, count: count), [Double](repeating: 0, count: count))
    Ops.swigluBackward(r, gate: g, up: u, dGate: &dg, dUp: &du, count: count)
    GradientCheck.expectMatches(dg, { GradientCheck.project(forward($0, u), r) }, at: g, "dg")
    GradientCheck.expectMatches(du, { GradientCheck.project(forward(g, $0), r) }, at: u, "du")
  }

  @Test func crossEntropyGradientMatchesFiniteDifferences() {
    let (rows, n) = (3, 7)
    let logits = GradientCheck.random(rows * n, seed: 13, scale: 3)
    let targets = [4, 0, 6][...]
    func loss(_ x: [Double]) -> Double {
      var copy = x
      return Ops.crossEntropy(&copy, targets: targets, vocabulary: n, scale: 1).loss
    }
    var gradient = logits
    _ = Ops.crossEntropy(&gradient, targets: targets, vocabulary: n, scale: 1)
    GradientCheck.expectMatches(gradient, loss, at: logits, "dlogits")
    #expect(abs(loss([Double](repeating: 0, count: rows * n)) - 3 * 1.945_910_149_055_313) < 1e-12)
  }
}
