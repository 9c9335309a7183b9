// Byte-level BPE tokenizers against `tokenizers`: the ids it gave for a table of tricky
// strings, for a tiny trained vocabulary (from tokenizer.json and from GGUF-style arrays) and
// for SmolLM2's real one.

import Foundation
import Testing
import TinyTransformer

@Suite(.tags(.oracle)) struct ByteLevelBPETests {
  let expected: BPEExpectations

  init() throws { expected = try BPEFixtures.expectations() }

  /// Compares a tokenizer's ids with the reference's, string by string, and checks that
  /// decoding gives the text back.
  func check(
    _ tokenizer: Tokenizer, against rows: [[Int]], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(rows.count == expected.strings.count, sourceLocation: sourceLocation)
    for (text, ids) in zip(expected.strings, rows) {
      let encoded = tokenizer.encode(text)
      #expect(encoded == ids, "\(text.debugDescription)", sourceLocation: sourceLocation)
      #expect(tokenizer.decode(encoded) == text, sourceLocation: sourceLocation)
      #expect(
        tokenizer.minimumTokenCount(of: text) <= encoded.count, sourceLocation: sourceLocation)
    }
  }

  @Test func tinyFromTokenizerJSONMatchesTokenizers() throws {
    let tokenizer = try Tokenizer(tokenizerJSON: BPEFixtures.data("tiny_tokenizer.json"))
    check(tokenizer, against: expected.tiny)
    #expect(expected.strings.map { tokenizer.decode(tokenizer.encode($0)) } == expected.tinyDecoded)
  }

  @Test func tinyFromGGUFArraysMatchesTokenizers() throws {
    check(try BPEFixtures.tinyFromArrays(), against: expected.tiny)
  }

  @Test func smollm2MatchesTokenizersOnTheRealVocabulary() throws {
    let tokenizer = try BPEFixtures.smollm2.get()
    #expect(tokenizer.vocabularySize == 49_152)
    check(tokenizer, against: expected.smollm2)
    #expect(tokenizer.encode("The quick brown fox") == [504, 2365, 6354, 16438])
    #expect(tokenizer.beginningOfSequenceToken == 1)
    #expect(tokenizer.endOfSequenceToken == 2)
  }

  @Test func llama3TokenizerJSONAddsBeginningAndIgnoresMerges() throws {
    let tokenizer = try Tokenizer(tokenizerJSON: BPEFixtures.data("tiny_llama3_tokenizer.json"))
    for (text, ids) in zip(expected.strings, expected.tinyLlama3) {
      #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
    }
    #expect(tokenizer.encode("").first == tokenizer.beginningOfSequenceToken)
  }

  @Test func qwen2TokenizerJSONComposesAndSplitsDigits() throws {
    let tokenizer = try Tokenizer(tokenizerJSON: BPEFixtures.data("tiny_qwen2_tokenizer.json"))
    for (text, ids) in zip(expected.strings, expected.tinyQwen2) {
      #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
    }
  }

  @Test func labelsAreReadable() throws {
    let tokenizer = try BPEFixtures.smollm2.get()
    let ids = tokenizer.encode("The quick brown fox")
    #expect(ids.map { tokenizer.piece(of: $0) } == ["The", " quick", " brown", " fox"])
    #expect(ids.map { tokenizer.label(of: $0) } == ["The", "quick", "brown", "fox"])
    #expect(tokenizer.label(of: 198) == "↵")  // Ċ
    #expect(tokenizer.label(of: 197) == "⇥")  // ĉ
    #expect(tokenizer.label(of: 256) == "␣␣")  // ĠĠ
    #expect(tokenizer.label(of: 198, ascii: true) == "\\n")
    #expect(tokenizer.label(of: 1) == "<|im_start|>")
    #expect(tokenizer.piece(of: 10813) == "<0xF0><0x9F>")  // ðŁ: half an emoji
    #expect(tokenizer.piece(of: 49_152) == "<unk:49152>")
    for id in 0..<tokenizer.vocabularySize {
      let label = tokenizer.label(of: id)
      #expect(!label.isEmpty)
      #expect(
        !label.unicodeScalars.contains { $0.properties.generalCategory == .control },
        "label of \(id)")
    }
  }

  @Test func decodingRepairsCutCharacters() throws {
    let tokenizer = try BPEFixtures.smollm2.get()
    #expect(tokenizer.decode([10813]) == "\u{FFFD}")
    #expect(tokenizer.decode([504, 99_999, -1, 2365]) == "The quick")
  }
}
