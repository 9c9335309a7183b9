import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// The `c` views of the walk-through draw a real run without a cache: the test decodes
/// `--cache none` itself and checks that what the views show is that run, for an exact
/// policy and two approximate ones whose tokens part from it.
@Suite(.tags(.golden)) struct WithoutCacheViewTests {
  static let size = FrameSize(columns: 120, rows: 40)

  /// The trained default model decoding the pangram for 6 steps under `policy`.
  static func trace(_ policy: some CachePolicy) throws -> Trace {
    let model = try TinyTransformer.trainedDefault()
    var log = TraceLog(detail: .full)
    _ = try model.generate(
      prompt: RunRendererGoldenTests.pangram, steps: 6, policy: policy, recorder: &log)
    return try #require(log.trace)
  }

  /// The lines that draw a grid row: `  12  box       ■ ■ …`.
  static func rows(_ lines: [String]) -> [String] {
    lines.filter { $0.wholeMatch(of: #/ +[0-9]+  \S.*/#) != nil }
  }

  static let cases: [(name: String, policy: any CachePolicy, step: Int)] = [
    ("full", FullCache(), 3), ("window-4", SlidingWindow(window: 4), 6),
    ("sinks-2-window-4", SlidingWindow(sinks: 2, window: 4), 6),
  ]

  @Test(arguments: 0..<3) func withoutCacheViewIsTheUncachedRun(_ index: Int) throws {
    let (name, policy, step) = Self.cases[index]
    let cached = try Self.trace(policy)
    let none = try Self.trace(NoCache())
    let frame = InteractiveFrame(trace: cached, withoutCache: none)
    let state = InteractiveState(step: step, view: .withoutCache)
    let lines = frame.lines(state, size: Self.size, style: RenderStyle())
    // What `--cache none` draws at this step, on its own.
    let alone = InteractiveFrame(trace: none).lines(
      InteractiveState(step: step), size: Self.size, style: RenderStyle())
    #expect(Self.rows(lines) == Self.rows(alone), "tokens, rows and weights of the none run")
    #expect(Self.rows(lines).count == none.steps[step].began.sequenceLength)
    let record = try #require(frame.uncachedRecord(state))
    #expect(record == none.escapedForTerminal.steps[step])
    let newest = try #require(record.attention.last { $0.layer == 0 && $0.head == 0 })
    #expect(newest.keys.count == record.began.sequenceLength, "an uncached query reads every key")
    #expect(record.attention.filter { $0.layer == 0 && $0.head == 0 }.count > 1, "a triangle")
    try golden.check(
      InteractiveFrameTests.text(lines), named: "frame-120x40-no-cache-\(name).txt")
    let split = frame.lines(
      InteractiveState(step: step, view: .split), size: Self.size, style: RenderStyle())
    try golden.check(InteractiveFrameTests.text(split), named: "frame-120x40-split-\(name).txt")
    // The split view's attention is the run without a cache's own newest query, over
    // every key: each row's number is that query's weight on the row.
    #expect(split.contains { $0.contains("none's weights, layer 0 head 0") })
    let weights = try #require(newest.weights)
    for (index, key) in newest.keys.enumerated() {
      let line = try #require(
        Self.rows(split).first { $0.hasPrefix(TextLayout.padLeft("\(key)", 4)) })
      #expect(
        line.hasSuffix(" " + TextLayout.fixed(Double(weights[index]), 2)),
        "row \(key): \(line)")
    }
  }

  /// A replayed file holds one run: the `c` views say the run without a cache is not
  /// there, in one line, and draw the step as run instead of making one up.
  @Test(.tags(.unit)) func aTraceWithoutTheUncachedRunSaysSo() throws {
    let trace = try RunRendererGoldenTests.trace(steps: 2)
    let frame = InteractiveFrame(trace: trace)
    let size = FrameSize(columns: 80, rows: 24)
    let cached = frame.lines(InteractiveState(step: 2), size: size, style: RenderStyle())
    for view in [CacheView.withoutCache, .split] {
      let lines = frame.lines(
        InteractiveState(step: 2, view: view), size: size, style: RenderStyle())
      #expect(lines.filter { $0.contains("no run without a cache in this trace") }.count == 1)
      #expect(lines[0].contains("not in this trace"))
      #expect(Self.rows(lines) == Self.rows(cached), "the run's own rows, nothing derived")
    }
    // A run of policy none is its own run without a cache.
    let none = InteractiveFrame(
      trace: try RunRendererGoldenTests.trace(steps: 2, policy: NoCache()))
    let state = InteractiveState(step: 2, view: .withoutCache)
    #expect(!none.lines(state, size: size, style: RenderStyle()).joined().contains("not in this"))
  }
}
