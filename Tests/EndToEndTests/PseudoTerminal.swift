// Running the built `kvtrace` on a pseudo-terminal, as a person would in a terminal window.

import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How long to wait for something kvtrace should do promptly before giving up.
///
/// Only a guard against hanging when something is broken: no test asserts how
/// fast anything is.
let patience: TimeInterval = 60

/// A failure to set up or drive the pseudo-terminal.
struct PseudoTerminalError: Error, CustomStringConvertible {
  var description: String
}

/// `kvtrace` running with a pseudo-terminal as its standard input, output and error.
///
/// The test holds both ends: it writes key presses to the master end, reads what
/// kvtrace draws from it, and inspects the terminal's modes through the slave end
/// (which it keeps open, so the modes can be read after kvtrace has exited).
final class PseudoTerminalRun {
  let master: Int32
  let slave: Int32
  let process = Process()
  /// The terminal's modes before kvtrace started.
  let modesBefore: termios
  /// Every byte kvtrace wrote so far.
  private(set) var output: [UInt8] = []
  /// Where the output not yet looked at by ``waitFor(_:_:)`` begins.
  private(set) var mark = 0

  /// Opens a pseudo-terminal of `columns`×`rows` and starts kvtrace on it.
  ///
  /// - Parameters:
  ///   - standardOutput: Where kvtrace's standard output goes instead of the terminal, if anywhere.
  ///   - environment: Variables to set on top of ``testEnvironment(_:)``.
  init(
    _ arguments: [String], columns: UInt16 = 80, rows: UInt16 = 24,
    standardOutput: Pipe? = nil, environment overrides: [String: String] = [:]
  ) throws {
    var master: Int32 = -1
    var slave: Int32 = -1
    var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    guard openpty(&master, &slave, nil, nil, &size) == 0 else {
      throw PseudoTerminalError(description: "openpty failed: errno \(errno)")
    }
    self.master = master
    self.slave = slave
    var modes = termios()
    tcgetattr(slave, &modes)
    modesBefore = modes
    let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    var environment = testEnvironment(overrides)
    environment["COLUMNS"] = nil
    environment["LINES"] = nil
    process.executableURL = kvtraceURL
    process.arguments = arguments
    process.environment = environment
    process.standardInput = terminal
    process.standardOutput = standardOutput ?? terminal
    process.standardError = standardOutput == nil ? terminal : FileHandle.nullDevice
    try process.run()
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    close(master)
    close(slave)
  }

  /// Types `text` into the terminal.
  func press(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
  }

  /// Sets the window size, and tells kvtrace the way the kernel would (SIGWINCH).
  func resize(columns: UInt16, rows: UInt16) {
    var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    _ = withUnsafeMutablePointer(to: &size) { ioctl(master, UInt(TIOCSWINSZ), $0) }
    kill(process.processIdentifier, SIGWINCH)
  }

  /// Reads what kvtrace draws until the text written since the last wait, with
  /// escape sequences removed, satisfies `done`; returns those raw bytes.
  @discardableResult
  func waitFor(
    _ what: String, _ done: (String) -> Bool, sourceLocation: SourceLocation = #_sourceLocation
  ) -> String {
    let deadline = Date().addingTimeInterval(patience)
    while true {
      let fresh = String(decoding: output[mark...], as: UTF8.self)
      if done(stripEscapes(fresh)) {
        mark = output.count
        return fresh
      }
      guard Date() < deadline, readAvailable(waitMilliseconds: 100) || process.isRunning else {
        Issue.record(
          "kvtrace never drew \(what); it drew: \(stripEscapes(fresh).suffix(600))",
          sourceLocation: sourceLocation)
        mark = output.count
        return fresh
      }
    }
  }

  /// Reads until kvtrace exits; returns its exit status, or `nil` if it never does.
  func waitForExit(
    reason: Process.TerminationReason = .exit, sourceLocation: SourceLocation = #_sourceLocation
  ) -> Int32? {
    let deadline = Date().addingTimeInterval(patience)
    while process.isRunning && Date() < deadline { _ = readAvailable(waitMilliseconds: 50) }
    guard !process.isRunning else {
      Issue.record("kvtrace did not exit", sourceLocation: sourceLocation)
      return nil
    }
    while readAvailable(waitMilliseconds: 0) {}
    process.waitUntilExit()
    #expect(process.terminationReason == reason, sourceLocation: sourceLocation)
    return process.terminationStatus
  }

  /// The terminal's modes now.
  var modes: termios {
    var modes = termios()
    tcgetattr(slave, &modes)
    return modes
  }

  /// Reads whatever is waiting, waiting up to `waitMilliseconds` for something.
  private func readAvailable(waitMilliseconds: Int32) -> Bool {
    var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, waitMilliseconds) > 0 else { return false }
    var buffer = [UInt8](repeating: 0, count: 65536)
    let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
    guard count > 0 else { return false }
    output += buffer.prefix(count)
    return true
  }
}

/// Whether two sets of terminal modes are the same: flags and control characters.
func sameModes(_ a: termios, _ b: termios) -> Bool {
  var (a, b) = (a, b)
  let flags =
    a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag
    && a.c_lflag == b.c_lflag
  let characters = withUnsafeBytes(of: &a.c_cc) { x in
    withUnsafeBytes(of: &b.c_cc) { y in x.elementsEqual(y) }
  }
  return flags && characters
}

/// `text` without ANSI escape sequences (CSI `ESC [ … final`, and two-byte `ESC x`).
func stripEscapes(_ text: String) -> String {
  var out = ""
  var state = 0  // 0 text, 1 after ESC, 2 inside a CSI
  for scalar in text.unicodeScalars {
    switch (state, scalar) {
    case (0, "\u{1B}"): state = 1
    case (0, _): out.unicodeScalars.append(scalar)
    case (1, "["): state = 2
    case (1, _): state = 0
    case (2, _) where (0x40...0x7E).contains(scalar.value): state = 0
    default: break
    }
  }
  return out
}
