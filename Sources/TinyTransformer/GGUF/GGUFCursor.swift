/// Reads GGUF's little-endian numbers, strings and values from a byte buffer, checking
/// every length and count against the bytes that remain before reading or allocating.
///
/// A hostile file can claim a string of 2^60 bytes or an array of 2^60 elements; the
/// cursor compares such a claim with what is left of the file (each element takes at
/// least its type's ``GGUFValueType/minimumByteCount``) and reports the file as
/// truncated instead of reserving memory for it.
struct GGUFCursor {
  /// The whole file.
  let bytes: UnsafeRawBufferPointer
  /// The next byte to read, from the start of `bytes`.
  var offset = 0

  /// Arrays inside arrays deeper than this are refused (a deep nest would exhaust the stack).
  static let maximumArrayDepth = 8

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  /// Bytes left after `offset`.
  var remaining: Int { bytes.count - offset }

  /// Throws unless `count` bytes remain.
  func need(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
    guard count >= 0, count <= remaining else {
      throw .truncated(what: what(), offset: offset, needed: count, fileSize: bytes.count)
    }
  }

  /// Throws unless `count` items of at least `size` bytes each can fit in what remains.
  func need(count: UInt64, of size: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
    let (total, overflow) = count.multipliedReportingOverflow(by: UInt64(size))
    guard !overflow, total <= UInt64(remaining) else {
      throw .truncated(
        what: what(), offset: offset, needed: overflow ? Int.max : Int(clamping: total),
        fileSize: bytes.count)
    }
  }

  /// The next fixed-size number.
  mutating func load<T: FixedWidthInteger>(
    _ type: T.Type, _ what: @autoclosure () -> String
  ) throws(GGUFError) -> T {
    try need(MemoryLayout<T>.size, what())
    let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
    offset += MemoryLayout<T>.size
    return T(littleEndian: value)
  }

  /// The next string: an 8-byte length, then that many bytes of UTF-8.
  mutating func string(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
    let length = try load(UInt64.self, what())
    try need(count: length, of: 1, what())
    let count = Int(length)
    let run = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    guard let text = String(validating: run, as: UTF8.self) else {
      throw .invalidUTF8(what: what())
    }
    offset += count
    return text
  }

  /// The next value type number.
  mutating func valueType(key: String) throws(GGUFError) -> GGUFValueType {
    let raw = try load(UInt32.self, "the type of metadata '\(key)'")
    guard let type = GGUFValueType(rawValue: raw) else {
      throw .unknownValueType(key: key, type: raw)
    }
    return type
  }

  /// The next value of `type`, for the metadata entry `key`.
  mutating func value(
    _ type: GGUFValueType, key: String, depth: Int = 0
  ) throws(GGUFError) -> GGUFValue {
    // Only an error message needs this text: build it only then (arrays of strings
    // have 50,000 elements).
    func what() -> String { "the value of metadata '\(key)'" }
    switch type {
    case .uint8: return .uint8(try load(UInt8.self, what()))
    case .int8: return .int8(try load(Int8.self, what()))
    case .uint16: return .uint16(try load(UInt16.self, what()))
    case .int16: return .int16(try load(Int16.self, what()))
    case .uint32: return .uint32(try load(UInt32.self, what()))
    case .int32: return .int32(try load(Int32.self, what()))
    case .uint64: return .uint64(try load(UInt64.self, what()))
    case .int64: return .int64(try load(Int64.self, what()))
    case .float32: return .float32(Float(bitPattern: try load(UInt32.self, what())))
    case .float64: return .float64(Double(bitPattern: try load(UInt64.self, what())))
    case .bool: return .bool(try load(UInt8.self, what()) != 0)
    case .string: return .string(try string(what()))
    case .array: return try array(key: key, depth: depth)
    }
  }

  /// The next array: element type, 8-byte count, the elements.
  mutating func array(key: String, depth: Int) throws(GGUFError) -> GGUFValue {
    guard depth < Self.maximumArrayDepth else { throw .arrayTooDeep(key: key) }
    let elementType = try valueType(key: key)
    let count = try load(UInt64.self, "the length of array '\(key)'")
    try need(count: count, of: elementType.minimumByteCount, "the elements of array '\(key)'")
    var items: [GGUFValue] = []
    items.reserveCapacity(Int(count))
    for _ in 0..<Int(count) {
      items.append(try value(elementType, key: key, depth: depth + 1))
    }
    return .array(elementType, items)
  }
}
