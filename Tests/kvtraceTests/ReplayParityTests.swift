// Replay parity: `kvtrace run ARGS` and `kvtrace run ARGS --export FILE; kvtrace replay FILE`
// print the same bytes, for every combination below and both trace formats.

import Foundation
import KVTrace
import KVTraceRender
import Testing

@testable import kvtrace

/// Command lines of `run`, from the default demo to the corners of the renderer.
let parityArguments: [[String]] = [
  [],
  ["--steps", "3"],
  ["--detail", "summary"],
  ["--cache", "none", "--steps", "2"],
  ["--cache", "paged:4"],
  [
    "--prompt", "The quick brown fox jumps over the lazy dog.", "--prompt",
    "The quick brown fox jumps over a cat.", "--steps", "3",
  ],
  ["--cache", "paged:1", "--steps", "2", "--ascii", "--detail", "summary"],
  ["--layer", "1", "--head", "3"],
  ["--ascii"],
  ["--color", "always"],
  ["--ascii", "--color", "always", "--detail", "summary", "--steps", "1"],
  [
    "--layers", "3", "--heads", "8", "--kv-heads", "2", "--steps", "4", "--layer", "2", "--head",
    "7",
  ],
  ["--heads", "6", "--dim", "48", "--layers", "6", "--steps", "1"],
  ["--temperature", "0.8", "--top-k", "20", "--seed", "7"],
  [
    "--prompt", "Once upon a time there was a fox. Once upon a time there was a dog.", "--steps",
    "9",
  ],
  ["--prompt", "Say \"hi\" to the 🦊 and the café\\", "--steps", "2"],
  ["--context", "96", "--steps", "80", "--detail", "summary", "--layers", "1", "--heads", "1"],
  ["--steps", "0"],
  ["--cache", "int8", "--steps", "2", "--kv-heads", "2"],
  ["--cache", "window:4", "--steps", "3", "--ascii", "--detail", "summary"],
  ["--detail", "vectors", "--cache", "int8", "--steps", "2"],
  ["--detail", "vectors", "--logits", "3", "--cache", "sinks:2,window:4", "--steps", "2"],
  ["--arch", "encoder-decoder"],
  ["--arch", "encoder-decoder", "--cross", "recompute", "--steps", "3", "--detail", "summary"],
  ["--arch", "encoder-decoder", "--cache", "none", "--steps", "2", "--layer", "1", "--ascii"],
]

/// The options of `run` that `replay` takes too: how to draw, not what to decode.
func viewArguments(_ arguments: [String]) -> [String] {
  var view: [String] = []
  var index = 0
  while index < arguments.count {
    switch arguments[index] {
    case "--layer", "--head", "--color":
      view += arguments[index...(index + 1)]
      index += 2
    case "--ascii":
      view.append("--ascii")
      index += 1
    default:
      index += arguments[index].hasPrefix("--") ? 2 : 1
    }
  }
  return view
}

