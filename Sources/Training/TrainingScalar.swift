import TinyTransformer

/// A number type the training passes run in: `Float` to train, `Double` to check.
///
/// Every operation of the model is written once, generic over this protocol. The trainer
/// runs it in `Float` with fast matrix products; the tests run the very same code in
/// `Double`, where central finite differences are accurate enough to check each
/// hand-written backward pass, and compare the `Float` run with it.
protocol TrainingScalar: BinaryFloatingPoint, Sendable {
  /// e^x, computed the same way on every platform (``DeterministicMath``).
  static func exponential(_ x: Self) -> Self

  /// `x[i] = e^x[i]` for `i < count`, in place: ``exponential(_:)`` of each, bit for bit,
  /// eight at a time where the type allows.
  static func exponentiate(_ x: UnsafeMutablePointer<Self>, count: Int)

  /// `Σ a[j]·b[j]` over `j < n`, in a fixed order.
  static func dot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ n: Int) -> Self

  /// `C (+)= A · B`: `C` is `[m, n]` and `B` `[k, n]`, row-major; element `(i, p)` of `A`
  /// is at `a[i × rowStride + p × innerStride]`, so `A` may be read transposed.
  ///
  /// Each element of `C` is `Σ_p A[i, p] · B[p, j]` summed in order `p = 0, 1, …`, then
  /// stored (or added to `C` when `accumulate`): the result depends only on the inputs.
  static func product(
    _ c: UnsafeMutablePointer<Self>, _ a: UnsafePointer<Self>, rowStride: Int, innerStride: Int,
    _ b: UnsafePointer<Self>, m: Int, k: Int, n: Int, accumulate: Bool)
}

extension Float: TrainingScalar {
  static func exponential(_ x: Float) -> Float { DeterministicMath.expf(x) }

  static func exponentiate(_ x: UnsafeMutablePointer<Float>, count: Int) {
    let raw = UnsafeMutableRawPointer(x)
    var i = 0
    while i + 8 <= count {
      let e = DeterministicMath.expf(
        raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self))
      raw.storeBytes(of: e, toByteOffset: 4 * i, as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      x[i] = DeterministicMath.expf(x[i])
      i += 1
    }
  }

  /// Eight lanes summed side by side, then the lanes in halves, then the rest one by one.
  static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    let (ra, rb) = (UnsafeRawPointer(a), UnsafeRawPointer(b))
    var lanes = SIMD8<Float>()
    var j = 0
    while j + 8 <= n {
      lanes +=
        ra.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
        * rb.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
      j += 8
    }
    let four = lanes.lowHalf + lanes.highHalf
    let two = four.lowHalf + four.highHalf
    var sum = two[0] + two[1]
    while j < n {
      sum += a[j] * b[j]
      j += 1
    }
    return sum
  }

  static func product(
    _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, rowStride: Int,
    innerStride: Int, _ b: UnsafePointer<Float>, m: Int, k: Int, n: Int, accumulate: Bool
  ) {
    MatrixKernels.product(
      c, a, rowStride: rowStride, innerStride: innerStride, b, m: m, k: k, n: n,
      accumulate: accumulate)
  }
}

extension Double: TrainingScalar {
  static func exponential(_ x: Double) -> Double { DeterministicMath.exp(x) }

  static func exponentiate(_ x: UnsafeMutablePointer<Double>, count: Int) {
    for i in 0..<count { x[i] = DeterministicMath.exp(x[i]) }
  }

  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var sum = 0.0
    for j in 0..<n { sum += a[j] * b[j] }
    return sum
  }

  static func product(
    _ c: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, rowStride: Int,
    innerStride: Int, _ b: UnsafePointer<Double>, m: Int, k: Int, n: Int, accumulate: Bool
  ) {
    MatrixKernels.plainProduct(
      c, a, rowStride: rowStride, innerStride: innerStride, b, m: m, k: k, n: n,
      accumulate: accumulate)
  }
}
