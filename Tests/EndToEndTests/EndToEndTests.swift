// The built `kvtrace` binary, run as a child process with its output piped.
//
// The golden file Snapshots/default-demo.txt is the exact standard output of `kvtrace` with
// no arguments. After an intended change to the output, record it again with
//   KVTRACE_RECORD=1 swift test --filter EndToEndTests
// and review the difference with `git diff` before committing it.

import Foundation
import Testing

/// The golden output of the default demo, found next to this source file.
let goldenURL = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent()
  .appendingPathComponent("Snapshots")
  .appendingPathComponent("default-demo.txt")

let recordHint = "Record it with: KVTRACE_RECORD=1 swift test --filter EndToEndTests"

@Test func theExecutableWasBuilt() {
  #expect(
    FileManager.default.isExecutableFile(atPath: kvtraceURL.path),
    "no kvtrace executable at \(kvtraceURL.path)")
}

@Test func defaultDemoDrawsTheGrid() throws {
  let result = try runKVTrace([])
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty, "\(result.error)")
  #expect(result.output.contains("■"))
  #expect(result.output.contains("□"))
  #expect(result.output.contains("step 0 (prefill)"))
  #expect(!containsEscape(result.stdout))
}

@Test func defaultDemoMatchesTheGoldenFile() throws {
  let result = try runKVTrace([])
  #expect(result.status == 0)
  #expect(!result.stdout.isEmpty)
  try expectGolden(result.stdout, at: goldenURL)
}

/// Checks `stdout` against the golden file at `url`, or records it under `KVTRACE_RECORD=1`.
func expectGolden(
  _ stdout: Data, at url: URL, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  if ProcessInfo.processInfo.environment["KVTRACE_RECORD"] == "1" {
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try stdout.write(to: url)
    #expect(try Data(contentsOf: url) == stdout, sourceLocation: sourceLocation)
    return
  }
  guard let golden = FileManager.default.contents(atPath: url.path) else {
    Issue.record("No golden file at \(url.path). \(recordHint)", sourceLocation: sourceLocation)
    return
  }
  let difference = firstDifference(
    String(decoding: golden, as: UTF8.self), String(decoding: stdout, as: UTF8.self))
  #expect(
    stdout == golden,
    "output differs from the golden file, \(difference). If intended: \(recordHint)",
    sourceLocation: sourceLocation)
}

/// Where two texts first differ, by line, for a failure message.
func firstDifference(_ expected: String, _ actual: String) -> String {
  let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
  for index in 0..<max(expectedLines.count, actualLines.count) {
    let want = index < expectedLines.count ? String(expectedLines[index]) : "<end of file>"
    let got = index < actualLines.count ? String(actualLines[index]) : "<end of output>"
    if want != got { return "line \(index + 1): expected \"\(want)\", got \"\(got)\"" }
  }
  return "same lines, different bytes"
}

@Test func runEqualsTheDefaultDemo() throws {
  let bare = try runKVTrace([])
  let run = try runKVTrace(["run"])
  #expect(run.status == 0)
  #expect(run.stdout == bare.stdout)
}

@Test func helpExitsZero() throws {
  for arguments in [["--help"], ["run", "--help"], ["compare", "--help"]] {
    let result = try runKVTrace(arguments)
    #expect(result.status == 0, "\(arguments)")
    #expect(result.stderr.isEmpty)
    #expect(result.output.hasPrefix("USAGE: kvtrace"), "\(arguments)")
  }
}

@Test func versionPrintsOneLine() throws {
  let result = try runKVTrace(["--version"])
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty)
  #expect(
    result.output.wholeMatch(of: #/kvtrace [0-9]+\.[0-9]+\.[0-9]+\n/#) != nil, "\(result.output)")
}

@Test(arguments: [["--bogus"], ["--steps", "-1"], ["compare", "--color", "sometimes"]])
func badOptionExitsSixtyFourWithOneLine(_ arguments: [String]) throws {
  let result = try runKVTrace(arguments)
  #expect(result.status == 64)
  #expect(result.stdout.isEmpty)
  #expect(result.error.hasPrefix("kvtrace: "), "\(result.error)")
  #expect(result.error.hasSuffix("\n"))
  #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
}

@Test func compareExitsZero() throws {
  let result = try runKVTrace(["compare"])
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty)
  #expect(result.output.contains("PASS"))
}

// MARK: - Color on a pipe

@Test func autoColorDoesNotColorAPipe() throws {
  for arguments in [[], ["compare"]] {
    let result = try runKVTrace(arguments, environment: testEnvironment(["COLORTERM": "truecolor"]))
    #expect(result.status == 0)
    #expect(!containsEscape(result.stdout), "\(arguments)")
  }
}

@Test func cliColorForceColorsAPipe() throws {
  let result = try runKVTrace([], environment: testEnvironment(["CLICOLOR_FORCE": "1"]))
  #expect(result.status == 0)
  #expect(containsEscape(result.stdout))
  let zero = try runKVTrace([], environment: testEnvironment(["CLICOLOR_FORCE": "0"]))
  #expect(!containsEscape(zero.stdout))
}

/// NO_COLOR wins over CLICOLOR_FORCE under `--color auto`; `--color always` wins over both.
@Test func noColorBeatsCLIColorForce() throws {
  let both = testEnvironment(["NO_COLOR": "1", "CLICOLOR_FORCE": "1"])
  let auto = try runKVTrace([], environment: both)
  #expect(auto.status == 0)
  #expect(!containsEscape(auto.stdout))
  let always = try runKVTrace(["--color", "always"], environment: both)
  #expect(always.status == 0)
  #expect(containsEscape(always.stdout))
}

@Test func colorNeverBeatsCLIColorForce() throws {
  let environment = testEnvironment(["CLICOLOR_FORCE": "1"])
  let result = try runKVTrace(["--color", "never"], environment: environment)
  #expect(result.status == 0)
  #expect(!containsEscape(result.stdout))
}

@Test func asciiOutputIsPureASCII() throws {
  let result = try runKVTrace(["--ascii"])
  #expect(result.status == 0)
  #expect(result.stdout.allSatisfy { $0 < 0x80 })
  #expect(!result.stdout.isEmpty)
}
