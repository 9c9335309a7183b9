// The SentencePiece fixtures: model files and the ids the reference libraries gave for a
// table of strings (Fixtures/sentencepiece/make_fixtures.py made them; tests never run it).

import Foundation
import TinyTransformer

/// What `sentencepiece` or `tokenizers` gave for one string.
struct ReferenceEncoding: Decodable, Sendable {
  var ids: [Int]
  var pieces: [String]?
  var decoded: String
}

/// Fixtures/sentencepiece/expected.json.
struct SentencePieceExpectations: Decodable, Sendable {
  var strings: [String]
  var sha256: [String: String]
  var testModel: [ReferenceEncoding]
  var t5like: [ReferenceEncoding]
  var bytefallback: [ReferenceEncoding]
  var t5likeTokenizerJson: [ReferenceEncoding]
  var t5likeTokenizerJsonFull: [[Int]]
  var t5likeVariantTokenizerJson: [ReferenceEncoding]

  enum CodingKeys: String, CodingKey {
    case strings, sha256, t5like, bytefallback
    case testModel = "test_model"
    case t5likeTokenizerJson = "t5like_tokenizer_json"
    case t5likeTokenizerJsonFull = "t5like_tokenizer_json_full"
    case t5likeVariantTokenizerJson = "t5like_variant_tokenizer_json"
  }
}

enum SentencePieceFixtures {
  /// The folder of the fixtures.
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/sentencepiece")

  /// The bytes of fixture `name`.
  static func data(_ name: String) throws -> Data {
    try Data(contentsOf: folder.appendingPathComponent(name))
  }

  /// The recorded reference outputs.
  static func expectations() throws -> SentencePieceExpectations {
    try JSONDecoder().decode(SentencePieceExpectations.self, from: data("expected.json"))
  }

  /// A tokenizer loaded from a `.model` fixture.
  static func model(_ name: String) throws -> Tokenizer {
    try Tokenizer(sentencePieceModel: data(name))
  }
}
