/// Why a command could not run: one line for standard error and the exit code that goes with it.
///
/// A ``UsageError`` is always exit 64; reading the files a command needs can fail in other
/// ways too: a missing file is 66 (`EX_NOINPUT`), a malformed one 65 (`EX_DATAERR`).
struct CommandFailure: Error, Equatable, CustomStringConvertible {
  /// What went wrong and how to fix it.
  var message: String
  /// The exit code.
  var code: ExitCode

  /// A failure with its message and code.
  init(_ message: String, _ code: ExitCode) {
    self.message = message
    self.code = code
  }

  /// A usage error, exit 64.
  init(_ usage: UsageError) { self.init(usage.description, .usage) }

  /// The message on one line.
  var description: String { UsageError.singleLine(message) }

  /// The failure as a command's result.
  var result: CommandResult { .failure(description, code) }
}
