import Foundation
import Testing

@testable import KVTrace

/// The fields of every event type are written in five places: the event structs,
/// the encoder, the decoder's list (``EventFields``), the schema and TraceFormat.md.
/// The decoder's list is the reference; these tests fail when any other drifts.
@Suite(.tags(.unit)) struct EventFieldTests {
  static let candidate = TokenCandidate(token: 1, text: " a", probability: 0.5)

  /// One event of each type with every field written, in ``EventFields/table`` order.
  static let everyField: [TraceEvent] = [
    .stepBegan(StepBegan(step: 1, phase: .decode, queries: 3..<4, sequenceLength: 4, sequence: 1)),
    .rows(
      RowsEvent(
        step: 1, layer: 0, kvHead: 0, fresh: PositionSet([3]), reused: PositionSet(0..<2),
        evicted: PositionSet([2]), shared: PositionSet([0]), sequence: 1, keys: [1], values: [2])),
    .attention(
      AttentionEvent(
        step: 1, layer: 0, head: 0, kvHead: 0, query: 3, keys: PositionSet([3]), scores: [0],
        weights: [1], sequence: 1, q: [1], output: [2])),
    .token(
      TokenEvent(
        step: 1, position: 4, chosen: candidate, candidates: [candidate], sequence: 1,
        logits: [3], logitTokens: [1])),
    .counters(
      StepCounters(
        step: 1, rowsComputed: 1, rowsReused: 1, flops: 1, flopsWithoutCache: 2, cacheBytes: 8,
        crossRowsComputed: 1, crossRowsReused: 1, sequence: 1)),
    .quantization(
      QuantizationEvent(
        step: 1, layer: 0, kvHead: 0, positions: PositionSet([3]), keyScales: [1], keyErrors: [0],
        valueScales: [1], valueErrors: [0], keyCodes: [127], keysRead: [1], valueCodes: [-127],
        valuesRead: [-1])),
    .blocks(
      BlocksEvent(
        step: 1, sequence: 1, blockSize: 4, table: [1], allocated: [1], blocksInUse: 2,
        capacity: 4, copy: BlockCopy(from: 0, to: 1, positions: 0..<2))),
  ]

  /// The same events with every optional field at the value that leaves it out.
  static let requiredOnly: [TraceEvent] = [
    .stepBegan(StepBegan(step: 0, phase: .prefill, queries: 0..<2, sequenceLength: 2)),
    .rows(RowsEvent(step: 0, layer: 0, kvHead: 0, fresh: PositionSet(0..<2), reused: .init())),
    .attention(AttentionEvent(step: 0, layer: 0, head: 0, kvHead: 0, query: 1, keys: .init())),
    .token(TokenEvent(step: 0, position: 2, chosen: candidate, candidates: [])),
    .counters(
      StepCounters(
        step: 0, rowsComputed: 2, rowsReused: 0, flops: 1, flopsWithoutCache: 1, cacheBytes: 8)),
    .quantization(QuantizationEvent(step: 0, layer: 0, kvHead: 0, positions: .init())),
    .blocks(
      BlocksEvent(step: 0, blockSize: 4, table: [0], allocated: [0], blocksInUse: 1, capacity: 4)),
  ]

  /// The keys of the object the encoder writes for `event`, in order.
  static func writtenKeys(_ event: TraceEvent) throws -> [String] {
    var writer = JSONWriter()
    TraceEncoder.eventLine(event, to: &writer)
    var parser = JSONParser(writer.bytes)
    guard case .object(let members) = try parser.value().kind else { return [] }
    return members.map(\.key)
  }

  /// The stored properties of the event's struct.
  static func structFields(_ event: TraceEvent) -> Set<String> {
    let payload: Any =
      switch event {
      case .stepBegan(let e): e
      case .rows(let e): e
      case .attention(let e): e
      case .token(let e): e
      case .counters(let e): e
      case .quantization(let e): e
      case .blocks(let e): e
      }
    return Set(Mirror(reflecting: payload).children.compactMap(\.label))
  }

  @Test func theEncoderWritesTheFieldsInOrder() throws {
    #expect(Self.everyField.count == EventFields.table.count)
    for (entry, (full, minimal)) in zip(
      EventFields.table, zip(Self.everyField, Self.requiredOnly))
    {
      #expect(try Self.writtenKeys(full) == entry.fields, "\(entry.type)")
      #expect(try Self.writtenKeys(minimal) == entry.required, "\(entry.type)")
    }
  }

  @Test func theStructsHaveTheFields() {
    for (entry, event) in zip(EventFields.table, Self.everyField) {
      #expect(Self.structFields(event) == Set(entry.fields).subtracting(["type"]), "\(entry.type)")
    }
  }

  @Test func theSchemaRequiresTheFieldsAlwaysWritten() throws {
    for entry in EventFields.table {
      let definition = try SchemaTests.definition(entry.type)
      #expect(definition["required"] as? [String] == entry.required, "\(entry.type)")
      #expect(try SchemaTests.properties(entry.type) == Set(entry.fields), "\(entry.type)")
    }
  }

  /// TraceFormat.md gives each event type a table of its own fields; `type`, `step`
  /// and `sequence`, which every event shares, are described once above them.
  @Test func theFormatArticleListsTheFields() throws {
    let article = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Sources/KVTrace/KVTrace.docc/TraceFormat.md")
    let text = try String(contentsOf: article, encoding: .utf8)
    let shared: Set = ["type", "step", "sequence"]
    for name in shared { #expect(text.contains("`\(name)`"), "\(name)") }
    for entry in EventFields.table {
      #expect(
        Self.tableFields(in: text, after: "**`\(entry.type)`**")
          == Set(entry.fields).subtracting(shared), "\(entry.type)")
    }
  }

  /// The backquoted names in the first column of the first table after `heading`.
  static func tableFields(in text: String, after heading: String) -> Set<String> {
    guard let start = text.range(of: heading)?.upperBound else { return [] }
    let lines = text[start...].split(separator: "\n", omittingEmptySubsequences: false)
    let table = lines.drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }.dropFirst(2)
    var names: Set<String> = []
    for row in table {
      let cell = row.split(separator: "|").first ?? ""
      let parts = cell.split(separator: "`", omittingEmptySubsequences: false)
      names.formUnion(parts.enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
    }
    return names
  }
}
