import KVTrace
import KVTraceRender

/// An interactive walk-through of a trace, ready to run on the terminal.
///
/// The pure command line (``KVTraceCLI``) decides *that* a walk-through runs and
/// of which trace; this value carries that decision to `main.swift`, which calls
/// ``run()``. Any trace will do: one decoded just now (`kvtrace step`) or one
/// read from a file (`kvtrace replay FILE --interactive`).
struct WalkThrough: Sendable, Equatable {
  /// The trace to walk through.
  var trace: Trace
  /// The first step, focus and view.
  var state: InteractiveState
  /// Colors and glyphs.
  var style: RenderStyle
  /// The screen size to assume when the terminal does not report one (from
  /// `COLUMNS` and `LINES`, else 80×24).
  var fallbackSize: FrameSize
  /// The same prompt decoded without a cache, for the `c` views: one run, or one per
  /// prompt for two prompts; none for a replay.
  var withoutCache: [Trace] = []

  /// The frames of ``trace``, with the runs without a cache beside it.
  var frame: InteractiveFrame {
    withoutCache.count > 1
      ? InteractiveFrame(trace: trace, withoutCacheByPrompt: withoutCache)
      : InteractiveFrame(trace: trace, withoutCache: withoutCache.first)
  }

  /// Runs the walk-through on the process's terminal and restores the terminal
  /// on every way out: a quit key, Ctrl-C, a signal, an error.
  ///
  /// - Returns: The exit code (0 after `q`; 130 after Ctrl-C; 128 + the signal
  ///   number after a signal) and, after a failure, the error line.
  func run() -> CommandResult {
    let terminal: RawTerminal
    do {
      terminal = try RawTerminal(fallbackSize: fallbackSize)
      try terminal.enter()
    } catch {
      return .failure(error.description, .ioError)
    }
    var session = InteractiveSession(
      frame: frame, state: state, style: style)
    let ending = session.run(on: terminal)
    terminal.restore()
    switch ending {
    case .quit, .endOfInput: return CommandResult()
    case .interrupted: return CommandResult(code: .interrupted)
    case .signal(let signal): return CommandResult(code: signal.exitCode)
    case .failed(let error): return .failure(error.description, .ioError)
    }
  }
}
