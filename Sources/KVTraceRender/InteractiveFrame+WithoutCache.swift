import KVTrace

// The `c` views: the step as a real run without a cache did it, from a second trace
// decoded beside the first (`kvtrace step` decodes it; a saved trace holds one run, so
// a replay says so instead of making one up).

extension InteractiveFrame {
  /// A run without a cache, and which of its sequences one of the frame's sequences is.
  struct UncachedRun: Sendable {
    var trace: Trace
    var sequence: Int
  }

  /// The run without a cache of `sequence`, when there is one.
  func uncachedRun(sequence: Int) -> UncachedRun? {
    uncachedRuns.indices.contains(sequence) ? uncachedRuns[sequence] : nil
  }

  /// The step the run without a cache took at `state`'s sequence and step, when there
  /// is such a run and it has that step.
  func uncachedRecord(_ state: InteractiveState) -> StepRecord? {
    guard uncachedSequences.indices.contains(state.sequence) else { return nil }
    let steps = uncachedSequences[state.sequence]
    guard steps.indices.contains(state.step) else { return nil }
    return steps[state.step]
  }

  /// The view drawn: a view without a cache needs the run without one, else the step
  /// is drawn as run (and a note says why).
  func drawnView(_ state: InteractiveState) -> CacheView {
    uncachedRecord(state) == nil ? .cache : state.view
  }

  /// The records a view draws: the step as run, as the run without a cache did it, or both.
  func records(_ record: StepRecord, _ state: InteractiveState) -> [StepRecord] {
    guard let uncached = uncachedRecord(state) else { return [record] }
    switch state.view {
    case .cache: return [record]
    case .withoutCache: return [uncached]
    case .split: return [record, uncached]
    }
  }

  /// The run without a cache's tokens in `sequence`, or the run's own when there is none.
  func uncachedTokens(sequence: Int) -> [TraceToken] {
    guard let run = uncachedRun(sequence: sequence) else { return trace.tokens(sequence: sequence) }
    return run.trace.tokens(sequence: run.sequence)
  }

  /// The note above the grid of a view without a cache: the run without one is not in
  /// this trace, or the step where the two runs' tokens part (from then on they hold
  /// different texts); nothing while they agree.
  func withoutCacheNote(_ state: InteractiveState, style: RenderStyle) -> [String] {
    guard state.view != .cache else { return [] }
    guard uncachedRecord(state) != nil else {
      return [
        " no run without a cache in this trace: 'kvtrace step' with the same options decodes one"
      ]
    }
    let own: [TokenEvent] = trace.steps(sequence: state.sequence).compactMap { $0.token }
    let other: [TokenEvent] = uncachedSequences[state.sequence].compactMap { $0.token }
    guard let parting = zip(own, other).first(where: { $0.chosen.token != $1.chosen.token }),
      parting.0.step <= state.step
    else { return [] }
    let (a, b) = parting
    let label = { (token: TokenEvent) in
      "'" + TextLayout.label(token.chosen.text, unicode: style.unicode) + "'"
    }
    let text =
      " \(style.glyphs.differs) the runs part at step \(a.step): "
      + "\(trace.header.policy.name) chose \(label(a)), none \(label(b)); "
      + "from position \(a.position) on they hold different texts"
    return [
      Paint.bold.apply(TextLayout.clip(text, style.width, unicode: style.unicode), style.color)
    ]
  }

  /// In the split view, when the two runs hold different texts, a column of the run
  /// without a cache's own tokens beside its grid.
  func uncachedLabels(_ state: InteractiveState, length: Int, style: RenderStyle)
    -> GridTable.Column?
  {
    guard state.view == .split, uncachedRecord(state) != nil else { return nil }
    let own = trace.tokens(sequence: state.sequence).prefix(length).map(\.id)
    let other = uncachedTokens(sequence: state.sequence)
    guard Array(other.prefix(length).map(\.id)) != Array(own) else { return nil }
    return GridTable.Column(
      width: GridTable.labelWidth, title: "none's", subtitle: "token"
    ) { position in
      guard position < other.count else { return "" }
      return TextLayout.truncate(
        TextLayout.label(other[position].text, unicode: style.unicode), GridTable.labelWidth,
        unicode: style.unicode)
    }
  }

  /// The attention drawn beside a decoder-only grid: the run's own in the view with a
  /// cache, the run without a cache's in the other two. In the split view that is the
  /// uncached run's newest query (a column, as the cached run's would be), named as
  /// none's, beside the grid of the run it belongs to; an approximate policy's query
  /// reads fewer keys than that one, and `c` back to the cache view shows it.
  func drawnHeatmap(_ state: InteractiveState, record: StepRecord) -> Heatmap {
    let view = drawnView(state)
    let shown = view == .cache ? record : uncachedRecord(state) ?? record
    var queries = shown.attention.filter {
      $0.layer == state.focus.layer && $0.head == state.focus.head && $0.kind == .self
    }
    if view == .split, record.began.phase == .decode { queries = Array(queries.suffix(1)) }
    return Heatmap(
      queries: queries, values: state.values, focus: state.focus,
      run: view == .split ? "none's" : nil)
  }
}
