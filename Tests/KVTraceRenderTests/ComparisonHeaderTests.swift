import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// A comparison opens with the run header's title and model lines, whole.
@Suite(.tags(.unit)) struct ComparisonHeaderTests {
  /// The encoder-decoder's model line wraps at 80 columns; a comparison once kept
  /// only its first half.
  @Test func theEncoderDecoderModelLineIsWhole() throws {
    let none = try EncoderDecoderRenderTests.trace(steps: 2, policy: NoCache())
    let full = try EncoderDecoderRenderTests.trace(steps: 2)
    let verdict = ComparisonRenderer.Verdict(
      maxLogitDifference: 0, tolerance: OracleReport.tolerance, accountingProblems: [])
    let text = ComparisonRenderer.render(
      none, full, verdict: verdict, focus: RenderFocus(), style: .plain)
    let title = RunRenderer.title(full, style: .plain)
    #expect(title.count == 3)
    #expect(text.hasPrefix(title.joined(separator: "\n") + "\ncompare  cache none"))
    #expect(RunRenderer.header(full, style: .plain).starts(with: title))
  }

  /// The exit code and the last line come from one outcome.
  @Test func theOutcomeIsWhatTheLastLineSays() throws {
    let none = try EncoderDecoderRenderTests.trace(steps: 2, policy: NoCache())
    let full = try EncoderDecoderRenderTests.trace(steps: 2)
    for problems in [[], ["full step 1: a row too many"]] {
      let verdict = ComparisonRenderer.Verdict(
        maxLogitDifference: 0, tolerance: OracleReport.tolerance, accountingProblems: problems)
      let outcome = ComparisonRenderer.outcome(none, full, verdict: verdict)
      let text = ComparisonRenderer.render(
        none, full, verdict: verdict, focus: RenderFocus(), style: .plain)
      let last = text.split(separator: "\n").last.map(String.init) ?? ""
      #expect(outcome.succeeded == problems.isEmpty)
      #expect(last.hasPrefix(outcome.succeeded ? "PASS" : "FAIL"), "\(last)")
    }
  }
}
