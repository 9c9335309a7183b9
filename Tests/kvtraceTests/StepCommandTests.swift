// `kvtrace step` as a pure function: a walk-through on a terminal, `run`'s output elsewhere.

import KVTraceRender
import Testing

@testable import kvtrace

@Suite(.tags(.unit)) struct StepCommandTests {
  static let options = ["--steps", "3", "--layer", "1", "--head", "2", "--ascii"]

  @Test(arguments: [(false, false), (true, false), (false, true)])
  func withoutATerminalStepPrintsWhatRunPrints(stdin: Bool, stdout: Bool) {
    let step = KVTraceCLI.run(
      arguments: ["step"] + Self.options, environment: [:], stdoutIsTerminal: stdout,
      stdinIsTerminal: stdin)
    let run = KVTraceCLI.run(
      arguments: ["run"] + Self.options, environment: [:], stdoutIsTerminal: stdout)
    #expect(step.code == .ok)
    #expect(step.walkThrough == nil)
    #expect(step.output == run.output)
    #expect(step.error == KVTraceCLI.noTerminalNote("kvtrace step"))
    #expect(step.error.filter { $0 == "\n" }.count == 1)
  }

  @Test func onATerminalStepAsksForAWalkThrough() throws {
    let result = KVTraceCLI.run(
      arguments: ["step"] + Self.options, environment: ["TERM": "xterm-256color", "LINES": "50"],
      stdoutIsTerminal: true, stdinIsTerminal: true)
    #expect(result.output.isEmpty)
    #expect(result.error.isEmpty)
    let walk = try #require(result.walkThrough)
    #expect(walk.state == InteractiveState(step: 0, focus: RenderFocus(layer: 1, head: 2)))
    #expect(walk.style.color == .ansi256)
    #expect(!walk.style.unicode)
    #expect(walk.fallbackSize == FrameSize(columns: 80, rows: 50))
    #expect(walk.trace.steps.count == 4)
  }

  @Test func stepIsListedAndHasHelp() {
    #expect(
      KVTraceCLI.run(arguments: ["--help"], environment: [:], stdoutIsTerminal: false).output
        .contains("  step "))
    let help = KVTraceCLI.run(
      arguments: ["step", "--help"], environment: [:], stdoutIsTerminal: false)
    #expect(help.output.hasPrefix("USAGE: kvtrace step [options]"))
    #expect(help.output.contains("q, Esc, Ctrl-C"))
  }

  @Test func badOptionsFailBeforeAnyTerminalIsTouched() {
    let result = KVTraceCLI.run(
      arguments: ["step", "--layer", "7"], environment: [:], stdoutIsTerminal: true,
      stdinIsTerminal: true)
    #expect(result.code == .usage)
    #expect(result.walkThrough == nil)
    #expect(result.error.hasPrefix("kvtrace: --layer must be between 0 and 1"))
  }
}
