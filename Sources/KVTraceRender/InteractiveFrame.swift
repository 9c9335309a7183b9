import KVTrace

/// One full screen of the interactive walk-through, drawn from a trace and an
/// ``InteractiveState``.
///
/// A frame is a pure function of the trace, the state, the screen size and the
/// style: no clock, no terminal. It is exactly `size.rows` lines, none wider than
/// `size.columns` cells (color escapes do not count), so the caller can paint it
/// line by line. At the top: a status line (step, phase, view, layer, head), for
/// two prompts a line naming the sequence shown, and the step's counters, then
/// the cache grid with the focused head's attention heatmap beside it. At the
/// foot: the step told in a sentence, the next token, and a line of key hints.
///
/// When the screen is short, the grid keeps its first rows and its newest ones
/// and marks the rows left out; the sentence gives way before the grid's newest
/// rows do. A screen below ``minimumSize`` shows one line saying so.
public struct InteractiveFrame: Sendable {
  /// The trace walked through.
  public let trace: Trace
  /// The trace's steps, grouped once: a list per sequence (one, or two for two prompts).
  let sequences: [[StepRecord]]
  /// The same prompt decoded without a cache, which the `c` views draw; `nil` when
  /// there is none (a replayed file holds one run).
  public let withoutCache: Trace?
  /// Its steps, grouped as ``sequences`` are; empty when there is no such run.
  let uncachedSequences: [[StepRecord]]

  /// The smallest screen the walk-through draws on.
  public static let minimumSize = FrameSize(columns: 40, rows: 10)

  /// Prepares the frames of `trace`.
  ///
  /// - Parameters:
  ///   - trace: The run to walk through.
  ///   - withoutCache: The same prompt, steps and sampling decoded with policy `none`,
  ///     for the views without a cache. A trace of policy `none` is its own; any other
  ///     without one shows, in those views, a line saying the run is not there.
  public init(trace: Trace, withoutCache: Trace? = nil) {
    self.trace = trace.escapedForTerminal
    sequences = (0..<trace.header.sequenceCount).map { trace.steps(sequence: $0) }
    var plain = withoutCache
    if case .none = trace.header.policy.kind { plain = plain ?? trace }
    self.withoutCache = plain?.escapedForTerminal
    uncachedSequences =
      plain.map { run in (0..<run.header.sequenceCount).map { run.steps(sequence: $0) } } ?? []
  }

  /// How many steps each sequence holds (the prefill and the decode steps): one
  /// count for one prompt, two for two prompts decoded together.
  public var stepCounts: [Int] { sequences.map(\.count) }

  /// The shape of the model that made the trace.
  public var model: ModelConfig { trace.header.model }

  /// The lines of the screen for `state`.
  ///
  /// - Parameters:
  ///   - state: The step, focus and view; values out of range are clamped.
  ///   - size: The screen; the result has `size.rows` lines of at most `size.columns` cells.
  ///   - style: Colors and glyphs; its width is replaced by `size.columns`.
  /// - Returns: The lines, without newlines.
  public func lines(_ state: InteractiveState, size: FrameSize, style: RenderStyle) -> [String] {
    var style = style
    style.width = max(1, size.columns)
    let minimum = Self.minimumSize
    let state = state.clamped(stepCounts: stepCounts, model: model)
    var lines: [String]
    if size.columns < minimum.columns || size.rows < minimum.rows {
      lines = [Panels.tooSmall(size, style: style)]
    } else if sequences[state.sequence].isEmpty {
      lines = ["This trace has no steps to walk through. Press q to leave."]
    } else {
      lines = screen(state, size: size, style: style)
    }
    lines += Array(repeating: "", count: max(0, size.rows - lines.count))
    return lines.prefix(max(0, size.rows)).map {
      TextLayout.clip($0, max(0, size.columns), unicode: style.unicode)
    }
  }

  private func screen(_ state: InteractiveState, size: FrameSize, style: RenderStyle) -> [String] {
    let steps = sequences[state.sequence]
    let record = steps[state.step]
    let uncached = uncachedRecord(state)
    let panels = Panels(
      trace: trace, stepCount: steps.count, state: state, style: style, uncached: uncached)
    let status = [panels.status(record)] + panels.sequence()
    let hint = panels.hint()
    guard !state.showsHelp else {
      let rows = size.rows - status.count - 1
      let help = Panels.cut(panels.help(), rows: rows, style: style)
      return status + help + Array(repeating: "", count: max(0, rows - help.count)) + [hint]
    }
    let grid = gridTable(state, record: record, size: size, style: style)
    let plain = drawnView(state) == .withoutCache ? uncached : nil
    let previous = state.step > 0 ? steps[state.step - 1] : nil
    let summary = TextLayout.wrap(
      StepSummary.sentence(
        plain ?? record,
        previous: plain == nil ? previous : uncachedRecord(with(state, step: state.step - 1)),
        in: plain == nil ? trace : withoutCache ?? trace, style: style),
      width: size.columns)
    let next = (plain ?? record).token.map {
      TextLayout.wrap(StepSummary.choice($0, style: style), width: size.columns, indent: "  ")
    }

    // Share out the rows: the grid's ends first, then the sentence, the counters,
    // the rest of the grid, the rest of the sentence, and spacing last.
    let length = grid.rowCount
    let firstRows = min(length, 4)
    var budget = size.rows - status.count - 1 - grid.headings - firstRows
    let summaryFirst = take(min(summary.count, 3), from: &budget)
    let counters = take(1, from: &budget)
    let moreRows = take(length - firstRows, from: &budget)
    let summaryMore = take(summary.count - summaryFirst, from: &budget)
    let spaceAbove = take(1, from: &budget)
    let spaceBelow = take(1, from: &budget)
    let nextLines = take(next?.count ?? 0, from: &budget)

    var top = status + (counters > 0 ? [panels.counters(record)] : [])
    top += Array(repeating: "", count: spaceAbove)
    top += grid.lines(maxRows: firstRows + moreRows)
    var bottom = Array(repeating: "", count: spaceBelow)
    bottom += Panels.cut(summary, rows: summaryFirst + summaryMore, style: style, marker: false)
    bottom += (next ?? []).prefix(nextLines)
    bottom.append(hint)
    // The words stay at the foot of the screen, so they do not jump as the grid grows.
    return top + Array(repeating: "", count: max(0, size.rows - top.count - bottom.count)) + bottom
  }

  /// `state` at another step.
  private func with(_ state: InteractiveState, step: Int) -> InteractiveState {
    var moved = state
    moved.step = step
    return moved
  }

  /// Takes up to `wanted` rows from `budget`; returns how many it took.
  private func take(_ wanted: Int, from budget: inout Int) -> Int {
    let taken = max(0, min(wanted, budget))
    budget -= taken
    return taken
  }
}
