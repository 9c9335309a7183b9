/// Rows of a stored matrix: expanded to floats, or multiplied by a float vector.
///
/// A weight matrix of `d` rows and `n` columns is stored row after row, each row
/// `rowByteCount(columns: n)` bytes of blocks. The model's matrix products call
/// ``dot(_:_:count:)`` for every row at every token, reading the blocks as stored.
extension GGMLType {
  /// Expands one row of `count` numbers (a whole number of blocks) into floats.
  ///
  /// Exactly gguf-py's dequantization, bit for bit: each number is the same float
  /// multiplications and additions, in the same order, with no fused multiply-add.
  /// - Precondition: the type is supported (``isSupported``); files with other types
  ///   are refused when parsed.
  package func dequantizeRow(
    _ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    switch self {
    case .f32: out.update(from: row.assumingMemoryBound(to: Float.self), count: count)
    case .f16: FloatRows.dequantizeF16(row, into: out, count: count)
    case .bf16: FloatRows.dequantizeBF16(row, into: out, count: count)
    case .q8_0: Q8_0Rows.dequantize(row, into: out, count: count)
    case .q4_0: Q4Rows.dequantize0(row, into: out, count: count)
    case .q4_1: Q4Rows.dequantize1(row, into: out, count: count)
    case .q5_0: Q5_0Rows.dequantize(row, into: out, count: count)
    case .q4_K: Q4_KRows.dequantize(row, into: out, count: count)
    case .q6_K: Q6_KRows.dequantize(row, into: out, count: count)
    default: preconditionFailure("\(self) rows cannot be read; GGUFFile refuses such tensors")
    }
  }

  /// The dot product of one stored row of `count` numbers with `x[0..<count]`.
  ///
  /// Reads the blocks as stored, 16 numbers at a time in SIMD lanes, with each block's
  /// scale applied once to its partial sums (so it is not bit for bit the dot product
  /// of the dequantized row, but within a few float roundings of it). The order of the
  /// additions is fixed by the format (each format's file documents it), never by the
  /// machine or the thread count: the same row and `x` give the same bits everywhere.
  ///
  /// - Precondition: the type is supported (``isSupported``).
  package func dot(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    switch self {
    case .f32:
      // A tensor's offset is a multiple of the file's alignment, so F32 rows are aligned.
      return Kernels.dot(row.assumingMemoryBound(to: Float.self), x, n: count)
    case .f16: return FloatRows.dotF16(row, x, count: count)
    case .bf16: return FloatRows.dotBF16(row, x, count: count)
    case .q8_0: return Q8_0Rows.dot(row, x, count: count)
    case .q4_0: return Q4Rows.dot0(row, x, count: count)
    case .q4_1: return Q4Rows.dot1(row, x, count: count)
    case .q5_0: return Q5_0Rows.dot(row, x, count: count)
    case .q4_K: return Q4_KRows.dot(row, x, count: count)
    case .q6_K: return Q6_KRows.dot(row, x, count: count)
    default: preconditionFailure("\(self) rows cannot be read; GGUFFile refuses such tensors")
    }
  }
}
