import KVTrace
import KVTraceRender
import Testing
import TinyTransformer

/// Numbers a file may hold but no run makes: the decoder refuses what a number's meaning
/// bounds (K/V rows, cache bytes), and the renderers draw what it does not (FLOPs, scores)
/// without trapping.
@Suite(.tags(.unit)) struct HostileNumberTests {
  /// One trace of each kind: decoder-only, int8, paged, two prompts, encoder-decoder.
  static func traces() throws -> [Trace] {
    [
      try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2),
      try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2, policy: Int8Cache()),
      try RunRendererGoldenTests.trace(
        prompt: "The quick fox", steps: 2, policy: PagedCache(blockSize: 2)),
      try RunRendererGoldenTests.twoPromptTrace(steps: 1),
      try EncoderDecoderRenderTests.trace(steps: 2),
    ]
  }

  /// `trace` with `change` applied to every event, written to a file and read back.
  static func reread(_ trace: Trace, _ change: (inout TraceEvent) -> Void) throws -> Trace {
    var changed = trace
    for index in changed.events.indices { change(&changed.events[index]) }
    return try TraceDecoder.decode(TraceEncoder.encode(changed, as: .jsonl))
  }

  /// Every renderer a terminal shows, at every step, view and value kind.
  static func renderAll(_ trace: Trace) -> String {
    var text = ""
    for style in [RenderStyle.plain, RenderStyle(width: 60, unicode: false)] {
      text += RunRenderer.render(trace, focus: RenderFocus(), style: style)
    }
    let verdict = ComparisonRenderer.Verdict(
      maxLogitDifference: 0, tolerance: 1e-3, accountingProblems: [])
    text += ComparisonRenderer.render(
      trace, trace, verdict: verdict, focus: RenderFocus(), style: .plain)
    let frame = InteractiveFrame(trace: trace)
    for (sequence, count) in frame.stepCounts.enumerated() {
      for step in 0..<count {
        for view in CacheView.allCases {
          for values in AttentionValues.allCases {
            let state = InteractiveState(
              step: step, sequence: sequence, view: view, values: values)
            text += frame.lines(state, size: FrameSize(columns: 120, rows: 40), style: .plain)
              .joined(separator: "\n")
          }
        }
      }
    }
    return text
  }

  @Test func hugeFlopsRender() throws {
    for trace in try Self.traces() {
      let hostile = try Self.reread(trace) { event in
        guard case .counters(var c) = event else { return }
        c.flops = 1
        c.flopsWithoutCache = Int.max
        event = .counters(c)
      }
      #expect(Self.renderAll(hostile).contains("out of range"))
    }
  }

  /// `w` in `replay --interactive` shows raw scores; 1e20 is a finite float.
  @Test func hugeScoresRender() throws {
    for trace in try Self.traces() {
      let hostile = try Self.reread(trace) { event in
        guard case .attention(var a) = event, let scores = a.scores else { return }
        a.scores = scores.map { _ in 1e20 }
        event = .attention(a)
      }
      #expect(Self.renderAll(hostile).contains("out of range"))
    }
  }

  @Test(arguments: ["rowsComputed", "rowsReused", "cacheBytes"])
  func countsBeyondTheShapeAreRefused(_ field: String) throws {
    var trace = try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2)
    for index in trace.events.indices {
      guard case .counters(var c) = trace.events[index] else { continue }
      switch field {
      case "rowsComputed": c.rowsComputed = Int.max
      case "rowsReused": c.rowsReused = Int.max / 2
      default: c.cacheBytes = Int.max
      }
      trace.events[index] = .counters(c)
    }
    do {
      _ = try TraceDecoder.decode(TraceEncoder.encode(trace, as: .json))
      Issue.record("\(field) \(Int.max) decoded")
    } catch {
      #expect(error.kind == .outOfRange)
      #expect(error.path.hasSuffix(field))
    }
  }
}
