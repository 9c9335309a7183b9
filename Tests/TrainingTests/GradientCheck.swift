import KVTrace
import Testing
import TinyTransformer

@testable import Training

/// Helpers for checking hand-written gradients against central finite differences in
/// `Double`: `(f(x + h) − f(x − h)) / 2h` is accurate to about `h²` (1e-10 here), far below
/// any mistake in a backward pass.
enum GradientCheck {
  static let step = 1e-5

  /// Reproducible numbers in `[-scale, scale)`.
  static func random(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in Double(generator.nextSignedFloat()) * scale }
  }

  /// The central-difference gradient of `f` at `x`, for the indices `indices`.
  static func numeric(
    _ f: ([Double]) -> Double, at x: [Double], indices: some Sequence<Int>
  ) -> [Int: Double] {
    var result: [Int: Double] = [:]
    for i in indices {
      var (plus, minus) = (x, x)
      plus[i] += step
      minus[i] -= step
      result[i] = (f(plus) - f(minus)) / (2 * step)
    }
    return result
  }

  /// Expects `analytic` to match the finite differences of `f` at `x` everywhere.
  static func expectMatches(
    _ analytic: [Double], _ f: ([Double]) -> Double, at x: [Double],
    indices: [Int]? = nil, tolerance: Double = 1e-7,
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let numeric = numeric(f, at: x, indices: indices ?? Array(x.indices))
    var worst = (index: -1, error: 0.0)
    for (i, value) in numeric {
      let error = abs(value - analytic[i]) / max(1, abs(value))
      if error > worst.error { worst = (i, error) }
    }
    #expect(!numeric.isEmpty, sourceLocation: sourceLocation)
    let message =
      "\(what): element \(worst.index) analytic \(worst.index >= 0 ? analytic[worst.index] : 0) "
      + "numeric \(numeric[worst.index] ?? 0)"
    #expect(worst.error <= tolerance, Comment(rawValue: message), sourceLocation: sourceLocation)
  }

  /// `Σ r_i · out_i`, the scalar whose gradient with respect to `out` is `r`.
  static func project(_ out: [Double], _ r: [Double]) -> Double {
    zip(out, r).reduce(0) { $0 + $1.0 * $1.1 }
  }
}
