import KVTrace

/// Two runs of the same prompt side by side: usually no cache against a cache.
///
/// The table shows, step by step, the token each run chose and the work each
/// did; the verdict says whether the cache changed anything but the work.
public enum ComparisonRenderer {
  /// The comparison text, ending in a newline.
  ///
  /// - Parameters:
  ///   - left: The reference run (usually `--cache none`).
  ///   - right: The run under test.
  ///   - verdict: The oracle's measurements.
  ///   - focus: The layer and head of the final-step grids.
  ///   - style: Width, colors and glyphs.
  public static func render(
    _ left: Trace, _ right: Trace, verdict: Verdict, focus: RenderFocus, style: RenderStyle
  ) -> String {
    let (left, right) = (left.escapedForTerminal, right.escapedForTerminal)
    var lines = RunRenderer.title(right, style: style)
    let l = left.header.policy.name
    let r = right.header.policy.name
    let (a, b) = columnNames(left, right)
    let named = a == l ? "" : " (columns \(a) and \(b))"
    let cross = right.header.source.map { ", --cross \($0.crossAttention.rawValue)" } ?? ""
    lines += TextLayout.wrap(
      "compare  cache \(l) against cache \(r)\(cross): same prompt, same seed, same weights"
        + named,
      width: style.width, indent: "         ")
    lines.append("")
    lines += table(left, right, style: style)
    lines.append("")
    if approximate(left, right), let forced = verdict.teacherForced {
      lines += forcedTable(left, right, steps: forced, style: style)
      lines.append("")
    }
    lines += finalGrids(left, right, focus: focus, style: style)
    lines.append("")
    lines += verdictLines(left, right, verdict: verdict, style: style)
    return lines.map { $0.trimmingTrailingSpaces() }.joined(separator: "\n") + "\n"
  }

  /// The names the table's headings use: the policies' own when they fit, else A and B.
  static func columnNames(_ left: Trace, _ right: Trace) -> (String, String) {
    let l = left.header.policy.name
    let r = right.header.policy.name
    return max(l.count, r.count) <= 4 ? (l, r) : ("A", "B")
  }

  static func table(_ left: Trace, _ right: Trace, style: RenderStyle) -> [String] {
    let (l, r) = columnNames(left, right)
    let columns = [4, 7, 12, 12, 9, 9, 9, 9]  // 78 columns with the separators
    func row(_ cells: [String]) -> String {
      zip(cells, columns).enumerated().map { index, pair in
        index < 2 || index == 2 || index == 3
          ? TextLayout.padRight(pair.0, pair.1) : TextLayout.padLeft(pair.0, pair.1)
      }.joined(separator: " ")
    }
    var lines = [
      row([
        "step", "phase", "token (\(l))", "token (\(r))", "rows \(l)", "rows \(r)",
        "FLOPs \(l)", "FLOPs \(r)",
      ])
    ]
    let leftSteps = left.steps
    let rightSteps = right.steps
    let parting = partingStep(left, right)
    for (a, b) in zip(leftSteps, rightSteps) {
      let tokenA = a.token.map { TextLayout.label($0.chosen.text, unicode: style.unicode) } ?? ""
      let tokenB = b.token.map { TextLayout.label($0.chosen.text, unicode: style.unicode) } ?? ""
      let same = a.token?.chosen.token == b.token?.chosen.token
      let differs = approximate(left, right) ? style.glyphs.differs : style.glyphs.cross
      lines.append(
        row([
          "\(a.step)", a.began.phase.rawValue,
          TextLayout.truncate(tokenA, 12, unicode: style.unicode),
          TextLayout.truncate(tokenB, 10, unicode: style.unicode)
            + (same ? "" : " " + differs),
          "\(a.counters?.rowsComputed ?? 0)", "\(b.counters?.rowsComputed ?? 0)",
          TextLayout.metric(a.counters?.flops ?? 0), TextLayout.metric(b.counters?.flops ?? 0),
        ]))
      if a.step == parting, a.step < leftSteps.count - 1 { lines.append(partingLine(a.step)) }
    }
    return lines
  }

