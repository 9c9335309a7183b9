import KVTrace

extension InteractiveFrame {
  /// What a step's screen shows below the status line: the grid, the step told
  /// in a sentence, and the next token's line.
  struct Parts {
    var grid: FrameGrid
    var summary: [String]
    var next: [String]

    init(
      frame: InteractiveFrame, state: InteractiveState, record: StepRecord, size: FrameSize,
      style: RenderStyle
    ) {
      grid = frame.gridTable(state, record: record, size: size, style: style)
      let steps = frame.sequences[state.sequence]
      // The view without a cache tells the uncached run's own step.
      let plain = frame.drawnView(state) == .withoutCache ? frame.uncachedRecord(state) : nil
      let previous = state.step > 0 ? steps[state.step - 1] : nil
      summary = TextLayout.wrap(
        StepSummary.sentence(
          plain ?? record,
          previous: plain == nil
            ? previous : frame.uncachedRecord(frame.with(state, step: state.step - 1)),
          in: plain == nil
            ? frame.trace : frame.uncachedRun(sequence: state.sequence)?.trace ?? frame.trace,
          style: style),
        width: size.columns)
      if plain == nil, let roles = frame.roles,
        let role = StepSummary.role(
          record, focus: state.focus, roles: roles, in: frame.trace, style: style)
      {
        summary += TextLayout.wrap(role, width: size.columns, indent: "  ")
      }
      next =
        (plain ?? record).token.map {
          StepSummary.choiceLines($0, width: size.columns, style: style)
        } ?? []
    }
  }

  /// How the rows of a step's screen are shared out: the grid's first rows, then
  /// the sentence, the counters, the rest of the grid, the rest of the sentence,
  /// spacing, and the next token last. A grid that does not fit gives a row to
  /// the line that says which rows it shows.
  struct Plan {
    var counters = 0
    var spaceAbove = 0
    var spaceBelow = 0
    var gridRows = 0
    var indicator = 0
    var summary = 0
    var next = 0

    /// The plan for `rows` lines between the status and the footer.
    init(rows: Int, parts: Parts) {
      var budget = rows - parts.grid.headings
      func take(_ wanted: Int) -> Int {
        let taken = max(0, min(wanted, budget))
        budget -= taken
        return taken
      }
      let rowCount = parts.grid.rowCount
      let firstRows = take(min(rowCount, 4))
      let summaryFirst = take(min(parts.summary.count, 3))
      counters = take(1)
      gridRows = firstRows + take(rowCount - firstRows)
      summary = summaryFirst + take(parts.summary.count - summaryFirst)
      spaceAbove = take(1)
      spaceBelow = take(1)
      next = take(parts.next.count)
      if parts.grid.length > gridRows, gridRows > 1 {
        gridRows -= 1
        indicator = 1
      }
    }
  }

  /// Carries out `command` on `state` for a screen of `size`: as
  /// ``InteractiveState/apply(_:stepCounts:model:)`` does, and scrolls the grid,
  /// which needs to know how many rows the screen shows.
  ///
  /// - Returns: Whether the state changed (and the frame needs drawing again).
  @discardableResult
  public func apply(
    _ command: InteractiveCommand, to state: inout InteractiveState, size: FrameSize,
    style: RenderStyle = RenderStyle()
  ) -> Bool {
    let delta: Int
    switch command {
    case .scrollDown: delta = 1
    case .scrollUp: delta = -1
    case .pageDown, .pageUp:
      let page = max(1, scrollRange(state, size: size, style: style)?.page ?? 1)
      delta = command == .pageDown ? page : -page
    case .nextLayers, .previousLayers:
      return moveLayers(forward: command == .nextLayers, state: &state, size: size, style: style)
    default: return state.apply(command, stepCounts: stepCounts, model: model)
    }
    guard let range = scrollRange(state, size: size, style: style) else { return false }
    let before = state
    state.showsHelp = false
    let start = state.firstRow ?? (delta > 0 ? 0 : range.last)  // leaving the rows by weight
    let moved = state.firstRow == nil ? start : start + delta
    state.firstRow = min(max(0, moved), range.last)
    return state != before
  }

  /// `<` and `>`: the drawn layer moves to the first layer of the window before or
  /// after the one drawn, wrapping around; nothing when every layer is drawn.
  private func moveLayers(
    forward: Bool, state: inout InteractiveState, size: FrameSize, style: RenderStyle
  ) -> Bool {
    let clamped = state.clamped(stepCounts: stepCounts, model: model)
    guard size.columns >= Self.minimumSize.columns, size.rows >= Self.minimumSize.rows,
      !sequences[clamped.sequence].isEmpty
    else { return false }
    var style = style
    style.width = max(1, size.columns)
    let record = sequences[clamped.sequence][clamped.step]
    guard let window = layerWindow(clamped, record: record, size: size, style: style) else {
      return false
    }
    let wanted = Layout.wanted(config: model, focus: clamped.focus)
    let before = state
    state.showsHelp = false
    state.showsClosing = false
    if forward {
      state.focus.layer =
        window.upperBound < wanted.upperBound ? window.upperBound : wanted.lowerBound
    } else {
      let previous =
        window.lowerBound > wanted.lowerBound ? window.lowerBound - 1 : wanted.upperBound - 1
      state.focus.layer = Layout.page(of: previous, size: window.count, in: wanted).lowerBound
    }
    return state != before
  }

  /// How far the grid of `state`'s step scrolls on a screen of `size`: the last
  /// first row and the rows a page holds; `nil` when every row fits.
  func scrollRange(_ state: InteractiveState, size: FrameSize, style: RenderStyle)
    -> (last: Int, page: Int)?
  {
    let state = state.clamped(stepCounts: stepCounts, model: model)
    guard size.columns >= Self.minimumSize.columns, size.rows >= Self.minimumSize.rows,
      !state.showsClosing, !sequences[state.sequence].isEmpty
    else { return nil }
    var style = style
    style.width = max(1, size.columns)
    let record = sequences[state.sequence][state.step]
    let panels = Panels(
      trace: trace, stepCount: stepCounts[state.sequence], state: state, style: style,
      layerWindow: layerWindow(state, record: record, size: size, style: style) != nil)
    let fixed = 1 + panels.sequence().count + panels.hint().count
    let parts = Parts(frame: self, state: state, record: record, size: size, style: style)
    let plan = Plan(rows: size.rows - fixed, parts: parts)
    guard plan.indicator > 0 else { return nil }
    return (parts.grid.length - plan.gridRows, plan.gridRows)
  }
}
