/// Reads the fields of one JSON object strictly, naming the path of every problem.
///
/// An object may list its fields in any order, but every required field must be
/// there, no field may appear twice, and a field the format does not have is an
/// error (a misspelt `"wieghts"` should not be silently ignored).
struct ObjectReader {
  let members: [JSONMember]
  /// Where the object starts: missing fields are reported here.
  let offset: Int
  let path: String
  let bytes: [UInt8]

  /// Checks that `value` is an object with only `allowed` keys, each at most once.
  init(_ value: JSONValue, path: String, bytes: [UInt8], allowed: [String]) throws(TraceProblem) {
    guard case .object(let members) = value.kind else {
      throw TraceProblem(
        .wrongType, at: value.offset, path, "expected an object, found \(value.typeName)")
    }
    var seen = [Bool](repeating: false, count: allowed.count)
    for member in members {
      guard let slot = allowed.firstIndex(of: member.key) else {
        throw TraceProblem(
          .unknownField, at: member.value.offset, path,
          "unknown field '\(member.key)'; this object has \(allowed.joined(separator: ", "))")
      }
      guard !seen[slot] else {
        throw TraceProblem(
          .syntax, at: member.value.offset, path, "the field '\(member.key)' appears twice")
      }
      seen[slot] = true
    }
    self.members = members
    self.offset = value.offset
    self.path = path
    self.bytes = bytes
  }

  /// The value of `key`, which must be present.
  func required(_ key: String) throws(TraceProblem) -> JSONValue {
    guard let value = optional(key) else {
      throw TraceProblem(.missingField, at: offset, path, "missing field '\(key)'")
    }
    return value
  }

  /// The value of `key`, if present.
  func optional(_ key: String) -> JSONValue? {
    members.first { $0.key == key }?.value
  }

  /// The reader of the object at `key`.
  func object(_ key: String, allowed: [String]) throws(TraceProblem) -> ObjectReader {
    try ObjectReader(required(key), path: path + "." + key, bytes: bytes, allowed: allowed)
  }

  /// The whole number at `key`, which must lie in `range`; `limit` says why, for the error.
  func int(
    _ key: String, in range: ClosedRange<Int> = 0...Int.max,
    _ limit: @autoclosure () -> String = "it cannot be negative"
  ) throws(TraceProblem) -> Int {
    let value = try required(key)
    let number = try JSONDecoding.int(value, path + "." + key, bytes)
    guard range.contains(number) else {
      throw TraceProblem(
        .outOfRange, at: value.offset, path + "." + key,
        "\(key) \(number) is out of range: \(limit())")
    }
    return number
  }

  /// The unsigned 64-bit number at `key` (a seed).
  func uint64(_ key: String) throws(TraceProblem) -> UInt64 {
    let value = try required(key)
    guard case .number(let range) = value.kind,
      let number = UInt64(JSONDecoding.text(range, bytes))
    else {
      throw JSONDecoding.wrongType(value, "a whole number from 0 to 2^64 - 1", path + "." + key)
    }
    return number
  }

  /// The string at `key`.
  func string(_ key: String) throws(TraceProblem) -> String {
    try typed(key, "a string") { if case .string(let text) = $0 { text } else { nil } }
  }

  /// The name at `key`, one of `T`'s raw values.
  func name<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws(TraceProblem)
    -> T where T.RawValue == String
  {
    let value = try required(key)
    let text = try string(key)
    guard let result = T(rawValue: text) else {
      let names = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
      throw TraceProblem(
        .outOfRange, at: value.offset, path + "." + key,
        "\(key) \"\(text)\" is not one of \(names)")
    }
    return result
  }

  /// The `true` or `false` at `key`.
  func bool(_ key: String) throws(TraceProblem) -> Bool {
    try typed(key, "true or false") { if case .bool(let flag) = $0 { flag } else { nil } }
  }

  /// The value at `key` as `extract` reads it, or a wrong-type error naming `expected`.
  private func typed<T>(_ key: String, _ expected: String, _ extract: (JSONValue.Kind) -> T?)
    throws(TraceProblem) -> T
  {
    let value = try required(key)
    guard let result = extract(value.kind) else {
      throw JSONDecoding.wrongType(value, expected, path + "." + key)
    }
    return result
  }

  /// The number at `key` as a `Float`.
  func float(_ key: String) throws(TraceProblem) -> Float {
    try JSONDecoding.float(required(key), path + "." + key, bytes)
  }

