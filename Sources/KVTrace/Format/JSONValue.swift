/// A parsed JSON value that remembers where in the file it started.
///
/// The trace decoder reads a file into these small trees (one event at a time)
/// and then checks them field by field; the byte offset lets every error name
/// its line and column. Numbers keep their text: whether `3` is an `Int` or
/// `0.05` a `Float` is decided by the field that reads it, so a `Float` is
/// parsed from its own digits and comes back bit for bit.
struct JSONValue: Sendable {
  /// The value itself.
  enum Kind: Sendable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    /// The number's text, as a range of the file's bytes.
    case number(Range<Int>)
    case bool(Bool)
    case null
  }

  var kind: Kind
  /// Where the value starts in the file, in bytes from the beginning.
  var offset: Int

  /// The name of the value's JSON type, for error messages.
  var typeName: String {
    switch kind {
    case .object: "an object"
    case .array: "an array"
    case .string: "a string"
    case .number: "a number"
    case .bool: "true or false"
    case .null: "null"
    }
  }
}

/// One `"key": value` of an object, in the order the file gives them.
struct JSONMember: Sendable {
  var key: String
  var value: JSONValue
}

/// Bad JSON syntax, where it was found, and whether the text simply ran out.
struct JSONSyntaxError: Error, Sendable {
  var offset: Int
  var message: String
  /// The input ended in the middle of a value: the file may have been cut short.
  var atEnd: Bool
}

/// A strict RFC 8259 parser over bytes, with a nesting limit so no input can
/// exhaust the stack.
struct JSONParser {
  /// Deeper nesting than any trace needs is refused rather than recursed into.
  static let maximumDepth = 32

  let bytes: [UInt8]
  /// The next byte to read.
  var index: Int
  /// One past the last byte this parser may read (the end of a JSON Lines line).
  let end: Int
  private var depth = 0

  init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
    self.bytes = bytes
    index = start
    self.end = end ?? bytes.count
  }

  /// The next byte, or nil at the end.
  var peek: UInt8? { index < end ? bytes[index] : nil }

  /// Skips spaces, tabs, carriage returns and newlines.
  mutating func skipWhitespace() {
    while index < end {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  /// Reads `byte` (after whitespace) or fails naming `expected`.
  mutating func expect(_ byte: UInt8, _ expected: String) throws(JSONSyntaxError) {
    skipWhitespace()
    guard peek == byte else { throw unexpected(expected) }
    index += 1
  }

  /// Reads one value and everything inside it.
  mutating func value() throws(JSONSyntaxError) -> JSONValue {
    skipWhitespace()
    let start = index
    guard let byte = peek else { throw unexpected("a value") }
    switch byte {
    case UInt8(ascii: "{"): return JSONValue(kind: .object(try object()), offset: start)
    case UInt8(ascii: "["): return JSONValue(kind: .array(try array()), offset: start)
    case UInt8(ascii: "\""): return JSONValue(kind: .string(try string()), offset: start)
    case UInt8(ascii: "t"): try literal("true")
    case UInt8(ascii: "f"): try literal("false")
    case UInt8(ascii: "n"): try literal("null")
    default: return JSONValue(kind: .number(try number()), offset: start)
    }
    let kind: JSONValue.Kind = byte == UInt8(ascii: "n") ? .null : .bool(byte == UInt8(ascii: "t"))
    return JSONValue(kind: kind, offset: start)
  }

  /// Reads `{ "key": value, … }`.
  mutating func object() throws(JSONSyntaxError) -> [JSONMember] {
    try enter()
    defer { depth -= 1 }
    try expect(UInt8(ascii: "{"), "'{'")
    var members: [JSONMember] = []
    skipWhitespace()
    if peek == UInt8(ascii: "}") {
      index += 1
      return members
    }
    repeat {
      skipWhitespace()
      guard peek == UInt8(ascii: "\"") else { throw unexpected("a key in double quotes") }
      let key = try string()
      try expect(UInt8(ascii: ":"), "':' after the key")
      members.append(JSONMember(key: key, value: try value()))
    } while try another(closing: UInt8(ascii: "}"), "',' or '}'")
    return members
  }

  /// Reads `[ value, … ]`.
  mutating func array() throws(JSONSyntaxError) -> [JSONValue] {
    try enter()
    defer { depth -= 1 }
    try expect(UInt8(ascii: "["), "'['")
    var elements: [JSONValue] = []
    skipWhitespace()
    if peek == UInt8(ascii: "]") {
      index += 1
      return elements
    }
    repeat {
      elements.append(try value())
    } while try another(closing: UInt8(ascii: "]"), "',' or ']'")
    return elements
  }

  /// After an element: true at `,` (another follows), false at the closing bracket.
  mutating func another(closing: UInt8, _ expected: String) throws(JSONSyntaxError) -> Bool {
    skipWhitespace()
    switch peek {
    case UInt8(ascii: ","):
      index += 1
      return true
    case closing:
      index += 1
      return false
    default:
      throw unexpected(expected)
    }
  }

  /// Reads a number's text: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
  mutating func number() throws(JSONSyntaxError) -> Range<Int> {
    let start = index
    if peek == UInt8(ascii: "-") { index += 1 }
    guard let first = peek, Self.isDigit(first) else {
      throw unexpected(index == start ? "a value" : "a digit after '-'")
    }
    if first == UInt8(ascii: "0") {
      index += 1
    } else {
      try digits()
    }
    if peek == UInt8(ascii: ".") {
      index += 1
      try digits()
    }
    if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
      index += 1
      if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
      try digits()
    }
    return start..<index
  }

  private mutating func digits() throws(JSONSyntaxError) {
    guard let first = peek, Self.isDigit(first) else { throw unexpected("a digit") }
    while let byte = peek, Self.isDigit(byte) { index += 1 }
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
    let start = index
    for expected in word.withUTF8Buffer({ Array($0) }) {
      guard let byte = peek else { throw unexpected("'\(word)'") }
      guard byte == expected else {
        index = start
        throw unexpected("a value")
      }
      index += 1
    }
  }

  private mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    guard depth <= Self.maximumDepth else {
      throw JSONSyntaxError(
        offset: index,
        message: "nesting deeper than \(Self.maximumDepth) levels; a trace "
          + "never nests that deep", atEnd: false)
    }
  }

  /// The error for finding something other than `expected` at the current byte.
  func unexpected(_ expected: String) -> JSONSyntaxError {
    guard let byte = peek else {
      return JSONSyntaxError(
        offset: index, message: "the text ends where \(expected) should be", atEnd: true)
    }
    return JSONSyntaxError(
      offset: index, message: "expected \(expected), found \(Self.describe(byte))", atEnd: false)
  }

  static func describe(_ byte: UInt8) -> String {
    switch byte {
    case 0x0A: "a line break"
    case 0x20...0x7E: "'\(Character(Unicode.Scalar(byte)))'"
    default: "the byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
  }
}
