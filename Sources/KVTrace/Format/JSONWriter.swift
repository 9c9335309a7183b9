/// Writes JSON text straight into bytes: the writer behind every file kvtrace exports.
///
/// A generic encoder would do, but it would be slower and its output would depend
/// on its version. This writer is small enough to read and fixes every byte:
///
/// - keys come out in the order the caller writes them, never a dictionary's;
/// - integers are plain decimal digits;
/// - a `Float` is written exactly as Swift's `description` spells it (`0.05`,
///   `1e-05`): the fewest digits that read back as the very same `Float`, so a
///   trace survives a trip through a file bit for bit. `ShortestFloat` finds
///   those digits and writes them straight into the bytes, with no `String`;
/// - strings are escaped as RFC 8259 requires (`"`, `\`, and control
///   characters) and everything else is written as UTF-8.
///
/// The writer inserts commas itself: write a key, then its value; write array
/// elements one after another.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.beginObject()
/// writer.key("weights")
/// writer.beginArray()
/// for weight: Float in [0.25, 0.75] { writer.float(weight) }
/// writer.endArray()
/// writer.endObject()
/// // writer.bytes is {"weights":[0.25,0.75]}
/// ```
public struct JSONWriter: Sendable {
  /// The text written so far, as UTF-8.
  public private(set) var bytes: [UInt8] = []
  /// Whether the next value or key follows another one and needs a comma first.
  private var needsComma = false

  /// Creates an empty writer.
  ///
  /// - Parameter capacity: Bytes to reserve up front, when the size is roughly known.
  public init(reservingCapacity capacity: Int = 0) {
    bytes.reserveCapacity(capacity)
  }

  /// Forgets what was written, keeping the memory for the next document.
  public mutating func removeAll() {
    bytes.removeAll(keepingCapacity: true)
    needsComma = false
  }

  /// Opens an object: `{`.
  public mutating func beginObject() {
    separate()
    bytes.append(UInt8(ascii: "{"))
    needsComma = false
  }

  /// Closes an object: `}`.
  public mutating func endObject() {
    bytes.append(UInt8(ascii: "}"))
    needsComma = true
  }

  /// Opens an array: `[`.
  public mutating func beginArray() {
    separate()
    bytes.append(UInt8(ascii: "["))
    needsComma = false
  }

  /// Closes an array: `]`.
  public mutating func endArray() {
    bytes.append(UInt8(ascii: "]"))
    needsComma = true
  }

  /// Writes an object key and its colon; the value comes next.
  public mutating func key(_ name: String) {
    separate()
    writeQuoted(name)
    bytes.append(UInt8(ascii: ":"))
    needsComma = false
  }

  /// Writes a string value, escaped.
  public mutating func string(_ value: String) {
    separate()
    writeQuoted(value)
    needsComma = true
  }

  /// Writes an integer in plain decimal.
  public mutating func int(_ value: Int) {
    separate()
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    writeDigits(value.magnitude)
    needsComma = true
  }

  /// Writes an unsigned integer in plain decimal (a seed may use all 64 bits).
  public mutating func uint(_ value: UInt64) {
    separate()
    writeDigits(UInt(value))
    needsComma = true
  }

  /// Writes a `Float` with the fewest digits that read back as the same value.
  ///
  /// JSON has no infinity or NaN; a non-finite value is written as `null`, which
  /// the trace decoder rejects with a clear error rather than guessing.
  public mutating func float(_ value: Float) {
    guard value.isFinite else { return null() }
    separate()
    var text: (UInt64, UInt64) = (0, 0)  // ShortestFloat.maximumLength bytes
    withUnsafeMutableBytes(of: &text) { raw in
      let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
      let count = ShortestFloat.write(value, to: start)
      bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }
    needsComma = true
  }

  /// Writes an array of `Float`s, `[a,b,…]`: the same bytes as ``beginArray()``,
  /// ``float(_:)`` for each, ``endArray()``, written in one pass.
  ///
  /// Scores and weights are most of a full trace's bytes, so this path grows the
  /// buffer once for the whole array and writes the digits in place.
  public mutating func floats(_ values: [Float]) {
    separate()
    let start = bytes.count
    // Brackets, and a comma and a full `maximumLength` per value: the formatter's
    // word stores past a short spelling stay inside the room.
    let room = 2 + values.count * (ShortestFloat.maximumLength + 1)
    bytes.append(contentsOf: repeatElement(0, count: room))
    let used = bytes.withUnsafeMutableBufferPointer { buffer in
      let base = buffer.baseAddress! + start
      var n = 0
      base[n] = UInt8(ascii: "[")
      n += 1
      for (index, value) in values.enumerated() {
        if index > 0 {
          base[n] = UInt8(ascii: ",")
          n += 1
        }
        if value.isFinite {
          n += ShortestFloat.write(value, to: base + n)
        } else {  // JSON has no infinity or NaN
          for byte in "null".utf8 {
            base[n] = byte
            n += 1
          }
        }
      }
      base[n] = UInt8(ascii: "]")
      return n + 1
    }
    bytes.removeLast(room - used)
    needsComma = true
  }

