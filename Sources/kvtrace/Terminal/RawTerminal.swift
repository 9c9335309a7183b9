// The terminal in raw mode: the only place kvtrace changes terminal settings.
import KVTraceRender

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process's terminal, switched to raw mode and the alternate screen for
/// the walk-through, and switched back afterwards.
///
/// In the normal ("cooked") mode the terminal collects a whole line before the
/// program sees it, echoes what is typed, and turns Ctrl-C into SIGINT. Raw mode
/// turns all of that off, so every key press arrives at once, as bytes. The
/// settings found at the start are saved and put back by ``restore()``, which
/// also leaves the alternate screen and shows the cursor again; the walk-through
/// calls it on every way out.
final class RawTerminal: InteractiveTerminal {
  private let input = STDIN_FILENO
  private let output = STDOUT_FILENO
  private var saved = termios()
  private var isRaw = false
  private let fallbackSize: FrameSize
  private let signals: SignalWatcher

  /// Saves the terminal's settings and starts watching SIGWINCH, SIGINT, SIGTERM and SIGHUP.
  ///
  /// - Parameter fallbackSize: The size to use when the terminal reports none.
  /// - Throws: When standard input is not a terminal.
  init(fallbackSize: FrameSize) throws(TerminalError) {
    self.fallbackSize = fallbackSize
    guard tcgetattr(input, &saved) == 0 else {
      throw TerminalError(message: "standard input is not a terminal")
    }
    signals = try SignalWatcher([SIGWINCH, SIGINT, SIGTERM, SIGHUP])
  }

  /// Raw mode, the alternate screen, the cursor hidden.
  func enter() throws(TerminalError) {
    var raw = saved
    cfmakeraw(&raw)
    guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else {
      throw TerminalError(message: "cannot switch the terminal to raw mode (\(Self.reason()))")
    }
    isRaw = true
    CrashGuard.arm(input: input, output: output, modes: saved)
    try write(ScreenPainter.enter)
  }

  /// The main screen, the cursor and the saved settings back; safe to call twice.
  func restore() {
    guard isRaw else { return }
    isRaw = false
    try? write(ScreenPainter.leave)
    _ = tcsetattr(input, TCSAFLUSH, &saved)
    CrashGuard.disarm()
    signals.stop()
  }

  /// The size the terminal reports (`TIOCGWINSZ`), else the fallback.
  var size: FrameSize {
    var window = winsize()
    let answered = withUnsafeMutablePointer(to: &window) { ioctl(output, UInt(TIOCGWINSZ), $0) }
    let reported =
      answered == 0 ? FrameSize(columns: Int(window.ws_col), rows: Int(window.ws_row)) : nil
    return WindowSize.resolve(reported: reported, fallback: fallbackSize)
  }

  func write(_ text: String) throws(TerminalError) {
    guard Platform.write(Array(text.utf8), to: output) else {
      throw TerminalError(message: "cannot write to the terminal (\(Self.reason()))")
    }
  }

  func nextEvent(timeout milliseconds: Int32?) throws(TerminalError) -> TerminalEvent {
    var descriptors = [
      pollfd(fd: signals.readEnd, events: Int16(POLLIN), revents: 0),
      pollfd(fd: input, events: Int16(POLLIN), revents: 0),
    ]
    while true {
      let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds ?? -1)
      if ready < 0 && errno == EINTR { continue }
      guard ready >= 0 else {
        throw TerminalError(message: "cannot wait for the keyboard (\(Self.reason()))")
      }
      if ready == 0 { return .timeout }
      if descriptors[0].revents != 0, let number = signals.next() {
        switch number {
        case SIGWINCH: return .resized
        case SIGINT: return .signal(.interrupt)
        case SIGHUP: return .signal(.hangUp)
        default: return .signal(.terminate)
        }
      }
      if descriptors[1].revents != 0 { return try readInput() }
    }
  }

  private func readInput() throws(TerminalError) -> TerminalEvent {
    var buffer = [UInt8](repeating: 0, count: 256)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
      if count > 0 { return .input(Array(buffer.prefix(count))) }
      if count == 0 { return .endOfInput }
      if errno == EINTR || errno == EAGAIN { continue }
      if errno == EIO { return .endOfInput }  // the terminal went away
      throw TerminalError(message: "cannot read the keyboard (\(Self.reason()))")
    }
  }

  private static func reason() -> String { String(cString: strerror(errno)) }

  deinit { restore() }
}
