#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the progress of `kvtrace train` goes while it trains: one line redrawn in place on
/// a terminal, plain lines now and then to a file or a pipe.
///
/// The command's summary, written when it ends, comes after everything written here.
struct TrainDisplay {
  /// Whether standard output is a terminal (redraw one line) or not (print plain lines).
  var isTerminal: Bool
  /// The terminal's width now; asked before every redraw, so a resized window is honoured.
  var columns: () -> Int
  /// Writes text to standard output as it comes.
  var write: (String) -> Void
  /// Whether a progress line was drawn and not yet ended with a newline.
  private var lineOpen = false

  init(isTerminal: Bool, columns: @escaping () -> Int, write: @escaping (String) -> Void) {
    self.isTerminal = isTerminal
    self.columns = columns
    self.write = write
  }

  /// Shows where the run is: on a terminal after every step; otherwise only at the first
  /// and last steps and after each validation, so a log holds a line per interval.
  mutating func show(_ progress: TrainProgress, validated: Bool) {
    if isTerminal {
      write(progress.terminalLine(columns: columns()))
      lineOpen = true
    } else if validated || progress.step == 1 || progress.step == progress.totalSteps {
      write(progress.plainLine)
    }
  }

  /// Ends the redrawn line, so what follows starts on a line of its own.
  mutating func endLine() {
    if lineOpen { write("\n") }
    lineOpen = false
  }

  /// The display of the kvtrace process: standard output, and its width when it is a
  /// terminal (from `COLUMNS`, else 80, when the terminal does not say).
  static func standardOutput(isTerminal: Bool, environment: [String: String]) -> TrainDisplay {
    let fallback = WindowSize.fallback(environment: environment)
    return TrainDisplay(
      isTerminal: isTerminal,
      columns: {
        var window = winsize()
        let answered = withUnsafeMutablePointer(to: &window) {
          ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0)
        }
        return answered == 0 && window.ws_col > 0 ? Int(window.ws_col) : fallback.columns
      },
      write: { text in
        guard Platform.writeStandardOutput(Array(text.utf8)) else {
          if errno == EPIPE { Platform.readerLeft() }
          return
        }
      })
  }
}
