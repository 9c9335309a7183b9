// Issue 15, finding 7: `replay -` reads standard input, but never waits on a person typing.

import Testing

@testable import kvtrace

@Suite(.tags(.unit)) struct ReplayInputTests {
  /// On a terminal, `-` is refused at once (66) instead of waiting for a trace to be typed.
  @Test func standardInputOnATerminalIsRefused() {
    let result = KVTraceCLI.run(
      arguments: ["replay", "-"], environment: [:], stdoutIsTerminal: false,
      stdinIsTerminal: true)
    expectFailure(result, .noInput, ["standard input: it is a terminal", "kvtrace replay -"])
  }

  /// The cap is the same for both sides: what `replay` reads is what `run` may export.
  @Test func theCapIsOneGibibyte() {
    #expect(Files.traceLimit == 1_073_741_824)
    #expect(Files.traceLimitText.contains("\(Files.traceLimit) bytes"))
  }
}
