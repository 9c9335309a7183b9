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

  static func product(
    _ c: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, rowStride: Int,
    innerStride: Int, _ b: UnsafePointer<Double>, m: Int, k: Int, n: Int, accumulate: Bool
  ) {
    MatrixKernels.plainProduct(
      c, a, rowStride: rowStride, innerStride: innerStride, b, m: m, k: k, n: n,
      accumulate: accumulate)
  }
}
