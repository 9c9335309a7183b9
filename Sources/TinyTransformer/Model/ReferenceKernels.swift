/// The handful of numeric kernels a Llama-style transformer needs, written the
/// straightforward way.
///
/// Each works on contiguous `Float` buffers, one concept per function, as in
/// llama2.c's `run.c`. Shapes are written `[rows, columns]`, row-major. The model
/// runs the fast versions in ``Kernels``; these are the reference the tests
/// compare them against.
enum ReferenceKernels {
  /// `out = W · x`: a matrix-vector product.
  ///
  /// `W` is `[d, n]` row-major, `x` is `[n]`, `out` is `[d]`. Every output
  /// element is one row of `W` dotted with `x`, summed in a fixed order so the
  /// result does not depend on anything but the inputs.
  static func matmul(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
    n: Int, d: Int
  ) {
    for i in 0..<d {  // [d, n] · [n] -> [d]
      let row = w + i * n
      var sum: Float = 0
      for j in 0..<n { sum += row[j] * x[j] }
      out[i] = sum
    }
  }

  /// `out = x / rms(x) * weight`: root-mean-square normalization.
  ///
  /// Llama normalizes the hidden state before attention and before the MLP
  /// ("pre-norm"); keys and values are projections of this normalized state.
  static func rmsnorm(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    n: Int, epsilon: Float = 1e-5
  ) {
    var sumOfSquares: Float = 0
    for j in 0..<n { sumOfSquares += x[j] * x[j] }  // [n] -> scalar
    let scale = 1 / (sumOfSquares / Float(n) + epsilon).squareRoot()
    for j in 0..<n { out[j] = weight[j] * (scale * x[j]) }  // [n] -> [n]
  }

  /// Turns scores into probabilities in place: `x[i] = e^(x[i] - max) / Σ`.
  ///
  /// Subtracting the maximum first keeps `e^x` from overflowing and does not
  /// change the result.
  static func softmax(_ x: UnsafeMutablePointer<Float>, n: Int) {
    guard n > 0 else { return }
    var maximum = x[0]
    for i in 1..<n where x[i] > maximum { maximum = x[i] }
    var sum: Float = 0
    for i in 0..<n {
      x[i] = Float(DeterministicMath.exp(Double(x[i] - maximum)))
      sum += x[i]
    }
    for i in 0..<n { x[i] /= sum }
  }

  /// Rotates the pairs of every head of `v` by the angles of one position (RoPE).
  ///
  /// Pair `i` of each head (adjacent elements, or one from each half, as
  /// ``RotaryTable/Pairing`` says) is rotated by `position × θ_i`, whose sine and
  /// cosine are `sines[i]` and `cosines[i]`. Applied to the query and to the key *before* the key is
  /// stored, it makes `q·k` depend on the distance between the two positions.
  /// Forgetting the absolute position of a new token is the classic cache bug.
  static func rope(
    _ v: UnsafeMutablePointer<Float>, count: Int, sines: UnsafePointer<Float>,
    cosines: UnsafePointer<Float>, table: RotaryTable
  ) {
    for head in stride(from: 0, to: count, by: table.headSize) {  // [count] -> [count]
      for pair in 0..<(table.headSize / 2) {
        let (i, j) = table.elements(ofPair: pair)  // (2p, 2p+1), or (p, p + headSize/2)
        let (sin, cos) = (sines[pair], cosines[pair])
        let a = v[head + i]
        let b = v[head + j]
        v[head + i] = a * cos - b * sin
        v[head + j] = a * sin + b * cos
      }
    }
  }

  /// `gate = silu(gate) * up`, the SwiGLU activation of Llama's MLP.
  static func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, n: Int) {
    for i in 0..<n {  // [n], [n] -> [n]
      let g = gate[i]
      let silu = g / (1 + Float(DeterministicMath.exp(Double(-g))))
      gate[i] = silu * up[i]
    }
  }

  /// `x += y`, the residual connection.
  static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, n: Int) {
    for i in 0..<n { x[i] += y[i] }
  }
}
