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

  /// Makes an interrupt (Ctrl-C, `kill`) delete the file at `path` before the process
  /// ends, or stops doing so when `path` is nil. One file at a time: the one being written.
  ///
  /// An export that is stopped midway then leaves nothing behind: its target is
  /// untouched (see `OutputFile`) and its half-written temporary file is gone.
  static func removeOnInterrupt(_ path: String?) {
    let previous = fileToRemoveOnInterrupt
    fileToRemoveOnInterrupt = path.flatMap { strdup($0) }
    free(previous)
    // A parent may have started kvtrace with these signals blocked (threads of a
    // dispatch queue block them, and a child inherits the mask): unblock them here.
    var signals = sigset_t()
    sigemptyset(&signals)
    for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
      sigaddset(&signals, signalNumber)
      signal(signalNumber) { caught in
        // Only async-signal-safe calls here: unlink, signal, raise.
        if let path = fileToRemoveOnInterrupt { unlink(path) }
        signal(caught, SIG_DFL)
        raise(caught)
      }
    }
    sigprocmask(SIG_UNBLOCK, &signals, nil)
  }
}

/// The file `Platform.removeOnInterrupt(_:)` deletes, as a C string a signal handler can read.
nonisolated(unsafe) private var fileToRemoveOnInterrupt: UnsafeMutablePointer<CChar>?

/// The process environment, read once at the edge.
enum ProcessEnvironment {
  static var current: [String: String] { ProcessInfo.processInfo.environment }
}
