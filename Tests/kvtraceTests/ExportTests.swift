// --export, --format and --context on the command line; the files they write; the errors
// of `replay`. Every failure is one line on standard error with its sysexits code.

import Foundation
import KVTrace
import Testing

@testable import kvtrace

/// Checks that `result` failed with `code` and one line containing `words`.
func expectFailure(
  _ result: CommandResult, _ code: ExitCode, _ words: [String],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(result.code == code, "\(result.error)", sourceLocation: sourceLocation)
  #expect(result.output.isEmpty, sourceLocation: sourceLocation)
  #expect(result.error.hasPrefix("kvtrace: "), sourceLocation: sourceLocation)
  #expect(result.error.filter { $0 == "\n" }.count == 1, sourceLocation: sourceLocation)
  for word in words {
    #expect(result.error.contains(word), "\(result.error)", sourceLocation: sourceLocation)
  }
}

@Suite(.tags(.unit)) struct ExportTests {
  @Test(arguments: [
    ("t.json", [] as [String], "json"), ("t.jsonl", [], "jsonl"),
    ("t.chrome.json", [], "chrome"), ("t.json", ["--format", "jsonl"], "jsonl"),
    ("trace.out", ["--format", "chrome"], "chrome"),
  ])
  func theFormatComesFromTheOptionOrTheName(_ name: String, _ extra: [String], _ format: String)
    throws
  {
    let directory = try TemporaryDirectory()
    let result = runCLI(["--steps", "1", "--export", directory.path(name)] + extra)
    #expect(result.code == .ok, "\(result.error)")
    let text = String(decoding: try #require(directory.contents(name)), as: UTF8.self)
    let lines = text.split(separator: "\n")
    switch format {
    case "json": #expect(lines.first?.hasSuffix("\"events\":[") == true)
    case "jsonl": #expect(lines.first?.hasSuffix("}") == true && lines[1].hasPrefix("{\"type\""))
    default: #expect(text.hasPrefix("{\"otherData\"") && text.contains("\"traceEvents\":["))
    }
    #expect(try directory.names() == [name], "no temporary file is left behind")
  }

  @Test func theExportIsTheLibrarysEncoding() throws {
    let directory = try TemporaryDirectory()
    _ = runCLI(["--steps", "2", "--export", directory.path("t.jsonl")])
    let bytes = try #require(directory.contents("t.jsonl"))
    let trace = try TraceDecoder.decode(bytes)
    #expect(TraceEncoder.encode(trace, as: .jsonl) == bytes)
    _ = runCLI(["--steps", "2", "--export", directory.path("t.json")])
    #expect(directory.contents("t.json") == TraceEncoder.encode(trace, as: .json))
  }

  @Test func anUnwritablePathExitsSeventyThree() throws {
    let directory = try TemporaryDirectory()
    expectFailure(
      runCLI(["--export", directory.path("missing/t.json")]), .cannotCreate,
      ["cannot create", "missing/t.json", "check that the folder exists"])
    expectFailure(
      runCLI(["--export", directory.url.path, "--format", "json"]), .cannotCreate,
      ["it is a directory"])
    expectFailure(
      runCLI(["compare", "--export", directory.path("missing/c.json")]), .cannotCreate,
      ["missing/c.reference.json"])
  }

  /// An existing file is replaced by a complete new one, or not at all.
  @Test func anExistingFileIsOnlyReplacedWhole() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("t.jsonl")
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    let failed = runCLI(["--steps", "60", "--export", path])
    #expect(failed.code == .usage)
    #expect(directory.contents("t.jsonl") == Array("old".utf8))
    #expect(try directory.names() == ["t.jsonl"])
    #expect(runCLI(["--steps", "1", "--export", path]).code == .ok)
    #expect(try TraceDecoder.decode(try #require(directory.contents("t.jsonl"))).steps.count == 2)
  }

  @Test(arguments: [
    (["--format", "json"], "--format needs --export FILE"),
    (["--export", "t.txt"], "cannot tell the format of 't.txt' from its name"),
    (["--export", "t.json", "--format", "yaml"], "--format expects one of json, jsonl, chrome"),
    (["--export", ""], "--export needs a file name"),
    (["--context", "0"], "--context must be between 1 and 32768, got 0"),
    (
      ["--checkpoint", "m.bin", "--tokenizer", "t.bin", "--context", "128"],
      "--context cannot be used with --checkpoint"
    ),
    (["--steps", "60"], "use --steps 54 or a shorter prompt; or raise --context to 70"),
    (["replay"], "missing FILE for 'kvtrace replay'"),
    (["replay", "a.json", "--steps", "3"], "unknown option '--steps' for 'kvtrace replay'"),
    (["schema", "extra"], "unexpected argument 'extra' for 'kvtrace schema'"),
  ])
  func badExportOptionsAreUsageErrors(_ arguments: [String], _ problem: String) {
    expectFailure(runCLI(arguments), .usage, [problem])
  }

  @Test func aLargerContextHoldsALongerRun() {
    let result = runCLI(["--context", "128", "--steps", "100", "--detail", "summary"])
    #expect(result.code == .ok, "\(result.error)")
    #expect(result.output.contains("context 128"))
    #expect(result.output.contains("step 100 (decode)"))
  }

  @Test func schemaPrintsTheLibrarysSchema() throws {
    let result = runCLI(["schema"])
    #expect(result.code == .ok)
    #expect(result.output == TraceSchema.text)
    #expect(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) is [String: Any])
  }
}

