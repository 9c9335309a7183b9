import Foundation

/// A GGUF file, parsed and checked: its metadata, its tensors, where their bytes are.
///
/// GGUF (llama.cpp's format) is, in little-endian order: the magic `GGUF`, a
/// version (2 or 3), the tensor count and the metadata count (8 bytes each), the
/// metadata (key, value type, value), the tensor infos (name, dimension count,
/// dimensions, type, offset), padding to `general.alignment` (default 32), then the
/// tensors' bytes, each at its offset from that data section's start. The bytes stay
/// in the `Data` they were read from (a mapped file maps them): nothing is copied.
package struct GGUFFile: Sendable {
  /// The GGUF version (2 or 3).
  package let version: UInt32
  /// The metadata keys, in file order.
  package let metadataKeys: [String]
  /// The metadata values by key.
  package let metadata: [String: GGUFValue]
  /// The tensors, in file order.
  package let tensors: [GGUFTensorInfo]
  /// `general.alignment`, or 32 when the file does not set it.
  package let alignment: Int
  /// The absolute offset in `data` of the data section (where tensor offsets count from).
  package let dataStart: Int
  /// The file's bytes.
  package let data: Data

  private let tensorIndex: [String: Int]

  /// Parses and checks a GGUF file.
  ///
  /// - Parameters:
  ///   - data: the file's bytes (the command line maps the file).
  ///   - acceptingAnyType: also accept tensors in formats kvtrace cannot multiply (to
  ///     list a file's contents); a model needs the default, `false`.
  /// - Throws: ``GGUFError`` naming the first problem found.
  package init(data: Data, acceptingAnyType: Bool = false) throws(GGUFError) {
    let parsed: Result<GGUFLayout, GGUFError> = data.withUnsafeBytes { raw in
      do throws(GGUFError) {
        return .success(try GGUFLayout(raw, acceptingAnyType: acceptingAnyType))
      } catch {
        return .failure(error)
      }
    }
    let layout = try parsed.get()
    self.data = data
    version = layout.version
    metadataKeys = layout.metadataKeys
    metadata = layout.metadata
    tensors = layout.tensors
    alignment = layout.alignment
    dataStart = layout.dataStart
    var index: [String: Int] = [:]
    for (i, tensor) in tensors.enumerated() { index[tensor.name] = i }
    tensorIndex = index
  }

  /// The tensor named `name`, if the file has it.
  package func tensor(named name: String) -> GGUFTensorInfo? {
    tensorIndex[name].map { tensors[$0] }
  }

  /// A metadata value, as stored.
  package func value(_ key: String) -> GGUFValue? { metadata[key] }

  /// A string value.
  package func string(_ key: String) -> String? { metadata[key]?.string }

  /// An integer value of any width, if it fits an `Int`.
  package func int(_ key: String) -> Int? { metadata[key]?.int }

  /// A float32 or float64 value.
  package func float(_ key: String) -> Float? { metadata[key]?.float }

  /// A boolean value.
  package func bool(_ key: String) -> Bool? {
    if case .bool(let b) = metadata[key] { return b }
    return nil
  }

  /// An array of strings (`tokenizer.ggml.tokens`, `tokenizer.ggml.merges`).
  package func strings(_ key: String) -> [String]? {
    guard case .array(.string, let items) = metadata[key] else { return nil }
    return items.compactMap(\.string)
  }

  /// An array of integers of any width (`tokenizer.ggml.token_type`); `nil` if one
  /// does not fit an `Int`.
  package func ints(_ key: String) -> [Int]? {
    guard case .array(_, let items) = metadata[key] else { return nil }
    var out: [Int] = []
    out.reserveCapacity(items.count)
    for item in items {
      guard let v = item.int else { return nil }
      out.append(v)
    }
    return out
  }

  /// An array of floats (`tokenizer.ggml.scores`).
  package func floats(_ key: String) -> [Float]? {
    guard case .array(_, let items) = metadata[key] else { return nil }
    var out: [Float] = []
    out.reserveCapacity(items.count)
    for item in items {
      guard let v = item.float else { return nil }
      out.append(v)
    }
    return out
  }

  /// Calls `body` with a pointer to the tensor's first byte.
  ///
  /// Rows follow one another, `tensor.rowByteCount` bytes apart.
  package func withTensorBytes<R>(
    _ tensor: GGUFTensorInfo, _ body: (UnsafeRawPointer) throws -> R
  ) rethrows -> R {
    try data.withUnsafeBytes { raw in try body(raw.baseAddress! + tensor.offset) }
  }
}
