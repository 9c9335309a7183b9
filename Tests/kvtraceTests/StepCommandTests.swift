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

  /// Two prompts decoded together: each is decoded alone without a cache beside them,
  /// and the `c` view of either sequence draws its own run, not a line saying there is none.
  @Test func twoPromptsGetEachPromptsRunWithoutACache() throws {
    let prompts = [
      "--prompt", "The quick brown fox jumps over the lazy dog.", "--prompt",
      "The quick brown fox jumps over a cat.", "--steps", "2",
    ]
    let result = KVTraceCLI.run(
      arguments: ["step"] + prompts, environment: [:], stdoutIsTerminal: true,
      stdinIsTerminal: true)
    let walk = try #require(result.walkThrough)
    #expect(walk.withoutCache.count == 2)
    for (index, prompt) in [prompts[1], prompts[3]].enumerated() {
      let alone = try RunOptions(
        try #require(
          {
            if case .run(let parsed) = try CommandSpecs.parser.parse(
              ["run", "--prompt", prompt, "--steps", "2", "--cache", "none"])
            {
              return parsed
            }
            return nil
          }()), environment: [:], stdoutIsTerminal: false)
      let none = try KVTraceCLI.decode(alone, command: "run", warn: { _ in })
      #expect(walk.withoutCache[index] == none, "prompt \(index) decoded alone without a cache")
      let frame = walk.frame
      let state = InteractiveState(step: 2, sequence: index, view: .withoutCache)
      let lines = frame.lines(state, size: FrameSize(columns: 100, rows: 30), style: .plain)
      #expect(!lines.contains { $0.contains("no run without a cache") })
      // Its grid rows are those of the prompt's own run without a cache, drawn alone.
      let own = InteractiveFrame(trace: none).lines(
        InteractiveState(step: 2), size: FrameSize(columns: 100, rows: 30), style: .plain)
      let rows = { (lines: [String]) in
        lines.filter { $0.wholeMatch(of: #/ +[0-9]+  \S.*/#) != nil }
      }
      #expect(rows(lines) == rows(own))
      #expect(rows(lines).count == none.steps[2].began.sequenceLength)
      #expect(lines[0].contains("no cache (the run: paged:4)"))
    }
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
