// `--arch` and `--cross` on run, step and compare, in-process.

import Testing

@testable import kvtrace

private let encoderDecoder = ["--arch", "encoder-decoder"]

@Test(.tags(.unit), arguments: ["run", "step", "compare"])
func helpListsArchAndCross(_ command: String) {
  let result = runCLI([command, "--help"])
  #expect(result.code == .ok)
  #expect(result.output.contains("  --arch ARCH "))
  #expect(result.output.contains("  --cross MODE "))
  #expect(result.output.contains("encoder-decoder"))
}

@Test(.tags(.unit)) func archDefaultsToTheDecoderAndCrossToOnce() throws {
  let decoder = runCLI(["run", "--steps", "1"])
  #expect(decoder == runCLI(["run", "--steps", "1", "--arch", "decoder"]))
  #expect(decoder.output.hasPrefix("kvtrace: a tiny transformer decoding with a KV cache"))
  let once = runCLI(["run", "--steps", "2"] + encoderDecoder)
  #expect(once.code == .ok)
  #expect(once == runCLI(["run", "--steps", "2", "--cross", "once"] + encoderDecoder))
  #expect(once != runCLI(["run", "--steps", "2", "--cross", "recompute"] + encoderDecoder))
  #expect(once.output.contains("source   \"summarize: My friends are cool but they eat too many"))
}

@Test(.tags(.unit)) func crossWithoutAnEncoderDecoderIsAUsageError() {
  for command in ["run", "step", "compare"] {
    let result = runCLI([command, "--cross", "once"])
    #expect(result.code == .usage)
    #expect(result.output.isEmpty)
    #expect(
      result.error
        == "kvtrace: --cross applies to the cross-attention of an encoder-decoder model, and this "
        + "model is decoder-only; add --arch encoder-decoder, or leave out --cross\n")
  }
}

@Test(
  .tags(.unit),
  arguments: [
    (["--arch", "t5"], "--arch expects one of decoder, encoder-decoder, got 't5'"),
    (encoderDecoder + ["--cross", "never"], "--cross expects one of once, recompute, got 'never'"),
    (encoderDecoder + ["--steps", "0"], "an encoder-decoder run needs at least one decoder step"),
    (
      encoderDecoder + ["--checkpoint", "a.bin", "--tokenizer", "b.bin"],
      "--checkpoint and --tokenizer load a llama2.c model, which is decoder-only"
    ),
    (
      encoderDecoder + [
        "--weights", "random", "--prompt",
        Array(repeating: "the", count: 70).joined(separator: " "),
      ],
      "the prompt has 70 tokens but the context holds 64 positions"
    ),
  ])
func badEncoderDecoderOptionsExitSixtyFour(_ arguments: [String], _ problem: String) {
  let result = runCLI(arguments)
  #expect(result.code == .usage)
  #expect(result.error.hasPrefix("kvtrace: " + problem), "\(result.error)")
  #expect(result.error.filter { $0 == "\n" }.count == 1)
}

@Test(.tags(.unit), arguments: [[], ["--cross", "recompute"], ["--cache", "none"]])
func encoderDecoderComparePasses(_ extra: [String]) {
  let result = runCLI(["compare", "--steps", "4"] + encoderDecoder + extra)
  #expect(result.code == .ok, "\(result.output)")
  #expect(result.output.contains("PASS"))
  #expect(result.output.contains("tokens   ✓ identical at all 4 steps"))
}

@Test(.tags(.unit)) func encoderDecoderStepWithoutATerminalPrintsTheRun() {
  let step = runCLI(["step", "--steps", "2"] + encoderDecoder)
  #expect(step.walkThrough == nil)
  #expect(step.output == runCLI(["run", "--steps", "2"] + encoderDecoder).output)
  let interactive = KVTraceCLI.run(
    arguments: ["step", "--steps", "2"] + encoderDecoder, environment: [:],
    stdoutIsTerminal: true, stdinIsTerminal: true)
  #expect(interactive.walkThrough?.trace.header.architecture == .encoderDecoder)
  #expect(interactive.walkThrough?.trace.steps.first?.began.phase == .encode)
}
