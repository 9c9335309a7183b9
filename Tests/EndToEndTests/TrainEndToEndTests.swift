import Foundation
import Testing
import TinyTransformer
import Training

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `kvtrace train`, the built executable: a tiny run's output and files, the same weights for
/// any thread count, refusals, Ctrl-C and SIGTERM between steps, and a terminal's live line.
@Suite(.tags(.endToEnd)) struct TrainEndToEndTests {
  /// A shape small enough that a debug build trains a step in a moment.
  static let tiny = [
    "train", "--layers", "1", "--heads", "2", "--dim", "8", "--context", "8", "--batch", "2",
    "--validate-every", "2",
  ]

  @Test func aTinyRunPrintsPlainLinesAndWritesItsFiles() throws {
    let scratch = try ScratchDirectory()
    let run = try runKVTrace(Self.tiny + ["--steps", "3", "--out", scratch.path("m")])
    #expect(run.status == 0, "\(run.error)")
    #expect(run.error.isEmpty)
    #expect(!run.output.contains("\r"), "no redrawn line without a terminal")
    let lines = run.output.split(separator: "\n")
    #expect(lines.prefix(3).map { $0.prefix(8) } == ["step 1/3", "step 2/3", "step 3/3"])
    #expect(lines.contains { $0.hasPrefix("validation loss ") && $0.contains("accuracy") })
    #expect(lines.contains { $0.hasPrefix("  train       ") })
    for name in ["model.bin", "tokenizer.bin", "recipe.json", "training-log.txt"] {
      #expect(!scratch.contents("m/" + name).isEmpty, "\(name)")
    }
    let checkpoint = try Checkpoint(scratch.contents("m/model.bin"))
    #expect(checkpoint.config.layers == 1 && checkpoint.config.dim == 8)
    #expect(scratch.text("m/training-log.txt").split(separator: "\n").count == 3)
  }

  /// The house rule for training: threads decide who computes what, never the result.
  @Test func theWeightsAreTheSameBitForBitForAnyThreadCount() throws {
    let scratch = try ScratchDirectory()
    for threads in ["1", "2"] {
      let run = try runKVTrace(
        Self.tiny + ["--steps", "3", "--threads", threads, "--out", scratch.path(threads)])
      #expect(run.status == 0, "\(run.error)")
    }
    #expect(scratch.contents("1/model.bin") == scratch.contents("2/model.bin"))
    #expect(scratch.text("1/training-log.txt") == scratch.text("2/training-log.txt"))
    let reports = scratch.text("1/training-log.txt").split(separator: "\n").map {
      TrainingLog.report(parsing: $0)
    }
    #expect(reports.map { $0?.step } == [0, 1, 2])
  }

  @Test func badInputIsOneLineAndASysexitsCode() throws {
    let scratch = try ScratchDirectory()
    try scratch.shell("echo x > file")
    try scratch.expectFailure(
      "$KVTRACE train --steps 1 --out missing/run 2> err", 73, "cannot create the folder")
    try scratch.expectFailure("$KVTRACE train --steps 1 --out file 2> err", 73, "it is a file")
    try scratch.expectFailure("$KVTRACE train --batch none 2> err", 64, "--batch expects")
    try scratch.expectFailure("$KVTRACE train --resume none.bin 2> err", 66, "none.bin")
    try scratch.expectFailure("$KVTRACE train --resume file 2> err", 65, "cannot resume")
  }

  @Test(arguments: [(SIGINT, Int32(130), "Ctrl-C (SIGINT)"), (SIGTERM, 143, "SIGTERM")])
  func aSignalStopsBetweenStepsAndKeepsTheCheckpoint(
    signal: Int32, status: Int32, name: String
  ) throws {
    let scratch = try ScratchDirectory()
    let process = Process()
    process.executableURL = kvtraceURL
    process.arguments =
      Self.tiny + ["--steps", "100000", "--validate-every", "1", "--out", scratch.path("m")]
    process.environment = testEnvironment()
    process.standardInput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    var output = Data()
    while !String(decoding: output, as: UTF8.self).contains(" 2/100000") {
      let more = pipe.fileHandleForReading.availableData
      if more.isEmpty { break }
      output += more
    }
    kill(process.processIdentifier, signal)
    output += pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == status)
    let text = String(decoding: output, as: UTF8.self)
    let stop = try #require(text.split(separator: "\n").first { $0.hasPrefix("stopped by") })
    #expect(stop.contains(name))
    let steps = try #require(
      Int(stop.components(separatedBy: "after step ")[1].prefix { $0 != " " }))
    #expect(steps >= 2 && steps < 100000)
    #expect(scratch.text("m/training-log.txt").split(separator: "\n").count == steps)
    let checkpoint = try Checkpoint(scratch.contents("m/model.bin"))
    #expect(checkpoint.config.dim == 8)
    #expect(try scratch.shell("ls -a m | grep -q tmp") != 0, "no temporary file is left behind")
  }

  @Test func aTerminalGetsOneLineRedrawnInPlace() throws {
    let scratch = try ScratchDirectory()
    let run = try PseudoTerminalRun(
      Self.tiny + ["--steps", "3", "--out", scratch.path("m")], columns: 60)
    let drawn = run.waitFor("the summary") { $0.contains("run it: kvtrace run --checkpoint") }
    #expect(run.waitForExit() == 0)
    // The terminal turns each newline into "\r\n"; the redraws are the other carriage returns.
    let progress = drawn.replacingOccurrences(of: "\r\n", with: "\n")
      .components(separatedBy: "trained 3 steps")[0]
    #expect(progress.components(separatedBy: "\r").count >= 4, "a redraw per step")
    #expect(progress.contains("step 3/3"))
    for redraw in progress.components(separatedBy: "\r").dropFirst() {
      let line = redraw.components(separatedBy: "\n")[0]
      #expect(line.count <= 59, "fits 60 columns without wrapping: \(line.debugDescription)")
    }
  }

  /// `kvtrace run --checkpoint DIR/model.bin` without `--tokenizer`: the demo vocabulary,
  /// since the sizes match (the rule `ModelFiles` follows once issue 16's ship part is in).
  @Test func theTrainedModelRunsWithKvtraceRun() throws {
    let scratch = try ScratchDirectory()
    let train = try runKVTrace(Self.tiny + ["--steps", "2", "--out", scratch.path("m")])
    #expect(train.status == 0, "\(train.error)")
    let run = try runKVTrace(
      [
        "run", "--checkpoint", scratch.path("m/model.bin"), "--prompt", "The quick brown",
        "--steps", "2", "--ascii",
      ])
    #expect(run.status == 0, "\(run.error)")
    #expect(run.output.contains("step 2"))
  }

  /// The trained-default article's table of `train` options says what `kvtrace help train`
  /// says: every option, its placeholder and its default (as ``ReadmeOptionsTests`` reads them).
  @Test func theReadmeTrainTableAgreesWithTheHelp() throws {
    let readme = try String(
      contentsOf: ReadmeTests.root.appendingPathComponent(
        "Sources/TinyTransformer/TinyTransformer.docc/TrainedModel.md"), encoding: .utf8)
    let table = try #require(
      readme.components(separatedBy: "| train option | default | meaning |\n|---|---|---|\n")
        .dropFirst().first?.components(separatedBy: "\n\n").first)
    let rows = table.split(separator: "\n").map { row in
      let cells = row.split(separator: "|").map {
        $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")
      }
      return ReadmeOptionsTests.Option(
        usage: cells[0], defaultValue: cells[1] == "—" ? nil : cells[1])
    }
    let help = try runKVTrace(["help", "train"])
    let stated = ReadmeOptionsTests.helpOptions(help.output).map {
      ReadmeOptionsTests.Option(
        usage: $0.usage, defaultValue: ReadmeOptionsTests.helpDefault($0.text))
    }
    #expect(stated.count >= 15)
    #expect(rows == stated)
  }
}
