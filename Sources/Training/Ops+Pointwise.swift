import TinyTransformer

extension Ops {
  /// `h = silu(g) ⊙ u` with `silu(g) = g / (1 + e^(−g))`, SwiGLU's gate, as inference
  /// computes it.
  static func swiglu<T: TrainingScalar>(
    _ h: UnsafeMutablePointer<T>, gate g: UnsafePointer<T>, up u: UnsafePointer<T>, count: Int
  ) {
    for i in 0..<count { h[i] = g[i] / (1 + T.exponential(-g[i])) * u[i] }
  }

  /// The gradient of ``swiglu(_:gate:up:count:)``, overwriting `dg` and `du`.
  ///
  /// With `σ = 1/(1 + e^(−g))`, `silu = g·σ` and `silu' = σ·(1 + g·(1 − σ))`:
  /// `∂L/∂u = dh·silu(g)`, `∂L/∂g = dh·u·silu'(g)`.
  static func swigluBackward<T: TrainingScalar>(
    _ dh: UnsafePointer<T>, gate g: UnsafePointer<T>, up u: UnsafePointer<T>,
    dGate dg: UnsafeMutablePointer<T>, dUp du: UnsafeMutablePointer<T>, count: Int
  ) {
    for i in 0..<count {
      let sigma = 1 / (1 + T.exponential(-g[i]))
      du[i] = dh[i] * (g[i] * sigma)
      dg[i] = dh[i] * u[i] * (sigma * (1 + g[i] * (1 - sigma)))
    }
  }

  /// Cross-entropy of each row's logits against its target, turning the logits into the
  /// gradient in place: `∂L/∂logit_j = scale · (softmax_j − [j = target])`.
  ///
  /// Returns the sum of the rows' losses `log Σ e^(logit) − logit[target]` (in `Double`,
  /// with ``DeterministicMath/log(_:)``) and how many rows rank their target first.
  static func crossEntropy<T: TrainingScalar>(
    _ logits: UnsafeMutablePointer<T>, targets: ArraySlice<Int>, vocabulary n: Int, scale: T
  ) -> (loss: Double, correct: Int) {
    var (loss, correct) = (0.0, 0)
    for (r, target) in targets.enumerated() {
      let row = logits + r * n
      var (maximum, best) = (row[0], 0)
      for j in 1..<max(1, n) where row[j] > maximum { (maximum, best) = (row[j], j) }
      if best == target { correct += 1 }
      let targetLogit = row[target]
      var sum: T = 0
      for j in 0..<n {
        row[j] = T.exponential(row[j] - maximum)
        sum += row[j]
      }
      loss += DeterministicMath.log(Double(sum)) - Double(targetLogit - maximum)
      for j in 0..<n { row[j] = row[j] / sum * scale }
      row[target] -= scale
    }
    return (loss, correct)
  }
}
