import GGUFKernelsC

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
  /// Every format but `F32` runs in one of two implementations (``BlockKernels``): the
  /// Swift kernels, or on a CPU with AVX2 the same arithmetic in wider registers; both
  /// give the same bits. `F32` takes the model's own ``Kernels/dot(_:_:n:)``.
  ///
  /// - Parameter kernels: Which implementation runs; the process's choice unless a test
  ///   asks for one (it must be in ``BlockKernels/available``).
  /// - Precondition: the type is supported (``isSupported``).
  package func dot(
    _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int,
    kernels: BlockKernels = .chosen
  ) -> Float {
    let wide = kernels == .avx2
    switch self {
    case .f32:
      // A tensor's offset is a multiple of the file's alignment, so F32 rows are aligned.
      return Kernels.dot(row.assumingMemoryBound(to: Float.self), x, n: count)
    case .f16:
      return wide ? gguf_dot_f16_avx2(row, x, count) : FloatRows.dotF16(row, x, count: count)
    case .bf16:
      return wide ? gguf_dot_bf16_avx2(row, x, count) : FloatRows.dotBF16(row, x, count: count)
    case .q8_0:
      return wide ? gguf_dot_q8_0_avx2(row, x, count / 32) : Q8_0Rows.dot(row, x, count: count)
    case .q4_0:
      return wide ? gguf_dot_q4_0_avx2(row, x, count / 32) : Q4Rows.dot0(row, x, count: count)
    case .q4_1:
      return wide ? gguf_dot_q4_1_avx2(row, x, count / 32) : Q4Rows.dot1(row, x, count: count)
    case .q5_0:
      return wide ? gguf_dot_q5_0_avx2(row, x, count / 32) : Q5_0Rows.dot(row, x, count: count)
    case .q4_K:
      return wide ? gguf_dot_q4_k_avx2(row, x, count / 256) : Q4_KRows.dot(row, x, count: count)
    case .q6_K:
      return wide ? gguf_dot_q6_k_avx2(row, x, count / 256) : Q6_KRows.dot(row, x, count: count)
    default: preconditionFailure("\(self) rows cannot be read; GGUFFile refuses such tensors")
    }
  }
}
