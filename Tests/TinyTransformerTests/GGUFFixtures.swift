import Foundation

@testable import TinyTransformer

/// The GGUF files `Fixtures/gguf/make_fixtures.py` wrote with gguf-py, and the reference
/// floats gguf-py's dequantizer computed for them.
enum GGUFFixtures {
  /// `Fixtures/gguf`.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/gguf")

  /// The block formats of `all-types.gguf`, one tensor `t.<name>` each.
  static let types: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q4_K, .q6_K]
  /// Rows and columns of each `t.<name>` tensor.
  static let rows = 3
  static let columns = 512

  static func data(_ name: String) throws -> Data {
    try Data(contentsOf: root.appendingPathComponent(name))
  }

  static func file(_ name: String) throws -> GGUFFile {
    try GGUFFile(data: data(name))
  }

  /// Raw little-endian float32 values from `reference/<name>.f32`.
  static func floats(_ name: String) throws -> [Float] {
    let bytes = try data("reference/\(name).f32")
    return stride(from: 0, to: bytes.count, by: 4).map { i in
      let start = bytes.startIndex + i
      var bits: UInt32 = 0
      for k in 0..<4 { bits |= UInt32(bytes[start + k]) << (8 * k) }
      return Float(bitPattern: bits)
    }
  }

  /// What `parse` threw, or `nil` if the bytes parsed.
  static func error(_ data: Data, acceptingAnyType: Bool = false) -> GGUFError? {
    do {
      _ = try GGUFFile(data: data, acceptingAnyType: acceptingAnyType)
      return nil
    } catch {
      return error
    }
  }
}
