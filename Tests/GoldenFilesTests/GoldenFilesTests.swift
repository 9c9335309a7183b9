// The golden-file check itself, in a temporary folder (never the real Snapshots/):
// a recorded or missing baseline is written AND fails the test, as swift-argument-parser's
// snapshot helper does, so a recording run can never pass by accident.
import Foundation
import GoldenFiles
import Testing

@Suite(.tags(.unit)) struct GoldenFilesTests {
  /// A `Snapshots` folder, not yet created, in a fresh temporary folder of its own.
  static func temporaryFolder() -> URL {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("kvtrace-golden-\(UUID().uuidString)")
      .appendingPathComponent("Snapshots")
  }

  /// Removes the temporary folder around `folder`.
  static func remove(_ folder: URL) {
    try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
  }

  /// Writes `text` as the golden file `a.txt` in `folder`, as a committed baseline would be.
  func seed(_ folder: URL, _ text: String) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: folder.appendingPathComponent("a.txt"))
  }

  func contents(_ url: URL) -> String? {
    FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
  }

  /// Whether `issue` says a baseline was recorded, naming `file`, why, and the switch.
  func saysRecorded(_ issue: Issue, file: String, because reason: String) -> Bool {
    let message = issue.comments.map(\.rawValue).joined(separator: "\n")
    return message.contains("recorded a new baseline, run again") && message.contains(file)
      && message.contains(reason) && message.contains("KVTRACE_RECORD")
  }

  static let recordingIsOn = "recording is on (KVTRACE_RECORD=1)"
  static let noGoldenFile = "there was no golden file (recording is off"

  @Test func recordingWritesTheFileAndFails() throws {
    let folder = Self.temporaryFolder()
    defer { Self.remove(folder) }
    let golden = GoldenFiles(directory: folder, recording: true)
    try withKnownIssue {
      try golden.check("new output\n", named: "frame.txt")
    } matching: { issue in
      saysRecorded(issue, file: "frame.txt", because: Self.recordingIsOn)
    }
    #expect(contents(folder.appendingPathComponent("frame.txt")) == "new output\n")
  }

  /// Recording rewrites and fails whether the file held the same output or another.
  @Test(arguments: ["new\n", "old\n"])
  func recordingOverwritesAndFailsWhateverTheFileHeld(_ held: String) throws {
    let folder = Self.temporaryFolder()
    defer { Self.remove(folder) }
    try seed(folder, held)
    try withKnownIssue {
      try GoldenFiles(directory: folder, recording: true).check(Data("new\n".utf8), named: "a.txt")
    } matching: { issue in
      saysRecorded(issue, file: "a.txt", because: Self.recordingIsOn)
    }
    #expect(contents(folder.appendingPathComponent("a.txt")) == "new\n")
  }

  @Test func aMissingFileIsRecordedAndFailsThenPasses() throws {
    let folder = Self.temporaryFolder()
    defer { Self.remove(folder) }
    let golden = GoldenFiles(directory: folder, recording: false)
    try withKnownIssue {
      try golden.check(Array("first run\n".utf8), named: "missing.txt")
    } matching: { issue in
      saysRecorded(issue, file: "missing.txt", because: Self.noGoldenFile)
    }
    #expect(contents(folder.appendingPathComponent("missing.txt")) == "first run\n")
    try golden.check("first run\n", named: "missing.txt")
  }

  @Test func aDifferenceFailsWithItsFirstLineAndLeavesTheFile() throws {
    let folder = Self.temporaryFolder()
    defer { Self.remove(folder) }
    try seed(folder, "one\ntwo\n")
    let golden = GoldenFiles(directory: folder, recording: false)
    try withKnownIssue {
      try golden.check("one\nthree\n", named: "a.txt")
    } matching: { issue in
      let message = issue.comments.map(\.rawValue).joined(separator: "\n")
      return message.contains("a.txt differs at line 2") && message.contains("got:  three")
        && message.contains("want: two") && !message.contains("recorded a new baseline")
    }
    #expect(contents(folder.appendingPathComponent("a.txt")) == "one\ntwo\n")
  }

  @Test func aBaselineOutsideSnapshotsIsRecordedAndFails() throws {
    let folder = Self.temporaryFolder()
    defer { Self.remove(folder) }
    let url = folder.appendingPathComponent("Resources/t1-run.txt")
    try withKnownIssue {
      try GoldenFiles.recordBaseline("$ swift run kvtrace\n", at: url, recording: true)
    } matching: { issue in
      saysRecorded(issue, file: "Resources/t1-run.txt", because: Self.recordingIsOn)
    }
    #expect(contents(url) == "$ swift run kvtrace\n")
  }

  @Test func recordingIsSwitchedOnByTheEnvironmentVariable() {
    #expect(GoldenFiles.recordVariable == "KVTRACE_RECORD")
    let environment = ProcessInfo.processInfo.environment[GoldenFiles.recordVariable]
    #expect(GoldenFiles.recording == (environment == "1"))
  }
}