@Suite(.tags(.unit)) struct ReplayErrorTests {
  @Test func aMissingFileExitsSixtySix() throws {
    let directory = try TemporaryDirectory()
    expectFailure(
      runCLI(["replay", directory.path("none.json")]), .noInput,
      ["cannot read", "none.json", "No such file"])
    expectFailure(runCLI(["replay", directory.url.path]), .noInput, ["it is a directory"])
  }

  /// A malformed file: one line with the file's name, the place and the problem; exit 65.
  @Test(arguments: [
    ("\"layer\":0", "\"layer\":5", "line 3, column 38, $.events[1].layer: layer 5 is out of range"),
    ("\"version\":1", "\"version\":9", "$.version: version 9 is newer than this kvtrace reads"),
    (
      "\"weights\":[1.0]", "\"weights\":[2.0]",
      "$.events[1].weights[0]: weight 2.0 is not a probability"
    ),
    ("{\"format\"", "[\"format\"", "line 1, column 1"),
  ])
  func aMalformedFileExitsSixtyFive(_ good: String, _ bad: String, _ words: String) throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("t.json")
    _ = runCLI(["--export", path])
    let text = String(decoding: try #require(directory.contents("t.json")), as: UTF8.self)
    try Data(text.replacing(good, with: bad, maxReplacements: 1).utf8)
      .write(to: URL(fileURLWithPath: path))
    expectFailure(runCLI(["replay", path]), .dataError, ["kvtrace: \(path): ", words])
  }

  /// JSON Lines cut mid-line: the whole steps are drawn, then the cut is reported.
  @Test func aCutFileShowsItsWholeStepsThenTheCut() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("t.jsonl")
    _ = runCLI(["--steps", "4", "--export", path])
    let bytes = try #require(directory.contents("t.jsonl"))
    // Cut 200 bytes into the first line of step 3.
    let marker = Array("{\"type\":\"stepBegan\",\"step\":3".utf8)
    let stepThree = try #require(bytes.indices.first { bytes[$0...].starts(with: marker) })
    try Data(bytes.prefix(stepThree + 200)).write(to: URL(fileURLWithPath: path))
    let replay = runCLI(["replay", path])
    #expect(replay.code == .dataError)
    #expect(
      replay.error.contains("the file ends in the middle of a line: it was cut short after 3"))
    #expect(replay.error.contains("the 3 whole steps before it are shown above"))
    #expect(replay.output.contains("step 2 (decode)"))
    #expect(!replay.output.contains("step 3 (decode)"))
    let whole = runCLI(["--steps", "4"]).output
    let stepThreeRule = try #require(whole.range(of: "\n━━ step 3"))
    #expect(replay.output.hasPrefix(whole[..<stepThreeRule.lowerBound]))
  }
}
