// Byte-level BPE files kvtrace cannot use: one line naming what is unsupported or damaged.

import Foundation
import Testing
import TinyTransformer

@Suite(.tags(.unit)) struct BPEFileErrorTests {
  /// A tokenizer from arrays, or the one-line description of why not.
  func failure(
    tokens: [String] = ["a", "b", "ab"], merges: [String] = ["a b"], types: [Int]? = nil,
    pre: String? = "gpt2", bos: Int? = nil
  ) -> String? {
    do {
      _ = try Tokenizer(
        byteLevelTokens: tokens, merges: merges, tokenTypes: types, preTokenizer: pre,
        beginningOfSequence: bos, endOfSequence: nil, addsBeginningOfSequence: false)
      return nil
    } catch {
      #expect(!error.description.contains("\n"))
      return error.description
    }
  }

  @Test func goodArraysLoad() throws {
    #expect(failure() == nil)
    let tokenizer = try Tokenizer(
      byteLevelTokens: ["a", "b", "ab"], merges: ["a b"], preTokenizer: nil,
      beginningOfSequence: nil, endOfSequence: nil, addsBeginningOfSequence: false)
    #expect(tokenizer.encode("abab") == [2, 2])
  }

  @Test func unknownPreTokenizerIsNamed() {
    #expect(failure(pre: "deepseek-llm")?.contains("pre-tokenizer 'deepseek-llm'") == true)
  }

  @Test func damagedArraysAreNamed() {
    #expect(failure(merges: ["a c"])?.contains("merge 0 joins pieces") == true)
    #expect(failure(merges: ["ab"])?.contains("merge 0 is not two pieces") == true)
    #expect(failure(types: [1])?.contains("3 tokens but 1 token types") == true)
    #expect(failure(bos: 7)?.contains("special token id 7") == true)
    #expect(failure(tokens: [], merges: [])?.contains("it has no tokens") == true)
  }

  /// The tiny tokenizer.json with one part replaced.
  func tokenizerJSON(_ change: (inout [String: Any]) -> Void) throws -> Data {
    let data = try BPEFixtures.data("tiny_tokenizer.json")
    var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    change(&root)
    return try JSONSerialization.data(withJSONObject: root)
  }

  @Test func unsupportedTokenizerJSONShapesAreNamed() throws {
    let whitespace = try tokenizerJSON { $0["pre_tokenizer"] = ["type": "Whitespace"] }
    #expect(throws: TokenizerError.self) { try Tokenizer(tokenizerJSON: whitespace) }
    do {
      _ = try Tokenizer(tokenizerJSON: whitespace)
    } catch {
      #expect(error.description.contains("pre-tokenizer 'Whitespace'"))
    }
    let wordPiece = try tokenizerJSON {
      var model = $0["model"] as? [String: Any] ?? [:]
      model["type"] = "WordPiece"
      $0["model"] = model
    }
    #expect(
      throws: TokenizerError.unusableModelFile(.unsupportedModelType(.tokenizerJSON, "WordPiece"))
    ) { try Tokenizer(tokenizerJSON: wordPiece) }
    let split = try tokenizerJSON {
      $0["pre_tokenizer"] = [
        "type": "Sequence",
        "pretokenizers": [
          ["type": "Split", "pattern": ["Regex": "\\w+"], "behavior": "Isolated", "invert": false],
          ["type": "ByteLevel", "use_regex": false],
        ],
      ]
    }
    #expect(
      throws: TokenizerError.unusableModelFile(
        .unsupportedPreTokenizer(.tokenizerJSON, "Split \\w+"))
    ) { try Tokenizer(tokenizerJSON: split) }
  }
}
