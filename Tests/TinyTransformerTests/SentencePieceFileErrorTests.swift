// Damaged and hostile spiece.model / tokenizer.json files: one clear TokenizerError each,
// never a trap.

import Foundation
import Testing
import TinyTransformer

/// Protobuf bytes written by hand: a key, then a varint or a length-delimited value.
private enum Proto {
  static func varint(_ value: UInt64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    repeat {
      bytes.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
      value >>= 7
    } while value > 0
    return bytes
  }

  static func bytes(_ field: UInt64, _ payload: [UInt8]) -> [UInt8] {
    varint(field << 3 | 2) + varint(UInt64(payload.count)) + payload
  }

  static func number(_ field: UInt64, _ value: UInt64) -> [UInt8] {
    varint(field << 3) + varint(value)
  }

  /// A `SentencePiece` message.
  static func piece(_ text: String, type: UInt64) -> [UInt8] {
    bytes(1, bytes(1, Array(text.utf8)) + number(3, type))
  }

  /// A small Unigram model: `<unk>`, `▁a`, with `normalizer` as its NormalizerSpec.
  static func model(normalizer: [UInt8] = [], modelType: UInt64 = 1) -> Data {
    Data(
      piece("<unk>", type: 2) + piece("\u{2581}a", type: 1)
        + bytes(2, number(3, modelType)) + bytes(3, normalizer))
  }
}

/// A charsmap whose trie has 256 units, one of which points far outside them.
private func charsmapPointingOutside() -> [UInt8] {
  var units = [UInt32](repeating: 0, count: 256)
  units[0] = 1 << 10  // the root: label 0, offset 1
  units[5] = 4096 << 10  // label 0, offset 4096: children at 4096 ^ 5 ^ c, past unit 255
  let trie = units.flatMap { unit in (0..<4).map { UInt8(truncatingIfNeeded: unit >> (8 * $0)) } }
  return [0x00, 0x04, 0x00, 0x00] + trie + [0x61, 0x00]
}

