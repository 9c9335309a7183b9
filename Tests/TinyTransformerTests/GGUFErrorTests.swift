import Foundation
import Testing

@testable import TinyTransformer

/// Broken GGUF files (make_fixtures.py breaks one valid file one way each): each gives
/// its own GGUFError with a one-line description, and no damage crashes the reader.
@Suite(.tags(.unit)) struct GGUFErrorTests {
  static func error(_ name: String) throws -> GGUFError? {
    GGUFFixtures.error(try GGUFFixtures.data("bad/\(name).gguf"))
  }

  @Test func theUndamagedFileParses() throws {
    let file = try GGUFFixtures.file("small.gguf")
    #expect(file.tensors.map(\.name) == ["a.weight", "b.weight", "c.weight"])
    #expect(file.strings("a.tokens") == ["a", "b", "c"])
  }

  /// Each broken file, the error it must give, and words its description must hold.
  static let broken: [(file: String, error: @Sendable (GGUFError) -> Bool, words: String)] = [
    ("wrong-magic", { if case .wrongMagic = $0 { true } else { false } }, "not a GGUF file"),
    ("version-99", { $0 == .unsupportedVersion(99) }, "GGUF version 99"),
    ("truncated-header", { if case .truncated = $0 { true } else { false } }, "the tensor count"),
    ("truncated-metadata", { if case .truncated = $0 { true } else { false } }, "metadata key 1"),
    ("truncated-tensor-infos", { if case .truncated = $0 { true } else { false } }, "c.weight"),
    (
      "truncated-data",
      { if case .tensorPastEnd(tensor: "c.weight", _, _) = $0 { true } else { false } },
      "c.weight"
    ),
    (
      "tensor-past-end",
      { if case .tensorPastEnd(tensor: "b.weight", _, _) = $0 { true } else { false } },
      "ends at byte"
    ),
    (
      "misaligned-offset",
      { $0 == .misalignedTensor(tensor: "b.weight", offset: 4, alignment: 32) }, "alignment"
    ),
    ("overlapping-tensors", { $0 == .overlappingTensors("a.weight", "b.weight") }, "overlap"),
    ("unknown-type", { $0 == .unknownTensorType(tensor: "b.weight", type: 99) }, "type number 99"),
    ("duplicate-tensor", { $0 == .duplicateTensor("a.weight") }, "twice"),
    (
      "bad-row-length", { if case .badShape(tensor: "c.weight", _) = $0 { true } else { false } },
      "33 numbers"
    ),
    ("huge-array-count", { if case .truncated = $0 { true } else { false } }, "array 'a.tokens'"),
    ("huge-string-length", { if case .truncated = $0 { true } else { false } }, "metadata key 1"),
    ("huge-tensor-count", { if case .truncated = $0 { true } else { false } }, "tensor infos"),
    ("non-utf8", { if case .invalidUTF8 = $0 { true } else { false } }, "UTF-8"),
    ("value-type-99", { $0 == .unknownValueType(key: "general.name", type: 99) }, "value type 99"),
  ]

  @Test func everyBrokenFileGivesItsError() throws {
    for (name, matches, words) in Self.broken {
      let error = try #require(try Self.error(name), "\(name) parsed")
      #expect(matches(error), "\(name): \(error)")
      #expect(!error.description.contains("\n"), "\(name): more than one line")
      #expect(error.description.contains(words), "\(name): \(error)")
    }
  }

  @Test func anUnsupportedTypeIsNamedWithTheFormatsKvtraceReads() throws {
    let error = try #require(try Self.error("unsupported-q5_1"))
    #expect(error == .unsupportedTensorType(tensor: "blk.0.attn_q.weight", type: .q5_1))
    #expect(
      error.description.hasPrefix(
        "tensor 'blk.0.attn_q.weight' is Q5_1, which kvtrace cannot read; "
          + "supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q4_K, Q6_K"))
    // Listing a file's contents may accept it.
    let listed = try GGUFFile(
      data: GGUFFixtures.data("bad/unsupported-q5_1.gguf"), acceptingAnyType: true)
    #expect(listed.tensors.first?.type == .q5_1)
  }

  @Test func everyPrefixOfAValidFileIsRefusedWithoutACrash() throws {
    let data = try GGUFFixtures.data("small.gguf")
    let file = try GGUFFile(data: data)
    // The writer pads after the last tensor too; a file cut in that padding is whole.
    let end = try #require(file.tensors.map { $0.offset + $0.byteCount }.max())
    #expect(end < data.count)
    #expect(GGUFFixtures.error(data.prefix(end)) == nil)
    for length in 0..<end {
      let error = try #require(GGUFFixtures.error(data.prefix(length)), "prefix \(length) parsed")
      // Cut inside the header, metadata or infos: truncated; cut after the infos (in the
      // padding or the data): a tensor runs past the end.
      let infosRead = length >= file.dataStart - (file.alignment - 1)
      switch error {
      case .truncated: #expect(length < file.dataStart, "prefix \(length): \(error)")
      case .tensorPastEnd: #expect(infosRead, "prefix \(length): \(error)")
      default: Issue.record("prefix \(length): \(error)")
      }
      #expect(!error.description.contains("\n"))
    }
  }

  @Test func everyOneByteDamageBeforeTheDataIsParsedOrRefusedInOneLine() throws {
    // A trap would end the test process; an error must still be one line.
    let data = try GGUFFixtures.data("small.gguf")
    let file = try GGUFFile(data: data)
    var refused = 0
    for index in 0..<file.dataStart {
      for value: UInt8 in [0x00, 0x7F, 0x80, 0xFF] where data[index] != value {
        var damaged = data
        damaged[index] = value
        guard let error = GGUFFixtures.error(damaged) else { continue }
        refused += 1
        #expect(!error.description.contains("\n"), "byte \(index) = \(value): \(error)")
      }
    }
    #expect(refused > file.dataStart)  // most damage is caught (not only a name's letters)
  }

  @Test func namesFromTheFileAreShownWithoutControlCharacters() {
    let error = GGUFError.duplicateTensor("evil\u{1B}[2Jname\n")
    #expect(error.description.contains("evil\\u{1B}[2Jname\\u{A}"))
    #expect(!error.description.contains("\u{1B}"))
  }
}
