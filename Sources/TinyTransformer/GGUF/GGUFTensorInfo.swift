/// Where one tensor lives in a GGUF file and how it is stored.
package struct GGUFTensorInfo: Equatable, Sendable {
  /// The tensor's name (`blk.0.attn_q.weight`).
  package var name: String
  /// The dimensions in ggml's order: `dimensions[0]` (ggml's `ne0`) is the row
  /// length, the number of columns, whose numbers are contiguous; a matrix of `d`
  /// rows of `n` numbers is `[n, d]`.
  package var dimensions: [Int]
  /// The number format.
  package var type: GGMLType
  /// The absolute byte offset of the tensor's first byte in the file's `Data`
  /// (counted from the `Data`'s `startIndex`).
  package var offset: Int
  /// The bytes the tensor takes.
  package var byteCount: Int

  /// Numbers per row (`dimensions[0]`).
  package var columns: Int { dimensions.first ?? 1 }
  /// Rows: the product of the dimensions after the first.
  package var rows: Int { dimensions.dropFirst().reduce(1, *) }
  /// Numbers in all.
  package var elementCount: Int { columns * rows }
  /// Bytes per row.
  package var rowByteCount: Int { rows == 0 ? 0 : byteCount / rows }
}
