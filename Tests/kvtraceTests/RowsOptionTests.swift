import KVTrace
import KVTraceRender
import Testing

@testable import kvtrace

/// `--rows`: which cache rows `run` draws when a step has more than fit, and the
/// promise that leaving rows out never hides where the attention went.
@Suite(.tags(.unit)) struct RowsOptionTests {
  /// Each step's drawn positions, by step, read from `run`'s output: a step's
  /// rule opens it, and a grid row starts with the position and two spaces.
  static func drawnPositions(_ output: String) -> [[Int]] {
    var steps: [[Int]] = []
    for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("━━ step ") {
        steps.append([])
      } else if !steps.isEmpty, line.count > 16, line.hasPrefix("  "),
        let position = Int(line.prefix(4).trimmingCharacters(in: .whitespaces)),
        line.dropFirst(4).hasPrefix("  ")
      {
        steps[steps.count - 1].append(position)
      }
    }
    return steps
  }

  /// The done-when of issue 17: at 80×24, `run --steps 30` leaves rows out, and
  /// every row it leaves out carries less of the drawn head's newest query's
  /// weight than every row it shows, weights read from the trace itself.
  @Test func elidedRowsCarryLessWeightThanShownOnesAt80x24() throws {
    let directory = try TemporaryDirectory()
    let file = directory.path("t.json")
    let environment = ["COLUMNS": "80", "LINES": "24"]
    let run = runCLI(["run", "--steps", "30", "--export", file], environment: environment)
    #expect(run.code == .ok, "\(run.error)")
    let trace = try TraceDecoder.decode(try #require(directory.contents("t.json")))
    let drawn = Self.drawnPositions(run.output)
    #expect(drawn.count == trace.steps.count)
    var elidedSteps = 0
    for (record, shown) in zip(trace.steps, drawn) {
      let length = record.began.sequenceLength
      // The head `run` draws when none is named: the trace's clearest induction head.
      let focus = RenderFocus.automatic(for: trace)
      let attention = try #require(record.newestAttention(layer: focus.layer, head: focus.head))
      let weights = try #require(attention.weights)
      var byKey = [Int: Float]()
      for (index, key) in attention.keys.enumerated() { byKey[key] = weights[index] }
      #expect(shown.count <= 24 - RunOptions.linesAroundRows)
      let hidden = Set(0..<length).subtracting(shown)
      guard !hidden.isEmpty else { continue }
      elidedSteps += 1
      let heaviestHidden = hidden.map { byKey[$0] ?? 0 }.max() ?? 0
      let lightestShown = shown.map { byKey[$0] ?? 0 }.min() ?? 0
      #expect(
        heaviestHidden < lightestShown,
        "step \(record.step): a hidden row weighs \(heaviestHidden), a shown one \(lightestShown)")
    }
    #expect(elidedSteps > 20, "at 80×24 most of the 31 steps have more rows than fit")
  }

  @Test func aTallTerminalOrRowsAllDrawsEveryRow() throws {
    for (arguments, environment) in [
      (["--rows", "all"], ["LINES": "24"]), ([], ["LINES": "100"]),
      (["--rows", "60"], ["LINES": "10"]),
    ] {
      let run = runCLI(["run", "--steps", "30"] + arguments, environment: environment)
      #expect(run.code == .ok)
      #expect(
        !run.output.contains("   ⋮  "), "no marker of rows left out: \(arguments) \(environment)")
      let drawn = Self.drawnPositions(run.output)
      #expect(drawn.last == Array(0..<40), "\(arguments) \(environment)")
    }
  }

  @Test func rowsCapsTheGridAndReplayDrawsTheSame() throws {
    let directory = try TemporaryDirectory()
    let file = directory.path("t.jsonl")
    let run = runCLI(["run", "--steps", "12", "--rows", "9", "--export", file])
    #expect(Self.drawnPositions(run.output).allSatisfy { $0.count <= 9 })
    #expect(run.output.contains(" rows · ") && run.output.contains(" of the weight\n"))
    #expect(runCLI(["replay", file, "--rows", "9"]).output == run.output)
  }

  @Test(arguments: ["none", "0", "-3", "many"]) func aBadRowsValueIsAUsageError(_ raw: String) {
    let run = runCLI(["run", "--rows", raw])
    #expect(run.code == .usage)
    #expect(run.error.contains("--rows expects auto, all or a number"))
  }
}
