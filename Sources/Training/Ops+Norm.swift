import TinyTransformer

/// The model's operations, forward and backward, one concept per function, over rows of
/// `[rows, width]` row-major buffers in any ``TrainingScalar``.
///
/// Each backward takes the gradient of the loss with respect to the operation's output and
/// *adds* the gradients with respect to its inputs and weights into the buffers given (the
/// chain rule sums over every path a value takes), unless it says it overwrites.
enum Ops {
  static let epsilon = 1e-5

  /// `out = w ⊙ (x · s)` with `s = 1/√(mean(x²) + ε)`, row by row; writes each row's `s`
  /// into `scales` for the backward pass. The same arithmetic as inference's `rmsnorm`.
  ///
  /// This is also T5's layer norm (`T5LayerNorm`: no mean subtracted, no bias, a learned
  /// scale), with its own `ε` of 1e-6 (``T5TrainingConfig/normEpsilon``). The backward pass
  /// needs only the scales, whatever `ε` was.
  static func rmsnorm<T: TrainingScalar>(
    _ out: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ w: UnsafePointer<T>,
    scales: UnsafeMutablePointer<T>, rows: Int, n: Int, epsilon: Double = Ops.epsilon
  ) {
    for r in 0..<rows {
      let (xr, outr) = (x + r * n, out + r * n)
      var sumOfSquares: T = 0
      for j in 0..<n { sumOfSquares += xr[j] * xr[j] }
      let s = 1 / (sumOfSquares / T(n) + T(epsilon)).squareRoot()
      scales[r] = s
      for j in 0..<n { outr[j] = w[j] * (s * xr[j]) }
    }
  }

  /// The gradient of ``rmsnorm(_:_:_:scales:rows:n:)``.
  ///
  /// With `y_j = w_j·s·x_j` and `s = (mean(x²) + ε)^(−1/2)`: `∂L/∂w_j += dy_j·s·x_j`, and
  /// since `∂s/∂x_k = −s³·x_k/n`, `∂L/∂x_k += s·w_k·dy_k − (s³/n)·x_k·Σ_j dy_j·w_j·x_j`.
  static func rmsnormBackward<T: TrainingScalar>(
    _ dOut: UnsafePointer<T>, _ x: UnsafePointer<T>, _ w: UnsafePointer<T>,
    scales: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, dw: UnsafeMutablePointer<T>,
    rows: Int, n: Int
  ) {
    for r in 0..<rows {
      let (xr, dyr, dxr, s) = (x + r * n, dOut + r * n, dx + r * n, scales[r])
      var dot: T = 0
      for j in 0..<n {
        dot += dyr[j] * w[j] * xr[j]
        dw[j] += dyr[j] * (s * xr[j])
      }
      let k = s * s * s / T(n) * dot
      for j in 0..<n { dxr[j] += s * w[j] * dyr[j] - k * xr[j] }
    }
  }

  /// Rotates each adjacent pair `(v[i], v[i+1])` of every head in row `r` by `r × θ_i`, in
  /// place (RoPE, as inference does it).
  static func rope<T: TrainingScalar>(
    _ v: UnsafeMutablePointer<T>, rows: Int, width: Int, table: RopeTable<T>
  ) {
    for r in 0..<rows {
      for i in stride(from: 0, to: width, by: 2) {
        let (sin, cos) = table.sinCos(position: r, pair: (i % table.headSize) / 2)
        let (a, b) = (v[r * width + i], v[r * width + i + 1])
        v[r * width + i] = a * cos - b * sin
        v[r * width + i + 1] = a * sin + b * cos
      }
    }
  }

  /// The gradient of ``rope(_:rows:width:table:)``, in place: a rotation's transpose is the
  /// rotation by the opposite angle.
  static func ropeBackward<T: TrainingScalar>(
    _ dv: UnsafeMutablePointer<T>, rows: Int, width: Int, table: RopeTable<T>
  ) {
    for r in 0..<rows {
      for i in stride(from: 0, to: width, by: 2) {
        let (sin, cos) = table.sinCos(position: r, pair: (i % table.headSize) / 2)
        let (da, db) = (dv[r * width + i], dv[r * width + i + 1])
        dv[r * width + i] = da * cos + db * sin
        dv[r * width + i + 1] = db * cos - da * sin
      }
    }
  }
}

/// RoPE's sines and cosines, `[positions, headSize / 2]`, computed exactly as inference's
/// table is (the same `Double` arithmetic, rounded once to `T`).
struct RopeTable<T: TrainingScalar>: Sendable {
  let headSize: Int
  private let sines: [T]
  private let cosines: [T]

  init(headSize: Int, positions: Int) {
    self.headSize = headSize
    let pairs = headSize / 2
    var (sines, cosines) = ([T](), [T]())
    for position in 0..<positions {
      for pair in 0..<pairs {
        let exponent = -Double(2 * pair) / Double(headSize) * 9.210_340_371_976_184  // ln 10000
        let angle = Double(position) * DeterministicMath.exp(exponent)
        let (sin, cos) = DeterministicMath.sinCos(angle)
        sines.append(T(Float(sin)))
        cosines.append(T(Float(cos)))
      }
    }
    (self.sines, self.cosines) = (sines, cosines)
  }

  @inline(__always)
  func sinCos(position: Int, pair: Int) -> (T, T) {
    let index = position * (headSize / 2) + pair
    return (sines[index], cosines[index])
  }
}
