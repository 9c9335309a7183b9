// Every libc call of kvtrace lives in this folder; the libraries never touch the OS.
import Foundation

#if canImport(Glibc)
  import Glibc
  private let systemWrite = Glibc.write
  private let systemExit = Glibc.exit
#elseif canImport(Darwin)
  import Darwin
  private let systemWrite = Darwin.write
  private let systemExit = Darwin.exit
#endif

/// The few operating-system facts and effects the command line needs.
enum Platform {
  /// Whether standard output is a terminal.
  static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Whether standard input is a terminal.
  static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

  /// Writes `text` to standard output or standard error, unbuffered.
  static func write(_ text: String, toStandardError: Bool = false) {
    // A closed pipe: nothing more to say.
    _ = write(Array(text.utf8), to: toStandardError ? STDERR_FILENO : STDOUT_FILENO)
  }

  /// Writes all of `bytes` to `descriptor`, resuming after interruptions.
  ///
  /// - Returns: `false` when the descriptor refused them (a closed pipe, a
  ///   terminal gone); `errno` says why.
  static func write(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { buffer in
        systemWrite(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
      }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { return false }
      offset += written
    }
    return true
  }

  /// Ends the process with `code`.
  static func exit(_ code: Int32) -> Never { systemExit(code) }
}

extension Platform {
  /// The most memory this process has held so far, in bytes (`getrusage`).
  static var peakMemoryBytes: Int {
    var usage = rusage()
    #if canImport(Glibc)
      let who = RUSAGE_SELF.rawValue
    #else
      let who = RUSAGE_SELF
    #endif
    guard getrusage(who, &usage) == 0 else { return 0 }
    #if canImport(Darwin)
      return Int(usage.ru_maxrss)  // bytes on Darwin
    #else
      return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
    #endif
  }

  /// The number of processors the system reports online.
  static var processorCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// The process environment, read once at the edge.
enum ProcessEnvironment {
  static var current: [String: String] { ProcessInfo.processInfo.environment }
}
