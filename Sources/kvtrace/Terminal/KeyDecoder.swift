import KVTraceRender

/// Turns the bytes a raw-mode terminal sends into ``Key``s: a pure state machine.
///
/// Keys may arrive split across reads (`ESC` now, `[A` a moment later), and Esc
/// itself is the first byte of every arrow key. So the decoder keeps an
/// unfinished sequence until more bytes come; when none come for a short while,
/// the caller calls ``flush()`` and a lone `ESC` becomes ``Key/escape``. It
/// knows the two ways terminals spell arrows (`ESC [ A` and, in application
/// mode, `ESC O A`), modifiers on them (`ESC [ 1 ; 5 C`), Home, End, Page Up
/// (`ESC [ 5 ~`), Page Down (`ESC [ 6 ~`) and Shift-Tab; other sequences are
/// read to their end and dropped, so their bytes never turn into stray keys.
struct KeyDecoder: Sendable {
  /// The longest sequence kept; anything longer is not a key we know.
  static let maximumSequence = 32

  private var pending: [UInt8] = []

  /// Whether bytes wait for more: an Esc that may begin a sequence, a split character.
  var isWaiting: Bool { !pending.isEmpty }

  /// The keys completed by `bytes`, in order.
  mutating func decode(_ bytes: some Sequence<UInt8>) -> [Key] {
    pending += bytes
    return drain(atEnd: false)
  }

  /// The keys left when no more bytes are coming soon: a lone Esc is Esc; an
  /// unfinished sequence or character is dropped.
  mutating func flush() -> [Key] {
    drain(atEnd: true)
  }

  private mutating func drain(atEnd: Bool) -> [Key] {
    var keys: [Key] = []
    while !pending.isEmpty {
      guard let (key, length) = Self.parse(pending[...], atEnd: atEnd) else { break }
      if let key { keys.append(key) }
      pending.removeFirst(max(1, min(length, pending.count)))
    }
    return keys
  }

  /// The key at the start of `bytes` and how many bytes it takes, or `nil` when
  /// more bytes are needed to tell.
  private static func parse(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> (Key?, Int)? {
    guard let first = bytes.first else { return nil }
    switch first {
    case 0x1B: return escape(bytes, atEnd: atEnd)
    case 0x03: return (.interrupt, 1)
    case 0x09: return (.tab, 1)
    case 0x0A, 0x0D: return (.enter, 1)
    case 0x20...0x7E: return (.character(Character(Unicode.Scalar(first))), 1)
    case 0xC2...0xF4: return utf8(bytes, atEnd: atEnd)
    default: return (nil, 1)  // other control bytes, stray continuation bytes
    }
  }

  /// `ESC`, `ESC [ … final`, `ESC O x`, or Alt with a key (dropped).
  private static func escape(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> (Key?, Int)? {
    let start = bytes.startIndex
    guard bytes.count > 1 else { return atEnd ? (.escape, 1) : nil }
    switch bytes[start + 1] {
    case 0x1B: return (.escape, 1)  // Esc pressed twice: the first is alone
    case UInt8(ascii: "["): return csi(bytes, atEnd: atEnd)
    case UInt8(ascii: "O"):
      guard bytes.count > 2 else { return atEnd ? (nil, 2) : nil }
      return (finalKey(bytes[start + 2], parameters: []), 3)
    default: return (nil, 2)  // Alt with a key: not one of ours
    }
  }

  /// A control sequence: `ESC [`, parameter bytes (`0`–`?`), intermediate bytes
  /// (space–`/`), then one final byte (`@`–`~`).
  private static func csi(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> (Key?, Int)? {
    let start = bytes.startIndex
    var index = start + 2
    while index < bytes.endIndex {
      let byte = bytes[index]
      let length = index - start + 1
      switch byte {
      case 0x20...0x3F where length < maximumSequence: index += 1
      case 0x40...0x7E:
        return (finalKey(byte, parameters: Array(bytes[(start + 2)..<index])), length)
      default: return (nil, index - start)  // malformed: drop it, and read on from this byte
      }
    }
    return atEnd ? (nil, bytes.count) : nil
  }

  private static func finalKey(_ final: UInt8, parameters: [UInt8]) -> Key? {
    switch final {
    case UInt8(ascii: "A"): return .up
    case UInt8(ascii: "B"): return .down
    case UInt8(ascii: "C"): return .right
    case UInt8(ascii: "D"): return .left
    case UInt8(ascii: "H"): return .home
    case UInt8(ascii: "F"): return .end
    case UInt8(ascii: "Z"): return .backTab
    case UInt8(ascii: "~"):
      switch String(decoding: parameters, as: UTF8.self) {
      case "1", "7": return .home
      case "4", "8": return .end
      case "5": return .pageUp
      case "6": return .pageDown
      default: return nil
      }
    default: return nil
    }
  }

  /// A character of two to four UTF-8 bytes.
  private static func utf8(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> (Key?, Int)? {
    let first = bytes[bytes.startIndex]
    let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
    let available = bytes.prefix(length)
    let continuations = available.dropFirst().prefix { $0 & 0xC0 == 0x80 }.count
    if continuations < available.count - 1 { return (nil, 1 + continuations) }  // broken
    guard available.count == length else { return atEnd ? (nil, available.count) : nil }
    let text = String(decoding: available, as: UTF8.self)
    guard text.count == 1, let character = text.first, character != "\u{FFFD}" else {
      return (nil, length)
    }
    return (.character(character), length)
  }
}
