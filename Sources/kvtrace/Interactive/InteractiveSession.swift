import KVTraceRender

/// The walk-through's loop: draw, wait for a key or a resize, act, draw again.
///
/// The session owns no terminal state: it asks its ``InteractiveTerminal`` for
/// events and writes frames to it, so the whole loop runs in tests against a
/// scripted terminal. Raw mode, the alternate screen and their restoration are
/// the caller's (see ``WalkThrough``).
struct InteractiveSession {
  /// How long to wait after an Esc for the rest of a sequence before taking it
  /// as the Esc key: long enough for a slow link, short enough not to feel.
  static let escapeTimeout: Int32 = 50

  /// How a session ended.
  enum Ending: Equatable, Sendable {
    /// `q`, or Esc outside the help.
    case quit
    /// Ctrl-C.
    case interrupted
    /// A signal.
    case signal(TerminalSignal)
    /// Standard input closed.
    case endOfInput
    /// Reading or writing the terminal failed.
    case failed(TerminalError)
  }

  /// The frames of the trace.
  var frame: InteractiveFrame
  /// Where the walk-through starts.
  var state: InteractiveState
  /// Colors and glyphs; the width comes from the terminal.
  var style: RenderStyle

  /// Runs until the person quits, a signal arrives or the terminal fails.
  mutating func run(on terminal: some InteractiveTerminal) -> Ending {
    var painter = ScreenPainter()
    var decoder = KeyDecoder()
    var size = terminal.size
    do throws(TerminalError) {
      try terminal.write(painter.paint(frame.lines(state, size: size, style: style), clear: true))
      while true {
        let timeout = decoder.isWaiting ? Self.escapeTimeout : nil
        var keys: [Key] = []
        var clear = false
        switch try terminal.nextEvent(timeout: timeout) {
        case .input(let bytes): keys = decoder.decode(bytes)
        case .timeout: keys = decoder.flush()
        case .resized:
          size = terminal.size
          clear = true
        case .signal(let signal): return .signal(signal)
        case .endOfInput: return .endOfInput
        }
        var changed = clear
        for key in keys {
          guard let command = KeyBindings.command(for: key) else { continue }
          if command == .quit { return key == .interrupt ? .interrupted : .quit }
          if command == .back && !state.showsHelp { return .quit }
          changed = frame.apply(command, to: &state, size: size, style: style) || changed
        }
        if changed {
          try terminal.write(
            painter.paint(frame.lines(state, size: size, style: style), clear: clear))
        }
      }
    } catch {
      return .failed(error)
    }
  }
}
