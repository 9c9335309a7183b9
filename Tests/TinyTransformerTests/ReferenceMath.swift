import Foundation

/// The textbook operations the reference forward passes are written with, in
/// `Double`, from their definitions: no kernels, no SIMD, no shared code with
/// the model beyond reading its weights.
enum ReferenceMath {
  /// `W · x` for the `[rows, x.count]` matrix starting at `base`.
  static func project(_ base: UnsafePointer<Float>, rows: Int, _ x: [Double]) -> [Double] {
    (0..<rows).map { i in
      (0..<x.count).reduce(0.0) { $0 + Double(base[i * x.count + $1]) * x[$1] }
    }
  }

  /// `x / rms(x) * weight`.
  static func rmsnorm(_ x: [Double], _ weight: UnsafePointer<Float>) -> [Double] {
    let scale = 1 / (x.reduce(0) { $0 + $1 * $1 } / Double(x.count) + 1e-5).squareRoot()
    return x.indices.map { Double(weight[$0]) * x[$0] * scale }
  }

  /// Rotates pair `i` of every head by `position × 10000^(-2i / headSize)`.
  static func rope(_ v: [Double], position: Int, headSize: Int) -> [Double] {
    var out = v
    for start in stride(from: 0, to: v.count, by: 2) {
      let pair = (start % headSize) / 2
      let angle = Double(position) * pow(10_000, -Double(2 * pair) / Double(headSize))
      out[start] = v[start] * cos(angle) - v[start + 1] * sin(angle)
      out[start + 1] = v[start] * sin(angle) + v[start + 1] * cos(angle)
    }
    return out
  }
}
