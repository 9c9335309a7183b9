import KVTrace

// `kvtrace compare --json`: the verdict as one JSON object, for a script or a checker.
// The fields are documented in KVTraceRender.docc/CompareJSON.md; the keys are written
// in alphabetical order, a line per step of the teacher-forced list.

extension ComparisonRenderer {
  /// The verdict of comparing `left` (the reference) with `right` (the run under test)
  /// as JSON, ending in a newline: whether the runs are identical, where they part,
  /// the largest logit difference while both read the same text, and the teacher-forced
  /// figures, step by step and at most. Every field is described in the article "The
  /// verdict of compare, as JSON" (`CompareJSON.md` in this module's catalog).
  ///
  /// - Parameters:
  ///   - left: The reference run.
  ///   - right: The run under test.
  ///   - verdict: The oracle's measurements.
  public static func json(_ left: Trace, _ right: Trace, verdict: Verdict) -> String {
    let findings = Findings(left, right, verdict: verdict)
    let tokens = { (trace: Trace) in trace.steps.compactMap { $0.token?.chosen.token } }
    var w = JSONWriter()
    w.beginObject()
    w.key("accountingProblems")
    w.beginArray()
    for problem in verdict.accountingProblems { w.string(problem) }
    w.endArray()
    w.field("exact", !findings.approximate)
    w.key("freeRunning")
    w.beginObject()
    w.field("comparedSteps", findings.divergence.map { $0 + 1 } ?? tokens(left).count)
    w.field("maxAbsLogitDifference", verdict.maxLogitDifference)
    w.field("tolerance", verdict.tolerance)
    w.endObject()
    w.field("identical", findings.tokensOK)
    w.field("outcome", outcomeName(findings.outcome))
    w.key("partingStep")
    if let step = findings.divergence { w.int(step) } else { w.null() }
    w.field("policy", right.header.policy.name)
    w.field("reference", left.header.policy.name)
    w.field("steps", tokens(left).count)
    w.key("teacherForced")
    if let forced = verdict.teacherForced {
      writeForced(forced, names: forcedNames(left, right), to: &w)
    } else {
      w.null()
    }
    w.key("tokens")
    w.beginObject()
    w.key("policy")
    w.beginArray()
    for token in tokens(right) { w.int(token) }
    w.endArray()
    w.key("reference")
    w.beginArray()
    for token in tokens(left) { w.int(token) }
    w.endArray()
    w.endObject()
    w.endObject()
    w.newline()
    return String(decoding: w.bytes, as: UTF8.self)
  }

  private static func outcomeName(_ outcome: Outcome) -> String {
    switch outcome {
    case .pass: "pass"
    case .approximate: "approximate"
    case .fail: "fail"
    }
  }

  private static func writeForced(
    _ steps: [TeacherForcedStep], names: (exact: String, fed: String), to w: inout JSONWriter
  ) {
    w.beginObject()
    w.field("exact", names.exact)
    w.field("fed", names.fed)
    w.field("maxAbsLogitDifference", steps.map(\.maxLogitDifference).max() ?? 0)
    w.field("maxKLDivergence", Float(steps.map(\.klDivergence).max() ?? 0))
    w.key("steps")
    w.beginArray()
    for step in steps {
      w.lineBreak()
      w.beginObject()
      w.field("exactTop", step.exactTop)
      w.field("exactTopText", step.exactTopText)
      w.field("fedTop", step.approximateTop)
      w.field("fedTopText", step.approximateTopText)
      w.field("klDivergence", Float(step.klDivergence))
      w.field("maxAbsLogitDifference", step.maxLogitDifference)
      w.field("step", step.step)
      w.field("topAgrees", step.topAgrees)
      w.endObject()
    }
    w.endArray()
    w.field("topAgreements", steps.filter(\.topAgrees).count)
    w.endObject()
  }
}
