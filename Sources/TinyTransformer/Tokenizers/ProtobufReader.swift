/// A reader of protobuf's wire format, just enough for SentencePiece's `ModelProto`.
///
/// A protobuf message is a sequence of fields, each a *key* (a varint holding the field number
/// and a 3-bit wire type) and a value: a varint (type 0), 8 little-endian bytes (type 1), a
/// varint length followed by that many bytes (type 2: strings, bytes and nested messages) or
/// 4 little-endian bytes (type 5). Unknown fields are skipped by their wire type, which is how
/// files written by newer versions stay readable.
///
/// Every length is checked against the bytes that remain in the current message before it
/// is used, so a truncated or hostile file throws ``TokenizerFileProblem`` instead of
/// reading out of bounds. Offsets in errors count from the start of the file.
struct ProtobufReader {
  /// A field's key: its number in the `.proto` and its wire type.
  struct Key {
    var number: UInt64
    var wireType: Int
    /// Where the key starts in the file.
    var offset: Int
  }

  /// The whole file.
  let bytes: [UInt8]
  /// The next byte to read.
  private(set) var position: Int
  /// The end of the current message (exclusive).
  let end: Int

  /// A reader of the whole of `bytes`.
  init(_ bytes: [UInt8]) {
    self.init(bytes: bytes, range: 0..<bytes.count)
  }

  /// A reader of the nested message that occupies `range` of `bytes`.
  init(bytes: [UInt8], range: Range<Int>) {
    self.bytes = bytes
    position = range.lowerBound
    end = range.upperBound
  }

  /// Whether every field of the message has been read.
  var isAtEnd: Bool { position >= end }

  /// The next field's key.
  mutating func key() throws(TokenizerFileProblem) -> Key {
    let offset = position
    let raw = try varint(field: "a field key")
    let wireType = Int(raw & 7)
    guard [0, 1, 2, 5].contains(wireType) else {
      throw .invalidWireType(wireType, offset: offset)
    }
    return Key(number: raw >> 3, wireType: wireType, offset: offset)
  }

  /// A base-128 varint: 7 bits per byte, low bits first, the top bit set on all but the last.
  mutating func varint(field: String) throws(TokenizerFileProblem) -> UInt64 {
    let start = position
    var result: UInt64 = 0
    for shift in stride(from: 0, to: 70, by: 7) {
      guard position < end else { throw .truncated(field: field, offset: start) }
      let byte = bytes[position]
      position += 1
      if shift < 64 { result |= UInt64(byte & 0x7F) << UInt64(shift) }
      if byte & 0x80 == 0 { return result }
    }
    // More than ten bytes: no varint is that long.
    throw .invalidWireType(0, offset: start)
  }

  /// The range of a length-delimited value (a string, bytes or a nested message).
  mutating func lengthDelimited(field: String) throws(TokenizerFileProblem) -> Range<Int> {
    let start = position
    let length = try varint(field: field)
    let remaining = end - position
    guard length <= UInt64(remaining) else {
      throw .lengthPastEnd(field: field, offset: start, length: length, remaining: remaining)
    }
    let range = position..<(position + Int(length))
    position = range.upperBound
    return range
  }

  /// A little-endian fixed-width value of `width` bytes (4 or 8).
  mutating func fixed(width: Int, field: String) throws(TokenizerFileProblem) -> UInt64 {
    guard end - position >= width else { throw .truncated(field: field, offset: position) }
    var result: UInt64 = 0
    for index in 0..<width {
      result |= UInt64(bytes[position + index]) << UInt64(8 * index)
    }
    position += width
    return result
  }

  /// A `float` field (wire type 5).
  mutating func float(field: String) throws(TokenizerFileProblem) -> Float {
    Float(bitPattern: UInt32(truncatingIfNeeded: try fixed(width: 4, field: field)))
  }

  /// A UTF-8 string field, its invalid bytes (if any) repaired to U+FFFD.
  mutating func string(field: String) throws(TokenizerFileProblem) -> String {
    String(decoding: bytes[try lengthDelimited(field: field)], as: UTF8.self)
  }

  /// Skips the value of a field we do not read.
  mutating func skip(_ key: Key) throws(TokenizerFileProblem) {
    let field = "field \(key.number)"
    switch key.wireType {
    case 0: _ = try varint(field: field)
    case 1: _ = try fixed(width: 8, field: field)
    case 2: _ = try lengthDelimited(field: field)
    default: _ = try fixed(width: 4, field: field)
    }
  }
}
