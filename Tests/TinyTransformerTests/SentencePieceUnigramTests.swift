// SentencePiece Unigram tokenizers against the libraries they reproduce: the ids, pieces
// and decoded text that `sentencepiece` and `tokenizers` gave for a table of strings.

import Foundation
import Testing
import TinyTransformer

@Suite(.tags(.oracle)) struct SentencePieceUnigramTests {
  let expected: SentencePieceExpectations

  init() throws { expected = try SentencePieceFixtures.expectations() }

  /// Compares one tokenizer with one library's rows, string by string.
  func check(
    _ tokenizer: Tokenizer, against rows: [ReferenceEncoding],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(rows.count == expected.strings.count, sourceLocation: sourceLocation)
    for (text, row) in zip(expected.strings, rows) {
      let ids = tokenizer.encode(text)
      #expect(ids == row.ids, "encode(\(text.debugDescription))", sourceLocation: sourceLocation)
      if let pieces = row.pieces {
        #expect(
          ids.map { tokenizer.piece(of: $0) } == pieces.map(shown),
          "pieces of \(text.debugDescription)", sourceLocation: sourceLocation)
      }
      #expect(
        tokenizer.decode(row.ids) == row.decoded, "decode of \(text.debugDescription)",
        sourceLocation: sourceLocation)
    }
  }

  @Test func sentencepiecesOwnTestModelGivesItsIdsPiecesAndText() throws {
    #expect(expected.strings.count >= 40)
    check(try SentencePieceFixtures.model("test_model.model"), against: expected.testModel)
  }

  @Test func aT5LikeModelGivesSentencepiecesIds() throws {
    check(try SentencePieceFixtures.model("t5like.model"), against: expected.t5like)
  }

  @Test func byteFallbackAndAUserDefinedPieceGiveSentencepiecesIds() throws {
    check(try SentencePieceFixtures.model("bytefallback.model"), against: expected.bytefallback)
  }

  @Test func theConvertedTokenizerJSONGivesTokenizersIds() throws {
    let tokenizer = try Tokenizer(
      tokenizerJSON: SentencePieceFixtures.data("t5like-tokenizer.json"))
    check(tokenizer, against: expected.t5likeTokenizerJson)
    // The post-processor's `</s>` is the model's to append, from the file's own id.
    for (text, full) in zip(expected.strings, expected.t5likeTokenizerJsonFull) {
      #expect(tokenizer.encode(text) + [tokenizer.endOfSequenceToken] == full)
    }
  }

  @Test func stripReplaceAndLegacyMetaspaceGiveTokenizersIds() throws {
    let data = try SentencePieceFixtures.data("t5like-variant-tokenizer.json")
    check(try Tokenizer(tokenizerJSON: data), against: expected.t5likeVariantTokenizerJson)
  }

  @Test func bothFilesOfTheT5LikeModelAgreeExceptOnAddedTokens() throws {
    let model = try SentencePieceFixtures.model("t5like.model")
    let json = try Tokenizer(tokenizerJSON: SentencePieceFixtures.data("t5like-tokenizer.json"))
    let differing = expected.strings.filter { model.encode($0) != json.encode($0) }
    // `tokenizers` matches `</s>`, `<unk>`, `<pad>` and `<extra_id_N>` whole; sentencepiece
    // spells them out of ordinary pieces.
    #expect(differing == ["</s>", "<unk> <pad>", "<extra_id_0> masked <extra_id_1>"])
  }

  @Test func specialIdsAndNamesComeFromTheFile() throws {
    let model = try SentencePieceFixtures.model("t5like.model")
    #expect(model.paddingToken == 0)
    #expect(model.endOfSequenceToken == 1)
    #expect(model.unknownToken == 2)
    #expect(model.beginningOfSequenceToken == nil)
    #expect(model.vocabularySize == 300)
    #expect(model.fileSHA256 == expected.sha256["t5like.model"])
    let json = try Tokenizer(tokenizerJSON: SentencePieceFixtures.data("t5like-tokenizer.json"))
    #expect(json.vocabularySize == 310)
    #expect([json.paddingToken, json.endOfSequenceToken, json.unknownToken] == [0, 1, 2])
    let test = try SentencePieceFixtures.model("test_model.model")
    #expect(
      [test.unknownToken, test.beginningOfSequenceToken, test.endOfSequenceToken] == [0, 1, 2])
    #expect(test.paddingToken == nil)
  }

  @Test func theOldKindsKeepTheirSpecialIds() {
    #expect(Tokenizer.demo.endOfSequenceToken == Tokenizer.eosToken)
    #expect(Tokenizer.demo.beginningOfSequenceToken == Tokenizer.bosToken)
    #expect(Tokenizer.demo.paddingToken == Tokenizer.padToken)
    #expect(Tokenizer.demo.unknownToken == nil)
  }
}

/// How ``Tokenizer/piece(of:)`` shows a piece the reference libraries print as stored:
/// `▁` as a space, a byte piece `<0x6A>` as its ASCII character (others keep their name).
private func shown(_ stored: String) -> String {
  let utf8 = Array(stored.utf8)
  if utf8.count == 6, stored.hasPrefix("<0x"), stored.hasSuffix(">"),
    let byte = UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
  {
    return byte < 0x80 ? String(UnicodeScalar(byte)) : stored
  }
  return stored.replacingOccurrences(of: "\u{2581}", with: " ")
}
