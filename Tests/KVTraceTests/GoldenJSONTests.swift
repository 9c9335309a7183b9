import KVTrace
import Testing

/// The exact bytes of the default demo's trace, at summary detail (small enough to read).
@Suite(.tags(.golden)) struct GoldenJSONTests {
  @Test func defaultDemoSummaryDocument() throws {
    try golden.check(
      TraceEncoder.encode(try Demo.summary.get(), as: .json),
      named: "default-demo-summary.json")
  }

  /// JSON Lines holds the document's lines: the header line closes where the document
  /// opens its events, and each event line loses its trailing comma.
  @Test func jsonLinesAreTheDocumentsLines() throws {
    let trace = try Demo.summary.get()
    let document = String(decoding: TraceEncoder.encode(trace, as: .json), as: UTF8.self)
      .split(separator: "\n")
    let lines = String(decoding: TraceEncoder.encode(trace, as: .jsonl), as: UTF8.self)
      .split(separator: "\n")
    #expect(document.first?.hasSuffix(",\"events\":[") == true)
    #expect(lines.first == document.first.map { $0.dropLast(",\"events\":[".count) + "}" })
    let events = document.dropFirst().dropLast().map { $0.hasSuffix(",") ? $0.dropLast() : $0 }
    #expect(Array(lines.dropFirst()) == events)
    #expect(document.last == "]}")
    #expect(lines.count == trace.events.count + 1)
  }

  @Test func theSameRunGivesTheSameBytes() throws {
    let first = TraceEncoder.encode(try Demo.trace(steps: 2), as: .json)
    let second = TraceEncoder.encode(try Demo.trace(steps: 2), as: .json)
    #expect(first == second)
  }
}
