extension JSONParser {
  /// Reads a string in double quotes and undoes its escapes.
  ///
  /// Strict, as RFC 8259 asks: control characters must be escaped, every
  /// `\u` escape of a surrogate must come in a high-low pair, and the bytes
  /// must be valid UTF-8 (nothing is silently replaced by U+FFFD).
  mutating func string() throws(JSONSyntaxError) -> String {
    let open = index
    guard peek == UInt8(ascii: "\"") else { throw unexpected("'\"'") }
    index += 1
    let start = index
    var ascii = true
    // The common case: no escapes, so the string is a slice of the file.
    while index < end {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        let slice = bytes[start..<(index - 1)]
        // ASCII is valid UTF-8 as it stands: only other text needs the check.
        return ascii ? String(decoding: slice, as: UTF8.self) : try validated(slice, at: open)
      }
      ascii = ascii && byte < 0x80
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw controlCharacter(byte) }
      index += 1
    }
    var buffer = Array(bytes[start..<index])
    while index < end {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return try validated(buffer[...], at: open)
      }
      if byte == UInt8(ascii: "\\") {
        try escape(into: &buffer)
        continue
      }
      if byte < 0x20 { throw controlCharacter(byte) }
      buffer.append(byte)
      index += 1
    }
    throw JSONSyntaxError(
      offset: open, message: "the text ends inside a string that starts here", atEnd: true)
  }

  /// Reads one escape after a backslash and appends what it stands for.
  private mutating func escape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
    index += 1  // the backslash
    guard let byte = peek else { throw unexpected("an escape such as \\n") }
    let simple: UInt8? =
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte
      case UInt8(ascii: "b"): 0x08
      case UInt8(ascii: "f"): 0x0C
      case UInt8(ascii: "n"): 0x0A
      case UInt8(ascii: "r"): 0x0D
      case UInt8(ascii: "t"): 0x09
      default: nil
      }
    if let simple {
      buffer.append(simple)
      index += 1
      return
    }
    guard byte == UInt8(ascii: "u") else {
      throw JSONSyntaxError(
        offset: index - 1, message: "'\\\(Self.describe(byte))' is not a JSON escape",
        atEnd: false)
    }
    let escapeStart = index - 1
    index += 1
    var scalar = UInt32(try hex4())
    if (0xD800...0xDBFF).contains(scalar) {
      guard peek == UInt8(ascii: "\\"), index + 1 < end, bytes[index + 1] == UInt8(ascii: "u")
      else { throw loneSurrogate(at: escapeStart) }
      index += 2
      let low = UInt32(try hex4())
      guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(at: escapeStart) }
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
    } else if (0xDC00...0xDFFF).contains(scalar) {
      throw loneSurrogate(at: escapeStart)
    }
    guard let unicode = Unicode.Scalar(scalar) else { throw loneSurrogate(at: escapeStart) }
    buffer.append(contentsOf: String(Character(unicode)).utf8)
  }

  /// Reads four hexadecimal digits.
  private mutating func hex4() throws(JSONSyntaxError) -> UInt16 {
    var value: UInt16 = 0
    for _ in 0..<4 {
      guard let byte = peek else { throw unexpected("four hex digits after \\u") }
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw unexpected("four hex digits after \\u")
      }
      value = value << 4 | UInt16(digit)
      index += 1
    }
    return value
  }

  /// The text of `utf8`, or an error if it is not valid UTF-8.
  private func validated(_ utf8: ArraySlice<UInt8>, at offset: Int) throws(JSONSyntaxError)
    -> String
  {
    let text = String(decoding: utf8, as: UTF8.self)
    // Decoding replaces invalid sequences with U+FFFD; any replacement changes the bytes.
    guard text.utf8.elementsEqual(utf8) else {
      throw JSONSyntaxError(
        offset: offset, message: "the string is not valid UTF-8; save the file as UTF-8",
        atEnd: false)
    }
    return text
  }

  private func controlCharacter(_ byte: UInt8) -> JSONSyntaxError {
    let hex = String(byte, radix: 16, uppercase: true)
    let name = byte == 0x0A ? "a line break" : "the control character 0x\(hex)"
    return JSONSyntaxError(
      offset: index,
      message: "\(name) inside a string; JSON strings must escape it (as \\n or \\u00XX)",
      atEnd: false)
  }

  private func loneSurrogate(at offset: Int) -> JSONSyntaxError {
    JSONSyntaxError(
      offset: offset,
      message: "a \\u escape of half a UTF-16 surrogate pair; write the character itself",
      atEnd: false)
  }
}
