import Foundation

extension Tokenizer {
  /// The fewest tokens ``encode(_:)`` can return for `text`, found from its length alone.
  ///
  /// Every token stands for at most as many bytes of text as its longest piece: a word piece
  /// or a character for its own bytes, a byte token for one byte, and a merged llama2.c piece
  /// for the two pieces it joins, whose stored bytes are its own. So `n` bytes of text need at
  /// least ⌈n / longest⌉ tokens, plus, in a llama2.c vocabulary, `<s>` and the dummy-prefix
  /// space. Counting bytes is linear and cheap, where encoding is the expensive part; a prompt
  /// that cannot fit is refused before it starts (``encode(_:fitting:)``).
  public func minimumTokenCount(of text: String) -> Int {
    let bytes = text.utf8.count
    switch kind {
    case .words(let words):
      return Self.ceilingDivision(bytes, max(words.longestPiece, 1))
    case .sentencePiece(let pieces):
      guard bytes > 0 else { return 1 }  // `<s>` alone
      return 1 + Self.ceilingDivision(bytes + 1, pieces.longestPiece)  // `<s>`, then " " + text
    case .unigram(let unigram):
      // Normalization may shrink text without bound (a run of spaces, a run of unknown
      // characters becomes one `<unk>`), so no length-only bound is safe: count exactly.
      return unigram.encode(text).count
    case .bytePair(let bytePair):
      // Every token, special ones included, spells at most the longest piece's bytes; text
      // put in normal form C first may have shrunk (e + ◌́ is é).
      let beginning = bytePair.addsBeginning ? 1 : 0
      let encoded =
        bytePair.composesText ? text.precomposedStringWithCanonicalMapping.utf8.count : bytes
      return beginning + Self.ceilingDivision(encoded, bytePair.longestPiece)
    }
  }

  /// Splits text into token ids, refusing text that cannot fit in `positions` positions
  /// before encoding it.
  ///
  /// A model reads at most its context's worth of tokens, so a prompt of 100,000 characters
  /// is refused either way; checking ``minimumTokenCount(of:)`` first means it is refused at
  /// once instead of after the tokenizer has merged all of it. Text that passes is encoded
  /// as ``encode(_:)`` does, and the model checks the exact count (with the decode steps).
  ///
  /// - Parameters:
  ///   - text: The prompt.
  ///   - positions: The most tokens it may have: the model's context length.
  /// - Returns: `encode(text)`.
  /// - Throws: ``DecodeError/promptTooLong(atLeast:contextLength:)`` when the text surely
  ///   makes more than `positions` tokens.
  public func encode(_ text: String, fitting positions: Int) throws(DecodeError) -> [Int] {
    let least = minimumTokenCount(of: text)
    guard least <= positions else {
      throw .promptTooLong(atLeast: least, contextLength: positions)
    }
    return encode(text)
  }

  /// ⌈a / b⌉ for a ≥ 0 and b > 0.
  private static func ceilingDivision(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}
