// Running kvtrace from /bin/sh: redirections, pipes and FIFOs as a user's shell makes them.

import Foundation
import Testing

/// A fresh folder for one test's files and the shell scripts run in it; removed with it.
final class ScratchDirectory {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("kvtrace-e2e-\(UUID().uuidString)", isDirectory: true)

  init() throws {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// `name` inside the folder.
  func path(_ name: String) -> String { url.path + "/" + name }

  /// The bytes of `name`, or empty when it does not exist.
  func contents(_ name: String) -> Data {
    FileManager.default.contents(atPath: path(name)) ?? Data()
  }

  /// The text of `name`, or empty when it does not exist.
  func text(_ name: String) -> String { String(decoding: contents(name), as: UTF8.self) }

  /// Runs `script` with `/bin/sh -c` in the directory and returns its exit status.
  ///
  /// `$KVTRACE` names the built executable. The script redirects what it wants to keep
  /// into files of the directory; the shell's own standard output and error go nowhere,
  /// so no pipe can fill and block it.
  @discardableResult
  func shell(_ script: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.environment = testEnvironment(["KVTRACE": kvtraceURL.path])
    process.currentDirectoryURL = url
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}

extension ScratchDirectory {
  /// Runs `script`, which sends kvtrace's standard error to the file `err`, and expects
  /// exit `status` and one line there, containing `words`.
  func expectFailure(
    _ script: String, _ status: Int32, _ words: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let actual = try shell(script)
    let error = text("err")
    #expect(actual == status, "\(script): \(error)", sourceLocation: sourceLocation)
    #expect(isOneErrorLine(error), "\(script): \(error)", sourceLocation: sourceLocation)
    #expect(error.contains(words), "\(script): \(error)", sourceLocation: sourceLocation)
  }
}

/// Whether `text` is exactly one line starting `kvtrace: `.
func isOneErrorLine(_ text: String) -> Bool {
  text.hasPrefix("kvtrace: ") && text.hasSuffix("\n") && text.filter { $0 == "\n" }.count == 1
}
