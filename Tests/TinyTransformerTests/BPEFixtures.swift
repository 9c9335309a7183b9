// The byte-level BPE fixtures: tiny trained tokenizers, SmolLM2's real vocabulary and merges,
// and the ids `tokenizers` gave for a table of strings (Fixtures/bpe/make_fixtures.py made
// them from the SmolLM2 GGUF; tests never run it).

import Foundation
import TinyTransformer

/// Fixtures/bpe/expected.json.
struct BPEExpectations: Decodable, Sendable {
  struct Meta: Decodable, Sendable {
    var bos: Int
    var eos: Int
    var unknown: Int
    var padding: Int
    var addBos: Bool
    var control: [Int]
    enum CodingKeys: String, CodingKey {
      case bos, eos, unknown, padding, control
      case addBos = "add_bos"
    }
  }

  var strings: [String]
  var tiny: [[Int]]
  var tinyDecoded: [String]
  var smollm2: [[Int]]
  var smollm2Pieces: [[String]]
  var smollm2Meta: Meta
  var tinyLlama3: [[Int]]
  var tinyQwen2: [[Int]]
  var preTokenized: [String: [[String]]]

  enum CodingKeys: String, CodingKey {
    case strings, tiny, smollm2
    case tinyDecoded = "tiny_decoded"
    case smollm2Pieces = "smollm2_pieces"
    case smollm2Meta = "smollm2_meta"
    case tinyLlama3 = "tiny_llama3"
    case tinyQwen2 = "tiny_qwen2"
    case preTokenized = "pre_tokenized"
  }
}

/// Fixtures/bpe/tiny_gguf.json: the tiny tokenizer as GGUF's tokenizer.ggml.* arrays.
struct TinyGGUFArrays: Decodable, Sendable {
  var tokens: [String]
  var tokenType: [Int]
  var merges: [String]
  var pre: String
  var bos: Int
  var eos: Int
  var unknown: Int
  var addBos: Bool
  enum CodingKeys: String, CodingKey {
    case tokens, merges, pre, bos, eos, unknown
    case tokenType = "token_type"
    case addBos = "add_bos"
  }
}

/// Fixtures/bpe/chat.json: templates and what jinja2 rendered for one user message.
struct ChatExpectations: Decodable, Sendable {
  var prompts: [String]
  var bos: [String: String]
  var templates: [String: String]
  var rendered: [String: [String]]
}

enum BPEFixtures {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/bpe")

  static func data(_ name: String) throws -> Data {
    try Data(contentsOf: folder.appendingPathComponent(name))
  }

  static func expectations() throws -> BPEExpectations {
    try JSONDecoder().decode(BPEExpectations.self, from: data("expected.json"))
  }

  static func chat() throws -> ChatExpectations {
    try JSONDecoder().decode(ChatExpectations.self, from: data("chat.json"))
  }

  /// The lines of a text fixture (one token or merge per line).
  static func lines(_ name: String) throws -> [String] {
    try data(name).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
      .dropLast().map { String(decoding: $0, as: UTF8.self) }
  }

  /// The tiny tokenizer built from its GGUF-style arrays.
  static func tinyFromArrays() throws -> Tokenizer {
    let arrays = try JSONDecoder().decode(TinyGGUFArrays.self, from: data("tiny_gguf.json"))
    return try Tokenizer(
      byteLevelTokens: arrays.tokens, merges: arrays.merges, tokenTypes: arrays.tokenType,
      preTokenizer: arrays.pre, beginningOfSequence: arrays.bos, endOfSequence: arrays.eos,
      unknown: arrays.unknown, addsBeginningOfSequence: arrays.addBos)
  }

  /// SmolLM2-135M-Instruct's tokenizer, from the arrays its GGUF holds (read once).
  static let smollm2: Result<Tokenizer, any Error> = Result {
    let meta = try expectations().smollm2Meta
    let tokens = try lines("smollm2_tokens.txt")
    let control = Set(meta.control)
    return try Tokenizer(
      byteLevelTokens: tokens, merges: lines("smollm2_merges.txt"),
      tokenTypes: tokens.indices.map { control.contains($0) ? 3 : 1 }, preTokenizer: "smollm",
      beginningOfSequence: meta.bos, endOfSequence: meta.eos, unknown: meta.unknown,
      padding: meta.padding, addsBeginningOfSequence: meta.addBos,
      chatTemplate: chat().templates["smollm2"])
  }
}