  /// The last step of each run, grids side by side (attention column left out), or
  /// one above the other when two grids do not fit the width side by side (many layers).
  static func finalGrids(
    _ left: Trace, _ right: Trace, focus: RenderFocus, style: RenderStyle
  ) -> [String] {
    guard let a = left.steps.last, let b = right.steps.last else { return [] }
    let titleA = "last step, cache \(left.header.policy.name)"
    let titleB = "last step, cache \(right.header.policy.name)"
    var narrow = style
    narrow.width = style.width / 2 - 2
    let gridA = CacheGrid.lines(a, in: left, focus: focus, style: narrow, showsAttention: false)
    let gridB = CacheGrid.lines(b, in: right, focus: focus, style: narrow, showsAttention: false)
    let widthA = gridA.map(TextLayout.width).max() ?? 0
    let widthB = gridB.map(TextLayout.width).max() ?? 0
    // Side by side only when each half draws every layer: else one above the other.
    let windowed = Layout(
      config: left.header.model, style: narrow, showsAttention: false, focus: focus
    ).isWindow
    guard windowed || widthA + 4 + widthB > style.width else {
      return TextLayout.sideBySide([titleA] + gridA, [titleB] + gridB, leftWidth: widthA, gap: 4)
    }
    let fullA = CacheGrid.lines(a, in: left, focus: focus, style: style, showsAttention: false)
    let fullB = CacheGrid.lines(b, in: right, focus: focus, style: style, showsAttention: false)
    return [titleA] + fullA + ["", titleB] + fullB
  }

  static func verdictLines(
    _ left: Trace, _ right: Trace, verdict: Verdict, style: RenderStyle
  ) -> [String] {
    let findings = Findings(left, right, verdict: verdict)
    let (divergence, tokensOK, logitsOK, rowsOK, approximate) = (
      findings.divergence, findings.tokensOK, findings.logitsOK, findings.rowsOK,
      findings.approximate
    )
    let total = left.steps.filter { $0.token != nil }.count  // an encoder step chooses none
    let g = style.glyphs
    func mark(_ ok: Bool) -> String {
      ok ? Paint.ok.apply(g.check, style.color) : Paint.bad.apply(g.cross, style.color)
    }
    /// ✓ when equal; ✗ for an exact pair that differs; ≈ for an approximate one,
    /// which may rightly differ (M15).
    func mark(same: Bool) -> String { same || !approximate ? mark(same) : g.differs }
    let rows = rowsOK ? rowRules(left) + "; " + rowRules(right) : verdict.accountingProblems[0]
    var lines = [
      "tokens   \(mark(same: tokensOK)) "
        + (tokensOK
          ? "identical at all \(total) steps"
          : "first differ at step \(divergence ?? 0)"
            + (approximate ? ", as an approximate policy may" : ""))
    ]
    lines += logitsLine(verdict, findings: findings, mark: mark(same: logitsOK), style: style)
    if approximate, let forced = verdict.teacherForced {
      lines += forcedSummary(left, right, steps: forced, style: style)
    }
    lines += TextLayout.wrap(
      "rows     \(mark(rowsOK)) " + rows, width: style.width, indent: "           ")
    lines.append(
      "memory   at the end cache \(right.header.policy.name) held "
        + "\(TextLayout.bytes(finalBytes(right))), cache \(left.header.policy.name) "
        + TextLayout.bytes(finalBytes(left)))
    let saved = work(left) - work(right)
    if saved > 0 {
      lines.append(
        "work     cache \(right.header.policy.name) did \(TextLayout.metric(work(right))) FLOPs, "
          + "cache \(left.header.policy.name) \(TextLayout.metric(work(left)))")
    }
    if approximate {
      lines += TextLayout.wrap(
        approximateVerdict(left, right, findings: findings, style: style), width: style.width)
      return lines
    }
    lines.append(
      findings.outcome.succeeded
        ? Paint.ok.apply("PASS", style.color) + ": the cache changed the work, not the result."
        : Paint.bad.apply("FAIL", style.color)
          + ": the runs differ; a correct cache changes only the work.")
    return lines
  }

