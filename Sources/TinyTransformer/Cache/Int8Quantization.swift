import KVTrace

/// Symmetric int8 quantization of one K or V row: one byte per value and one
/// `Float` scale per row.
///
/// A row is the `headSize` values of one (layer, position, KV head), for keys and
/// for values separately. Its scale is `max|x| / 127`, and each value is stored as
/// `q = round(x / scale)`, clamped to −127…127; reading it back gives `q × scale`.
/// Symmetric (no zero point) keeps 0 exactly 0 and needs one number per row; −128
/// is left unused so that +x and −x round to the same magnitude. Rounding to the
/// nearest step puts every value within half a scale of the float it replaced:
/// that half step is the error the trace records. A row of zeros has scale 0 and
/// is stored (and read back) exactly.
public enum Int8Quantization {
  /// The largest stored magnitude: values map onto −127…127.
  public static let levels: Float = 127

  /// Quantizes `n` floats at `x` into `q` and returns the row's scale.
  ///
  /// - Parameters:
  ///   - x: The float row, `[n]`.
  ///   - n: The row's length (the head size).
  ///   - q: Receives the stored bytes, `[n]`.
  /// - Returns: `max|x| / 127`, or 0 for a row of zeros.
  public static func quantize(
    _ x: UnsafePointer<Float>, n: Int, into q: UnsafeMutablePointer<Int8>
  ) -> Float {
    var largest: Float = 0
    for i in 0..<n { largest = max(largest, abs(x[i])) }
    let scale = largest / levels
    guard scale > 0 else {
      q.update(repeating: 0, count: n)
      return 0
    }
    for i in 0..<n {
      let step = (x[i] / scale).rounded(.toNearestOrAwayFromZero)
      q[i] = Int8(min(levels, max(-levels, step)))
    }
    return scale
  }

  /// Writes `q[i] × scale` for `n` bytes at `q` into `x`: the row attention reads.
  public static func dequantize(
    _ q: UnsafePointer<Int8>, scale: Float, n: Int, into x: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<n { x[i] = Float(q[i]) * scale }
  }

  /// The largest `|x − q × scale|` over a row: how far the stored row is from the float one.
  public static func maxError(
    _ x: UnsafePointer<Float>, _ q: UnsafePointer<Int8>, scale: Float, n: Int
  ) -> Float {
    var error: Float = 0
    for i in 0..<n { error = max(error, abs(x[i] - Float(q[i]) * scale)) }
    return error
  }
}
