import KVTraceRender

/// What the terminal tells the walk-through.
enum TerminalEvent: Equatable, Sendable {
  /// Bytes typed.
  case input([UInt8])
  /// The window changed size (SIGWINCH).
  case resized
  /// A signal asked the program to stop.
  case signal(TerminalSignal)
  /// Standard input closed: nobody is left to press keys.
  case endOfInput
  /// Nothing happened within the time asked for.
  case timeout
}

/// The signals that end the walk-through, each with the exit status a shell expects.
enum TerminalSignal: Equatable, Sendable {
  case hangUp, interrupt, terminate

  /// 128 plus the signal number: 129, 130, 143.
  var exitCode: ExitCode {
    switch self {
    case .hangUp: .hungUp
    case .interrupt: .interrupted
    case .terminate: .terminated
    }
  }
}

/// A terminal failure, with what to do about it.
struct TerminalError: Error, Equatable, CustomStringConvertible {
  /// What failed, e.g. "cannot read the keyboard (Input/output error)".
  var message: String

  var description: String {
    "\(message); run 'kvtrace run' with the same options to print the steps instead"
  }
}

/// The screen and keyboard the walk-through runs on.
///
/// The real one (``RawTerminal``) puts the terminal in raw mode; tests drive the
/// walk-through with a scripted one.
protocol InteractiveTerminal: AnyObject {
  /// The screen size now.
  var size: FrameSize { get }
  /// Writes `text` to the screen.
  func write(_ text: String) throws(TerminalError)
  /// Waits for the next event, at most `timeout` milliseconds (`nil`: as long as it takes).
  func nextEvent(timeout milliseconds: Int32?) throws(TerminalError) -> TerminalEvent
}
