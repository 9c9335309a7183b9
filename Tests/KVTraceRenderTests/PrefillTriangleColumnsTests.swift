import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// At a prefill step `step` draws the causal triangle, a column per key; when the keys do
/// not all fit, the columns left out carry less weight than every column drawn.
@Suite(.tags(.unit)) struct PrefillTriangleColumnsTests {
  /// The pangram six times over: 60 prompt tokens, more key columns than fit at 80×24.
  static let prompt = Array(repeating: RunRendererGoldenTests.pangram, count: 6).joined(
    separator: " ")

  @Test func elidedKeyColumnsCarryLessWeightThanShownOnesAt80x24() throws {
    let model = try TinyTransformer.trainedDefault()
    var log = TraceLog(detail: .full)
    _ = try model.generate(prompt: Self.prompt, steps: 1, policy: FullCache(), recorder: &log)
    let trace = try #require(log.trace)
    let frame = InteractiveFrame(trace: trace)
    let size = FrameSize(columns: 80, rows: 24)
    var style = RenderStyle.plain
    style.width = size.columns
    let record = trace.steps[0]
    let length = record.began.sequenceLength
    #expect(length == 60)
    for focus in [RenderFocus(), RenderFocus(layer: 1, head: 1)] {
      let state = InteractiveState(focus: focus)
      let grid = frame.gridTable(state, record: record, size: size, style: style)
      let heatmap = try #require(grid.table.columns.last)
      #expect(heatmap.title.hasSuffix("query × key"))
      let cellWidth = 2 * length <= heatmap.width ? 2 : 1
      let keys = frame.drawnHeatmap(state, record: record).keyColumns(
        sequenceLength: length, maxColumns: heatmap.width / cellWidth)
      // The screen draws these columns: a digit per key, a cut mark per gap.
      let digits = keys.map { key in
        TextLayout.padRight(key.map { "\($0 % 10)" } ?? style.glyphs.cut, cellWidth)
      }
      #expect(heatmap.subtitle == digits.joined())
      let lines = frame.lines(state, size: size, style: style)
      #expect(lines.contains { $0.hasSuffix(" " + digits.joined().trimmingTrailingSpaces()) })
      // The weight each key received, summed over the triangle's queries, from the trace.
      var received = [Int: Float]()
      for attention in record.attention
      where attention.layer == focus.layer && attention.head == focus.head {
        let weights = try #require(attention.weights)
        for (index, key) in attention.keys.enumerated() {
          received[key, default: 0] += weights[index]
        }
      }
      let shown = keys.compactMap { $0 }
      let hidden = Set(0..<length).subtracting(shown)
      #expect(!hidden.isEmpty, "60 keys do not fit in \(heatmap.width) columns")
      #expect(shown.count + keys.filter { $0 == nil }.count <= heatmap.width / cellWidth)
      let heaviestHidden = hidden.map { received[$0] ?? 0 }.max() ?? 0
      let lightestShown = shown.map { received[$0] ?? 0 }.min() ?? 0
      #expect(
        heaviestHidden < lightestShown,
        "\(focus): a hidden key received \(heaviestHidden), a shown one \(lightestShown)")
    }
  }
}
