import Foundation
import Testing

/// Compares text with a golden file in `Snapshots/`, or records it.
///
/// Set `KVTRACE_RECORD=1` to (re)write the golden files from the current output;
/// review the diff before committing it.
enum Golden {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots")

  static func check(
    _ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let url = directory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["KVTRACE_RECORD"] == "1" {
      try Data(text.utf8).write(to: url)
      return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      Issue.record(
        "missing golden file \(name); run KVTRACE_RECORD=1 swift test to record it",
        sourceLocation: sourceLocation)
      return
    }
    let expected = String(decoding: data, as: UTF8.self)
    if text != expected {
      let got = text.split(separator: "\n", omittingEmptySubsequences: false)
      let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let line =
        zip(got, want).enumerated().first { $1.0 != $1.1 }?.offset ?? min(got.count, want.count)
      let gotLine = line < got.count ? String(got[line]) : "<end>"
      let wantLine = line < want.count ? String(want[line]) : "<end>"
      Issue.record(
        "\(name) differs at line \(line + 1):\n  got:  \(gotLine)\n  want: \(wantLine)",
        sourceLocation: sourceLocation)
    }
  }
}
