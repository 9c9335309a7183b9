import Foundation

@testable import KVTrace

/// A validator for the part of JSON Schema (draft 2020-12) that `kvtrace schema` uses:
/// `$ref`, `oneOf`, `type`, `properties`, `required`, `additionalProperties: false`,
/// `items`, `prefixItems`, `minItems`, `enum`, `const`, `minimum`, `maximum`, `pattern`.
/// Written from the specification so a test can validate a trace without Python; `.ci/run`
/// validates with Python's `jsonschema` too. It throws at the first keyword it does not
/// know, so the schema cannot quietly outgrow it.
struct SchemaValidator {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static let known: Set = [
    "$schema", "$id", "$defs", "$ref", "title", "description", "oneOf", "type", "properties",
    "required", "additionalProperties", "items", "prefixItems", "minItems", "enum", "const",
    "minimum", "maximum", "pattern",
  ]

  let root: [String: Any]
  let bytes: [UInt8]

  /// Validates `value` (parsed from `bytes`) against `schema`; `path` names where it is.
  func check(_ value: JSONValue, _ schema: Any, _ path: String) throws {
    if let flag = schema as? Bool {
      guard flag else { throw Failure(description: "\(path): no value is allowed here") }
      return
    }
    guard let schema = schema as? [String: Any] else { throw Failure(description: "bad schema") }
    if let unknown = schema.keys.first(where: { !Self.known.contains($0) }) {
      throw Failure(description: "the validator does not know keyword \(unknown)")
    }
    if let ref = schema["$ref"] as? String {
      let name = String(ref.dropFirst("#/$defs/".count))
      try check(value, (root["$defs"] as? [String: Any])?[name] as Any, path)
    }
    if let choices = schema["oneOf"] as? [Any] {
      let matches = choices.filter { (try? check(value, $0, path)) != nil }.count
      guard matches == 1 else { throw Failure(description: "\(path): \(matches) of oneOf match") }
    }
    if let type = schema["type"] as? String { try checkType(value, type, path) }
    if let allowed = schema["enum"] as? [Any] {
      guard allowed.contains(where: { same(value, $0) }) else {
        throw Failure(description: "\(path): not one of the enum")
      }
    }
    if let constant = schema["const"], !same(value, constant) {
      throw Failure(description: "\(path): not the const")
    }
    try checkNumber(value, schema, path)
    try checkObject(value, schema, path)
    try checkArray(value, schema, path)
  }

  private func number(_ value: JSONValue) -> Double? {
    guard case .number(let range) = value.kind else { return nil }
    return Double(String(decoding: bytes[range], as: UTF8.self))
  }

  private func same(_ value: JSONValue, _ constant: Any) -> Bool {
    switch value.kind {
    case .string(let text): return constant as? String == text
    case .number: return (constant as? NSNumber)?.doubleValue == number(value)
    default: return false
    }
  }

  private func checkType(_ value: JSONValue, _ type: String, _ path: String) throws {
    let ok: Bool =
      switch (type, value.kind) {
      case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool),
        ("number", .number):
        true
      case ("integer", .number(let range)): !bytes[range].contains { ".eE".utf8.contains($0) }
      default: false
      }
    guard ok else { throw Failure(description: "\(path): not of type \(type)") }
  }

  private func checkNumber(_ value: JSONValue, _ schema: [String: Any], _ path: String) throws {
    if let pattern = schema["pattern"] as? String, case .string(let text) = value.kind,
      text.range(of: pattern, options: .regularExpression) == nil
    {
      throw Failure(description: "\(path): \"\(text)\" does not match \(pattern)")
    }
    guard let x = number(value) else { return }
    if let low = (schema["minimum"] as? NSNumber)?.doubleValue, x < low {
      throw Failure(description: "\(path): \(x) below \(low)")
    }
    if let high = (schema["maximum"] as? NSNumber)?.doubleValue, x > high {
      throw Failure(description: "\(path): \(x) above \(high)")
    }
  }

  private func checkObject(_ value: JSONValue, _ schema: [String: Any], _ path: String) throws {
    guard case .object(let members) = value.kind else { return }
    let properties = schema["properties"] as? [String: Any] ?? [:]
    for name in schema["required"] as? [String] ?? []
    where !members.contains(where: { $0.key == name }) {
      throw Failure(description: "\(path): missing \(name)")
    }
    for member in members {
      guard let property = properties[member.key] else {
        if schema["additionalProperties"] as? Bool == false {
          throw Failure(description: "\(path): unknown field \(member.key)")
        }
        continue
      }
      try check(member.value, property, path + "." + member.key)
    }
  }

  private func checkArray(_ value: JSONValue, _ schema: [String: Any], _ path: String) throws {
    guard case .array(let elements) = value.kind else { return }
    if let least = schema["minItems"] as? Int, elements.count < least {
      throw Failure(description: "\(path): fewer than \(least) items")
    }
    let prefix = schema["prefixItems"] as? [Any] ?? []
    for (index, element) in elements.enumerated() {
      let item = index < prefix.count ? prefix[index] : schema["items"] ?? true
      try check(element, item, "\(path)[\(index)]")
    }
  }
}
