// `--arch encoder-decoder` and the `summarize` example, run as built executables.
//
// The golden files Snapshots/encoder-decoder.txt and Snapshots/summarize-example.txt are
// their exact standard output; record them again with
//   KVTRACE_RECORD=1 swift test --filter EndToEndTests

import Foundation
import Testing

private let summarizePrompt = "summarize: My friends are cool but they eat too many carbs."

/// The built `summarize` example.
private let summarizeURL = productsDirectory.appendingPathComponent("summarize")

@Test(.tags(.endToEnd, .golden)) func encoderDecoderRunMatchesTheGoldenFile() throws {
  let result = try runKVTrace(["run", "--arch", "encoder-decoder", "--prompt", summarizePrompt])
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty, "\(result.error)")
  let output = result.output
  // The encode phase once, then decoder steps with a growing self grid and a fixed cross grid.
  #expect(output.components(separatedBy: " · encode · ").count == 2)
  #expect(output.contains("━━ step 0 · encode · source positions 0-13 ━"))
  #expect(output.contains("step 1 (decode): the decoder starts from '<start>' at position 0"))
  let sentences = output.replacingOccurrences(of: "\n", with: " ")  // undo the wrapping
  #expect(
    sentences.components(
      separatedBy: "reused all 112 cross-attention rows, projected once at step 1."
    )
    .count == 6)
  #expect(sentences.components(separatedBy: "The encoder did not run again.").count == 7)
  #expect(output.components(separatedBy: "cross-attention K/V from the encoder output").count == 7)
  #expect(output.split(separator: "\n").allSatisfy { $0.count <= 80 })
  try golden.check(result.stdout, named: "encoder-decoder.txt")
}

@Test(.tags(.endToEnd)) func theEncoderDecoderPromptIsTheDefaultOfItsArchitecture() throws {
  let bare = try runKVTrace(["--arch", "encoder-decoder"])
  let explicit = try runKVTrace(["run", "--arch", "encoder-decoder", "--prompt", summarizePrompt])
  #expect(bare.status == 0)
  #expect(bare.stdout == explicit.stdout)
}

@Test(.tags(.endToEnd), arguments: [["once"], ["recompute"], []])
func encoderDecoderComparePassesInBothCrossModes(_ mode: [String]) throws {
  let cross = mode.isEmpty ? [] : ["--cross"] + mode
  let result = try runKVTrace(["compare", "--arch", "encoder-decoder"] + cross)
  #expect(result.status == 0, "\(result.output)")
  #expect(result.stderr.isEmpty)
  #expect(result.output.contains("PASS: the cache changed the work, not the result."))
  #expect(result.output.contains("logits   ✓ max |Δlogit| = 0 (tolerance 1.0e-04)"))
  let rule = mode == ["recompute"] ? "cross rows at every step" : "cross rows once, at the first"
  #expect(result.output.contains(rule), "\(result.output)")
}

@Test(.tags(.endToEnd)) func stepWithoutATerminalPrintsTheEncoderDecoderRun() throws {
  let step = try runKVTrace(["step", "--arch", "encoder-decoder", "--cross", "recompute"])
  let run = try runKVTrace(["run", "--arch", "encoder-decoder", "--cross", "recompute"])
  #expect(step.status == 0)
  #expect(step.stdout == run.stdout)
  #expect(step.error.contains("needs a terminal"))
}

@Test(
  .tags(.endToEnd),
  arguments: [
    (
      ["--cross", "recompute"], "--cross applies to the cross-attention of an encoder-decoder model"
    ),
    (["--arch", "encoder-decoer"], "did you mean '--arch encoder-decoder'?"),
    (["--arch", "encoder-decoder", "--cross", "twice"], "--cross expects one of once, recompute"),
    (["--arch", "encoder-decoder", "--steps", "0"], "needs at least one decoder step"),
  ])
func encoderDecoderUsageErrorsExitSixtyFour(_ arguments: [String], _ message: String) throws {
  let result = try runKVTrace(arguments)
  #expect(result.status == 64)
  #expect(result.stdout.isEmpty)
  #expect(result.error.contains(message), "\(result.error)")
  #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
}

@Test(.tags(.endToEnd, .golden)) func theSummarizeExampleShowsTheFlowDoneRight() throws {
  let result = try runProduct(summarizeURL, [])
  #expect(result.status == 0, "\(result.error)")
  let output = result.output
  #expect(output.contains("1. encode, once: 14 source tokens in, 14 vectors of 64 numbers out."))
  #expect(output.contains("3. start from the decoder start token, id 3 (<start>)."))
  #expect(output.contains("   1     <start>    8 new, 0 reused         112 new, 0 reused"))
  // After the first step: one new self row per layer and KV head, every cross row reused.
  let rows = output.split(separator: "\n").filter { $0.hasPrefix("   ") && $0.contains(" new, ") }
  #expect(rows.count == 8)
  for (index, row) in rows.enumerated().dropFirst() {
    let cells = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    #expect(cells.first == "\(index + 1)", "\(row)")
    #expect(row.contains("8 new, \(8 * index) reused"), "\(row)")
    #expect(row.contains("0 new, 112 reused"), "\(row)")
  }
  #expect(output.contains("Cross-attention: 112 rows in all"))
  try golden.check(result.stdout, named: "summarize-example.txt")
}

@Test(.tags(.endToEnd)) func theSummarizeExampleRecomputesTheCrossRowsWhenAsked() throws {
  let result = try runProduct(summarizeURL, ["recompute"])
  #expect(result.status == 0)
  #expect(result.output.contains("8 new, 56 reused        112 new, 0 reused"))
  #expect(result.output.contains("Cross-attention: 896 rows in all"))
  let bad = try runProduct(summarizeURL, ["twice"])
  #expect(bad.status == 64)
  #expect(bad.output == "usage: summarize [once|recompute]\n")
}