@Suite(.tags(.unit)) struct ReplayParityTests {
  @Test(arguments: parityArguments, ["t.json", "t.jsonl"])
  func replayPrintsWhatRunPrinted(_ arguments: [String], _ name: String) throws {
    let directory = try TemporaryDirectory()
    let file = directory.path(name)
    let run = runCLI(arguments)
    #expect(run.code == .ok, "\(run.error)")
    let exported = runCLI(arguments + ["--export", file])
    #expect(exported == run, "--export must not change what run prints")
    let replay = runCLI(["replay", file] + viewArguments(arguments))
    #expect(replay.code == .ok, "\(replay.error)")
    #expect(replay.output == run.output)
    #expect(replay.error.isEmpty)
  }

  /// The color decision is made at replay time, from the same environment and terminal.
  @Test func replayDecidesColorTheWayRunDoes() throws {
    let directory = try TemporaryDirectory()
    let file = directory.path("t.json")
    for (environment, terminal) in [
      (["CLICOLOR_FORCE": "1"], false), (["COLORTERM": "truecolor"], true),
      (["NO_COLOR": "1"], true),
    ] {
      let run = runCLI(["--export", file], environment: environment, terminal: terminal)
      let replay = runCLI(["replay", file], environment: environment, terminal: terminal)
      #expect(replay.output == run.output, "\(environment) terminal \(terminal)")
    }
  }

  /// `compare --export t.json` writes both runs; each replays as `run` with its policy.
  @Test(arguments: [[], ["--detail", "summary", "--steps", "3", "--layers", "3"]])
  func compareExportsBothRuns(_ arguments: [String]) throws {
    let directory = try TemporaryDirectory()
    let compare = runCLI(["compare"] + arguments + ["--export", directory.path("c.json")])
    #expect(compare == runCLI(["compare"] + arguments))
    #expect(try directory.names() == ["c.full.json", "c.reference.json"])
    let cached = runCLI(["replay", directory.path("c.full.json")])
    #expect(cached.output == runCLI(arguments).output)
    let reference = runCLI(["replay", directory.path("c.reference.json")])
    #expect(reference.output == runCLI(arguments + ["--cache", "none"]).output)
  }

  @Test func aChromeExportIsForViewersNotForReplay() throws {
    let directory = try TemporaryDirectory()
    let run = runCLI(["--export", directory.path("t.chrome.json")])
    #expect(run == runCLI([]))
    let bytes = try #require(directory.contents("t.chrome.json"))
    let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    #expect(object?["traceEvents"] is [Any])
    let replay = runCLI(["replay", directory.path("t.chrome.json")])
    #expect(replay.code == .dataError)
    #expect(replay.error.contains("this is a Chrome trace"))
  }
}

/// `step --export` writes the trace it walks through; `replay --interactive` walks through a file.
@Suite(.tags(.unit)) struct StepExportTests {
  @Test func stepExportsAndReplayStepsThroughTheFile() throws {
    let directory = try TemporaryDirectory()
    let file = directory.path("t.jsonl")
    let arguments = ["--steps", "3", "--layer", "1", "--head", "2"]
    let step = runCLI(["step"] + arguments + ["--export", file])
    #expect(step.code == .ok)
    #expect(step.output == runCLI(arguments).output)
    let trace = try TraceDecoder.decode(try #require(directory.contents("t.jsonl")))
    #expect(trace.steps.count == 4)

    let printed = runCLI(["replay", file, "--interactive", "--layer", "1", "--head", "2"])
    #expect(printed.output == step.output)
    #expect(printed.error == KVTraceCLI.noTerminalNote("kvtrace replay --interactive"))
    let walk = try #require(
      KVTraceCLI.run(
        arguments: ["replay", file, "--interactive", "--layer", "1", "--head", "2"],
        environment: [:],
        stdoutIsTerminal: true, stdinIsTerminal: true
      ).walkThrough)
    #expect(walk.trace == trace)
    #expect(walk.state.focus == RenderFocus(layer: 1, head: 2))
  }
}

/// A trace of a llama2.c checkpoint replays without the checkpoint: its header carries the
/// shape and the token texts the renderers need.
@Test(.tags(.unit), arguments: ["t.json", "t.jsonl"])
func aCheckpointTraceReplaysWithoutTheModel(_ name: String) throws {
  let files = try TinyLlamaFiles()
  defer { files.remove() }
  let directory = try TemporaryDirectory()
  let model = ["--checkpoint", files.path("tiny.bin"), "--tokenizer", files.path("tokenizer.bin")]
  let arguments = ["--prompt", "ab", "--steps", "4", "--head", "1"]
  let run = runCLI(model + arguments + ["--export", directory.path(name)])
  #expect(run.code == .ok, "\(run.error)")
  #expect(run == runCLI(model + arguments))
  files.remove()  // the model is gone; the trace is all that replay needs
  let replay = runCLI(["replay", directory.path(name), "--head", "1"])
  #expect(replay.code == .ok, "\(replay.error)")
  #expect(replay.output == run.output)
}
