import Foundation

/// Reads little-endian numbers and byte runs from `Data`, never past its end.
///
/// llama2.c's files are raw C structs written on a little-endian machine. Every read here
/// checks the bytes that remain first and returns `nil` instead of trapping, so a truncated
/// or damaged file becomes an error message, never a crash.
struct ByteReader {
  private let data: Data
  /// How many bytes have been read.
  private(set) var offset = 0

  init(_ data: Data) { self.data = data }

  /// How many bytes are left.
  var remaining: Int { data.count - offset }

  /// The next four bytes as a little-endian `UInt32`.
  mutating func uint32() -> UInt32? {
    guard remaining >= 4 else { return nil }
    // Through the bytes themselves: `Data`'s subscript, a byte at a time, is several times
    // slower, and a tokenizer file is read four bytes at a time 64,000 times.
    let value = data.withUnsafeBytes {
      UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    offset += 4
    return value
  }

  /// The next four bytes as a little-endian `Int32`, widened to `Int`.
  mutating func int32() -> Int? { uint32().map { Int(Int32(bitPattern: $0)) } }

  /// The next four bytes as a little-endian IEEE 754 `Float`.
  mutating func float32() -> Float? { uint32().map(Float.init(bitPattern:)) }

  /// The next `count` bytes, or `nil` if fewer remain (or `count` is negative).
  mutating func bytes(_ count: Int) -> [UInt8]? {
    guard count >= 0, remaining >= count else { return nil }
    defer { offset += count }
    return data.withUnsafeBytes {
      Array(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)]))
    }
  }
}
