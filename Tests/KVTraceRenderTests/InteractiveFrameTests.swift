import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// Frames of the interactive walk-through: golden files, and the promise that a
/// frame fills its screen exactly and never spills over.
@Suite struct InteractiveFrameTests {
  /// The default demo's frames: the pangram, a prefill and 6 decode steps.
  static func demo() throws -> InteractiveFrame {
    InteractiveFrame(trace: try RunRendererGoldenTests.trace())
  }

  /// The demo with the same prompt decoded without a cache beside it, as `kvtrace step`
  /// decodes it, for the `c` views.
  static func demoWithoutCache() throws -> InteractiveFrame {
    InteractiveFrame(
      trace: try RunRendererGoldenTests.trace(),
      withoutCache: try RunRendererGoldenTests.trace(policy: NoCache()))
  }

  static func text(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

  static func check(
    _ frame: InteractiveFrame, _ state: InteractiveState, _ size: FrameSize, named name: String,
    style: RenderStyle = RenderStyle(), sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let lines = frame.lines(state, size: size, style: style)
    #expect(lines.count == size.rows, sourceLocation: sourceLocation)
    try golden.check(Self.text(lines), named: name, sourceLocation: sourceLocation)
  }

  // MARK: - Golden frames

  @Test(.tags(.golden)) func decodeStepAt80x24() throws {
    try Self.check(
      try Self.demo(), InteractiveState(step: 1), FrameSize(columns: 80, rows: 24),
      named: "frame-80x24-step1.txt")
  }

  @Test(.tags(.golden)) func prefillTriangleAt120x40() throws {
    try Self.check(
      try Self.demo(), InteractiveState(step: 0, focus: RenderFocus(layer: 1, head: 2)),
      FrameSize(columns: 120, rows: 40), named: "frame-120x40-prefill.txt")
  }

  @Test(.tags(.golden)) func splitViewAt120x40() throws {
    try Self.check(
      try Self.demoWithoutCache(), InteractiveState(step: 3, view: .split),
      FrameSize(columns: 120, rows: 40),
      named: "frame-120x40-split.txt")
  }

  @Test(.tags(.golden)) func int8DecodeStepAt100x30NamesTheRoundingAndTheBytes() throws {
    let frame = InteractiveFrame(
      trace: try RunRendererGoldenTests.trace(steps: 2, policy: Int8Cache()))
    let size = FrameSize(columns: 100, rows: 30)
    let lines = frame.lines(InteractiveState(step: 1), size: size, style: RenderStyle())
    let text = Self.text(lines)
    #expect(text.contains("cache int8 (approximate)"))
    #expect(text.contains("The int8 cache rounded the 8 fresh rows"))
    #expect(text.contains("as int8"))
    try Self.check(frame, InteractiveState(step: 1), size, named: "frame-100x30-int8.txt")
  }

  @Test(.tags(.golden)) func pagedStepShowsTheBlockTableAt80x24() throws {
    let frame = InteractiveFrame(
      trace: try RunRendererGoldenTests.trace(policy: PagedCache(blockSize: 4)))
    try Self.check(
      frame, InteractiveState(step: 3), FrameSize(columns: 80, rows: 24),
      named: "frame-80x24-paged-4.txt")
    let lines = frame.lines(
      InteractiveState(step: 3), size: FrameSize(columns: 80, rows: 24), style: RenderStyle())
    #expect(lines.contains { $0.contains("3 → #0 new") })  // position 12 opens block 3
  }

  @Test(.tags(.golden)) func smallScreenElidesRowsWithAMarker() throws {
    let frame = try Self.demo()
    let lines = frame.lines(
      InteractiveState(step: 6), size: FrameSize(columns: 60, rows: 16), style: RenderStyle())
    #expect(lines.contains { $0.contains(" rows · ") && $0.contains(" of the weight") })
    let newest = try #require(frame.trace.steps[6].newestAttention(layer: 0, head: 0))
    let weights = try #require(newest.weights)
    let heaviest = Array(newest.keys)[
      try #require(weights.indices.max { weights[$0] < weights[$1] })]
    #expect(
      lines.contains { $0.hasPrefix(TextLayout.padLeft("\(heaviest)", 4) + "  ") },
      "the row the newest query weighs most stays in view")
    try Self.check(
      frame, InteractiveState(step: 6), FrameSize(columns: 60, rows: 16),
      named: "frame-60x16-elided.txt")
  }

  @Test(.tags(.golden)) func withoutCacheScoresInASCII() throws {
    let style = RenderStyle(unicode: false)
    let frame = try Self.demoWithoutCache()
    let state = InteractiveState(step: 4, view: .withoutCache, values: .scores)
    let text = Self.text(frame.lines(state, size: FrameSize(columns: 80, rows: 24), style: style))
    #expect(text.utf8.allSatisfy { $0 < 0x80 })
    try Self.check(
      frame, state, FrameSize(columns: 80, rows: 24), named: "frame-80x24-no-cache-ascii.txt",
      style: style)
  }

  @Test(.tags(.golden)) func helpOverlay() throws {
    try Self.check(
      try Self.demo(), InteractiveState(step: 2, showsHelp: true),
      FrameSize(columns: 80, rows: 24), named: "frame-80x24-help.txt")
  }

  /// A window with sinks: the help's marks explain the evicted and pinned marks
  /// too, in the glyphs the grid uses (here ASCII: `-` evicted, `*` pinned).
  @Test(.tags(.golden)) func helpOverlayOfSinksExplainsEvictedAndPinnedASCII() throws {
    let frame = InteractiveFrame(
      trace: try RunRendererGoldenTests.trace(
        steps: 3, policy: SlidingWindow(sinks: 2, window: 4)))
    let state = InteractiveState(step: 2, showsHelp: true)
    let size = FrameSize(columns: 80, rows: 24)
    let style = RenderStyle(unicode: false)
    let text = Self.text(frame.lines(state, size: size, style: style))
    #expect(text.contains("   - evicted at this step: no later query reads it"))
    #expect(text.contains("   * pinned sink: an early row the policy never evicts"))
    let unicode = Self.text(frame.lines(state, size: size, style: RenderStyle()))
    #expect(unicode.contains("   × evicted at this step") && unicode.contains("   ◆ pinned sink"))
    // A full cache evicts nothing: its help has neither line.
    let full = Self.text(try Self.demo().lines(state, size: size, style: RenderStyle()))
    #expect(!full.contains("evicted") && !full.contains("pinned"))
    try Self.check(frame, state, size, named: "frame-80x24-help-sinks-ascii.txt", style: style)
  }

  /// Two prompts decoded together: each sequence's frames, its shared rows marked.
  @Test(.tags(.golden)) func twoPromptsSequenceZeroDecodeStep() throws {
    let frame = InteractiveFrame(trace: try RunRendererGoldenTests.twoPromptTrace())
    #expect(frame.stepCounts == [3, 3])
    let state = InteractiveState(step: 1)
    let lines = frame.lines(state, size: FrameSize(columns: 80, rows: 24), style: RenderStyle())
    #expect(lines[1] == " sequence 0: \"The quick brown fox jumps over the lazy dog.\"")
    #expect(lines.contains { $0.contains("query 10 'ten'") })
    #expect(!lines.contains { $0.contains("▣") }, "sequence 0 computed its prefix itself")
    try Self.check(frame, state, FrameSize(columns: 80, rows: 24), named: "frame-80x24-seq0.txt")
  }

  @Test(.tags(.golden)) func twoPromptsSequenceOneMarksTheSharedRows() throws {
    let frame = InteractiveFrame(trace: try RunRendererGoldenTests.twoPromptTrace())
    let size = FrameSize(columns: 80, rows: 24)
    for (unicode, shared, name) in [
      (true, "▣ ▣ ▣ ▣  ▣ ▣ ▣ ▣", "frame-80x24-seq1.txt"),
      (false, "+ + + +  + + + +", "frame-80x24-seq1-ascii.txt"),
    ] {
      let style = RenderStyle(unicode: unicode)
      let state = InteractiveState(step: 0, sequence: 1)
      let lines = frame.lines(state, size: size, style: style)
      #expect(lines[1] == " sequence 1: \"The quick brown fox jumps over a cat.\"")
      // Positions 0-5 are sequence 0's rows; 6-8 are this prompt's own.
      #expect(lines.filter { $0.contains(shared) }.count == 6)
      #expect(lines.contains { $0.hasPrefix("   6  a         ") })
      #expect(lines.contains { $0.contains("block table") })
      #expect(lines.suffix(2).joined().contains("s sequence"), "the footer names the key")
      try Self.check(frame, state, size, named: name, style: style)
    }
    let ascii = frame.lines(
      InteractiveState(sequence: 1), size: size, style: RenderStyle(unicode: false))
    #expect(Self.text(ascii).utf8.allSatisfy { $0 < 0x80 })
  }

  @Test(.tags(.unit)) func twoPromptsHelpListsTheSequenceKeyAndTheSharedMark() throws {
    let frame = InteractiveFrame(trace: try RunRendererGoldenTests.twoPromptTrace())
    let state = InteractiveState(sequence: 1, showsHelp: true)
    let text = Self.text(
      frame.lines(state, size: FrameSize(columns: 80, rows: 30), style: RenderStyle()))
    #expect(text.contains("   s               sequence: the other prompt, at the same step"))
    #expect(text.contains("   ▣ shared: sequence 0 computed it; sequence 1 only reads it"))
    // One prompt: neither line.
    let single = Self.text(
      try Self.demo().lines(state, size: FrameSize(columns: 80, rows: 30), style: RenderStyle()))
    #expect(!single.contains("sequence"))
  }

  /// The switch keeps the step, layer and head; a sequence with fewer steps (a trace
  /// whose sequence 1 stops early) takes its last step instead.
  @Test(.tags(.golden)) func switchingKeepsTheCursorAndClampsToAShorterSequence() throws {
    let full = try RunRendererGoldenTests.twoPromptTrace()
    let size = FrameSize(columns: 80, rows: 24)
    var state = InteractiveState(step: 2, focus: RenderFocus(layer: 1, head: 3))
    let frame = InteractiveFrame(trace: full)
    let changed = state.apply(.nextSequence, stepCounts: frame.stepCounts, model: frame.model)
    #expect(changed)
    #expect(state == InteractiveState(step: 2, sequence: 1, focus: RenderFocus(layer: 1, head: 3)))
    #expect(
      frame.lines(state, size: size, style: RenderStyle()).first?.contains("step 2 of 2") == true)

    var events = full.events
    events.removeAll { $0.sequence == 1 && $0.step == 2 }
    let short = InteractiveFrame(trace: Trace(header: full.header, events: events))
    #expect(short.stepCounts == [3, 2])
    state = InteractiveState(step: 2, focus: RenderFocus(layer: 1, head: 3))
    state.apply(.nextSequence, stepCounts: short.stepCounts, model: short.model)
    #expect(state == InteractiveState(step: 1, sequence: 1, focus: RenderFocus(layer: 1, head: 3)))
    try Self.check(short, state, size, named: "frame-80x24-seq1-clamped.txt")
    state.apply(.nextSequence, stepCounts: short.stepCounts, model: short.model)
    #expect(state.sequence == 0 && state.step == 1, "back to sequence 0, at the step it has")
  }

