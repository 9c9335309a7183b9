// Running the built `kvtrace` executable as a child process.

import Foundation
import Testing

/// A class in this test module, so `Bundle(for:)` can find the bundle the tests live in.
private final class BundleMarker {}

/// The directory holding the built products (`.build/debug` and the like).
///
/// The idea of swift-argument-parser's `debugURL` (ArgumentParserTestHelpers): the test
/// bundle is built into the products directory, next to the executables. Where the bundle is
/// a directory (`kvtracePackageTests.xctest` on macOS) its parent is that directory; on Linux
/// the bundle is an executable file and its bundle URL is already the products directory.
let productsDirectory: URL = {
  let bundleURL = Bundle(for: BundleMarker.self).bundleURL
  return bundleURL.lastPathComponent.hasSuffix("xctest")
    ? bundleURL.deletingLastPathComponent()
    : bundleURL
}()

/// The built executable under test.
let kvtraceURL = productsDirectory.appendingPathComponent("kvtrace")

/// What one run of the executable did.
struct ProcessResult: Sendable {
  var status: Int32
  var stdout: Data
  var stderr: Data

  var output: String { String(decoding: stdout, as: UTF8.self) }
  var error: String { String(decoding: stderr, as: UTF8.self) }
}

/// Collects the bytes of a pipe read on another thread; read only after `wait()`.
private final class PipeReader: @unchecked Sendable {
  private(set) var data = Data()
  private let group = DispatchGroup()

  init(_ pipe: Pipe) {
    group.enter()
    DispatchQueue.global().async {
      self.data = pipe.fileHandleForReading.readDataToEndOfFile()
      self.group.leave()
    }
  }

  func wait() -> Data {
    group.wait()
    return data
  }
}

/// The environment the tests run kvtrace in: this process's, without the variables that
/// switch color on or off or size the output (`LINES` sets `run`'s rows), plus `overrides`. Standard output is always a pipe.
func testEnvironment(_ overrides: [String: String] = [:]) -> [String: String] {
  var environment = ProcessInfo.processInfo.environment
  for name in ["NO_COLOR", "CLICOLOR_FORCE", "COLORTERM", "KVTRACE_RECORD", "LINES", "COLUMNS"] {
    environment[name] = nil
  }
  environment["TERM"] = "xterm-256color"
  return environment.merging(overrides) { $1 }
}

/// Runs kvtrace with `arguments` and waits for it to exit.
///
/// Both pipes are read to the end *before* `waitUntilExit()`: a child that fills a pipe
/// nobody reads would block forever. Standard error is read on another thread so that
/// neither pipe can fill while the other is being drained.
func runKVTrace(_ arguments: [String], environment: [String: String] = testEnvironment())
  throws -> ProcessResult
{
  try runProduct(kvtraceURL, arguments, environment: environment)
}

/// Runs the built executable at `url` (kvtrace, or an example) and waits for it to exit.
func runProduct(
  _ url: URL, _ arguments: [String], environment: [String: String] = testEnvironment()
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = url
  process.arguments = arguments
  process.environment = environment
  process.standardInput = FileHandle.nullDevice
  let stdout = Pipe()
  let stderr = Pipe()
  process.standardOutput = stdout
  process.standardError = stderr
  try process.run()
  let errorReader = PipeReader(stderr)
  let output = stdout.fileHandleForReading.readDataToEndOfFile()
  let error = errorReader.wait()
  process.waitUntilExit()
  #expect(
    process.terminationReason == .exit,
    "\(url.lastPathComponent) \(arguments) did not exit normally")
  return ProcessResult(status: process.terminationStatus, stdout: output, stderr: error)
}

/// Whether `data` holds the escape byte that starts every ANSI color sequence.
func containsEscape(_ data: Data) -> Bool { data.contains(0x1B) }
