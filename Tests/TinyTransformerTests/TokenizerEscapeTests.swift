// A tokenizer.bin is a file like any other: pieces holding escape sequences are shown escaped.

import KVTrace
import Testing
import TinyTransformer

@Test(.tags(.unit)) func hostilePiecesLabelWithoutControlCharacters() throws {
  let pieces: [(String, Float)] = [
    ("\u{1B}]0;title\u{07}", -1), ("\u{9B}2J", -1), ("\u{08}\u{00}\u{7F}", -1), (" \u{1B}[H", -1),
  ]
  let vocab = 259 + pieces.count
  let tokenizer = try Tokenizer(
    llama2cTokenizer: tokenizerData(vocab: vocab, pieces: pieces), vocabularySize: vocab)
  for id in 0..<vocab {
    for ascii in [false, true] {
      let label = tokenizer.label(of: id, ascii: ascii)
      #expect(!label.unicodeScalars.contains(where: TerminalText.isControl), "id \(id): \(label)")
    }
  }
  #expect(tokenizer.label(of: 259) == "<0x1B>]0;title<0x07>")
  #expect(tokenizer.label(of: 260) == "<U+009B>2J")
}
