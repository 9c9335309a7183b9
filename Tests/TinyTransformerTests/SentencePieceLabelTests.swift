// How Unigram pieces show on screen and in a trace: `▁` as a space, control characters
// escaped, byte pieces by their byte; and how decoding repairs broken byte runs.

import Foundation
import KVTrace
import Testing
import TinyTransformer

@Suite(.tags(.unit)) struct SentencePieceLabelTests {
  let test: Tokenizer
  let bytes: Tokenizer

  init() throws {
    test = try SentencePieceFixtures.model("test_model.model")
    bytes = try SentencePieceFixtures.model("bytefallback.model")
  }

  @Test func aWordPieceShowsItsSpaceAndItsLabelDropsIt() {
    #expect(test.piece(of: 7) == " the")  // stored as "▁the"
    #expect(test.label(of: 7) == "the")
    #expect(test.label(of: 4) == "␣")  // "▁" alone
    #expect(test.label(of: 4, ascii: true) == "_")
  }

  @Test func controlCharactersAndSpecialsAreEscapedOrNamed() {
    #expect(test.piece(of: 3) == "\r")
    let label = test.label(of: 3)
    #expect(!label.unicodeScalars.contains { $0.value < 0x20 }, "\(label.debugDescription)")
    #expect([test.piece(of: 0), test.piece(of: 1), test.piece(of: 2)] == ["<unk>", "<s>", "</s>"])
    #expect(test.piece(of: 1000) == "<unk:1000>")
    #expect(test.label(of: -1) == "<unk:-1>")
  }

  @Test func bytePiecesShowTheirByte() {
    #expect(bytes.piece(of: 110) == "j")  // <0x6A>
    #expect(bytes.piece(of: 244) == "<0xF0>")
    #expect(bytes.label(of: 244) == "<0xF0>")
    #expect(bytes.piece(of: 3) == "kvtrace")  // the user-defined piece
  }

  @Test func brokenByteRunsDecodeToOneReplacementPerByte() {
    let e2 = 244 - 0xF0 + 0xE2
    let x82 = 244 - 0xF0 + 0x82
    let xAC = 244 - 0xF0 + 0xAC
    #expect(bytes.decode([e2, x82, xAC]) == "€")
    #expect(bytes.decode([e2, x82]) == "\u{FFFD}\u{FFFD}")  // as sentencepiece decodes it
    #expect(bytes.decode([244]) == "\u{FFFD}")
  }

  @Test func theFewestTokensAreTheExactCount() throws {
    for text in ["", "Hello world", "  many   spaces  ", "東京は大きい 😀"] {
      #expect(test.minimumTokenCount(of: text) == test.encode(text).count)
    }
    #expect(throws: DecodeError.self) { try test.encode("the cat sat on the mat", fitting: 3) }
  }
}

@Test(.tags(.unit)) func aModelWithAUnigramTokenizerNamesItInItsTrace() throws {
  let tokenizer = try SentencePieceFixtures.model("test_model.model")
  let config = ModelConfig(
    layers: 1, heads: 2, kvHeads: 2, dim: 16, mlpDim: 24, contextLength: 24,
    vocabularySize: tokenizer.vocabularySize)
  let model = try TinyTransformer(config: config, seed: 1, tokenizer: tokenizer)
  var log = TraceLog(detail: .summary)
  _ = try model.generate(prompt: "I saw a girl", steps: 2, recorder: &log)
  let header = try #require(log.header)
  #expect(header.identity?.tokenizer == "sentencepiece unigram, 1000 pieces")
  #expect(header.identity?.tokenizerSHA256 == tokenizer.fileSHA256)
  #expect(header.promptTokens.map(\.id) == [9, 459, 11, 939])
  #expect(header.promptTokens.map(\.text) == [" I", " saw", " a", " girl"])
}
