// The built `kvtrace` binary, run as a child process with its output piped.
//
// The golden file Snapshots/default-demo.txt is the exact standard output of `kvtrace` with
// no arguments. After an intended change to the output, record it again with
//   KVTRACE_RECORD=1 swift test --filter EndToEndTests
// and review the difference with `git diff` before committing it.

import Foundation
import GoldenFiles
import Testing

/// The golden files of the end-to-end tests, in `Snapshots/`.
let golden = GoldenFiles(besideFile: #filePath)

@Test(.tags(.endToEnd)) func theExecutableWasBuilt() {
  #expect(
    FileManager.default.isExecutableFile(atPath: kvtraceURL.path),
    "no kvtrace executable at \(kvtraceURL.path)")
}

@Test(.tags(.endToEnd)) func defaultDemoDrawsTheGrid() throws {
  let result = try runKVTrace([])
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty, "\(result.error)")
  #expect(result.output.contains("■"))
  #expect(result.output.contains("□"))
  #expect(result.output.contains("step 0 (prefill)"))
  #expect(!containsEscape(result.stdout))
}

@Test(.tags(.endToEnd, .golden)) func defaultDemoMatchesTheGoldenFile() throws {
  let result = try runKVTrace([])
  #expect(result.status == 0)
  #expect(!result.stdout.isEmpty)
  try golden.check(result.stdout, named: "default-demo.txt")
}

@Test(.tags(.endToEnd)) func runEqualsTheDefaultDemo() throws {
  let bare = try runKVTrace([])
  let run = try runKVTrace(["run"])
  #expect(run.status == 0)
  #expect(run.stdout == bare.stdout)
}

@Test(.tags(.endToEnd)) func helpExitsZero() throws {
  for arguments in [["--help"], ["run", "--help"], ["compare", "--help"]] {
    let result = try runKVTrace(arguments)
    #expect(result.status == 0, "\(arguments)")
    #expect(result.stderr.isEmpty)
    #expect(result.output.hasPrefix("USAGE: kvtrace"), "\(arguments)")
  }
}

@Test(.tags(.endToEnd)) func versionPrintsOneLine() throws {
  let result = try runKVTrace(["--version"])
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty)
  #expect(
    result.output.wholeMatch(of: #/kvtrace [0-9]+\.[0-9]+\.[0-9]+\n/#) != nil, "\(result.output)")
}

@Test(
  .tags(.endToEnd),
  arguments: [["--bogus"], ["--steps", "-1"], ["compare", "--color", "sometimes"]])
func badOptionExitsSixtyFourWithOneLine(_ arguments: [String]) throws {
  let result = try runKVTrace(arguments)
  #expect(result.status == 64)
  #expect(result.stdout.isEmpty)
  #expect(result.error.hasPrefix("kvtrace: "), "\(result.error)")
  #expect(result.error.hasSuffix("\n"))
  #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
}

@Test(.tags(.endToEnd)) func compareExitsZero() throws {
  let result = try runKVTrace(["compare"])
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty)
  #expect(result.output.contains("PASS"))
}

// MARK: - Color on a pipe

@Test(.tags(.endToEnd)) func autoColorDoesNotColorAPipe() throws {
  for arguments in [[], ["compare"]] {
    let result = try runKVTrace(arguments, environment: testEnvironment(["COLORTERM": "truecolor"]))
    #expect(result.status == 0)
    #expect(!containsEscape(result.stdout), "\(arguments)")
  }
}

@Test(.tags(.endToEnd)) func cliColorForceColorsAPipe() throws {
  let result = try runKVTrace([], environment: testEnvironment(["CLICOLOR_FORCE": "1"]))
  #expect(result.status == 0)
  #expect(containsEscape(result.stdout))
  let zero = try runKVTrace([], environment: testEnvironment(["CLICOLOR_FORCE": "0"]))
  #expect(!containsEscape(zero.stdout))
}

/// NO_COLOR wins over CLICOLOR_FORCE under `--color auto`; `--color always` wins over both.
@Test(.tags(.endToEnd)) func noColorBeatsCLIColorForce() throws {
  let both = testEnvironment(["NO_COLOR": "1", "CLICOLOR_FORCE": "1"])
  let auto = try runKVTrace([], environment: both)
  #expect(auto.status == 0)
  #expect(!containsEscape(auto.stdout))
  let always = try runKVTrace(["--color", "always"], environment: both)
  #expect(always.status == 0)
  #expect(containsEscape(always.stdout))
}

@Test(.tags(.endToEnd)) func colorNeverBeatsCLIColorForce() throws {
  let environment = testEnvironment(["CLICOLOR_FORCE": "1"])
  let result = try runKVTrace(["--color", "never"], environment: environment)
  #expect(result.status == 0)
  #expect(!containsEscape(result.stdout))
}

@Test(.tags(.endToEnd)) func asciiOutputIsPureASCII() throws {
  let result = try runKVTrace(["--ascii"])
  #expect(result.status == 0)
  #expect(result.stdout.allSatisfy { $0 < 0x80 })
  #expect(!result.stdout.isEmpty)
}
