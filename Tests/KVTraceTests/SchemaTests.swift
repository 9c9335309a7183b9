import Foundation
import Testing

@testable import KVTrace

/// The schema is valid JSON, and it lists exactly the fields the decoder reads.
@Suite(.tags(.unit)) struct SchemaTests {
  static func schema() throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(TraceSchema.text.utf8))
    return try #require(object as? [String: Any])
  }

  static func definition(_ name: String) throws -> [String: Any] {
    let definitions = try #require(try schema()["$defs"] as? [String: Any])
    return try #require(definitions[name] as? [String: Any], "no $defs/\(name)")
  }

  static func properties(_ name: String) throws -> Set<String> {
    Set(try #require(try definition(name)["properties"] as? [String: Any]).keys)
  }

  @Test func theSchemaIsDraft2020JSON() throws {
    #expect(
      try Self.schema()["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    #expect(TraceSchema.text.hasSuffix("}\n"))
    // Our own parser reads it too.
    var parser = JSONParser(Array(TraceSchema.text.utf8))
    _ = try parser.value()
    parser.skipWhitespace()
    #expect(parser.peek == nil)
  }

  @Test func everyEventTypeIsInTheSchemaWithTheDecodersFields() throws {
    let kinds: [(String, [String])] = [
      ("stepBegan", EventFields.stepBegan), ("rows", EventFields.rows),
      ("attention", EventFields.attention), ("token", EventFields.token),
      ("counters", EventFields.counters), ("quantization", EventFields.quantization),
      ("blocks", EventFields.blocks),
    ]
    let oneOf = try #require(try Self.definition("event")["oneOf"] as? [[String: String]])
    #expect(oneOf.map { $0["$ref"] } == kinds.map { "#/$defs/\($0.0)" })
    for (name, fields) in kinds {
      #expect(try Self.properties(name) == Set(fields), "\(name)")
    }
    #expect(EventFields.types == kinds.map(\.0).joined(separator: ", "))
  }

  @Test func theHeaderAndModelHaveTheDecodersFields() throws {
    #expect(try Self.properties("header") == Set(TraceDecoder.headerFields))
    #expect(try Self.properties("model") == Set(TraceDecoder.modelFields))
    let top = try #require(try Self.schema()["properties"] as? [String: Any])
    #expect(Set(top.keys) == Set(TraceDecoder.topLevelFields))
  }
}
