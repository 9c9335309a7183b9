/// GPT-2's byte-level alphabet: every one of the 256 byte values spelled as one printable
/// character, so that a vocabulary of byte strings can be stored as ordinary text.
///
/// Bytes that are already printable and unambiguous keep their own character: `!`…`~`,
/// `¡`…`¬` and `®`…`ÿ` (188 of them). The other 68, the space, the control bytes, `0x7F`…
/// `0xA0` and `0xAD`, are given the characters U+0100, U+0101, … in byte order. So a space
/// (`0x20`, the 33rd such byte) is written `Ġ` (U+0120) and a newline (`0x0A`) `Ċ` (U+010A):
/// the piece `Ġquick` is the bytes of `" quick"`.
enum ByteLevelAlphabet {
  /// The character of each byte value, indexed by the byte.
  static let characters: [Unicode.Scalar] = {
    var table = [Unicode.Scalar](repeating: " ", count: 256)
    var next: UInt32 = 256
    for byte in 0..<256 {
      if keepsItsOwnCharacter(UInt8(byte)) {
        table[byte] = Unicode.Scalar(UInt8(byte))
      } else {
        table[byte] = Unicode.Scalar(next) ?? " "
        next += 1
      }
    }
    return table
  }()

  /// The byte each character of the alphabet stands for.
  static let bytes: [Unicode.Scalar: UInt8] = {
    var map: [Unicode.Scalar: UInt8] = [:]
    for (byte, character) in characters.enumerated() { map[character] = UInt8(byte) }
    return map
  }()

  /// Whether `byte` is written as the Latin-1 character of the same value.
  static func keepsItsOwnCharacter(_ byte: UInt8) -> Bool {
    (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
  }

  /// The alphabet spelling of some bytes: `[0x20, 0x71]` gives `"Ġq"`.
  static func spell(_ bytes: some Sequence<UInt8>) -> String {
    var scalars = String.UnicodeScalarView()
    for byte in bytes { scalars.append(characters[Int(byte)]) }
    return String(scalars)
  }

  /// The bytes an alphabet spelling stands for, or `nil` if a character is outside the
  /// alphabet (the text of a special token such as `<|im_start|>` is ordinary text instead).
  static func bytes(of spelling: String) -> [UInt8]? {
    var result: [UInt8] = []
    result.reserveCapacity(spelling.unicodeScalars.count)
    for scalar in spelling.unicodeScalars {
      guard let byte = bytes[scalar] else { return nil }
      result.append(byte)
    }
    return result
  }
}
