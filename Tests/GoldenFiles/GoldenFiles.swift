// Golden files, shared by every test target: expected output kept beside the tests.
//
// Modelled on swift-argument-parser's snapshot helper: a golden file is checked, never
// silently rewritten. Recording (KVTRACE_RECORD=1) or a missing file writes the current
// output AND fails the test with "recorded a new baseline, run again", so a recording run
// can never pass by accident; review the diff, then run again without KVTRACE_RECORD.
import Foundation
import Testing

/// The `Snapshots` folder beside a test file: output compared byte for byte with
/// the file of the same name, or recorded into it.
///
/// Under `KVTRACE_RECORD=1`, or when the file does not exist yet, the current output is
/// written and the test fails with "recorded a new baseline, run again": review the diff
/// (`git diff Tests`), then run the tests again without `KVTRACE_RECORD`. A difference is
/// reported with its first differing line.
public struct GoldenFiles: Sendable {
  /// The folder the golden files live in.
  public let directory: URL

  /// Whether this check records every golden file instead of comparing it.
  public let isRecording: Bool

  /// The `Snapshots` folder beside `file` (pass `#filePath`), recording under `KVTRACE_RECORD=1`.
  public init(besideFile file: String) {
    self.init(
      directory: URL(fileURLWithPath: file).deletingLastPathComponent()
        .appendingPathComponent("Snapshots"),
      recording: Self.recording)
  }

  /// The golden files in `directory`, recorded when `recording` is true (tests of the check).
  public init(directory: URL, recording: Bool) {
    self.directory = directory
    isRecording = recording
  }

  /// The environment variable that switches recording on (`KVTRACE_RECORD=1`).
  public static let recordVariable = "KVTRACE_RECORD"

  /// Whether this test run records golden files: `KVTRACE_RECORD=1` in the environment.
  public static var recording: Bool {
    ProcessInfo.processInfo.environment[recordVariable] == "1"
  }

  /// Checks `bytes` against the golden file `name`, or records it and fails.
  public func check(
    _ bytes: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let url = directory.appendingPathComponent(name)
    guard !isRecording, let data = FileManager.default.contents(atPath: url.path) else {
      try Self.recordBaseline(
        bytes, at: url, recording: isRecording, sourceLocation: sourceLocation)
      return
    }
    let expected = Array(data)
    guard bytes != expected else { return }
    let difference = Self.firstDifference(expected, bytes)
    Issue.record(
      """
      \(name) differs at \(difference)
      if intended, record it with \(Self.recordVariable)=1 swift test, review the diff, \
      then run again without it
      """,
      sourceLocation: sourceLocation)
  }

  /// Checks `text` against the golden file `name`, or records it and fails.
  public func check(
    _ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try check(Array(text.utf8), named: name, sourceLocation: sourceLocation)
  }

  /// Checks `data` against the golden file `name`, or records it and fails.
  public func check(
    _ data: Data, named name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try check(Array(data), named: name, sourceLocation: sourceLocation)
  }

  /// Writes `bytes` to the golden file at `url` and fails the current test: a recorded
  /// baseline is never a pass.
  ///
  /// Use it for golden files kept outside a `Snapshots` folder (the tutorials' outputs),
  /// under `KVTRACE_RECORD=1` or when the file is missing.
  public static func recordBaseline(
    _ bytes: [UInt8], at url: URL, recording: Bool = GoldenFiles.recording,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
    let why =
      recording
      ? "recording is on (\(recordVariable)=1): review the diff, then run the tests again "
        + "without \(recordVariable) to check it"
      : "there was no golden file (recording is off; \(recordVariable)=1 swift test "
        + "re-records every one): review it, then run the tests again to check it"
    Issue.record(
      "recorded a new baseline, run again: wrote \(url.path)\n\(why)",
      sourceLocation: sourceLocation)
  }

  /// Writes `text` to the golden file at `url` and fails the current test.
  public static func recordBaseline(
    _ text: String, at url: URL, recording: Bool = GoldenFiles.recording,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try recordBaseline(
      Array(text.utf8), at: url, recording: recording, sourceLocation: sourceLocation)
  }

  /// Where two outputs first differ, by line, for a failure message.
  static func firstDifference(_ expected: [UInt8], _ actual: [UInt8]) -> String {
    let want = String(decoding: expected, as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false)
    let got = String(decoding: actual, as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(want.count, got.count) {
      let wanted = index < want.count ? String(want[index]) : "<end of file>"
      let found = index < got.count ? String(got[index]) : "<end of output>"
      if wanted != found { return "line \(index + 1):\n  got:  \(found)\n  want: \(wanted)" }
    }
    return "the same lines in different bytes"
  }
}
