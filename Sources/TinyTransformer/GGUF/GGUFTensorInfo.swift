/// Where one tensor lives in a GGUF file and how it is stored.
package struct GGUFTensorInfo: Equatable, Sendable {
  /// The tensor's name (`blk.0.attn_q.weight`).
  package let name: String
  /// The dimensions in ggml's order: `dimensions[0]` (ggml's `ne0`) is the row
  /// length, the number of columns, whose numbers are contiguous; a matrix of `d`
  /// rows of `n` numbers is `[n, d]`.
  package let dimensions: [Int]
  /// The number format.
  package let type: GGMLType
  /// The absolute byte offset of the tensor's first byte in the file's `Data`
  /// (counted from the `Data`'s `startIndex`).
  package let offset: Int
  /// The bytes the tensor takes.
  package let byteCount: Int
  /// Rows: the product of the dimensions after the first (stored: products read it
  /// for every row).
  package let rows: Int
  /// Bytes per row (stored, like `rows`).
  package let rowByteCount: Int

  /// A tensor's entry; `GGUFFile` checks the numbers before it makes one.
  package init(name: String, dimensions: [Int], type: GGMLType, offset: Int, byteCount: Int) {
    self.name = name
    self.dimensions = dimensions
    self.type = type
    self.offset = offset
    self.byteCount = byteCount
    rows = dimensions.dropFirst().reduce(1, *)
    rowByteCount = rows == 0 ? 0 : byteCount / rows
  }

  /// Numbers per row (`dimensions[0]`).
  package var columns: Int { dimensions.first ?? 1 }
  /// Numbers in all.
  package var elementCount: Int { columns * rows }
}
