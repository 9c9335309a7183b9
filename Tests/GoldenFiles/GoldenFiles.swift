// Golden files, shared by every test target: expected output kept beside the tests.
import Foundation
import Testing

/// The `Snapshots` folder beside a test file: output compared byte for byte with
/// the file of the same name, or recorded into it under `KVTRACE_RECORD=1`.
///
/// Recording rewrites the files from the current output; review the diff before
/// committing it. A difference is reported with its first differing line.
public struct GoldenFiles: Sendable {
  /// The folder the golden files live in.
  public let directory: URL

  /// The `Snapshots` folder beside `file` (pass `#filePath`).
  public init(besideFile file: String) {
    directory = URL(fileURLWithPath: file).deletingLastPathComponent()
      .appendingPathComponent("Snapshots")
  }

  /// Whether this run records golden files instead of checking them.
  public static var recording: Bool {
    ProcessInfo.processInfo.environment["KVTRACE_RECORD"] == "1"
  }

  /// Checks `bytes` against the golden file `name`, or records it.
  public func check(
    _ bytes: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let url = directory.appendingPathComponent(name)
    if Self.recording {
      try Data(bytes).write(to: url)
      return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      Issue.record(
        "missing golden file \(name); run KVTRACE_RECORD=1 swift test to record it",
        sourceLocation: sourceLocation)
      return
    }
    let expected = Array(data)
    guard bytes != expected else { return }
    let difference = Self.firstDifference(expected, bytes)
    Issue.record(
      "\(name) differs at \(difference)\nif intended, record it with KVTRACE_RECORD=1 swift test",
      sourceLocation: sourceLocation)
  }

  /// Checks `text` against the golden file `name`, or records it.
  public func check(
    _ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try check(Array(text.utf8), named: name, sourceLocation: sourceLocation)
  }

  /// Checks `data` against the golden file `name`, or records it.
  public func check(
    _ data: Data, named name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try check(Array(data), named: name, sourceLocation: sourceLocation)
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
