/// The process exit codes kvtrace uses, from BSD's sysexits.h, and the shell's
/// 128 + signal number when a signal (or Ctrl-C) ends the walk-through.
enum ExitCode: Int32, Sendable {
  /// Success.
  case ok = 0
  /// The check ran and failed (`kvtrace compare` found a difference).
  case checkFailed = 1
  /// The command line was wrong: an unknown option, a value out of range.
  case usage = 64
  /// An input file was malformed.
  case dataError = 65
  /// An input file does not exist or cannot be read.
  case noInput = 66
  /// An output file cannot be created.
  case cannotCreate = 73
  /// Reading or writing failed midway.
  case ioError = 74
  /// The terminal hung up (SIGHUP).
  case hungUp = 129
  /// Ctrl-C or SIGINT.
  case interrupted = 130
  /// SIGTERM.
  case terminated = 143
}

/// What a command produced: its output, an error line, and its exit code, or a
/// walk-through to run on the terminal.
struct CommandResult: Sendable, Equatable {
  var output: String = ""
  var error: String = ""
  var code: ExitCode = .ok
  /// The interactive walk-through to run; `main.swift` runs it on the terminal.
  var walkThrough: WalkThrough?

  /// A failure: one line on standard error and a code.
  static func failure(_ message: String, _ code: ExitCode) -> CommandResult {
    CommandResult(output: "", error: "kvtrace: \(message)\n", code: code)
  }
}
