import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// Issue 17's screens: rows kept by weight and scrolled, the closing summary, and
/// `run` and `step` drawing the same marks, the focused column, whole footers.
@Suite struct ScreensTests {
  static let screen = FrameSize(columns: 80, rows: 24)

  /// The pangram decoded for 30 steps: 40 rows, more than an 80×24 screen holds.
  static func long() throws -> InteractiveFrame {
    InteractiveFrame(trace: try RunRendererGoldenTests.trace(steps: 30))
  }

  /// The positions a frame draws: lines that start with a position and two spaces.
  static func drawn(_ lines: [String]) -> [Int] {
    lines.compactMap { line in
      guard line.count > 16, line.dropFirst(4).hasPrefix("  ") else { return nil }
      return Int(line.prefix(4).trimmingCharacters(in: .whitespaces))
    }
  }

  /// The weight of layer 0 head 0's newest query on each key of `record`.
  static func weights(_ record: StepRecord) throws -> [Int: Float] {
    let attention = try #require(record.newestAttention(layer: 0, head: 0))
    let weights = try #require(attention.weights)
    var byKey: [Int: Float] = [:]
    for (index, key) in attention.keys.enumerated() { byKey[key] = weights[index] }
    return byKey
  }

  @Test(
    .tags(.unit), arguments: [FrameSize(columns: 80, rows: 24), FrameSize(columns: 120, rows: 40)])
  func hiddenRowsWeighLessAndTheScreenIsUsed(_ size: FrameSize) throws {
    let frame = try Self.long()
    let record = try #require(frame.trace.steps.last)
    let lines = frame.lines(InteractiveState(step: 30), size: size, style: RenderStyle())
    let shown = Self.drawn(lines)
    let hidden = Set(0..<record.began.sequenceLength).subtracting(shown)
    #expect(!hidden.isEmpty, "40 rows do not fit in \(size.rows) lines")
    let weights = try Self.weights(record)
    let heaviestHidden = hidden.map { weights[$0] ?? 0 }.max() ?? 0
    #expect(heaviestHidden < shown.map { weights[$0] ?? 0 }.min() ?? 0)
    #expect(lines.filter(\.isEmpty).count <= 2, "rows are hidden: no line may stay blank")
    #expect(lines.contains { $0.contains("of 40 rows: those query 39 weighs most") })
  }

  @Test(.tags(.unit)) func scrollingMovesTheRowsAndSaysWhere() throws {
    let frame = try Self.long()
    var state = InteractiveState(step: 30)
    #expect(frame.apply(.scrollDown, to: &state, size: Self.screen))
    #expect(state.firstRow == 0)
    let top = frame.lines(state, size: Self.screen, style: RenderStyle())
    let page = Self.drawn(top).count
    #expect(Self.drawn(top) == Array(0..<page))
    #expect(top.contains { $0.hasPrefix(" rows 0–\(page - 1) of 40") })
    #expect(frame.apply(.scrollDown, to: &state, size: Self.screen))
    #expect(Self.drawn(frame.lines(state, size: Self.screen, style: RenderStyle())).first == 1)
    frame.apply(.pageDown, to: &state, size: Self.screen)
    #expect(state.firstRow == 1 + page)
    for _ in 0..<5 { frame.apply(.pageDown, to: &state, size: Self.screen) }
    #expect(state.firstRow == 40 - page, "stops at the newest row")
    #expect(!frame.apply(.scrollDown, to: &state, size: Self.screen), "nothing below")
    frame.apply(.pageUp, to: &state, size: Self.screen)
    #expect(state.firstRow == 40 - 2 * page)
    frame.apply(.previousStep, to: &state, size: Self.screen)
    #expect(state.firstRow == nil, "a new step shows the heaviest rows again")
    var fits = InteractiveState(step: 1)
    #expect(!frame.apply(.scrollDown, to: &fits, size: Self.screen), "11 rows fit: no scrolling")
  }

  @Test(.tags(.unit)) func pastTheLastStepComesTheClosingSummary() throws {
    let frame = try InteractiveFrameTests.demo()
    var state = InteractiveState(step: 6)
    #expect(frame.apply(.nextStep, to: &state, size: Self.screen))
    #expect(state.showsClosing && state.step == 6)
    let text = frame.lines(state, size: Self.screen, style: RenderStyle()).joined(separator: "\n")
    var computed = 0
    var reused = 0
    for case .counters(let c) in frame.trace.events {
      computed += c.rowsComputed
      reused += c.rowsReused
    }
    #expect(text.contains("rows     computed \(computed), reused \(reused)"))
    #expect(text.contains("tokens   10 in the prompt, 6 decoded"))
    let peak = frame.trace.steps.compactMap { $0.counters?.cacheBytes }.max() ?? 0
    #expect(text.contains("cache    at most \(TextLayout.bytes(peak))"))
    #expect(text.contains("without a cache"))
    #expect(frame.apply(.previousStep, to: &state, size: Self.screen))
    #expect(!state.showsClosing && state.step == 6, "← leaves the summary for the last step")
    try InteractiveFrameTests.check(
      frame, InteractiveState(step: 6, showsClosing: true), Self.screen,
      named: "frame-80x24-closing.txt")
  }

