import KVTrace

/// The plain rendering of a whole run: a header, then every step's grid and summary.
///
/// This is what `kvtrace run` prints, and what `kvtrace replay` prints for the
/// same trace: the output depends on the trace and the style only.
public enum RunRenderer {
  /// The full text, ending in a newline.
  ///
  /// - Parameters:
  ///   - trace: The trace to draw.
  ///   - focus: The layer and head whose attention is drawn.
  ///   - style: Width, colors and glyphs.
  public static func render(_ trace: Trace, focus: RenderFocus, style: RenderStyle) -> String {
    render(trace, focus: focus, style: style, roles: try? HeadRoles(trace))
  }

  /// The full text, with the trace's head roles measured once by the caller (who also
  /// picked the drawn head from them, ``RenderFocus/automatic(for:roles:)``).
  ///
  /// - Parameters:
  ///   - trace: The trace to draw.
  ///   - focus: The layer and head whose attention is drawn.
  ///   - style: Width, colors and glyphs.
  ///   - roles: `HeadRoles(trace)`, or `nil` when they cannot be measured; the step
  ///     summaries name the drawn head's role from them.
  ///   - threads: How many threads draw the steps (each step's text depends on the trace
  ///     alone, so the text is the same for any number).
  public static func render(
    _ trace: Trace, focus: RenderFocus, style: RenderStyle, roles: HeadRoles?, threads: Int = 1
  ) -> String {
    var steps: [(record: StepRecord, previous: StepRecord?)] = []
    var previous: [StepRecord?] = [nil, nil]  // each sequence's step before, for two prompts
    for record in trace.steps {
      steps.append((record, previous[min(record.sequence, 1)]))
      previous[min(record.sequence, 1)] = record
    }
    func text(of step: (record: StepRecord, previous: StepRecord?)) -> String {
      let lines =
        ["", rule(for: step.record, sequences: trace.header.sequenceCount, style: style)]
        + CacheGrid.lines(step.record, in: trace, focus: focus, style: style)
        + StepSummary.lines(
          step.record, previous: step.previous, in: trace, style: style, focus: focus,
          roles: roles)
      return lines.joined(separator: "\n")
    }
    let texts = InOrder.map(steps, threads: threads, text)
    return
      ([header(trace, style: style).joined(separator: "\n")] + texts
      + ["", totals(trace, style: style).joined(separator: "\n")])
      .joined(separator: "\n") + "\n"
  }

  /// The title and the model's lines, however many the model line wraps to: the
  /// top of the header, which a comparison shows too.
  static func title(_ trace: Trace, style: RenderStyle) -> [String] {
    let m = trace.header.model
    let heads = "\(m.heads) \(m.heads == 1 ? "head" : "heads") (\(m.kvHeads) KV)"
    let (title, model) =
      switch trace.header.architecture {
      case .decoder:
        (
          "kvtrace: a tiny transformer decoding with a KV cache",
          "decoder-only, \(m.layers) layers"
        )
      case .encoderDecoder:
        (
          "kvtrace: a tiny encoder-decoder and its two KV caches",
          "encoder-decoder (T5), \(m.layers) encoder + \(m.layers) decoder "
            + (m.layers == 1 ? "layer" : "layers")
        )
      }
    return [Paint.bold.apply(title, style.color)]
      + TextLayout.wrap(
        "model    \(model) \(style.glyphs.times) \(heads), head size \(m.headSize), "
          + "context \(m.contextLength)", width: style.width, indent: "         ")
  }

  /// What ran: model, weights, cache policy, prompt, and the legend.
  public static func header(_ trace: Trace, style: RenderStyle) -> [String] {
    guard trace.header.architecture == .decoder else {
      return encoderDecoderHeader(trace.escapedForTerminal, style: style)
    }
    let h = trace.escapedForTerminal.header
    var lines = title(trace, style: style)
    if h.weights.hasPrefix("random") {
      lines += TextLayout.wrap(
        "weights  \(h.weights): the words are arbitrary, but every row below was really "
          + "computed, or really read back from the cache", width: style.width, indent: "         ")
    } else {
      lines += TextLayout.wrap("weights  \(h.weights)", width: style.width, indent: "         ")
    }
    lines += TextLayout.wrap(
      "cache    \(h.policy.name) (\(h.policy.exact ? "exact" : "approximate")): \(h.policy.summary)",
      width: style.width, indent: "         ")
    if h.secondPrompt == nil {
      let prompt = TextLayout.display("\"\(h.prompt)\"", unicode: style.unicode)
      lines += TextLayout.wrap("prompt   " + prompt, width: style.width, indent: "         ")
      let labels = h.promptTokens.map { TextLayout.label($0.text, unicode: style.unicode) }
      lines += TextLayout.wrap(
        "tokens   \(labels.count): " + labels.joined(separator: " | "), width: style.width,
        indent: "         ")
    } else {
      lines += SharedPrefixText.headerLines(h, style: style)
    }
    let decoding =
      switch h.decodeSteps {
      case 0: "a prefill only, no decode step"
      case 1: "a prefill, then 1 decode step that feeds the last token back in"
      case let n: "a prefill, then \(n) decode steps that each feed the last token back in"
      }
    lines += TextLayout.wrap("steps    " + decoding, width: style.width, indent: "         ")
    lines += legend(h, style: style)
    return lines.map { $0.trimmingTrailingSpaces() }
  }

