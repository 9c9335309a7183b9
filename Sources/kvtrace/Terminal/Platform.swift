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

  /// Whether ``removeOnInterrupt(_:)`` may change how the process handles signals.
  ///
  /// `main.swift` turns it on. Tests that run the command line in their own process
  /// leave it off, so they never change the test runner's signal handling (which the
  /// processes it starts would inherit).
  nonisolated(unsafe) static var handlesInterrupts = false

  /// Makes an interrupt (Ctrl-C, `kill`) delete the file at `path` before the process
  /// ends, or stops doing so when `path` is nil. One file at a time: the one being written.
  ///
  /// An export that is stopped midway then leaves nothing behind: its target is
  /// untouched (see `OutputFile`) and its half-written temporary file is gone.
  ///
  /// Only the kvtrace process itself (``handlesInterrupts``) keeps the path: it writes
  /// one file at a time from one thread. Tests that run the command line in-process
  /// export from many threads at once, and a shared C string swapped and freed by two
  /// of them would be freed twice.
  static func removeOnInterrupt(_ path: String?) {
    guard handlesInterrupts else { return }
    let previous = fileToRemoveOnInterrupt
    fileToRemoveOnInterrupt = path.flatMap { strdup($0) }
    free(previous)
    // A parent may have started kvtrace with these signals blocked (threads of a
    // dispatch queue block them, and a child inherits the mask): unblock them here.
    var signals = sigset_t()
    sigemptyset(&signals)
    for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
      sigaddset(&signals, signalNumber)
      guard path != nil else {
        signal(signalNumber, SIG_DFL)
        continue
      }
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
///
/// When standard output is a terminal and `LINES` is unset (shells seldom export
/// it), `LINES` is the terminal's height: `run --rows auto` fits its steps to it.
enum ProcessEnvironment {
  static var current: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    if environment["LINES"] == nil, Platform.stdoutIsTerminal {
      var window = winsize()
      let answered = withUnsafeMutablePointer(to: &window) {
        ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0)
      }
      if answered == 0, window.ws_row > 0 { environment["LINES"] = "\(window.ws_row)" }
    }
    return environment
  }
}
