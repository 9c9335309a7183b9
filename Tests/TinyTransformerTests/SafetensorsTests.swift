import Foundation
import Testing

@testable import TinyTransformer

/// The safetensors reader on files written here byte by byte from the format's
/// description: an 8-byte little-endian header length, the JSON header, the data.
@Suite(.tags(.unit)) struct SafetensorsTests {
  /// A file of `header` (JSON text) and `data`.
  static func file(_ header: String, _ data: [UInt8] = [], length: UInt64? = nil) -> Data {
    let json = Array(header.utf8)
    let count = length ?? UInt64(json.count)
    return Data((0..<8).map { UInt8(truncatingIfNeeded: count >> (8 * UInt64($0))) } + json + data)
  }

  static func bytes(_ values: [UInt32]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
  }

  static func error(_ data: Data) -> SafetensorsError? {
    do {
      _ = try SafetensorsFile(data)
      return nil
    } catch {
      return error
    }
  }

  @Test func readsF32F16AndBF16ExactlyAndIgnoresMetadata() throws {
    // F32 [1.5, -2]; F16 [1.0, -0.5, 65504, 2^-24]; BF16 [1.0, -3.0]
    let f32 = Self.bytes([Float(1.5).bitPattern, Float(-2).bitPattern])
    let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xB8, 0xFF, 0x7B, 0x01, 0x00]
    let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0xC0]
    let header = """
      {"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
      "b":{"dtype":"F16","shape":[2,2],"data_offsets":[8,16]},\
      "c":{"dtype":"BF16","shape":[2],"data_offsets":[16,20]}}
      """
    let file = try SafetensorsFile(Self.file(header, f32 + f16 + bf16))
    #expect(file.tensors.count == 3)
    var out = [Float](repeating: 0, count: 4)
    try out.withUnsafeMutableBufferPointer { buffer in
      try file.read("a", shape: [2], into: UnsafeMutableBufferPointer(rebasing: buffer[0..<2]))
    }
    #expect(Array(out[0..<2]) == [1.5, -2])
    try out.withUnsafeMutableBufferPointer { try file.read("b", shape: [2, 2], into: $0) }
    #expect(out == [1, -0.5, 65504, 0x1p-24])
    try out.withUnsafeMutableBufferPointer { buffer in
      try file.read("c", shape: [2], into: UnsafeMutableBufferPointer(rebasing: buffer[0..<2]))
    }
    #expect(Array(out[0..<2]) == [1, -3])
  }

  @Test func aWrongShapeOrAMissingTensorIsNamed() throws {
    let file = try SafetensorsFile(
      Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, Self.bytes([0, 0])))
    var out = [Float](repeating: 0, count: 2)
    #expect(throws: SafetensorsError.wrongShape(tensor: "a", expected: [1, 2], found: [2])) {
      try out.withUnsafeMutableBufferPointer { try file.read("a", shape: [1, 2], into: $0) }
    }
    #expect(throws: SafetensorsError.missingTensor("b")) {
      try out.withUnsafeMutableBufferPointer { try file.read("b", shape: [2], into: $0) }
    }
  }

  @Test func hostileHeadersAreRefusedBeforeAnythingIsAllocated() {
    #expect(Self.error(Data([1, 2, 3])) == .truncatedHeader(fileSize: 3, needed: 8))
    #expect(
      Self.error(Self.file("{}", length: 1000))
        == .truncatedHeader(fileSize: 10, needed: 1008))
    #expect(Self.error(Self.file("{}", length: UInt64.max)) == .headerTooLarge(length: UInt64.max))
    #expect(Self.error(Self.file("[1, 2]")) == .malformedHeader("not a JSON object"))
    #expect(Self.error(Self.file("{nope")) == .malformedHeader("not JSON"))
    let i8 = #"{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#
    #expect(Self.error(Self.file(i8, [0])) == .unsupportedDtype(tensor: "a", dtype: "I8"))
    let outside = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
    #expect(
      Self.error(Self.file(outside, [0, 0, 0, 0])).map { "\($0)" }?.contains("outside") == true)
    let span = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#
    #expect(Self.error(Self.file(span, [0, 0, 0, 0])).map { "\($0)" }?.contains("needs 8") == true)
    let huge = #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#
    #expect(Self.error(Self.file(huge, [0, 0, 0, 0])).map { "\($0)" }?.contains("larger") == true)
    let negative = #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#
    #expect(Self.error(Self.file(negative)) != nil)
  }
}