  // MARK: - What the frames show

  @Test(.tags(.unit)) func withoutCacheEveryRowLightsUp() throws {
    let frame = try Self.demoWithoutCache()
    let size = FrameSize(columns: 80, rows: 30)
    let cached = frame.lines(InteractiveState(step: 3), size: size, style: RenderStyle())
    let uncached = frame.lines(
      InteractiveState(step: 3, view: .withoutCache), size: size, style: RenderStyle())
    let rows = { (lines: [String]) in lines.filter { $0.wholeMatch(of: #/ +[0-9]+  \S.*/#) != nil }
    }
    #expect(rows(cached).count == 13)
    #expect(rows(cached).filter { $0.contains("□") }.count == 12)
    #expect(rows(uncached).count == 13)
    #expect(rows(uncached).allSatisfy { !$0.contains("□") && $0.contains("■ ■ ■ ■  ■ ■ ■ ■") })
    #expect(uncached.joined(separator: " ").contains("96 of them again"))
  }

  @Test(.tags(.unit)) func prefillTriangleIsCausal() throws {
    let frame = try Self.demo()
    let lines = frame.lines(
      InteractiveState(step: 0), size: FrameSize(columns: 120, rows: 40), style: RenderStyle())
    let shades: Set<Character> = ["░", "▒", "▓", "█"]
    for query in 0..<10 {
      let row = try #require(lines.first { $0.hasPrefix(TextLayout.padLeft("\(query)", 4) + "  ") })
      let cells = row.dropFirst(GridTable.prefixWidth + 16 + 3)
      #expect(cells.filter { shades.contains($0) }.count == 2 * (query + 1), "\(row)")
    }
  }

  @Test(.tags(.unit)) func summaryDetailShowsWhichKeysWereReadWithoutNumbers() throws {
    let trace = try RunRendererGoldenTests.trace(steps: 1, detail: .summary)
    let frame = InteractiveFrame(trace: trace)
    for step in 0..<2 {
      let lines = frame.lines(InteractiveState(step: step), size: .standard, style: RenderStyle())
      let text = lines.joined(separator: "\n")
      #expect(text.contains("keys read, layer 0 head 0"), "\(text)")
      #expect(!text.contains("weights,"))
      let rows = lines.filter { $0.wholeMatch(of: #/ +[0-9]+  \S.*/#) != nil }
      #expect(rows.count == 10 + step)
      #expect(rows.allSatisfy { !$0.contains("0.") }, "no weight is made up: \(text)")
    }
  }

  @Test(.tags(.unit)) func tooSmallScreenSaysSoOnOneLine() throws {
    let frame = try Self.demo()
    for size in [
      FrameSize(columns: 39, rows: 24), FrameSize(columns: 80, rows: 9),
      FrameSize(columns: 16, rows: 3),
    ] {
      let lines = frame.lines(InteractiveState(), size: size, style: RenderStyle())
      #expect(lines.count == size.rows)
      #expect(lines.filter { !$0.isEmpty }.count == 1, "\(lines)")
      #expect(lines[0].contains("\(size.columns)×\(size.rows)"), "\(lines)")
    }
  }

  @Test(.tags(.unit)) func colorChangesNothingButEscapes() throws {
    let frame = try Self.demo()
    let size = FrameSize(columns: 100, rows: 30)
    for state in [
      InteractiveState(step: 0), InteractiveState(step: 2, view: .split),
      InteractiveState(step: 5, values: .scores, showsHelp: true),
    ] {
      let plain = frame.lines(state, size: size, style: RenderStyle())
      for (mode, marker) in [
        (ColorMode.ansi16, "\u{1B}[36m"), (.ansi256, "38;5;"), (.truecolor, "38;2;"),
      ] {
        let colored = frame.lines(state, size: size, style: RenderStyle(color: mode))
        #expect(colored.map(RunRendererGoldenTests.stripEscapes) == plain.map { $0 }, "\(mode)")
        if !state.showsHelp { #expect(colored.joined().contains(marker), "\(mode)") }
      }
    }
  }

  // MARK: - Frames fit their screen

  static let sizes = [
    FrameSize(columns: 40, rows: 10), FrameSize(columns: 60, rows: 16),
    FrameSize(columns: 80, rows: 24),
    FrameSize(columns: 120, rows: 40), FrameSize(columns: 200, rows: 12),
    FrameSize(columns: 41, rows: 60),
    FrameSize(columns: 20, rows: 5), FrameSize(columns: 1, rows: 1), FrameSize(columns: 0, rows: 0),
  ]

  static func traces() throws -> [Trace] {
    let gqa = ModelConfig(
      layers: 3, heads: 8, kvHeads: 2, dim: 32, mlpDim: 64, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize)
    let wide = ModelConfig(
      layers: 6, heads: 6, kvHeads: 6, dim: 48, mlpDim: 96, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize)
    let long = String(repeating: "Once upon a time there was a fox. ", count: 4)
    return [
      try RunRendererGoldenTests.trace(),
      try RunRendererGoldenTests.trace(config: gqa, steps: 2, detail: .summary),
      try RunRendererGoldenTests.trace(steps: 2, policy: NoCache()),
      try RunRendererGoldenTests.trace(config: wide, prompt: long, steps: 1),
      try RunRendererGoldenTests.twoPromptTrace(steps: 1),
    ]
  }

  @Test(.tags(.unit)) func everyFrameFillsItsScreenExactly() throws {
    for trace in try Self.traces() {
      let frame = InteractiveFrame(trace: trace)
      for (sequence, step) in frame.stepCounts.enumerated().flatMap({ s, n in
        (0..<n).map { (s, $0) }
      }) {
        for view in CacheView.allCases {
          for values in AttentionValues.allCases {
            for unicode in [true, false] {
              let state = InteractiveState(
                step: step, sequence: sequence, view: view, values: values)
              Self.expectFits(frame, state, style: RenderStyle(color: .ansi256, unicode: unicode))
            }
          }
        }
      }
      Self.expectFits(
        frame, InteractiveState(showsHelp: true), style: RenderStyle(color: .truecolor))
    }
  }

  static func expectFits(
    _ frame: InteractiveFrame, _ state: InteractiveState, style: RenderStyle,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    for size in sizes {
      let lines = frame.lines(state, size: size, style: style)
      #expect(lines.count == size.rows, "\(size) \(state)", sourceLocation: sourceLocation)
      for line in lines where TextLayout.width(line) > size.columns {
        Issue.record("\(size) \(state): too wide: \(line)", sourceLocation: sourceLocation)
      }
    }
  }

  @Test(.tags(.unit)) func aTraceWithoutStepsStillDraws() {
    let header = TraceHeader(
      model: .demo(vocabularySize: 10), weights: "none",
      policy: CachePolicyInfo(kind: .full, exact: true, summary: ""), seed: 0,
      sampling: .greedy, prompt: "", promptTokens: [], decodeSteps: 0, detail: .full)
    let frame = InteractiveFrame(trace: Trace(header: header, events: []))
    let lines = frame.lines(InteractiveState(step: 3), size: .standard, style: RenderStyle())
    #expect(lines.count == 24)
    #expect(lines[0].contains("no steps"))
  }
}