  /// Writes `true` or `false`.
  public mutating func bool(_ value: Bool) {
    separate()
    bytes.append(contentsOf: (value ? "true" : "false").utf8)
    needsComma = true
  }

  /// Writes `null`.
  public mutating func null() {
    separate()
    bytes.append(contentsOf: "null".utf8)
    needsComma = true
  }

  /// Writes a key and its string value.
  public mutating func field(_ name: String, _ value: String) {
    key(name)
    string(value)
  }

  /// Writes a key and its integer value.
  public mutating func field(_ name: String, _ value: Int) {
    key(name)
    int(value)
  }

  /// Writes a key and its `Float` value.
  public mutating func field(_ name: String, _ value: Float) {
    key(name)
    float(value)
  }

  /// Writes a key and its `true` or `false`.
  public mutating func field(_ name: String, _ value: Bool) {
    key(name)
    bool(value)
  }

  /// Starts a new line before the next element: `,` (if an element came before) and a newline.
  ///
  /// Use it between the elements of a long array to put one element per line.
  public mutating func lineBreak() {
    separate()
    bytes.append(UInt8(ascii: "\n"))
  }

  /// Ends a line: a newline, and the next value starts afresh (JSON Lines).
  public mutating func newline() {
    bytes.append(UInt8(ascii: "\n"))
    needsComma = false
  }

  private mutating func separate() {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
    needsComma = false
  }

  /// Writes the decimal digits of `value`: made right to left in a small buffer
  /// on the stack, then copied in one go.
  private mutating func writeDigits(_ value: UInt) {
    guard value >= 10 else { return bytes.append(UInt8(ascii: "0") + UInt8(value)) }
    var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for UInt.max's 20 digits
    withUnsafeMutableBytes(of: &text) { raw in
      let end = raw.count
      var start = end
      var rest = value
      while rest > 0 {
        start -= 1
        raw[start] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
      }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
    }
  }

  private mutating func writeQuoted(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    // Most strings need no escaping at all (keys never do): check and copy their
    // UTF-8 where it lies, in one go. A native Swift string keeps it in one piece.
    let copied = text.utf8.withContiguousStorageIfAvailable { utf8 in
      guard !utf8.contains(where: Self.needsEscape) else { return false }
      bytes.append(contentsOf: utf8)
      return true
    }
    if copied != true {
      var previous: UInt8 = 0
      for byte in text.utf8 {
        if previous == 0xC2, (0x80...0x9F).contains(byte) {  // C1, as U+0080…U+009F are written
          bytes.removeLast()
          writeUnicodeEscape(byte)
        } else {
          writeEscaped(byte)
        }
        previous = byte
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  private static func needsEscape(_ byte: UInt8) -> Bool {
    // DEL and C1 (0xC2 leads U+0080…U+009F) too: a terminal showing the file obeys them.
    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
      || byte == 0xC2
  }

  private mutating func writeEscaped(_ byte: UInt8) {
    let short: UInt8? =
      switch byte {
      case UInt8(ascii: "\""): UInt8(ascii: "\"")
      case UInt8(ascii: "\\"): UInt8(ascii: "\\")
      case 0x0A: UInt8(ascii: "n")
      case 0x0D: UInt8(ascii: "r")
      case 0x09: UInt8(ascii: "t")
      case 0x08: UInt8(ascii: "b")
      case 0x0C: UInt8(ascii: "f")
      default: nil
      }
    if let short {
      bytes.append(UInt8(ascii: "\\"))
      bytes.append(short)
    } else if byte < 0x20 || byte == 0x7F {
      writeUnicodeEscape(byte)
    } else {
      bytes.append(byte)
    }
  }

  /// `\u00XX` for the character U+00XX.
  private mutating func writeUnicodeEscape(_ byte: UInt8) {
    bytes.append(contentsOf: "\\u00".utf8)
    bytes.append(Self.hexDigits[Int(byte >> 4)])
    bytes.append(Self.hexDigits[Int(byte & 0xF)])
  }
}
