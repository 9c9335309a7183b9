import Foundation
import KVTrace

/// A llama2.c checkpoint, checked from header to last byte before anything uses it.
///
/// The format is llama2.c's original ("legacy", version 0) export, the one the published
/// stories15M/42M/110M models use: a header of seven little-endian `int32`
///
/// ```
/// dim  hidden_dim  n_layers  n_heads  n_kv_heads  vocab_size  seq_len
/// ```
///
/// then the `float32` tensors in the order of `WeightLayout`. A negative `vocab_size`
/// means the classifier is a tensor of its own, stored last; a positive one that the token
/// embedding doubles as the classifier. The header alone fixes the file's exact size, so a
/// truncated download or a file of another kind is caught before a single weight is read.
///
/// `Checkpoint` keeps the bytes it was given and copies nothing. Read the file into memory
/// rather than mapping it: a mapped file that shrinks while it is read faults (SIGBUS) where a
/// read would simply come up short. Like llama2.c, it assumes a little-endian machine.
public struct Checkpoint: Sendable {
  /// The size of the header: seven `int32`.
  public static let headerByteCount = 28
  /// The first four bytes of llama2.c's *versioned* export (`"ak42"`), which kvtrace does not read.
  static let versionedMagic: UInt32 = 0x616B_3432

  /// The longest context (`seq_len`) kvtrace accepts.
  public static let maximumContextLength = 1_048_576

  /// The largest value of each header field kvtrace accepts; beyond these a file is not a
  /// model but noise, and its sizes could overflow.
  public static let limits: [(field: String, limit: Int)] = [
    ("dim", 65_536), ("hidden_dim", 262_144), ("n_layers", 1_024), ("n_heads", 65_536),
    ("n_kv_heads", 65_536), ("vocab_size", 1_000_000), ("seq_len", maximumContextLength),
  ]

  /// The model's shape, from the header.
  public let config: ModelConfig
  /// Where each tensor sits.
  let layout: WeightLayout
  /// The whole file, header included.
  let data: Data

  /// Checks `data` as a llama2.c checkpoint.
  ///
  /// The checks run in the order a reader would: the header is there; every field is
  /// positive and plausible; the heads divide the width, the KV heads divide the heads, the
  /// head size is even; the file is exactly as long as that shape needs; and every weight
  /// the model reads is a finite number (one NaN would make every logit NaN).
  ///
  /// - Parameter data: The whole file, used in place.
  /// - Throws: ``CheckpointError`` naming the first problem and its fix.
  public init(_ data: Data) throws(CheckpointError) {
    let layout = try Self.header(data).layout
    _ = try Self.byteCount(header: data, fileSize: data.count)
    try Self.checkFinite(data, layout: layout)
    config = layout.config
    self.layout = layout
    self.data = data
  }

  /// How many bytes the checkpoint whose first bytes are `header` has, checked against
  /// `fileSize`: a reader learns from the header alone what to read, and reads no more.
  ///
  /// - Parameters:
  ///   - header: At least the file's first ``headerByteCount`` bytes.
  ///   - fileSize: The file's size, which must be what the header implies.
  /// - Throws: ``CheckpointError`` for a header that is missing, implausible or inconsistent,
  ///   or a file of another size.
  public static func byteCount(header: Data, fileSize: Int) throws(CheckpointError) -> Int {
    let (fields, layout) = try Self.header(header)
    let expected = headerByteCount + layout.floatCount * MemoryLayout<Float>.size
    guard fileSize == expected else {
      throw .sizeMismatch(expected: expected, actual: fileSize, shape: Self.shape(of: fields))
    }
    return expected
  }

  /// The header's seven fields and the layout of the tensors they describe, checked in the
  /// order a reader would: the header is there; every field is positive and plausible; the
  /// heads divide the width, the KV heads divide the heads, the head size is even.
  private static func header(_ data: Data) throws(CheckpointError)
    -> (fields: [Int], layout: WeightLayout)
  {
    var reader = ByteReader(data)
    var fields: [Int] = []
    while fields.count < 7, let value = reader.int32() { fields.append(value) }
    guard fields.count == 7 else { throw .truncatedHeader(byteCount: data.count) }
    if UInt32(truncatingIfNeeded: fields[0]) == Self.versionedMagic {
      throw .versionedExport(version: fields[1])
    }
    // A negative vocab_size only says where the classifier is; its size is the absolute value.
    let values = fields.enumerated().map { $0.offset == 5 ? abs($0.element) : $0.element }
    for (index, (field, limit)) in Self.limits.enumerated() {
      guard values[index] > 0 else { throw .nonPositive(field: field, value: fields[index]) }
      guard values[index] <= limit else {
        throw .tooLarge(field: field, value: values[index], limit: limit)
      }
    }
    let (dim, hidden, layers, heads, kvHeads, vocabulary, context) = (
      values[0], values[1], values[2], values[3], values[4], values[5], values[6]
    )
    guard dim % heads == 0 else { throw .headsDoNotDivideDim(dim: dim, heads: heads) }
    guard heads % kvHeads == 0 else {
      throw .kvHeadsDoNotDivideHeads(heads: heads, kvHeads: kvHeads)
    }
    guard (dim / heads) % 2 == 0 else { throw .oddHeadSize(dim / heads) }
    let config = ModelConfig(
      layers: layers, heads: heads, kvHeads: kvHeads, dim: dim, mlpDim: hidden,
      contextLength: context, vocabularySize: vocabulary)
    let layout = WeightLayout(
      config: config, includesRotaryTables: true, sharesClassifier: fields[5] > 0)
    return (fields, layout)
  }

  /// Whether the token embedding doubles as the classifier (a positive `vocab_size`).
  public var sharesClassifier: Bool { layout.sharesClassifier }

  /// How many parameters the model has, a shared classifier counted once (about 15 million
  /// for stories15M).
  public var parameterCount: Int { layout.parameterCount }

  /// The header as a reader can check it against llama2.c: `dim 288, hidden_dim 768, …`.
  static func shape(of fields: [Int]) -> String {
    let names = limits.map(\.field)
    return zip(names, fields).map { "\($0) \($1)" }.joined(separator: ", ")
  }
}
