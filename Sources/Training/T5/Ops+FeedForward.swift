extension Ops {
  /// `h = max(0, x)`, T5 v1.0's feed-forward activation.
  static func relu<T: TrainingScalar>(
    _ h: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, count: Int
  ) {
    for i in 0..<count { h[i] = x[i] > 0 ? x[i] : 0 }
  }

  /// The gradient of ``relu(_:_:count:)``, overwriting `dx`: `dh` where `x > 0`, else 0.
  static func reluBackward<T: TrainingScalar>(
    _ dh: UnsafePointer<T>, _ x: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, count: Int
  ) {
    for i in 0..<count { dx[i] = x[i] > 0 ? dh[i] : 0 }
  }

  /// `√(2/π)`, and the cubic term's weight, of GELU's tanh approximation.
  static let geluScale = 0.797_884_560_802_865_4
  static let geluCubic = 0.044_715

  /// `t[i] = tanh(√(2/π)·(g + 0.044715·g³))` for the gated GELU, with tanh written as
  /// `1 − 2/(e^(2z) + 1)` over ``TrainingScalar/exponentiate(_:count:)`` (no libm).
  private static func geluTanh<T: TrainingScalar>(
    _ t: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, count: Int
  ) {
    let (scale, cubic) = (T(geluScale), T(geluCubic))
    for i in 0..<count { t[i] = 2 * scale * (g[i] + cubic * g[i] * g[i] * g[i]) }
    T.exponentiate(t, count: count)
    for i in 0..<count { t[i] = 1 - 2 / (t[i] + 1) }
  }

  /// `h = gelu(g) ⊙ u` with `gelu(g) = ½·g·(1 + tanh(√(2/π)·(g + 0.044715·g³)))`: T5 v1.1's
  /// gated feed-forward (`gelu_new` in Hugging Face), `g = wi_0·x`, `u = wi_1·x`.
  static func gatedGELU<T: TrainingScalar>(
    _ h: UnsafeMutablePointer<T>, gate g: UnsafePointer<T>, up u: UnsafePointer<T>, count: Int
  ) {
    geluTanh(h, g, count: count)
    for i in 0..<count { h[i] = g[i] * (1 + h[i]) / 2 * u[i] }
  }

  /// The gradient of ``gatedGELU(_:gate:up:count:)``, overwriting `dg` and `du`.
  ///
  /// With `t` the tanh and `z' = √(2/π)·(1 + 3·0.044715·g²)`:
  /// `gelu'(g) = ½·(1 + t) + ½·g·(1 − t²)·z'`, so `∂L/∂u = dh·gelu(g)` and
  /// `∂L/∂g = dh·u·gelu'(g)`.
  static func gatedGELUBackward<T: TrainingScalar>(
    _ dh: UnsafePointer<T>, gate g: UnsafePointer<T>, up u: UnsafePointer<T>,
    dGate dg: UnsafeMutablePointer<T>, dUp du: UnsafeMutablePointer<T>, count: Int
  ) {
    geluTanh(dg, g, count: count)
    let (scale, cubic) = (T(geluScale), T(geluCubic))
    for i in 0..<count {
      let t = dg[i]
      du[i] = dh[i] * (g[i] * (1 + t) / 2)
      let slope = scale * (1 + 3 * cubic * g[i] * g[i])
      dg[i] = dh[i] * u[i] * ((1 + t) / 2 + g[i] * (1 - t * t) / 2 * slope)
    }
  }
}