  @Test(.tags(.golden)) func scrolledGrid() throws {
    let frame = try Self.long()
    var state = InteractiveState(step: 30)
    frame.apply(.scrollDown, to: &state, size: Self.screen)
    frame.apply(.pageDown, to: &state, size: Self.screen)
    try InteractiveFrameTests.check(frame, state, Self.screen, named: "frame-80x24-scrolled.txt")
  }

  /// At 80×24 the counters keep the cache's bytes for every policy; int8's say so.
  @Test(.tags(.golden)) func int8CountersKeepTheCacheBytesAt80x24() throws {
    let policies: [any CachePolicy] = [
      Int8Cache(), FullCache(), NoCache(), PagedCache(blockSize: 4),
      SlidingWindow(sinks: 2, window: 4),
    ]
    for policy in policies {
      let frame = InteractiveFrame(
        trace: try RunRendererGoldenTests.trace(steps: 2, policy: policy))
      for step in 0...2 {
        let lines = frame.lines(
          InteractiveState(step: step), size: Self.screen, style: RenderStyle())
        let bytes = try #require(frame.trace.steps[step].counters?.cacheBytes)
        #expect(lines[1].contains(TextLayout.bytes(bytes)), "\(policy.info.name): \(lines[1])")
      }
    }
    let int8 = InteractiveFrame(
      trace: try RunRendererGoldenTests.trace(steps: 2, policy: Int8Cache()))
    let lines = int8.lines(InteractiveState(step: 1), size: Self.screen, style: RenderStyle())
    #expect(lines[1].hasSuffix(" int8"))
    try InteractiveFrameTests.check(
      int8, InteractiveState(step: 1), Self.screen, named: "frame-80x24-int8.txt")
  }

  /// The footer lists every key that works, with two prompts and in ASCII too.
  @Test(.tags(.unit), arguments: [true, false]) func theFooterListsEveryKey(_ unicode: Bool) throws
  {
    let style = RenderStyle(unicode: unicode)
    for trace in [try RunRendererGoldenTests.twoPromptTrace(), try RunRendererGoldenTests.trace()] {
      let frame = InteractiveFrame(trace: trace)
      for state in [InteractiveState(step: 1), InteractiveState(step: 2, showsClosing: true)] {
        let lines = frame.lines(state, size: Self.screen, style: style)
        let footer = lines.suffix(3).joined(separator: "  ")
        let rows = KeyBindings.rows(sequences: trace.header.sequenceCount).filter {
          !state.showsClosing || $0.onClosing
        }
        for row in rows {
          #expect(footer.contains(row.hint(style.glyphs.keys, state.values)), "\(footer)")
        }
      }
    }
  }

  /// No `next:` line ends inside a runner-up: a quoted token keeps its probability.
  @Test(.tags(.unit)) func theNextLineBreaksBetweenRunnersUp() throws {
    let frame = try Self.long()
    var nextLines: [String] = []
    for step in 0...30 {
      for size in [Self.screen, FrameSize(columns: 60, rows: 40)] {
        let lines = frame.lines(InteractiveState(step: step), size: size, style: RenderStyle())
        nextLines += lines.filter { $0.hasPrefix("next: ") || $0.hasPrefix("  '") }
      }
    }
    let run = RunRenderer.render(frame.trace, focus: RenderFocus(), style: .plain)
    nextLines += run.split(separator: "\n").map(String.init).filter {
      $0.hasPrefix("next: ") || $0.hasPrefix("  '")
    }
    #expect(nextLines.count > 31)
    for line in nextLines {
      #expect(!line.hasSuffix("'") && !line.hasSuffix("…"), "\(line)")
      #expect(line.wholeMatch(of: #/.*\d\.\d\d\)?[,;]?/#) != nil, "ends in a probability: \(line)")
    }
  }

  /// Sinks are `◆` in `run` and in `step`, as both legends say; the focused
  /// layer and head's number is bracketed in both, in ASCII too.
  @Test(.tags(.unit), arguments: [true, false]) func runAndStepDrawAlike(_ unicode: Bool) throws {
    let trace = try RunRendererGoldenTests.trace(
      steps: 3, policy: SlidingWindow(sinks: 2, window: 4))
    let style = RenderStyle(unicode: unicode)
    let focus = RenderFocus(layer: 1, head: 2)
    let run = RunRenderer.render(trace, focus: focus, style: style).split(separator: "\n")
    let frame = InteractiveFrame(trace: trace).lines(
      InteractiveState(step: 3, focus: focus), size: Self.screen, style: style)
    let pinned = style.glyphs.pinned
    let sink = "   0  The       \(pinned) \(pinned) \(pinned) \(pinned)"
    #expect(run.contains { $0.hasPrefix(sink) })
    #expect(frame.contains { $0.hasPrefix(sink) })
    let heading = " pos  token     0 1 2 3  0 1[2]3"
    #expect(run.contains { $0.hasPrefix(heading) })
    #expect(frame.contains { $0.hasPrefix(heading) })
  }
}
