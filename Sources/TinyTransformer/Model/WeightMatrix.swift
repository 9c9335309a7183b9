/// One weight matrix `[rows, columns]`, read where it is stored, in the number format it
/// is stored in.
///
/// The forward pass never asks how a matrix is stored: it asks a row for its dot product
/// with a vector (``dot(row:_:)``), or for its values (``dequantize(row:into:)``, the token
/// embedding's lookup). That is the whole abstraction, and it is what lets one forward pass
/// run kvtrace's own `Float32` weights, a Hugging Face folder's `bfloat16` and a GGUF file's
/// 4-bit blocks without a float copy of the model: a product reads each stored row once and
/// widens it on the fly, so a token costs the bytes as stored (SmolLM2's 4-bit rows are
/// 0.625 bytes a weight, an eighth of `Float32`).
///
/// How a row is encoded is a ``GGMLType``, the one list of number formats kvtrace reads
/// (`F32`, `F16`, `BF16` and GGUF's blocks), whatever file the matrix came from; a `Float32`
/// row takes exactly the path it always took (``Kernels/dot(_:_:n:)``), so kvtrace's own
/// models keep their bits.
///
/// Rows are stored back to back, `rowBytes` apart, each on its own (a block never spans two
/// rows), so the rows of one matrix can be shared among threads exactly as `Float32` rows
/// are: each output element is one row's dot product, computed by one thread, the same way
/// whatever the thread count.
struct WeightMatrix {
  /// The first byte of row 0.
  let base: UnsafeRawPointer
  /// How each row is encoded.
  let encoding: GGMLType
  /// The output width: how many dot products a product computes.
  let rows: Int
  /// The input width: how many elements one row holds.
  let columns: Int
  /// The bytes one row takes.
  let rowBytes: Int

  /// A `Float32` matrix, as kvtrace's own weights and llama2.c files store it.
  init(floats: UnsafePointer<Float>, rows: Int, columns: Int) {
    self.init(base: UnsafeRawPointer(floats), encoding: .f32, rows: rows, columns: columns)
  }

  /// A matrix of `encoding` at `base`.
  ///
  /// - Precondition: `columns` is a whole number of `encoding`'s blocks (loaders check it).
  init(base: UnsafeRawPointer, encoding: GGMLType, rows: Int, columns: Int) {
    self.base = base
    self.encoding = encoding
    self.rows = rows
    self.columns = columns
    rowBytes = encoding.rowByteCount(columns: columns) ?? 0
  }

  /// The bytes the whole matrix takes: what one product reads.
  var byteCount: Int { rows * rowBytes }

  /// The first element of a `Float32` matrix, else `nil`.
  var floats: UnsafePointer<Float>? {
    encoding == .f32 ? base.assumingMemoryBound(to: Float.self) : nil
  }

  /// The first byte of row `i`.
  @inline(__always)
  func row(_ i: Int) -> UnsafeRawPointer { base + i &* rowBytes }

  /// Row `i` · `x` (`x` is `[columns]`), the row widened as it is read.
  @inline(__always)
  func dot(row i: Int, _ x: UnsafePointer<Float>) -> Float {
    encoding.dot(row(i), x, count: columns)
  }

  /// Writes row `i`'s values, widened to `Float`, into `out` (`[columns]`).
  func dequantize(row i: Int, into out: UnsafeMutablePointer<Float>) {
    encoding.dequantizeRow(row(i), into: out, count: columns)
  }
}
