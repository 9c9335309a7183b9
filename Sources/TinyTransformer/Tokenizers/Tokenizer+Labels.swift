// How pieces are shown on screen: the same rules for both kinds of vocabulary.

import KVTrace

extension Tokenizer {
  /// The piece of a byte token: the byte itself if it is ASCII, else its hex name.
  static func byteText(_ byte: UInt8) -> String {
    byte < 0x80 ? String(Unicode.Scalar(byte)) : hexName(of: byte)
  }

  /// The label of a byte token: a visible stand-in for ASCII, else its hex name.
  static func byteLabel(_ byte: UInt8, ascii: Bool) -> String {
    byte < 0x80 ? visible(Unicode.Scalar(byte), ascii: ascii) : hexName(of: byte)
  }

  /// The label of a text piece: without its leading space (unless it is all whitespace),
  /// every scalar visible.
  static func pieceLabel(_ piece: String, ascii: Bool) -> String {
    var shown = Substring(piece)
    if shown.first == " ", !shown.allSatisfy(\.isWhitespace) { shown = shown.dropFirst() }
    return shown.unicodeScalars.map { visible($0, ascii: ascii) }.joined()
  }

  /// What an id outside the vocabulary shows as.
  static func unknownPiece(_ token: Int) -> String { "<unk:\(token)>" }

  /// A printable stand-in for one scalar of a label.
  static func visible(_ scalar: Unicode.Scalar, ascii: Bool) -> String {
    switch scalar {
    case " ": return ascii ? "_" : "␣"
    case "\n": return ascii ? "\\n" : "↵"
    case "\t": return ascii ? "\\t" : "⇥"
    default: break
    }
    if TerminalText.isControl(scalar) { return TerminalText.name(of: scalar) }
    if ascii && !scalar.isASCII {
      return "<U+" + hex(scalar.value, width: 4) + ">"
    }
    return String(scalar)
  }

  /// The name of a byte token, e.g. `"<0xE2>"`.
  static func hexName(of byte: UInt8) -> String {
    "<0x" + hex(UInt32(byte), width: 2) + ">"
  }

  /// Uppercase hexadecimal, zero-padded to at least `width` digits.
  static func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
