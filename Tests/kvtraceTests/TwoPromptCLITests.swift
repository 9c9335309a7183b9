import KVTraceRender
import Testing

@testable import kvtrace

// `--prompt A --prompt B`: two prompts decoded together, their common prefix shared.

private let pangram = "The quick brown fox jumps over the lazy dog."
private let cat = "The quick brown fox jumps over a cat."

@Test(.tags(.unit)) func twoPromptsRunOverPagedBlocksByDefault() {
  let result = runCLI(["run", "--prompt", pangram, "--prompt", cat, "--steps", "1", "--ascii"])
  #expect(result.code == .ok)
  #expect(result.output.contains("cache    paged:4 (exact)"))
  #expect(result.output.contains("prompt 1 \"The quick brown fox jumps over a cat.\""))
  #expect(result.output.contains("step 0 - prefill - sequence 1 - positions 6-8"))
  #expect(result.output.contains("   0  The       + + + +  + + + +   0 -> #5"))
  #expect(result.output.contains("   6  a         # # # #  # # # #   |"))
  // The summaries, unwrapped.
  let text = result.output.split(separator: "\n").map { $0.drop { $0 == " " } }.joined(
    separator: " ")
  #expect(text.contains("block #4 was copied into #2 (positions 4-5), copy on write where"))
  #expect(
    text.contains(
      "sharing  two separate runs would compute 168 rows; sharing computed 120, saving 48: the 6 "
        + "shared positions x 2 layers x 4 KV heads, computed once instead of twice"))
}

@Test(.tags(.unit)) func compareOfTwoPromptsChecksEachAgainstItsPromptAlone() {
  let result = runCLI(["compare", "--prompt", pangram, "--prompt", cat, "--cache", "paged:3"])
  #expect(result.code == .ok)
  #expect(result.output.contains("tokens   ✓ sequence 0 identical to its prompt alone at all 7"))
  #expect(result.output.contains("tokens   ✓ sequence 1 identical to its prompt alone at all 7"))
  #expect(result.output.contains("logits   ✓ max |Δlogit| = 0 "))
  #expect(result.output.contains("48 rows saved") || result.output.contains("48 rows\n"))
  #expect(result.output.hasSuffix("PASS: sharing changed the work, not the result.\n"))
}

/// `step` walks through both sequences; without a terminal it prints what `run` prints,
/// and so does `replay --interactive` of the exported trace.
@Test(.tags(.unit)) func stepAndInteractiveReplayTakeTwoPrompts() throws {
  let directory = try TemporaryDirectory()
  let file = directory.path("two.json")
  let arguments = ["--prompt", pangram, "--prompt", cat, "--steps", "2"]
  let run = runCLI(["run"] + arguments)
  let step = runCLI(["step"] + arguments + ["--export", file])
  #expect(step.code == .ok)
  #expect(step.output == run.output)
  #expect(step.error == KVTraceCLI.noTerminalNote("kvtrace step"))
  let replay = runCLI(["replay", file, "--interactive"])
  #expect(replay.code == .ok)
  #expect(replay.output == run.output)
  #expect(replay.error == KVTraceCLI.noTerminalNote("kvtrace replay --interactive"))

  let walk = try #require(
    KVTraceCLI.run(
      arguments: ["replay", file, "--interactive"], environment: [:], stdoutIsTerminal: true,
      stdinIsTerminal: true
    ).walkThrough)
  #expect(walk.trace.header.secondPrompt?.text == cat)
  #expect(InteractiveFrame(trace: walk.trace).stepCounts == [3, 3])
}

@Test(
  .tags(.unit),
  arguments: [
    (["run", "--prompt", "a", "--prompt", "b", "--prompt", "c"], "--prompt is given 3 times"),
    (
      ["run", "--prompt", "The cat", "--prompt", "The dog", "--cache", "full"],
      "--cache full cannot decode two prompts"
    ),
    (["compare", "--prompt", "A", "--prompt", "B", "--cache", "window:4"], "use --cache paged:B"),
    (
      ["run", "--arch", "encoder-decoder", "--prompt", "a", "--prompt", "b", "--cache", "paged:2"],
      "--arch encoder-decoder"
    ),
  ])
func twoPromptMistakesAreUsageErrors(_ arguments: [String], _ words: String) {
  let result = runCLI(arguments)
  #expect(result.code == .usage)
  #expect(result.error.contains(words), "\(result.error)")
  #expect(result.error.split(separator: "\n").count == 1)
}