  /// The last line when either policy is approximate: a difference is the lesson
  /// (M15), not a failure; only broken row accounting fails.
  private static func approximateVerdict(
    _ left: Trace, _ right: Trace, findings: Findings, style: RenderStyle
  ) -> String {
    let (exact, approximate) =
      right.header.policy.exact
      ? (right.header.policy, left.header.policy)
      : (left.header.policy, right.header.policy)
    switch findings.outcome {
    case .fail:
      return Paint.bad.apply("FAIL", style.color) + ": the rows broke the policy's accounting."
    case .approximate, .pass: break
    }
    let label = Paint.ok.apply("APPROXIMATE", style.color)
    let (how, why) =
      switch approximate.kind {
      case .int8: ("reads rounded rows", "which reads back rows rounded to int8")
      case .window, .none, .full, .paged:
        ("reads fewer keys", "which forgets rows the query would have read")
      }
    guard let divergence = findings.divergence else {
      return label + ": \(approximate.name) gave the same tokens as \(exact.name) at every "
        + "step here, although it \(how); on other prompts or longer runs it may not."
    }
    return label + ": \(approximate.name) differs from \(exact.name) at step \(divergence); "
      + "expected of an approximate policy, \(why)."
  }

  /// Whether either policy is approximate, so the runs may rightly differ.
  static func approximate(_ left: Trace, _ right: Trace) -> Bool {
    !left.header.policy.exact || !right.header.policy.exact
  }

  /// The cache bytes the run held after its last step.
  private static func finalBytes(_ trace: Trace) -> Int {
    trace.steps.last?.counters?.cacheBytes ?? 0
  }

  private static func rowRules(_ trace: Trace) -> String {
    if let source = trace.header.source {
      let c = trace.header.model
      let cross = "the \(source.tokens.count * c.layers * c.kvHeads) cross rows"
      switch (trace.header.policy.kind, source.crossAttention) {
      case (.none, _): return "none recomputed every self and cross row at every step"
      case (.full, .once):
        return "full computed one new self row per layer and KV head per decoder step, and "
          + "\(cross) once, at the first"
      case (.full, .recompute):
        return "full computed one new self row per layer and KV head per decoder step, and "
          + "\(cross) at every step"
      case (.window, _), (.paged, _), (.int8, _): break  // an encoder-decoder runs none or full
      }
    }
    let name = trace.header.policy.name
    return switch trace.header.policy.kind {
    case .none: "none recomputed every row at every step"
    case .full: "full computed one new row per layer and KV head per decode step"
    case .int8:
      "int8 computed one new row per layer and KV head per decode step, each K or V row "
        + "in \(trace.header.model.headSize + 4) bytes (a byte per value and a 4-byte scale)"
    case .window(let sinks, _) where sinks > 0:
      "\(name) pinned its sinks and evicted one row per decode step once full"
    case .window:
      "\(name) held at most its window and evicted one row per decode step once full"
    case .paged:
      "\(name) computed rows as full does, held ceil(n / B) blocks and allocated one only "
        + "when a position opened it"
    }
  }

  private static func work(_ trace: Trace) -> Int {
    trace.events.reduce(0) { sum, event in
      if case .counters(let c) = event { TextLayout.sum(sum, c.flops) } else { sum }
    }
  }

  /// `3.1e-06`, `0`: a compact float for differences.
  static func scientific(_ value: Float) -> String {
    guard value != 0 else { return "0" }
    var exponent = 0
    var mantissa = Double(value)
    while abs(mantissa) < 1 {
      mantissa *= 10
      exponent -= 1
    }
    while abs(mantissa) >= 10 {
      mantissa /= 10
      exponent += 1
    }
    var text = TextLayout.fixed(mantissa, 1)
    if text.hasPrefix("10.") || text.hasPrefix("-10.") {  // 9.96 rounds up to 10.0
      mantissa /= 10
      exponent += 1
      text = TextLayout.fixed(mantissa, 1)
    }
    let sign = exponent < 0 ? "-" : "+"
    let digits = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
    return text + "e" + sign + digits
  }
}
