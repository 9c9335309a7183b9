import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// Issue 20's views that scale: a model of SmolLM2-135M's layout (30 layers, 9 query
/// heads over 3 KV heads) decoding 200 positions stays readable at 80×24 and 120×40.
///
/// The weights are random and the model narrower than SmolLM2's (dim 72, head size 8, so
/// the debug build decodes 200 positions in seconds); the grid, the heatmap and the
/// summaries depend on the layer and head counts and the positions, which are SmolLM2's.
@Suite(.tags(.golden)) struct ScaleViewTests {
  /// 30 layers × 9 heads (3 KV), SmolLM2's 8,192-position context.
  static let config = ModelConfig(
    layers: 30, heads: 9, kvHeads: 3, dim: 72, mlpDim: 96, contextLength: 8192,
    vocabularySize: Tokenizer.demo.vocabularySize)

  /// The pangram and 190 decode steps: 200 positions. Decoded once for the suite.
  static let shared = Result { () throws -> Trace in
    try RunRendererGoldenTests.trace(config: config, steps: 190)
  }

  static func frame() throws -> InteractiveFrame { InteractiveFrame(trace: try shared.get()) }

  static let small = FrameSize(columns: 80, rows: 24)
  static let large = FrameSize(columns: 120, rows: 40)

  @Test func framesAt80x24And120x40() throws {
    let frame = try Self.frame()
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 190), Self.small, named: "frame-80x24-30-layers.txt")
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 190), Self.large, named: "frame-120x40-30-layers.txt")
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 0), Self.small, named: "frame-80x24-30-layers-prefill.txt")
    let chosen = InteractiveState(
      step: 190, focus: RenderFocus(layer: 12, head: 4, layers: 10...14))
    try InteractiveFrameTests.check(
      frame, chosen, Self.small, named: "frame-80x24-30-layers-10-14.txt")
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 190, showsHelp: true), Self.small,
      named: "frame-80x24-30-layers-help.txt")
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 190, showsClosing: true), Self.large,
      named: "frame-120x40-30-layers-closing.txt")
  }

  @Test func runOfTheLastStep() throws {
    let trace = try Self.shared.get()
    let last = try #require(trace.steps.last)
    let style = RenderStyle.plain
    var lines = RunRenderer.header(trace, style: style) + [""]
    lines += CacheGrid.lines(last, in: trace, focus: RenderFocus(), style: style)
    lines += StepSummary.lines(last, previous: trace.steps.dropLast().last, in: trace, style: style)
    lines += [""] + RunRenderer.totals(trace, style: style)
    for line in lines { #expect(TextLayout.width(line) <= 80, "too wide: \(line)") }
    let text = lines.joined(separator: "\n") + "\n"
    #expect(text.contains("layers 0–12 of 30 shown"))
    #expect(
      text.contains("at its full 8,192-position context a full cache would hold 47.2 MB in"))
    try golden.check(text, named: "run-30-layers-last-step.txt")
  }

  /// Every frame fits its screen, and the grid never draws more layers than fit.
  @Test(arguments: [FrameSize(columns: 80, rows: 24), FrameSize(columns: 120, rows: 40)])
  func everyFrameFits(_ size: FrameSize) throws {
    let frame = try Self.frame()
    for step in [0, 1, 100, 190] {
      for view in CacheView.allCases {
        let state = InteractiveState(step: step, view: view)
        let lines = frame.lines(state, size: size, style: RenderStyle())
        #expect(lines.count == size.rows)
        for line in lines { #expect(TextLayout.width(line) <= size.columns, "\(line)") }
      }
    }
  }

  /// `>` walks the windows of layers to the last and wraps to the first; `<` walks back.
  @Test func layerKeysVisitEveryLayer() throws {
    let frame = try Self.frame()
    var state = InteractiveState(step: 190)
    var firsts: [Int] = []
    for _ in 0..<4 {
      firsts.append(state.focus.layer)
      #expect(frame.apply(.nextLayers, to: &state, size: Self.small))
    }
    #expect(firsts == [0, 15, 0, 15], "pages of 15 layers at 80 columns, wrapping around")
    let last = try #require(frame.trace.steps.last)
    let window = frame.layerWindow(
      InteractiveState(step: 190, focus: RenderFocus(layer: 26)), record: last,
      size: Self.small, style: RenderStyle(width: 80))
    #expect(window == 15..<30)
    #expect(frame.apply(.previousLayers, to: &state, size: Self.small))
    #expect(state.focus.layer == 15, "back from 0 wraps to the last window")
    var wide = InteractiveState(step: 190)
    let all = InteractiveFrame(trace: try RunRendererGoldenTests.trace(steps: 1))
    #expect(!all.apply(.nextLayers, to: &wide, size: Self.small), "2 layers fit: no window")
  }

  /// ↑ and ↓ stay among the layers `--show-layers` asked for.
  @Test func upAndDownWrapInsideTheChosenLayers() {
    var state = InteractiveState(focus: RenderFocus(layer: 14, layers: 10...14))
    state.apply(.nextLayer, stepCounts: [191], model: Self.config)
    #expect(state.focus.layer == 10)
    state.apply(.previousLayer, stepCounts: [191], model: Self.config)
    #expect(state.focus.layer == 14)
  }

  @Test func fullContextBytes() {
    let smol = ModelConfig(
      layers: 30, heads: 9, kvHeads: 3, dim: 576, mlpDim: 1536, contextLength: 8192,
      vocabularySize: 49152)
    #expect(FullContextCache.bytes(smol, bytesPerNumber: 4) == 377_487_360)
    #expect(
      FullContextCache.line(smol)
        == "memory   at its full 8,192-position context a full cache would hold 377 MB in "
        + "fp32, 189 MB in fp16")
    #expect(FullContextCache.line(.demo(vocabularySize: 64)) == nil, "64 KiB: not worth a line")
    #expect(FullContextCache.decimal(11_796_480) == "11.8 MB")
    #expect(FullContextCache.decimal(999) == "999 B")
    #expect(FullContextCache.grouped(1_234_567) == "1,234,567")
  }
}
