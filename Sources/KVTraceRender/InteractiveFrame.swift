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
/// When the screen is short, the grid keeps the rows the newest query weighs most
/// and marks each gap with what it hides; the sentence gives way before the grid's
/// rows do. A screen below ``minimumSize`` shows one line saying so.
public struct InteractiveFrame: Sendable {
  /// The trace walked through.
  public let trace: Trace
  /// The trace's steps, grouped once: a list per sequence (one, or two for two prompts).
  let sequences: [[StepRecord]]
  /// The same prompt decoded without a cache, which the `c` views draw; `nil` when
  /// there is none (a replayed file holds one run). For two prompts, the first's.
  public let withoutCache: Trace?
  /// The runs without a cache, a run and its sequence per sequence of ``trace``: one
  /// trace's sequences, or, for two prompts, each prompt decoded alone.
  let uncachedRuns: [UncachedRun]
  /// Their steps, grouped as ``sequences`` are; empty when there is no such run.
  let uncachedSequences: [[StepRecord]]
  /// The trace's head roles, measured once, so that the step summary names the drawn
  /// head's role as `run` does; `nil` for a trace without weights.
  let roles: HeadRoles?

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
    var plain = withoutCache
    if case .none = trace.header.policy.kind { plain = plain ?? trace }
    let runs = plain.map { run in
      (0..<run.header.sequenceCount).map { UncachedRun(trace: run, sequence: $0) }
    }
    self.init(trace: trace, runs: runs ?? [])
  }

  /// Prepares the frames of `trace`, two prompts decoded together, with each prompt
  /// decoded alone without a cache for the views without one.
  ///
  /// - Parameters:
  ///   - trace: The run to walk through, of two prompts.
  ///   - withoutCacheByPrompt: Each prompt in turn decoded alone with policy `none`,
  ///     the same steps and sampling.
  public init(trace: Trace, withoutCacheByPrompt: [Trace]) {
    self.init(
      trace: trace, runs: withoutCacheByPrompt.map { UncachedRun(trace: $0, sequence: 0) })
  }

  private init(trace: Trace, runs: [UncachedRun]) {
    self.trace = trace.escapedForTerminal
    sequences = (0..<trace.header.sequenceCount).map { trace.steps(sequence: $0) }
    uncachedRuns = runs.map {
      UncachedRun(trace: $0.trace.escapedForTerminal, sequence: $0.sequence)
    }
    withoutCache = uncachedRuns.first?.trace
    roles = try? HeadRoles(trace)
    uncachedSequences = uncachedRuns.map { $0.trace.steps(sequence: $0.sequence) }
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
      trace: trace, stepCount: steps.count, state: state, style: style, uncached: uncached,
      layerWindow: layerWindow(state, record: record, size: size, style: style) != nil)
    let status = [panels.status(record)] + panels.sequence()
    let hint = panels.hint()
    guard !state.showsHelp, !state.showsClosing else {
      let rows = size.rows - status.count - hint.count
      let body = state.showsHelp ? panels.help() : closing(style: style)
      let shown = Panels.cut(body, rows: rows, style: style)
      return status + shown + Array(repeating: "", count: max(0, rows - shown.count)) + hint
    }
    let parts = Parts(frame: self, state: state, record: record, size: size, style: style)
    let plan = Plan(rows: size.rows - status.count - hint.count, parts: parts)
    var top = status + (plan.counters > 0 ? [panels.counters(record)] : [])
    top += Array(repeating: "", count: plan.spaceAbove)
    top += parts.grid.lines(maxRows: plan.gridRows, firstRow: state.firstRow)
    if plan.indicator > 0 {
      top.append(parts.grid.indicator(maxRows: plan.gridRows, firstRow: state.firstRow))
    }
    var bottom = Array(repeating: "", count: plan.spaceBelow)
    bottom += Panels.cut(parts.summary, rows: plan.summary, style: style, marker: false)
    bottom += parts.next.prefix(plan.next)
    bottom += hint
    // The words stay at the foot of the screen, so they do not jump as the grid grows.
    return top + Array(repeating: "", count: max(0, size.rows - top.count - bottom.count)) + bottom
  }

  /// The layers the grid of `state`'s step draws when it draws only some of them.
  func layerWindow(
    _ state: InteractiveState, record: StepRecord, size: FrameSize, style: RenderStyle
  ) -> Range<Int>? {
    gridTable(state, record: record, size: size, style: style).layerWindow
  }

  /// `state` at another step.
  func with(_ state: InteractiveState, step: Int) -> InteractiveState {
    var moved = state
    moved.step = step
    return moved
  }
}
