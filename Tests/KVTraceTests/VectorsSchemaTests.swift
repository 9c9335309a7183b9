import Foundation
import Testing
import TinyTransformer

@testable import KVTrace

/// A `--detail vectors` export is what `kvtrace schema` describes: every JSON document,
/// and every line of JSON Lines against `headerLine` and `event`.
@Suite(.tags(.unit)) struct VectorsSchemaTests {
  static func export(_ policy: String, logitsKept: Int = 0) throws -> Trace {
    let model = try TinyTransformer.trainedDefault()
    var log = TraceLog(detail: .vectors, logitsKept: logitsKept)
    _ = try model.generate(
      prompt: "The quick brown fox", steps: 3, policy: CachePolicies.parse(policy),
      recorder: &log)
    return try #require(log.trace)
  }

  static func validator(for bytes: [UInt8]) throws -> SchemaValidator {
    SchemaValidator(root: try SchemaTests.schema(), bytes: bytes)
  }

  static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    var parser = JSONParser(bytes)
    return try parser.value()
  }

  @Test(arguments: ["full", "none", "window:4", "paged:4", "int8"])
  func aVectorsExportValidates(policy: String) throws {
    let trace = try Self.export(policy, logitsKept: policy == "int8" ? 5 : 0)
    let bytes = TraceEncoder.encode(trace, as: .json)
    let validator = try Self.validator(for: bytes)
    try validator.check(try Self.parse(bytes), try SchemaTests.schema(), "$")
    #expect(trace.header.identity?.weightsSHA256?.count == 64)
  }

  @Test func everyLineOfAVectorsJSONLinesExportValidates() throws {
    let bytes = TraceEncoder.encode(try Self.export("int8"), as: .jsonl)
    let lines = bytes.split(separator: UInt8(ascii: "\n")).map(Array.init)
    let definitions = try #require(try SchemaTests.schema()["$defs"] as? [String: Any])
    for (index, line) in lines.enumerated() {
      let validator = try Self.validator(for: line)
      let name = index == 0 ? "headerLine" : "event"
      try validator.check(try Self.parse(line), definitions[name] as Any, "line \(index + 1)")
    }
    #expect(lines.count > 20)
  }

  /// The validator is no rubber stamp: a code outside −127…127, a digest that is not hex,
  /// a q that is not numbers, each fail.
  @Test(arguments: [
    (#""keyCodes":["#, #""keyCodes":[200,"#),
    (#""weightsSHA256":""#, #""weightsSHA256":"XYZ"#),
    (#""q":["#, #""q":["one","#),
  ])
  func aWrongVectorFailsValidation(original: String, broken: String) throws {
    let text = String(
      decoding: TraceEncoder.encode(try Self.export("int8"), as: .json), as: UTF8.self)
    #expect(text.contains(original))
    let bytes = Array(
      text.replacingOccurrences(
        of: original, with: broken, options: [], range: text.range(of: original)
      )
      .utf8)
    let validator = try Self.validator(for: bytes)
    #expect(throws: SchemaValidator.Failure.self) {
      try validator.check(try Self.parse(bytes), try SchemaTests.schema(), "$")
    }
  }
}
