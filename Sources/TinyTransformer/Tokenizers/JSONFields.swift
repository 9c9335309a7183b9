import Foundation

/// Typed access to one JSON object of a `tokenizer.json`, each wrong shape a
/// ``TokenizerFileProblem/invalidJSON(_:)`` naming the field.
struct JSONFields {
  let members: [String: Any]
  /// What the object is, for error lines ("the model", "an added token").
  let name: String

  /// The deepest nesting a tokenizer.json needs (T5's is 6); deeper files are refused
  /// before the parser could recurse into them.
  static let maxDepth = 64

  /// The top-level object of a whole file.
  init(parsing data: Data) throws(TokenizerFileProblem) {
    guard Self.depth(of: data) <= Self.maxDepth else {
      throw .invalidJSON("it nests arrays or objects more than \(Self.maxDepth) deep")
    }
    let value: Any
    do {
      value = try JSONSerialization.jsonObject(with: data, options: [])
    } catch {
      throw .invalidJSON("it does not parse as JSON")
    }
    try self.init(value, "the file")
  }

  /// The deepest nesting of brackets and braces outside strings.
  static func depth(of data: Data) -> Int {
    var depth = 0
    var deepest = 0
    var inString = false
    var escaped = false
    for byte in data {
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        deepest = max(deepest, depth)
      case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
      default: break
      }
    }
    return deepest
  }

  /// `value` as an object named `name`.
  init(_ value: Any?, _ name: String) throws(TokenizerFileProblem) {
    guard let members = value as? [String: Any] else {
      throw .invalidJSON("\(name) is not a JSON object")
    }
    self.members = members
    self.name = name
  }

  /// A member, or `nil` when absent.
  func field(_ key: String) -> Any? { members[key] }

  func object(_ key: String) throws(TokenizerFileProblem) -> JSONFields {
    try JSONFields(members[key], "\"\(key)\" of \(name)")
  }

  func string(_ key: String) throws(TokenizerFileProblem) -> String {
    guard let value = try optionalString(key) else { throw missing(key, "a string") }
    return value
  }

  func optionalString(_ key: String) throws(TokenizerFileProblem) -> String? {
    guard let value = members[key], !(value is NSNull) else { return nil }
    guard let string = value as? String else { throw missing(key, "a string") }
    return string
  }

  func array(_ key: String) throws(TokenizerFileProblem) -> [Any] {
    guard let value = try optionalArray(key) else { throw missing(key, "an array") }
    return value
  }

  func optionalArray(_ key: String) throws(TokenizerFileProblem) -> [Any]? {
    guard let value = members[key], !(value is NSNull) else { return nil }
    guard let array = value as? [Any] else { throw missing(key, "an array") }
    return array
  }

  func int(_ key: String) throws(TokenizerFileProblem) -> Int {
    guard let value = try optionalInt(key) else { throw missing(key, "an integer") }
    return value
  }

  func optionalInt(_ key: String) throws(TokenizerFileProblem) -> Int? {
    guard let value = members[key], !(value is NSNull) else { return nil }
    guard let number = value as? NSNumber,
      let exact = Int(exactly: number.doubleValue), abs(exact) < 1 << 40
    else { throw missing(key, "an integer") }
    return exact
  }

  func optionalBool(_ key: String) throws(TokenizerFileProblem) -> Bool? {
    guard let value = members[key], !(value is NSNull) else { return nil }
    guard let bool = value as? Bool else { throw missing(key, "true or false") }
    return bool
  }

  private func missing(_ key: String, _ kind: String) -> TokenizerFileProblem {
    .invalidJSON("\"\(key)\" of \(name) is missing or not \(kind)")
  }
}
