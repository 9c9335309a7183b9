// Issue 15, finding 4: a prompt that cannot fit the context is refused from its length alone,
// before the tokenizer merges it. The bound used is a true lower bound on the token count.

import Foundation
import KVTrace
import Testing
import TinyTransformer

@Suite(.tags(.unit)) struct PromptLengthTests {
  /// A llama2.c vocabulary that really merges: every pair and triple over "ab ", best first.
  static func merging() throws -> Tokenizer {
    let letters = ["a", "b", " "]
    let pairs = letters.flatMap { x in letters.map { x + $0 } }
    let triples = pairs.flatMap { x in letters.map { x + $0 } }
    let pieces = (letters + pairs + triples).enumerated().map { ($1, Float(-$0)) }
    let vocab = 259 + pieces.count
    return try Tokenizer(
      llama2cTokenizer: tokenizerData(vocab: vocab, pieces: pieces), vocabularySize: vocab)
  }

  static let texts: [String] = {
    var noise = FixtureNoise(state: 7)
    let alphabet = ["a", "b", " ", "é", "日", "🦊", "\n", "The", " quick", "ing"]
    return (0..<200).map { _ in
      let length = Int((noise.next() + 1) * 20)
      return (0..<length).map { _ in alphabet[Int((noise.next() + 1) * 5) % 10] }.joined()
    }
  }()

  @Test(arguments: ["demo", "llama2.c"])
  func theBoundNeverExceedsTheRealCount(_ name: String) throws {
    let tokenizer = name == "demo" ? Tokenizer.demo : try Self.merging()
    for text in Self.texts + ["", "a", "aaa", String(repeating: "ab ", count: 50)] {
      let count = tokenizer.encode(text).count
      #expect(tokenizer.minimumTokenCount(of: text) <= count, "\(name): '\(text)'")
      #expect(throws: Never.self) { try tokenizer.encode(text, fitting: count) }
      if !text.isEmpty {
        #expect(throws: DecodeError.self) { try tokenizer.encode(text, fitting: 0) }
      }
    }
  }

  @Test func theBoundIsTheBytesOverTheLongestPiece() throws {
    let merging = try Self.merging()
    // llama2.c: `<s>`, then the dummy space and 100,001 bytes in pieces of at most 6 stored
    // bytes (the byte tokens' `<0x41>`, which a merge could reach).
    let long = String(repeating: "ab ", count: 33_334).dropLast().description
    #expect(long.utf8.count == 100_001)
    #expect(merging.minimumTokenCount(of: long) == 1 + 100_002 / 6)
    #expect(merging.minimumTokenCount(of: "") == 1)
    #expect(Tokenizer.demo.minimumTokenCount(of: "") == 0)
  }

  @Test(arguments: ["demo", "llama2.c"])
  func aPromptThatCannotFitIsRefusedBeforeEncoding(_ name: String) throws {
    let tokenizer = name == "demo" ? Tokenizer.demo : try Self.merging()
    let long = String(repeating: "ab ", count: 33_334)
    let least = tokenizer.minimumTokenCount(of: long)
    #expect(least > 256, "\(name)")
    #expect(throws: DecodeError.promptTooLong(atLeast: least, contextLength: 256)) {
      try tokenizer.encode(long, fitting: 256)
    }
    #expect(throws: Never.self) { try tokenizer.encode("ab ab", fitting: 256) }
    let text = DecodeError.promptTooLong(atLeast: least, contextLength: 256).description
    #expect(text.hasPrefix("the prompt is too long: it makes at least \(least) tokens"))
  }

  @Test func bothArchitecturesRefuseALongPromptText() throws {
    let long = String(repeating: "The quick brown fox. ", count: 5_000)
    var config = ModelConfig.demo(vocabularySize: Tokenizer.demo.vocabularySize)
    config.contextLength = 64
    let least = Tokenizer.demo.minimumTokenCount(of: long)
    let model = try TinyTransformer(config: config, seed: 1)
    #expect(throws: DecodeError.promptTooLong(atLeast: least, contextLength: 64)) {
      _ = try model.generate(prompt: long, steps: 1)
    }
    let encoderDecoder = try EncoderDecoderTransformer(config: config, seed: 1)
    var none = NoRecorder()
    #expect(throws: DecodeError.promptTooLong(atLeast: least, contextLength: 64)) {
      _ = try encoderDecoder.generate(source: long, steps: 1, recorder: &none)
    }
  }
}
