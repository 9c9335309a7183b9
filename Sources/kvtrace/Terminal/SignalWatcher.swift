// Signals, turned into bytes on a pipe that a poll() loop can wait on.
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Catches signals and reports each as a byte (its number) on a pipe.
///
/// A signal can arrive at any instruction, and almost nothing is safe to do in
/// a signal handler. So the signals are set to be ignored by the process and
/// watched with Dispatch signal sources instead, whose handlers run as ordinary
/// code on a Dispatch queue; each writes the signal's number into a pipe. The
/// walk-through's loop waits on that pipe and the keyboard together, so a resize
/// (SIGWINCH) redraws at once, and SIGINT or SIGTERM end the loop the same way a
/// key does: through the code that restores the terminal.
final class SignalWatcher {
  /// The end of the pipe to wait on and read from.
  let readEnd: Int32
  private let writeEnd: Int32
  private let watched: [Int32]
  private var sources: [DispatchSourceSignal] = []

  /// Starts watching `signals`.
  init(_ signals: [Int32]) throws(TerminalError) {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw TerminalError(message: "cannot create a pipe for signals") }
    readEnd = ends[0]
    writeEnd = ends[1]
    watched = signals
    for end in ends {  // never block: a full pipe already says "a signal came"
      _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
    }
    let writeEnd = writeEnd
    for number in signals {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(writeEnd, &byte, 1)
      }
      source.resume()
      sources.append(source)
    }
  }

  /// The next signal reported, or `nil` when none is waiting.
  func next() -> Int32? {
    var byte: UInt8 = 0
    return read(readEnd, &byte, 1) == 1 ? Int32(byte) : nil
  }

  /// Stops watching and gives the signals back their default actions.
  func stop() {
    for source in sources { source.cancel() }
    sources = []
    for number in watched { signal(number, SIG_DFL) }
  }

  deinit {
    stop()
    close(readEnd)
    close(writeEnd)
  }
}
