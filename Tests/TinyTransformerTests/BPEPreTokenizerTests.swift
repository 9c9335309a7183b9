// The hand-written pre-tokenizers against `tokenizers`' regular expressions (Oniguruma): the
// words each pattern cut the table of tricky strings into, spelled in GPT-2's byte alphabet.

import Testing

@testable import TinyTransformer

@Suite(.tags(.oracle)) struct BPEPreTokenizerTests {
  @Test(arguments: ByteLevelPreTokenizer.allCases)
  func splitsAsTheRegexDoes(_ kind: ByteLevelPreTokenizer) throws {
    let expected = try BPEFixtures.expectations()
    let rows = try #require(expected.preTokenized[kind.rawValue])
    for (text, words) in zip(expected.strings, rows) {
      let scalars = Array(text.unicodeScalars)
      let split = kind.split(scalars).map { range in
        ByteLevelAlphabet.spell(String(String.UnicodeScalarView(scalars[range])).utf8)
      }
      #expect(split == words, "\(text.debugDescription)")
    }
  }

  @Test func alphabetCoversEveryByteOnce() {
    #expect(Set(ByteLevelAlphabet.characters).count == 256)
    #expect(ByteLevelAlphabet.spell([0x20, 0x0A, 0x41, 0xAD]) == "ĠĊAŃ")
    #expect(ByteLevelAlphabet.bytes(of: "Ġquick") == Array(" quick".utf8))
    #expect(ByteLevelAlphabet.bytes(of: "<|im_start|>") == Array("<|im_start|>".utf8))
    #expect(ByteLevelAlphabet.bytes(of: "☃") == nil)
  }
}
