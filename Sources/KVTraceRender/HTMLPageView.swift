import KVTrace

/// The view a page of ``HTMLPage`` shows beside its trace: the terminal's words
/// and marks for every step, made by the same renderers, as JSON.
///
/// Per sequence and step: the counters line of `kvtrace step`, the step told in a
/// sentence, each head's role sentence where the step has one, the next token,
/// the work line of `kvtrace run`, and the grids (a row per position, a column
/// per layer and KV head) as one letter per cell. Columns that are alike are
/// stored once: a policy marks every KV head of a step alike, so a long trace
/// adds about one column of letters per step.
enum HTMLPageView {
  /// The page's style: plain Unicode text, wide enough that nothing is wrapped.
  static let style = RenderStyle(width: 100_000, color: .none, unicode: true, maxRows: .max)

  /// The view of `frame`'s trace, opening on `focus` (else the head `kvtrace run` draws),
  /// as UTF-8 JSON.
  static func json(_ frame: InteractiveFrame, focus: RenderFocus?) -> [UInt8] {
    let trace = frame.trace
    let shown = frame.trace  // texts escaped as the terminal shows them
    let config = shown.header.model
    var w = JSONWriter(reservingCapacity: 1 << 16)
    w.beginObject()
    w.key("layers")
    w.int(config.layers)
    w.key("heads")
    w.int(config.heads)
    w.key("kvHeads")
    w.int(config.kvHeads)
    w.key("markColumns")
    w.int(HTMLPageBody.markColumns)
    w.key("policy")
    w.string(shown.header.policy.name + (shown.header.policy.exact ? "" : " (approximate)"))
    w.key("policyName")
    w.string(shown.header.policy.name)
    w.key("uncached")
    w.bool(!frame.uncachedRuns.isEmpty)
    // The head asked for at export, else the head `kvtrace run` draws by default.
    let focus = focus ?? RenderFocus.automatic(for: trace, roles: frame.roles)
    w.key("focus")
    w.beginArray()
    w.int(focus.layer)
    w.int(focus.head)
    w.endArray()
    w.key("encoderDecoder")
    w.bool(shown.header.architecture != .decoder)
    strings("header", RunRenderer.header(shown, style: style), &w)
    legend(shown.header, &w)
    strings("closing", RunRenderer.totals(shown, style: style), &w)
    if shown.header.architecture != .decoder {
      tokens("source", shown.sourceTokens, &w)
    }
    w.key("sequences")
    w.beginArray()
    for sequence in frame.sequences.indices {
      self.sequence(sequence, frame: frame, &w)
    }
    w.endArray()
    w.endObject()
    return w.bytes
  }

  private static func sequence(_ index: Int, frame: InteractiveFrame, _ w: inout JSONWriter) {
    let trace = frame.trace
    w.beginObject()
    w.key("name")
    w.string(
      trace.header.sequenceCount > 1
        ? "sequence \(index): "
          + RunRenderer.flatten(
            SharedPrefixText.quoted(trace.header, sequence: index, style: style))
        : "")
    tokens("tokens", trace.tokens(sequence: index), &w)
    if let run = frame.uncachedRun(sequence: index) {
      tokens("uncachedTokens", run.trace.tokens(sequence: run.sequence), &w)
      // Where its attention is: the page's list of runs without a cache (one run, or one
      // per prompt), or -1 for a run of policy `none`, which is its own.
      var source = trace.header.sequenceCount > 1 ? index : 0
      if case .none = trace.header.policy.kind { source = -1 }
      w.key("uncachedRun")
      w.beginArray()
      w.int(source)
      w.int(run.sequence)
      w.endArray()
    }
    w.key("steps")
    w.beginArray()
    let steps = frame.sequences[index]
    for (position, record) in steps.enumerated() {
      step(
        record, previous: position > 0 ? steps[position - 1] : nil, count: steps.count,
        frame: frame, &w)
    }
    w.endArray()
    w.endObject()
  }

  /// Token texts as a grid's rows label them, and as a sentence quotes them.
  private static func tokens(_ key: String, _ tokens: [TraceToken], _ w: inout JSONWriter) {
    strings(
      key,
      tokens.map {
        TextLayout.truncate(
          TextLayout.label($0.text, unicode: true), GridTable.labelWidth, unicode: true)
      }, &w)
    strings(key + "Quoted", tokens.map { TextLayout.quoted($0.text, unicode: true) }, &w)
  }

  private static func step(
    _ record: StepRecord, previous: StepRecord?, count: Int, frame: InteractiveFrame,
    _ w: inout JSONWriter
  ) {
    let trace = frame.trace
    w.beginObject()
    w.key("step")
    w.int(record.step)
    w.key("phase")
    w.string(record.began.phase.rawValue)
    w.key("length")
    w.int(record.began.sequenceLength)
    let panels = InteractiveFrame.Panels(
      trace: trace, stepCount: count, state: InteractiveState(), style: style)
    w.key("counters")
    w.string(String(panels.counters(record).dropFirst()))
    withoutCache(record, count: count, frame: frame, &w)
    blocks(record, &w)
    w.key("sentence")
    w.string(StepSummary.sentence(record, previous: previous, in: trace, style: style))
    if let counters = record.counters {
      w.key("work")
      w.string(StepSummary.cost(counters, record: record, in: trace, style: style))
    }
    if let token = record.token {
      w.key("next")
      w.string(StepSummary.choice(token, style: style))
    }
    roles(record, frame: frame, &w)
    w.key("grids")
    w.beginArray()
    for grid in HTMLPageGrid.grids(record, in: trace) {
      grid.write(&w)
    }
    w.endArray()
    w.endObject()
  }

  /// Each head's role sentence at this step, keyed `layer.head`, for the heads that have one.
  private static func roles(_ record: StepRecord, frame: InteractiveFrame, _ w: inout JSONWriter) {
    guard let roles = frame.roles else { return }
    let config = frame.trace.header.model
    w.key("roles")
    w.beginObject()
    for layer in 0..<config.layers {
      for head in 0..<config.heads {
        let focus = RenderFocus(layer: layer, head: head)
        if let text = StepSummary.role(
          record, focus: focus, roles: roles, in: frame.trace, style: style)
        {
          w.key("\(layer).\(head)")
          w.string(text)
        }
      }
    }
    w.endObject()
  }

  /// The marks the trace's grids use: glyph, name and meaning.
  private static func legend(_ header: TraceHeader, _ w: inout JSONWriter) {
    w.key("legend")
    w.beginArray()
    for mark in Legend.marks(header) where mark != .blockTable {
      w.beginArray()
      w.string(Legend.symbol(mark, style: style))
      w.string(Legend.name(mark))
      w.string(Legend.meaning(mark, style: style) ?? "")
      w.endArray()
    }
    w.endArray()
  }

  static func strings(_ key: String, _ values: [String], _ w: inout JSONWriter) {
    w.key(key)
    w.beginArray()
    for value in values { w.string(value) }
    w.endArray()
  }
}
