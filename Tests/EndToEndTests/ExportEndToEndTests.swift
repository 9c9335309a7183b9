// The built kvtrace writing, reading and validating trace files.

import Foundation
import Testing

/// A fresh directory for one test's files, removed when the test is done with it.
private final class Scratch {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("kvtrace-e2e-\(UUID().uuidString)")
  init() throws {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

@Test(
  .tags(.endToEnd),
  arguments: [
    [], ["--detail", "summary", "--steps", "3", "--ascii"],
    ["--layers", "3", "--heads", "8", "--kv-heads", "2", "--layer", "2", "--head", "5"],
    ["--cache", "none", "--steps", "2", "--color", "always"],
  ], ["t.json", "t.jsonl"])
func replayOfTheExportPrintsTheSameBytes(_ arguments: [String], _ name: String) throws {
  let scratch = try Scratch()
  let file = scratch.path(name)
  let run = try runKVTrace(arguments)
  let exported = try runKVTrace(arguments + ["--export", file])
  #expect(exported.status == 0)
  #expect(exported.stdout == run.stdout)
  #expect(exported.stderr.isEmpty, "\(exported.error)")
  let view = arguments.enumerated().filter { index, word in
    ["--layer", "--head", "--color", "--ascii"].contains(word)
      || (index > 0 && ["--layer", "--head", "--color"].contains(arguments[index - 1]))
  }.map(\.element)
  let replay = try runKVTrace(["replay", file] + view)
  #expect(replay.status == 0)
  #expect(replay.stderr.isEmpty, "\(replay.error)")
  #expect(replay.stdout == run.stdout)
}

@Test(.tags(.endToEnd)) func schemaPrintsJSON() throws {
  let result = try runKVTrace(["schema"])
  #expect(result.status == 0)
  let schema = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
  #expect(schema?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
}

@Test(.tags(.endToEnd)) func fileErrorsHaveTheirExitCodes() throws {
  let scratch = try Scratch()
  let missing = try runKVTrace(["replay", scratch.path("missing.json")])
  #expect(missing.status == 66)
  let unwritable = try runKVTrace(["--export", scratch.path("no/such/folder/t.json")])
  #expect(unwritable.status == 73)
  #expect(unwritable.stdout.isEmpty)
  let bad = scratch.path("bad.json")
  try Data("{\"format\":\"kvtrace\",\"version\":2}".utf8).write(to: URL(fileURLWithPath: bad))
  let malformed = try runKVTrace(["replay", bad])
  #expect(malformed.status == 65)
  #expect(
    malformed.error
      == "kvtrace: \(bad): line 1, column 31, $.version: version 2 is newer than this kvtrace "
      + "reads (version 1); update kvtrace to read it\n")
  for result in [missing, unwritable, malformed] {
    #expect(result.error.hasPrefix("kvtrace: "))
    #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
  }
}

@Test(.tags(.endToEnd)) func aCutJSONLinesFileIsDrawnThenReported() throws {
  let scratch = try Scratch()
  let file = scratch.path("t.jsonl")
  _ = try runKVTrace(["--export", file])
  let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
  try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: file))
  let replay = try runKVTrace(["replay", file])
  #expect(replay.status == 65)
  #expect(replay.output.contains("step 0 (prefill)"))
  #expect(replay.error.contains("it was cut short after"))
}

/// A large export warns before it starts, and Ctrl-C midway leaves no file behind.
@Test(.tags(.endToEnd)) func anInterruptedExportLeavesNothingBehind() throws {
  let scratch = try Scratch()
  let process = Process()
  process.executableURL = kvtraceURL
  process.arguments = [
    "--cache", "none", "--steps", "500", "--context", "512", "--export", scratch.path("big.jsonl"),
  ]
  process.environment = testEnvironment()
  let stderr = Pipe()
  process.standardError = stderr
  process.standardOutput = FileHandle.nullDevice
  try process.run()
  // Wait (a bounded number of polls) until the streamed file has started.
  var started = false
  for _ in 0..<600 where !started {
    started =
      (try? FileManager.default.contentsOfDirectory(atPath: scratch.url.path))?
      .contains { $0.hasSuffix(".tmp") } ?? false
    if !started { usleep(50_000) }
  }
  process.interrupt()
  // If the interrupt is ignored, do not wait for the whole run: kill it after a while.
  for _ in 0..<200 where process.isRunning { usleep(50_000) }
  if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  process.waitUntilExit()
  #expect(started, "the export never started writing")
  #expect(process.terminationReason == .uncaughtSignal)
  #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == [])
  let warning = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  #expect(warning.hasPrefix("kvtrace: warning: '\(scratch.path("big.jsonl"))' will be about "))
}
