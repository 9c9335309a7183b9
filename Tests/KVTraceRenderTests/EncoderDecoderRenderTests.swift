import Foundation
import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// The encoder-decoder's pictures: golden runs and frames, and the promise that
/// no line spills over the width, whatever the shape.
@Suite struct EncoderDecoderRenderTests {
  static let summarize = "summarize: My friends are cool but they eat too many carbs."

  static func trace(
    config: ModelConfig = .demo(vocabularySize: Tokenizer.demo.vocabularySize),
    source: String = summarize, steps: Int = 6, policy: some CachePolicy = FullCache(),
    cross: CrossAttentionMode = .once, detail: TraceDetail = .full
  ) throws -> Trace {
    let model = try EncoderDecoderTransformer(config: config, seed: 0)
    var log = TraceLog(detail: detail)
    _ = try model.generate(
      source: source, steps: steps, policy: policy, crossAttention: cross, recorder: &log)
    return try #require(log.trace)
  }

  static let gqa = ModelConfig(
    layers: 3, heads: 8, kvHeads: 2, dim: 32, mlpDim: 64, contextLength: 64,
    vocabularySize: Tokenizer.demo.vocabularySize)

  static func traces() throws -> [Trace] {
    let deep = ModelConfig(
      layers: 12, heads: 2, kvHeads: 1, dim: 16, mlpDim: 16, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize)
    let long = String(repeating: "My friends are cool. ", count: 6)
    return [
      try trace(),
      try trace(cross: .recompute),
      try trace(steps: 3, policy: NoCache()),
      try trace(config: gqa, steps: 3, detail: .summary),
      try trace(config: deep, source: long, steps: 30),
    ]
  }

  // MARK: - Golden runs

  @Test(.tags(.golden)) func theSummarizeRun() throws {
    try golden.check(
      RunRenderer.render(try Self.trace(), focus: RenderFocus(), style: .plain),
      named: "encoder-decoder.txt")
  }

  @Test(.tags(.golden)) func recomputeInASCII() throws {
    let text = RunRenderer.render(
      try Self.trace(steps: 3, cross: .recompute), focus: RenderFocus(layer: 1, head: 3),
      style: RenderStyle(unicode: false))
    #expect(text.utf8.allSatisfy { $0 < 0x80 })
    try golden.check(text, named: "encoder-decoder-recompute-ascii.txt")
  }

  @Test(.tags(.golden)) func withoutACacheAndGroupedQueries() throws {
    let none = RunRenderer.render(
      try Self.trace(steps: 2, policy: NoCache()), focus: RenderFocus(), style: .plain)
    let sentences = none.replacingOccurrences(of: "\n", with: " ")  // undo the wrapping
    #expect(sentences.contains("cross    once, but cache none keeps nothing"))
    #expect(sentences.contains("its output is the decoder's input, not a cache"))
    try golden.check(none, named: "encoder-decoder-none.txt")
    let gqa = RunRenderer.render(
      try Self.trace(config: Self.gqa, steps: 2, detail: .summary),
      focus: RenderFocus(layer: 2, head: 7), style: .plain)
    try golden.check(gqa, named: "encoder-decoder-gqa-summary.txt")
  }

  @Test(.tags(.unit)) func everyLineFitsTheWidth() throws {
    for trace in try Self.traces() {
      for width in [60, 72, 80, 100, 120] {
        for unicode in [true, false] {
          let style = RenderStyle(width: width, unicode: unicode)
          let text = RunRenderer.render(trace, focus: RenderFocus(layer: 0, head: 1), style: style)
          for line in text.split(separator: "\n") where TextLayout.width(String(line)) > width {
            Issue.record("width \(width): too wide: \(line)")
          }
        }
      }
    }
  }

  @Test(.tags(.unit)) func theCrossGridKeepsItsHeightAndTheSelfGridGrows() throws {
    let trace = try Self.trace()
    for record in trace.steps.dropFirst() {
      let lines = CacheGrid.lines(record, in: trace, focus: RenderFocus(), style: .plain)
      #expect(lines[0].hasPrefix("decoder self-attention K/V "))
      #expect(lines[0].hasSuffix(" cross-attention K/V from the encoder output"))
      let rows = lines.dropFirst(3).map(Array.init)  // the titles and the two headings
      let left = rows.filter { !String($0.prefix(32)).allSatisfy { $0 == " " } }
      let right = rows.filter { $0.count > 35 && $0[35...].contains("■") || $0.contains("□") }
      #expect(rows.count == 13, "step \(record.step): a row per source token")
      #expect(left.count == record.step, "step \(record.step): a row per decoder position")
      #expect(right.count == 13)
      #expect(String(rows[12]).contains("  12  .         "))
    }
  }

  @Test(.tags(.unit)) func colorChangesNothingButEscapes() throws {
    let trace = try Self.trace(steps: 2)
    let plain = RunRenderer.render(trace, focus: RenderFocus(), style: .plain)
    let colored = RunRenderer.render(
      trace, focus: RenderFocus(), style: RenderStyle(color: .ansi16))
    #expect(colored.contains("\u{1B}[36m"))
    #expect(RunRendererGoldenTests.stripEscapes(colored) == plain)
  }

  @Test(.tags(.unit)) func theChromeTraceHasTracksForTheCrossRows() throws {
    let bytes = ChromeTraceRenderer.render(try Self.trace(steps: 2))
    let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    let events = try #require(object?["traceEvents"] as? [[String: Any]])
    let names = Set(events.compactMap { $0["name"] as? String })
    #expect(names.contains("step 0 encode"))
    #expect(names.contains("cross K/V rows, layer 1"))
    let cross = events.filter { $0["name"] as? String == "cross K/V rows, layer 0" }
    let counts = cross.compactMap { $0["args"] as? [String: Int] }
    #expect(counts == [["fresh": 52, "reused": 0], ["fresh": 0, "reused": 52]])  // 13 × 4 KV heads
    let plain = String(
      decoding: ChromeTraceRenderer.render(try RunRendererGoldenTests.trace()), as: UTF8.self)
    #expect(!plain.contains("cross"))
  }

  // MARK: - Frames of kvtrace step

  @Test(.tags(.unit)) func goldenFrames() throws {
    // The split view draws the same source decoded without a cache, as `kvtrace step` does.
    let frame = InteractiveFrame(
      trace: try Self.trace(), withoutCache: try Self.trace(policy: NoCache()))
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 0), FrameSize(columns: 80, rows: 24),
      named: "frame-80x24-encode.txt")
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 2), FrameSize(columns: 80, rows: 24),
      named: "frame-80x24-cross.txt")
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 3, view: .split), FrameSize(columns: 120, rows: 40),
      named: "frame-120x40-cross-split.txt")
  }

  @Test(.tags(.unit)) func everyFrameFillsItsScreenExactly() throws {
    for trace in try Self.traces() {
      let frame = InteractiveFrame(trace: trace)
      for step in 0..<frame.stepCounts[0] {
        for view in CacheView.allCases {
          for unicode in [true, false] {
            let state = InteractiveState(step: step, view: view, values: .scores)
            InteractiveFrameTests.expectFits(
              frame, state, style: RenderStyle(color: .ansi256, unicode: unicode))
          }
        }
      }
    }
  }
}
