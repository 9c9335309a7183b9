import Foundation
import Testing
import TinyTransformer
import Training

/// The demo vocabulary written as llama2.c's `tokenizer.bin`: read back field by field
/// against the layout llama2.c's `run.c` reads.
@Suite(.tags(.unit)) struct TrainTokenizerFileTests {
  /// The pieces and scores of a `tokenizer.bin`, read as `run.c`'s `build_tokenizer` does.
  static func read(_ data: Data, count: Int) -> (
    maxLength: Int, pieces: [[UInt8]], scores: [Float]
  )? {
    let bytes = [UInt8](data)
    var offset = 0
    func int32() -> Int? {
      guard offset + 4 <= bytes.count else { return nil }
      defer { offset += 4 }
      return Int(
        Int32(bitPattern: bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }))
    }
    guard let maxLength = int32() else { return nil }
    var pieces: [[UInt8]] = []
    var scores: [Float] = []
    for _ in 0..<count {
      guard let bits = int32(), let length = int32(), offset + length <= bytes.count else {
        return nil
      }
      scores.append(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
      pieces.append(Array(bytes[offset..<offset + length]))
      offset += length
    }
    return offset == bytes.count ? (maxLength, pieces, scores) : nil
  }

  @Test func everyTokenIsWrittenAsLlama2cNamesIt() throws {
    let demo = Tokenizer.demo
    let file = try #require(
      Self.read(Llama2cTokenizerFile.data(for: demo), count: demo.vocabularySize))
    let text = file.pieces.map { String(decoding: $0, as: UTF8.self) }
    #expect(Array(text.prefix(4)) == ["<unk>", "<s>", "</s>", "<start>"])
    let a = try #require(demo.encode("A").first)
    #expect(text[a] == "<0x41>")
    let high = try #require(demo.encode("é").first)
    #expect(text[high] == "<0xC3>")
    for word in [" quick", " fox", "The"] {
      let id = try #require(demo.encode(word).first)
      #expect(demo.encode(word).count == 1)
      #expect(text[id] == word)
      #expect(file.scores[id] == Float(word.utf8.count))
    }
    #expect(file.maxLength == file.pieces.map(\.count).max())
    #expect(file.scores.prefix(4).allSatisfy { $0 == 0 })
  }

  @Test func decodingThePiecesGivesTheDemoText() throws {
    let demo = Tokenizer.demo
    let file = try #require(
      Self.read(Llama2cTokenizerFile.data(for: demo), count: demo.vocabularySize))
    // llama2.c's decode: a piece <0xHH> is that byte, any other piece its bytes.
    func decode(_ ids: [Int]) -> String {
      var bytes: [UInt8] = []
      for id in ids {
        let piece = String(decoding: file.pieces[id], as: UTF8.self)
        if piece.count == 6, piece.hasPrefix("<0x"),
          let byte = UInt8(piece.dropFirst(3).prefix(2), radix: 16)
        {
          bytes.append(byte)
        } else if id > 3 {
          bytes += file.pieces[id]
        }
      }
      return String(decoding: bytes, as: UTF8.self)
    }
    for text in ["The quick brown fox jumps over the lazy dog.", "Lily saw a red ball. Naïve!"] {
      #expect(decode(demo.encode(text)) == text)
    }
  }
}