@Suite(.tags(.unit)) struct SentencePieceFileErrorTests {
  func problem(model data: Data) -> TokenizerFileProblem? {
    do {
      _ = try Tokenizer(sentencePieceModel: data)
      return nil
    } catch {
      guard case .unusableModelFile(let problem) = error else { return nil }
      return problem
    }
  }

  func problem(json text: String) -> TokenizerFileProblem? {
    do {
      _ = try Tokenizer(tokenizerJSON: Data(text.utf8))
      return nil
    } catch {
      guard case .unusableModelFile(let problem) = error else { return nil }
      return problem
    }
  }

  @Test func aFileCutInsideAKeyIsTruncated() {
    #expect(problem(model: Data([0x0A])) == .truncated(field: "piece 0", offset: 1))
    #expect(problem(model: Data([0x0A, 0x80])) == .truncated(field: "piece 0", offset: 1))
  }

  @Test func aLengthPastTheEndIsRefusedBeforeReading() {
    #expect(
      problem(model: Data([0x0A, 0x05, 0x0A, 0x01]))
        == .lengthPastEnd(field: "piece 0", offset: 1, length: 5, remaining: 2))
    let real = try? SentencePieceFixtures.data("t5like.model")
    guard let real else { return #expect(Bool(false), "the fixture loads") }
    guard case .lengthPastEnd = problem(model: real.prefix(1000)) else {
      return #expect(Bool(false), "a model cut at 1000 bytes")
    }
  }

  @Test func aTwoGigabyteClaimIsRefused() {
    let data = Data([0x0A] + Proto.varint(1 << 31) + [0x0A, 0x01, 0x61])
    #expect(
      problem(model: data)
        == .lengthPastEnd(field: "piece 0", offset: 1, length: 1 << 31, remaining: 3))
  }

  @Test func groupsAndOverlongVarintsAreNotSentencePiece() {
    #expect(problem(model: Data([0x0B])) == .invalidWireType(3, offset: 0))
    #expect(problem(model: Data(repeating: 0xFF, count: 11)) == .invalidWireType(0, offset: 0))
  }

  @Test func aCharsmapWhoseTriePointsOutsideItselfIsRefused() {
    let spec = Proto.bytes(2, charsmapPointingOutside())
    guard case .invalidCharsmap(let reason) = problem(model: Proto.model(normalizer: spec)) else {
      return #expect(Bool(false), "the charsmap is refused")
    }
    #expect(reason.contains("trie unit 5 points to"))
    #expect(problem(model: Proto.model()) == nil, "the same model without the map loads")
  }

  @Test func bpeModelsAreNotSupported() {
    #expect(
      problem(model: Proto.model(modelType: 2)) == .unsupportedModelType(.sentencePieceModel, "BPE")
    )
    // A tokenizer.json BPE is read when it is byte-level; this one has no pre-tokenizer.
    let json = #"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}"#
    #expect(problem(json: json) == .unsupportedPreTokenizer(.tokenizerJSON, "none"))
  }

  @Test func malformedTokenizerJSONIsNamed() {
    #expect(problem(json: "{") == .invalidJSON("it does not parse as JSON"))
    #expect(problem(json: "[]") == .invalidJSON("the file is not a JSON object"))
    let badPair = #"{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["a"]]}}"#
    #expect(problem(json: badPair) == .invalidJSON("vocab entry 0 is not a [piece, score] pair"))
    let emptyAdded = #"""
      {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]]},
       "added_tokens": [{"id": 0, "content": ""}]}
      """#
    #expect(
      problem(json: emptyAdded)
        == .invalidModel(.tokenizerJSON, "added token 0 is the empty string"))
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(problem(json: deep) == .invalidJSON("it nests arrays or objects more than 64 deep"))
    let badUnknown = #"{"model": {"type": "Unigram", "unk_id": 5, "vocab": [["a", -1.0]]}}"#
    guard case .invalidModel(.tokenizerJSON, _) = problem(json: badUnknown) else {
      return #expect(Bool(false), "an unk_id outside the vocab")
    }
  }

  @Test func anOversizedTokenizerJSONIsRefusedBeforeParsing() {
    let data = Data(count: Tokenizer.maxModelFileBytes + 1)
    #expect(
      throws: TokenizerError.unusableModelFile(
        .fileTooLarge(.tokenizerJSON, byteCount: data.count, limit: Tokenizer.maxModelFileBytes))
    ) { try Tokenizer(tokenizerJSON: data) }
  }

  @Test func everyDescriptionIsOneLineNamingTheFileToUse() {
    let problems: [TokenizerFileProblem] = [
      .truncated(field: "piece 0", offset: 1), .invalidWireType(3, offset: 0),
      .lengthPastEnd(field: "piece 0", offset: 1, length: 1 << 31, remaining: 3),
      .invalidCharsmap("x"), .unsupportedModelType(.tokenizerJSON, "BPE\u{1B}[31m"),
      .invalidModel(.sentencePieceModel, "it has no pieces"), .invalidJSON("x"),
      .fileTooLarge(.tokenizerJSON, byteCount: 1, limit: 0),
    ]
    for problem in problems {
      let line = TokenizerError.unusableModelFile(problem).description
      #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{7F}" }, "\(line)")
      #expect(line.contains("spiece.model") || line.contains("tokenizer"), "\(line)")
    }
  }

  @Test func everyPrefixAndEveryFlippedByteOfAModelThrowsOrLoads() throws {
    let data = try SentencePieceFixtures.data("bytefallback.model")
    for length in stride(from: 0, to: data.count, by: 5) {
      _ = problem(model: data.prefix(length))
    }
    var random = SplitMix64(seed: 18)
    for _ in 0..<300 {
      var damaged = data
      damaged[Int.random(in: 0..<data.count, using: &random)] = UInt8.random(
        in: 0...255, using: &random)
      if let tokenizer = try? Tokenizer(sentencePieceModel: damaged) {
        _ = tokenizer.decode(tokenizer.encode("kv cache kvtrace 😀"))
      }
    }
  }
}
