// Every libc call of kvtrace lives in this folder; the libraries never touch the OS.
import Foundation

#if canImport(Glibc)
  import Glibc
  let systemRead = Glibc.read
  let systemWrite = Glibc.write
  private let systemExit = Glibc.exit
#elseif canImport(Darwin)
  import Darwin
  let systemRead = Darwin.read
  let systemWrite = Darwin.write
  private let systemExit = Darwin.exit
#endif

/// The few operating-system facts and effects the command line needs.
enum Platform {
  /// Whether standard output is a terminal.
  static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Writes `text` to standard output or standard error, unbuffered.
  static func write(_ text: String, toStandardError: Bool = false) {
    var bytes = Array(text.utf8)
    let descriptor = toStandardError ? STDERR_FILENO : STDOUT_FILENO
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes {
        systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset)
      }
      if written <= 0 { return }  // a closed pipe: nothing more to say
      offset += written
    }
  }

  /// Ends the process with `code`.
  static func exit(_ code: Int32) -> Never { systemExit(code) }
}

/// The process environment, read once at the edge.
enum ProcessEnvironment {
  static var current: [String: String] { ProcessInfo.processInfo.environment }
}
