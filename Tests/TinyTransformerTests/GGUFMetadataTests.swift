import Foundation
import Testing

@testable import TinyTransformer

/// Metadata of every GGUF value type, as gguf-py's writer stored it, read back.
@Suite(.tags(.unit)) struct GGUFMetadataTests {
  static let file = Result { try GGUFFixtures.file("metadata.gguf") }

  @Test func everyScalarTypeReadsBackExactly() throws {
    let file = try Self.file.get()
    #expect(file.version == 3)
    #expect(file.value("v.uint8") == .uint8(200))
    #expect(file.value("v.int8") == .int8(-100))
    #expect(file.value("v.uint16") == .uint16(60000))
    #expect(file.value("v.int16") == .int16(-30000))
    #expect(file.value("v.uint32") == .uint32(4_000_000_000))
    #expect(file.value("v.int32") == .int32(-2_000_000_000))
    #expect(file.value("v.uint64") == .uint64(18_000_000_000_000_000_000))
    #expect(file.value("v.int64") == .int64(-9_000_000_000_000_000_000))
    #expect(file.value("v.float32") == .float32(1e-5))
    #expect(file.value("v.float64") == .float64(100000.5))
    #expect(file.bool("v.true") == true)
    #expect(file.bool("v.false") == false)
    #expect(file.string("v.string") == "héllo ✓ 🦊")
    #expect(file.string("v.empty") == "")
    #expect(file.string("general.architecture") == "llama")
  }

  @Test func typedAccessorsConvertWhereTheyShouldAndOnlyThere() throws {
    let file = try Self.file.get()
    #expect(file.int("v.uint8") == 200)
    #expect(file.int("v.int64") == -9_000_000_000_000_000_000)
    #expect(file.int("v.uint64") == nil)  // above Int.max
    #expect(file.int("v.string") == nil)
    #expect(file.float("v.float32") == 1e-5)
    #expect(file.float("v.float64") == 100000.5)
    #expect(file.float("v.int32") == nil)
    #expect(file.string("v.int32") == nil)
    #expect(file.int("no.such.key") == nil)
    #expect(file.bool("v.uint8") == nil)
  }

  @Test func arraysReadBackWithTheirElementTypes() throws {
    let file = try Self.file.get()
    #expect(file.strings("a.strings") == ["<s>", "Ġquick", "", "日本"])
    #expect(file.ints("a.int32") == [1, -2, 3])
    #expect(file.ints("a.uint8") == [0, 255])
    #expect(file.floats("a.float32") == [0.5, -1.25, 3.0])
    #expect(file.value("a.bool") == .array(.bool, [.bool(true), .bool(false), .bool(true)]))
    #expect(
      file.value("a.nested")
        == .array(.array, [.array(.int32, [.int32(1), .int32(2)]), .array(.int32, [.int32(3)])]))
    #expect(file.strings("a.int32") == nil)
    #expect(file.ints("a.strings") == nil)
    #expect(file.floats("a.nested") == nil)
  }

  @Test func keysKeepFileOrderAndAlignmentMovesTheDataSection() throws {
    let file = try Self.file.get()
    #expect(file.metadataKeys.first == "general.architecture")
    #expect(file.metadataKeys.count == 22)
    #expect(file.alignment == 64)
    #expect(file.dataStart % 64 == 0)
    let first = try #require(file.tensor(named: "first"))
    let second = try #require(file.tensor(named: "second"))
    #expect(first.offset == file.dataStart)
    #expect(second.offset == file.dataStart + 64)  // 32 bytes, padded to 64
    #expect(second.dimensions == [32, 2])
    #expect(file.tensors.map(\.name) == ["first", "second"])
    #expect(file.tensor(named: "third") == nil)
  }

  @Test func tensorBytesAreWhereTheInfoSays() throws {
    let file = try Self.file.get()
    let second = try #require(file.tensor(named: "second"))
    let values: [Float] = file.withTensorBytes(second) { base in
      (0..<64).map { base.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
    }
    #expect(values == (0..<64).map(Float.init))
  }
}
