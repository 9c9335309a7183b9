/// How the elements of one stored row are encoded, and the two things a row of that
/// encoding can do: a dot product with a `Float` vector, and widening to `Float`.
///
/// `Float32` rows are kvtrace's own weights and llama2.c's, and they take exactly the path
/// they always took (``Kernels/dot(_:_:n:)``), so those models' bits do not change.
/// `Float16` and `bfloat16` rows are what Hugging Face folders hold: each element is widened
/// exactly (every half-precision number is a `Float`) as it is read (see ``HalfPrecision``).
enum WeightEncoding: Sendable, Equatable {
  /// IEEE single precision, 4 bytes an element.
  case f32
  /// IEEE half precision, 2 bytes an element.
  case f16
  /// bfloat16, a `Float`'s top 16 bits, 2 bytes an element.
  case bf16

  /// The bytes a row of `columns` elements takes.
  func byteCount(columns: Int) -> Int {
    switch self {
    case .f32: 4 * columns
    case .f16, .bf16: 2 * columns
    }
  }

  /// The short name a model's summary and `bench` print: `F32`, `F16`, `BF16`.
  var name: String {
    switch self {
    case .f32: "F32"
    case .f16: "F16"
    case .bf16: "BF16"
    }
  }

  /// The dot product of the row at `row` with `x`, both `count` long.
  @inline(__always)
  func dot(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    switch self {
    case .f32: Kernels.dot(row.assumingMemoryBound(to: Float.self), x, n: count)
    case .f16: HalfPrecision.dot(halves: row, x, count: count)
    case .bf16: HalfPrecision.dot(brainFloats: row, x, count: count)
    }
  }

  /// Writes the `count` elements of the row at `row`, widened, into `out`.
  func dequantize(_ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int) {
    switch self {
    case .f32:
      for j in 0..<count { out[j] = row.loadUnaligned(fromByteOffset: 4 * j, as: Float.self) }
    case .f16:
      for j in 0..<count {
        out[j] = HalfPrecision.widen(half: row.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self))
      }
    case .bf16:
      for j in 0..<count {
        out[j] = HalfPrecision.widen(
          brainFloat: row.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self))
      }
    }
  }
}
