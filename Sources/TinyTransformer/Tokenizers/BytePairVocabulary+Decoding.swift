extension BytePairVocabulary {
  /// The text of `tokens`: their bytes joined and read as UTF-8, invalid sequences (a
  /// character cut between tokens that never gets its other half) repaired to U+FFFD.
  /// Special tokens give their text; ids out of range are skipped.
  func decode(_ tokens: [Int]) -> String {
    var bytes: [UInt8] = []
    for token in tokens where pieces.indices.contains(token) { bytes += pieces[token] }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The text a token stands for: `" quick"` for `Ġquick`, `"<|im_start|>"` for that special.
  /// A byte that is not a whole UTF-8 character on its own shows as its hex name (`<0xE2>`).
  func piece(of token: Int) -> String {
    guard pieces.indices.contains(token) else { return Tokenizer.unknownPiece(token) }
    return Self.readable(pieces[token])
  }

  /// A short label for a screen: the piece without its leading space, every scalar visible
  /// (`"↵"` for a newline, `"␣␣"` for two spaces, `"<0xE2>"` for a stray byte).
  func label(of token: Int, ascii: Bool) -> String {
    Tokenizer.pieceLabel(piece(of: token), ascii: ascii)
  }

  /// `bytes` as text, each well-formed UTF-8 character as itself and every other byte by
  /// its hex name.
  static func readable(_ bytes: [UInt8]) -> String {
    var text = ""
    var index = 0
    while index < bytes.count {
      let length = sequenceLength(bytes[index])
      if length > 0, index + length <= bytes.count,
        let character = String(validating: bytes[index..<(index + length)], as: UTF8.self)
      {
        text += character
        index += length
      } else {
        text += Tokenizer.hexName(of: bytes[index])
        index += 1
      }
    }
    return text
  }

  /// How many bytes a UTF-8 sequence starting with `lead` has, or 0 if `lead` cannot start one.
  private static func sequenceLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0x00..<0x80: 1
    case 0xC2..<0xE0: 2
    case 0xE0..<0xF0: 3
    case 0xF0..<0xF5: 4
    default: 0
    }
  }
}
