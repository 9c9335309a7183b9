import KVTrace

// Where two runs part, and what the teacher-forced comparison measured: the parts of a
// comparison that keep figures of different texts from passing as comparable (M18).

extension ComparisonRenderer {
  /// The first step whose chosen tokens differ, if any: from the next step on, the two
  /// runs read different texts.
  static func partingStep(_ left: Trace, _ right: Trace) -> Int? {
    let pairs = zip(left.steps.compactMap(\.token), right.steps.compactMap(\.token))
    return pairs.first { $0.chosen.token != $1.chosen.token }?.0.step
  }

  /// Whether the left run (the reference) is the exact side of a teacher-forced
  /// comparison: it is unless only the right one is exact.
  static func leftIsExact(_ left: Trace, _ right: Trace) -> Bool {
    left.header.policy.exact || !right.header.policy.exact
  }

  /// The names of the exact side and the fed side.
  static func forcedNames(_ left: Trace, _ right: Trace) -> (exact: String, fed: String) {
    let (l, r) = (left.header.policy.name, right.header.policy.name)
    return leftIsExact(left, right) ? (l, r) : (r, l)
  }

  /// `logits   ≈ max |Δlogit| = …`: the free runs' largest difference, over the steps at
  /// which both read the same text.
  static func logitsLine(
    _ verdict: Verdict, findings: Findings, mark: String, style: RenderStyle
  ) -> [String] {
    let delta =
      "max |\(style.unicode ? "Δ" : "d")logit| = " + scientific(verdict.maxLogitDifference)
    let divergence = findings.divergence
    let sameText = divergence.map { " through step \($0), while both read the same text" } ?? ""
    let suffix =
      if !findings.logitsOK && findings.approximate {
        divergence == nil
          ? ": differs, as an approximate policy may"
          : "; later steps read different texts and are not compared"
      } else {
        " (tolerance " + scientific(verdict.tolerance) + ")"
      }
    return TextLayout.wrap(
      "logits   \(mark) " + delta + sameText + suffix, width: style.width, indent: "           ")
  }

  /// The line under the table's parting row.
  static func partingLine(_ step: Int) -> String {
    "     the runs part at step \(step): below, each continues its own text"
  }

  /// The step-by-step table of the teacher-forced comparison, for an approximate pair.
  static func forcedTable(
    _ left: Trace, _ right: Trace, steps: [TeacherForcedStep], style: RenderStyle
  ) -> [String] {
    let (exact, fed) = forcedNames(left, right)
    let delta = style.unicode ? "Δ" : "d"
    let parting = partingStep(left, right)
    var lines = TextLayout.wrap(
      "teacher-forced: \(fed) fed \(exact)'s tokens, so both read the same text",
      width: style.width, indent: "  ")
    let widths = [4, 14, 14, 12, 10]
    func row(_ cells: [String]) -> String {
      zip(cells, widths).enumerated().map { index, pair in
        index == 1 || index == 2
          ? TextLayout.padRight(pair.0, pair.1) : TextLayout.padLeft(pair.0, pair.1)
      }.joined(separator: " ")
    }
    let (a, b) = max(exact.count, fed.count) <= 8 ? (exact, fed) : ("exact", "fed")
    lines.append(row(["step", "top, \(a)", "top, \(b)", "max |\(delta)logit|", "KL"]))
    for figures in steps {
      let label = { (text: String) in
        TextLayout.truncate(
          TextLayout.label(TerminalText.escaped(text), unicode: style.unicode), 12,
          unicode: style.unicode)
      }
      let mark = figures.topAgrees ? "" : " " + style.glyphs.differs
      var line = row([
        "\(figures.step)", label(figures.exactTopText), label(figures.approximateTopText) + mark,
        scientific(figures.maxLogitDifference), scientific(Float(figures.klDivergence)),
      ])
      if figures.step == parting { line += "  free runs part" }
      lines.append(line)
    }
    return lines
  }

  /// `forced   ≈ …`: the teacher-forced maxima in a sentence.
  static func forcedSummary(
    _ left: Trace, _ right: Trace, steps: [TeacherForcedStep], style: RenderStyle
  ) -> [String] {
    let (exact, fed) = forcedNames(left, right)
    let delta = style.unicode ? "Δ" : "d"
    let largest = steps.max { $0.maxLogitDifference < $1.maxLogitDifference }
    let furthest = steps.max { $0.klDivergence < $1.klDivergence }
    let agree = steps.filter(\.topAgrees).count
    var text =
      "forced   \(style.glyphs.differs) fed \(exact)'s tokens, \(fed): max |\(delta)logit| = "
    text += scientific(largest?.maxLogitDifference ?? 0)
    if let largest, largest.maxLogitDifference > 0 { text += " (step \(largest.step))" }
    text += ", max KL = " + scientific(Float(furthest?.klDivergence ?? 0))
    if let furthest, furthest.klDivergence > 0 { text += " (step \(furthest.step))" }
    text += "; the same top token at \(agree) of \(steps.count) steps"
    return TextLayout.wrap(text, width: style.width, indent: "           ")
  }
}
