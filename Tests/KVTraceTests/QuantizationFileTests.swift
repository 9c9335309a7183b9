import KVTrace
import Testing
import TinyTransformer

/// An int8 trace's `quantization` events in a file: they round-trip byte for byte,
/// and the decoder refuses ones that cannot be true.
@Suite(.tags(.unit)) struct QuantizationFileTests {
  static let summary = Result { try Demo.trace(steps: 3, policy: Int8Cache(), detail: .summary) }

  /// The int8 summary document, one event per line.
  static func document() throws -> String {
    String(decoding: TraceEncoder.encode(try summary.get(), as: .json), as: UTF8.self)
  }

  /// The line number (from 1) of the first quantization event of step 1, layer 1, KV head 2.
  static func quantizationLine(_ document: String) throws -> Int {
    let lines = document.split(separator: "\n", omittingEmptySubsequences: false)
    let index = try #require(
      lines.firstIndex {
        $0.hasPrefix("{\"type\":\"quantization\",\"step\":1,\"layer\":1,\"kvHead\":2,")
      })
    return index + 1
  }

  @Test(arguments: [TraceDetail.summary, .full], TraceFileFormat.allCases)
  func int8TracesRoundTrip(_ detail: TraceDetail, _ format: TraceFileFormat) throws {
    let trace = try Demo.trace(steps: 3, policy: Int8Cache(), detail: detail)
    let config = trace.header.model
    #expect(trace.steps.allSatisfy { $0.quantization.count == config.layers * config.kvHeads })
    let bytes = TraceEncoder.encode(trace, as: format)
    let decoded = try TraceDecoder.decode(bytes)
    #expect(decoded == trace)
    #expect(TraceEncoder.encode(decoded, as: format) == bytes)
  }

  @Test func theEventIsWrittenWithItsFieldsInOrder() throws {
    let document = try Self.document()
    let line = document.split(separator: "\n")[try Self.quantizationLine(document) - 1]
    #expect(line.hasPrefix("{\"type\":\"quantization\",\"step\":1,\"layer\":1,\"kvHead\":2,"))
    #expect(line.contains(",\"positions\":[[10,11]],\"keyScales\":["))
    #expect(line.contains("],\"keyErrors\":["))
    #expect(line.contains("],\"valueScales\":["))
    #expect(line.contains("],\"valueErrors\":["))
  }

  /// One way to damage the quantization event on line `line`.
  struct Damage: Sendable {
    var name: String
    var damage: @Sendable (_ document: String, _ line: Int) -> String
    var kind: TraceFileError.Kind
    var words: String
  }

  static let damages: [Damage] = [
    Damage(
      name: "two scales for one row",
      damage: { d, l in d.editing(line: l, "\"keyScales\":[", "\"keyScales\":[1,") },
      kind: .outOfRange, words: "2 keyScales for 1 row; there is one per row in positions"),
    Damage(
      name: "a negative scale",
      damage: { d, l in d.editing(line: l, "\"valueScales\":[", "\"valueScales\":[-") },
      kind: .outOfRange, words: "is negative; scales and rounding errors are magnitudes"),
    Damage(
      name: "an error above half the scale",
      damage: { d, l in d.editing(line: l, numberAfter: "\"keyErrors\":[", "5") },
      kind: .outOfRange, words: "is more than half the row's scale"),
    Damage(
      name: "a KV head outside the model",
      damage: { d, l in d.editing(line: l, "\"kvHead\":2", "\"kvHead\":4") },
      kind: .outOfRange, words: "the model has 4 KV heads"),
    Damage(
      name: "a position outside the sequence",
      damage: { d, l in d.editing(line: l, "\"positions\":[[10,11]]", "\"positions\":[[40,41]]") },
      kind: .outOfRange, words: "step 1's sequence has 11 positions"),
    Damage(
      name: "an unknown field",
      damage: { d, l in d.editing(line: l, "\"valueErrors\":", "\"valueMistakes\":") },
      kind: .unknownField, words: "valueMistakes"),
    Damage(
      name: "under a float cache",
      damage: { d, _ in
        d.editing(line: 1, "\"name\":\"int8\",\"exact\":false", "\"name\":\"full\",\"exact\":true")
      },
      kind: .outOfRange, words: "a quantization event in a trace of cache full; only an int8 cache"),
  ]

  @Test(arguments: 0..<damages.count)
  func impossibleEventsAreRefused(_ index: Int) throws {
    let bad = Self.damages[index]
    let (name, kind, words) = (bad.name, bad.kind, bad.words)
    let document = try Self.document()
    let damaged = bad.damage(document, try Self.quantizationLine(document))
    #expect(!damaged.hasPrefix("NOT FOUND"), "\(name)")
    let error = try #require(decodingError(Array(damaged.utf8)), "\(name)")
    #expect(error.kind == kind, "\(name): \(error)")
    #expect(error.problem.contains(words), "\(name): \(error)")
    #expect(!error.description.contains("\n"))
  }
}
