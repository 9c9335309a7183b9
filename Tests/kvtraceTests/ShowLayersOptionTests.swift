import Testing

@testable import kvtrace

/// `--show-layers A-B`: the layers the cache grid draws, checked against the model.
@Suite(.tags(.unit)) struct ShowLayersOptionTests {
  @Test(arguments: [
    ["--show-layers", "1-0"], ["--show-layers", "x"], ["--show-layers", "0-5"],
    ["--layer", "0", "--show-layers", "1"], ["--show-layers", "-1"],
  ])
  func badRangesAreUsageErrors(_ options: [String]) {
    let result = KVTraceCLI.run(
      arguments: ["run", "--steps", "1"] + options, environment: [:], stdoutIsTerminal: false)
    #expect(result.code == .usage, "\(options)")
    #expect(result.error.contains("--show-layers"))
    #expect(result.error.filter { $0 == "\n" }.count == 1, "one line")
  }

  @Test func theDrawnLayerMovesIntoTheRange() {
    let result = KVTraceCLI.run(
      arguments: ["run", "--steps", "1", "--show-layers", "1"], environment: [:],
      stdoutIsTerminal: false)
    #expect(result.code == .ok)
    #expect(result.output.contains("layer 1 of 2 shown"))
    #expect(result.output.contains("attention, layer 1 head 0"))
    #expect(!result.output.contains("layer 0 "), "layer 0 is left out")
  }
}