  /// The header's legend: the marks the grids below use, two to a line where short.
  private static func legend(_ h: TraceHeader, style: RenderStyle) -> [String] {
    let marks = Legend.marks(h)
    func entry(_ mark: Legend.Mark, short: Bool = false) -> String {
      Legend.entry(mark, short: short, style: style)
    }
    var lines = [
      "legend   " + entry(.fresh), "         " + entry(.reused) + "   " + entry(.notCached),
    ]
    if marks.contains(.evicted) {
      lines.append(
        "         " + entry(.evicted)
          + (marks.contains(.pinned) ? "   " + entry(.pinned, short: true) : ""))
    }
    for mark in [Legend.Mark.shared, .blockTable] where marks.contains(mark) {
      lines.append("         " + entry(mark))
    }
    return lines + ["         a row per position, a column per layer and KV head"]
  }

  /// The rule that opens a step: `━━ step 1 · decode · position 10 ━━━━`, with the
  /// sequence when two prompts run (`step 1 · decode · sequence 1 · position 9`).
  static func rule(for record: StepRecord, sequences: Int = 1, style: RenderStyle) -> String {
    let q = record.began.queries
    let dot = style.unicode ? "·" : "-"
    var what =
      q.count == 1 ? "position \(q.lowerBound)" : "positions \(q.lowerBound)-\(q.upperBound - 1)"
    if record.began.phase == .encode { what = "source " + what }
    if sequences > 1 { what = "sequence \(record.sequence) \(dot) " + what }
    let title = " step \(record.step) \(dot) \(record.began.phase.rawValue) \(dot) \(what) "
    let left = String(repeating: style.glyphs.rule, count: 2)
    let right = String(repeating: style.glyphs.rule, count: max(2, style.width - 2 - title.count))
    return Paint.bold.apply(left + title + right, style.color)
  }

  /// The run's totals and its text.
  public static func totals(_ trace: Trace, style: RenderStyle) -> [String] {
    guard trace.header.architecture == .decoder else {
      return encoderDecoderTotals(trace, style: style)
    }
    var computed = 0
    var reused = 0
    var flops = 0
    var flopsWithoutCache = 0
    for case .counters(let c) in trace.events {
      computed += c.rowsComputed
      reused += c.rowsReused
      flops = TextLayout.sum(flops, c.flops)
      flopsWithoutCache = TextLayout.sum(flopsWithoutCache, c.flopsWithoutCache)
    }
    var lines = [
      Paint.bold.apply(String(repeating: style.glyphs.rule, count: 2) + " done", style.color)
    ]
    for sequence in 0..<trace.header.sequenceCount {
      let text = trace.tokens(sequence: sequence).map(\.text).joined()
      lines += shortened(
        TextLayout.wrap(
          (trace.header.sequenceCount > 1 ? "text \(sequence)   " : "text     ")
            + TextLayout.display(flatten(text), unicode: style.unicode), width: style.width,
          indent: "         "), style: style)
    }
    lines.append("rows     computed \(computed), reused \(reused)")
    lines += SharedPrefixText.savings(trace, computed: computed, style: style)
    lines.append(costLine(flops: flops, flopsWithoutCache: flopsWithoutCache, style: style))
    if let memory = Int8Summary.totalsLine(trace, style: style) { lines.append(memory) }
    if let full = FullContextCache.line(trace.header.model) {
      lines += TextLayout.wrap(full, width: style.width, indent: "         ")
    }
    return lines
  }

  /// The most lines the totals give a decoded text; a longer one keeps its first two
  /// and last three lines, so the totals of hundreds of steps stay on one screen.
  static let textLines = 6

  /// `lines` of a text, at most ``textLines``: the middle left out and counted.
  static func shortened(_ lines: [String], style: RenderStyle) -> [String] {
    guard lines.count > textLines else { return lines }
    let left = lines.count - 5
    return Array(lines.prefix(2))
      + ["         \(style.glyphs.ellipsis) (\(left) more lines of text)"] + lines.suffix(3)
  }

  /// `FLOPs    1.23 M; without a cache 3.45 M (2.80×)`.
  static func costLine(flops: Int, flopsWithoutCache: Int, style: RenderStyle) -> String {
    var cost = "FLOPs    \(TextLayout.metric(flops))"
    if flopsWithoutCache > flops, flops > 0 {
      cost +=
        "; without a cache \(TextLayout.metric(flopsWithoutCache)) ("
        + TextLayout.fixed(Double(flopsWithoutCache) / Double(flops), 2) + "\(style.glyphs.times))"
    }
    return cost
  }

  /// The text on one line: newlines and tabs become spaces.
  static func flatten(_ text: String) -> String {
    TerminalText.escaped(String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 }))
  }
}