  /// The array at `key`.
  func array(_ key: String) throws(TraceProblem) -> [JSONValue] {
    try JSONDecoding.array(required(key), path + "." + key)
  }

  /// The array of numbers at `key` as `Float`s.
  func floats(_ key: String) throws(TraceProblem) -> [Float] {
    let elements = try array(key)
    var result: [Float] = []
    result.reserveCapacity(elements.count)
    for (index, element) in elements.enumerated() {
      result.append(try JSONDecoding.float(element, "\(path).\(key)[\(index)]", bytes))
    }
    return result
  }

  /// The position runs at `key`: `[[start, end], …]`, sorted and apart, every
  /// position below `bound` (`boundNote` says what the bound is).
  func positions(_ key: String, below bound: Int, _ boundNote: @autoclosure () -> String)
    throws(TraceProblem) -> PositionSet
  {
    var ranges: [Range<Int>] = []
    for (index, element) in try array(key).enumerated() {
      let where_ = "\(path).\(key)[\(index)]"
      let pair = try JSONDecoding.array(element, where_)
      guard pair.count == 2 else {
        throw TraceProblem(
          .wrongType, at: element.offset, where_,
          "a run of positions is [start, end] (end excluded), found \(pair.count) numbers")
      }
      let start = try JSONDecoding.int(pair[0], where_ + "[0]", bytes)
      let end = try JSONDecoding.int(pair[1], where_ + "[1]", bytes)
      guard start >= 0, start < end else {
        throw TraceProblem(
          .outOfRange, at: element.offset, where_,
          "the run [\(start), \(end)] is empty or negative; write [start, end] with "
            + "0 <= start < end")
      }
      guard end <= bound else {
        throw TraceProblem(
          .outOfRange, at: element.offset, where_,
          "position \(end - 1) is out of range: \(boundNote())")
      }
      if let last = ranges.last, last.upperBound >= start {
        throw TraceProblem(
          .outOfOrder, at: element.offset, where_,
          "the run [\(start), \(end)] does not come after [\(last.lowerBound), "
            + "\(last.upperBound)]; runs must be sorted and must not touch")
      }
      ranges.append(start..<end)
    }
    return PositionSet(canonicalRanges: ranges)
  }
}

/// Conversions from JSON values to Swift values, with the errors a trace file needs.
enum JSONDecoding {
  static func wrongType(_ value: JSONValue, _ expected: String, _ path: String) -> TraceProblem {
    TraceProblem(
      .wrongType, at: value.offset, path, "expected \(expected), found \(value.typeName)")
  }

  static func array(_ value: JSONValue, _ path: @autoclosure () -> String) throws(TraceProblem)
    -> [JSONValue]
  {
    guard case .array(let elements) = value.kind else {
      throw wrongType(value, "an array", path())
    }
    return elements
  }

  /// A whole number: digits with an optional minus sign, no fraction, no exponent.
  static func int(_ value: JSONValue, _ path: @autoclosure () -> String, _ bytes: [UInt8])
    throws(TraceProblem) -> Int
  {
    guard case .number(let range) = value.kind else {
      throw wrongType(value, "a whole number", path())
    }
    var magnitude = 0
    let negative = bytes[range.lowerBound] == UInt8(ascii: "-")
    for byte in bytes[range].dropFirst(negative ? 1 : 0) {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
        throw TraceProblem(
          .wrongType, at: value.offset, path(),
          "expected a whole number, found \(text(range, bytes))")
      }
      let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
      guard !overflow1, !overflow2 else {
        throw TraceProblem(
          .outOfRange, at: value.offset, path(), "the number \(text(range, bytes)) is too large")
      }
      magnitude = sum
    }
    return negative ? -magnitude : magnitude
  }

  /// A number read as the nearest `Float`, which must be finite.
  static func float(_ value: JSONValue, _ path: @autoclosure () -> String, _ bytes: [UInt8])
    throws(TraceProblem) -> Float
  {
    guard case .number(let range) = value.kind else {
      throw wrongType(value, "a number", path())
    }
    guard let number = Float(text(range, bytes)), number.isFinite else {
      throw TraceProblem(
        .outOfRange, at: value.offset, path(),
        "the number \(text(range, bytes)) does not fit a 32-bit float")
    }
    return number
  }

  /// The text of a number as the file spells it.
  static func text(_ range: Range<Int>, _ bytes: [UInt8]) -> String {
    String(decoding: bytes[range], as: UTF8.self)
  }
}
