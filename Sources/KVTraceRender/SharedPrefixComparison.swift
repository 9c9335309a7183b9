import KVTrace

/// What `kvtrace compare` prints for two prompts: the shared run against each prompt
/// decoded alone with a full cache.
///
/// Sharing a prefix must change the work, never the result: each sequence's tokens
/// and logits must be those of its prompt alone, and the rows the two solo runs
/// compute twice (the shared prefix) must be computed once.
public enum SharedPrefixComparison {
  /// What the comparison concludes (``ComparisonRenderer/Outcome/pass`` or
  /// ``ComparisonRenderer/Outcome/fail``): the one value its last line and the exit
  /// code of `kvtrace compare` are both made from.
  public static func outcome(
    together: Trace, alone: [Trace], verdict: ComparisonRenderer.Verdict
  ) -> ComparisonRenderer.Outcome {
    let tokensOK = divergences(together: together, alone: alone).allSatisfy { $0 == nil }
    let logitsOK = verdict.maxLogitDifference <= verdict.tolerance
    return tokensOK && logitsOK && verdict.accountingProblems.isEmpty ? .pass : .fail
  }

  /// For each sequence, the first step whose token differs from its prompt's alone.
  private static func divergences(together: Trace, alone: [Trace]) -> [Int?] {
    alone.enumerated().map { sequence, solo in
      let mine = together.steps(sequence: sequence).compactMap(\.token)
      let theirs = solo.steps.compactMap(\.token)
      return zip(mine, theirs).first { $0.chosen.token != $1.chosen.token }?.0.step
    }
  }

  /// The comparison, ending in a newline.
  ///
  /// - Parameters:
  ///   - together: The two prompts decoded together.
  ///   - alone: Each prompt decoded alone, in order.
  ///   - verdict: The largest |Δlogit| over both sequences, the tolerance, and the
  ///     sharing's accounting problems.
  ///   - style: Width, colors and glyphs.
  public static func render(
    together: Trace, alone: [Trace], verdict: ComparisonRenderer.Verdict, style: RenderStyle
  ) -> String {
    let together = together.escapedForTerminal
    let g = style.glyphs
    func mark(_ ok: Bool) -> String {
      ok ? Paint.ok.apply(g.check, style.color) : Paint.bad.apply(g.cross, style.color)
    }
    let shared = SharedPrefixText.sharedLength(together.header)
    var lines = RunRenderer.title(together, style: style)
    lines += TextLayout.wrap(
      "compare  the two prompts decoded together (\(together.header.policy.name), the first "
        + "\(StepSummary.count(shared, "position")) shared) against each alone (full)",
      width: style.width, indent: "         ")
    lines.append("")
    let divergences = divergences(together: together, alone: alone)
    for (sequence, solo) in alone.enumerated() {
      let divergence = divergences[sequence]
      let steps = solo.steps.compactMap(\.token).count
      let text = TextLayout.display(
        RunRenderer.flatten(together.tokens(sequence: sequence).map(\.text).joined()),
        unicode: style.unicode)
      lines += TextLayout.wrap(
        "text \(sequence)   " + text, width: style.width, indent: "         ")
      lines.append(
        "tokens   \(mark(divergence == nil)) "
          + (divergence.map { "sequence \(sequence) first differs at step \($0)" }
            ?? "sequence \(sequence) identical to its prompt alone at all \(steps) steps"))
    }
    let logitsOK = verdict.maxLogitDifference <= verdict.tolerance
    lines.append(
      "logits   \(mark(logitsOK)) max |\(style.unicode ? "Δ" : "d")logit| = "
        + ComparisonRenderer.scientific(verdict.maxLogitDifference) + " (tolerance "
        + ComparisonRenderer.scientific(verdict.tolerance) + ")")
    let computed = rows(together)
    let separate = alone.reduce(0) { $0 + rows($1) }
    let rowsOK = verdict.accountingProblems.isEmpty
    lines += TextLayout.wrap(
      "rows     \(mark(rowsOK)) "
        + (rowsOK
          ? "together \(computed), alone \(separate): the shared prefix was computed once, "
            + "\(separate - computed) rows saved"
          : verdict.accountingProblems[0]),
      width: style.width, indent: "           ")
    let bytes = { (t: Trace) in t.steps.last?.counters?.cacheBytes ?? 0 }
    lines.append(
      "memory   at the end the shared pool held \(TextLayout.bytes(bytes(together))); alone "
        + alone.map { TextLayout.bytes(bytes($0)) }.joined(separator: " + "))
    lines.append(
      outcome(together: together, alone: alone, verdict: verdict).succeeded
        ? Paint.ok.apply("PASS", style.color) + ": sharing changed the work, not the result."
        : Paint.bad.apply("FAIL", style.color) + ": sharing changed the result.")
    return lines.joined(separator: "\n") + "\n"
  }

  private static func rows(_ trace: Trace) -> Int {
    trace.steps.reduce(0) { $0 + ($1.counters?.rowsComputed ?? 0) }
  }
}
