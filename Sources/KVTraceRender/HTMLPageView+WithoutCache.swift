import KVTrace

// The parts of a page's step that the terminal draws beside the grid or in the `c` views:
// the block table of a paged cache, and the step as the run without a cache did it.

extension HTMLPageView {
  /// The `c` views' words for `record`, as the terminal's: the counters of the view without
  /// a cache and of the split view, the note above their grids, and, when the prompt was
  /// decoded again without a cache, that run's step (sentence, next token, grids).
  static func withoutCache(
    _ record: StepRecord, count: Int, frame: InteractiveFrame, _ w: inout JSONWriter
  ) {
    let trace = frame.trace
    var state = InteractiveState(step: record.step, sequence: record.sequence)
    let uncached = frame.uncachedRecord(state)
    for (key, view) in [("countersWithout", CacheView.withoutCache), ("countersSplit", .split)] {
      state.view = view
      let panels = InteractiveFrame.Panels(
        trace: trace, stepCount: count, state: state, style: style, uncached: uncached)
      w.key(key)
      w.string(String(panels.counters(record).dropFirst()))
    }
    state.view = .withoutCache
    if let note = frame.withoutCacheNote(state, style: style).first {
      w.key("note")
      w.string(String(note.drop { $0 == " " }))
    }
    guard let uncached, let run = frame.uncachedRun(sequence: record.sequence) else { return }
    let steps = frame.uncachedSequences[record.sequence]
    let previous = record.step > 0 && steps.count >= record.step ? steps[record.step - 1] : nil
    w.key("without")
    w.beginObject()
    w.key("sentence")
    w.string(StepSummary.sentence(uncached, previous: previous, in: run.trace, style: style))
    if let counters = uncached.counters {
      w.key("work")
      w.string(StepSummary.cost(counters, record: uncached, in: run.trace, style: style))
    }
    if let token = uncached.token {
      w.key("next")
      w.string(StepSummary.choice(token, style: style))
    }
    w.key("grids")
    w.beginArray()
    for grid in HTMLPageGrid.grids(uncached, in: run.trace) {
      grid.write(&w)
    }
    w.endArray()
    w.endObject()
  }

  /// A paged cache's block table, a cell per position as the terminal draws it beside the
  /// grid (`0 → #3`, a bar down the block's other rows, `new` for a block allocated now).
  static func blocks(_ record: StepRecord, _ w: inout JSONWriter) {
    guard let column = BlockColumn.column(record, style: style) else { return }
    w.key("blocks")
    w.beginObject()
    w.field("title", column.title)
    w.field("subtitle", column.subtitle)
    strings("cells", (0..<record.began.sequenceLength).map(column.cell), &w)
    w.endObject()
  }
}
