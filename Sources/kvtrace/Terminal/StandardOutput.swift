// The end of every command: its text to standard output and standard error, then the exit.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing a command's result, where writing can fail.
///
/// Two failures are told apart:
///
/// - **The reader left.** `kvtrace run | head -c 10`: `head` has what it wanted and
///   closed the pipe. That is not an error of kvtrace's; it stops at once and
///   quietly, with status 141 (128 + SIGPIPE, the status `yes | head` leaves, so a
///   shell with `set -o pipefail` sees the usual code) and nothing on standard error.
///   kvtrace ignores the signal itself and handles the failed write (`EPIPE`), so it
///   behaves the same whether or not its parent left SIGPIPE ignored.
/// - **Anything else** (`kvtrace run > /dev/full`, a closed standard output, an I/O
///   error): one line on standard error saying so, and exit 74 (`EX_IOERR`), instead
///   of exit 0 with the output lost.
extension Platform {
  /// The exit status when the reader of standard output went away: 128 + SIGPIPE.
  static let readerLeftStatus: Int32 = 128 + SIGPIPE

  /// Whether ``readerLeft()`` ends the process: only in kvtrace itself (`main.swift`),
  /// never in tests that run the command line in-process.
  nonisolated(unsafe) private static var endsWhenReaderLeaves = false

  /// Whether kvtrace started with standard output closed (`kvtrace run >&-`).
  nonisolated(unsafe) private static var standardOutputWasClosed = false

  /// Makes a write to a closed pipe fail with `EPIPE` instead of killing the process,
  /// and ``readerLeft()`` end it quietly. `main.swift` calls this first.
  ///
  /// A standard descriptor (0, 1, 2) that was closed is opened on `/dev/null`, so
  /// that no file kvtrace opens later takes its number (an export's temporary file
  /// must never become standard output); output for a closed standard output is
  /// still reported as lost (``writeStandardOutput(_:)``).
  static func handleClosedPipes() {
    signal(SIGPIPE, SIG_IGN)
    endsWhenReaderLeaves = true
    for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO]
    where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
      // `open` returns the lowest free number: this one.
      guard open("/dev/null", O_RDWR) == descriptor else { continue }
      if descriptor == STDOUT_FILENO { standardOutputWasClosed = true }
    }
  }

  /// Writes all of `bytes` to standard output.
  ///
  /// - Returns: `false` when they could not be written, `errno` says why (`EBADF` when
  ///   standard output was closed when kvtrace started).
  static func writeStandardOutput(_ bytes: [UInt8]) -> Bool {
    guard !standardOutputWasClosed || bytes.isEmpty else {
      errno = EBADF
      return false
    }
    return write(bytes, to: STDOUT_FILENO)
  }

  /// Ends the process quietly because the reader of standard output stopped reading.
  ///
  /// Called by a writer that saw `EPIPE` on standard output; does nothing in-process
  /// (the writer then reports the failure as usual).
  static func readerLeft() {
    guard endsWhenReaderLeaves else { return }
    exit(readerLeftStatus)
  }

  /// Writes `result`'s output and error, then exits with its code, or with 74 and
  /// one line when standard output could not take the output (141 when its reader left).
  static func finish(_ result: CommandResult) -> Never {
    if !writeStandardOutput(Array(result.output.utf8)) {
      if errno == EPIPE { readerLeft() }
      let failure = CommandFailure.standardOutput()
      write(failure.result.error, toStandardError: true)
      exit(failure.code.rawValue)
    }
    write(result.error, toStandardError: true)
    exit(result.code.rawValue)
  }
}

extension CommandFailure {
  /// Writing `what` (the command's output when nil) to standard output failed, as
  /// `errno` says: exit 74.
  static func standardOutput(_ what: String? = nil) -> CommandFailure {
    CommandFailure(
      "cannot write \(what.map { $0 + " " } ?? "")to standard output: \(String(cString: strerror(errno))); "
        + "check where the output goes (a full disk, a closed descriptor)", .ioError)
  }
}
