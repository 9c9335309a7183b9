#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP during `kvtrace train`, noticed between steps.
///
/// A signal never cuts a step in half: ``SignalWatcher`` turns it into a byte on a pipe,
/// and the training loop looks for that byte after each step, then stops, writes the
/// checkpoint of the step it finished and says where it is. The exit status is the
/// shell's usual 128 + the signal's number (130 for Ctrl-C), so a script can tell a run
/// that was stopped from one that finished.
///
/// Only kvtrace itself watches signals (``Platform/handlesInterrupts``): tests that run
/// the command in their own process leave the test runner's signals alone. While the
/// watcher runs, the export code's own interrupt handler (which would give the signals
/// back their default, fatal action after each file it writes) is switched off.
final class TrainInterrupts {
  // A class: it holds the watcher, an OS resource, and puts things back once.
  private let watcher: SignalWatcher?
  private let exportHandled: Bool

  /// Starts watching when this is the kvtrace process; otherwise watches nothing.
  init() {
    exportHandled = Platform.handlesInterrupts
    guard exportHandled else {
      watcher = nil
      return
    }
    Platform.handlesInterrupts = false
    watcher = try? SignalWatcher([SIGINT, SIGTERM, SIGHUP])
  }

  /// The exit code for the first signal that arrived since the last look, if any.
  func received() -> ExitCode? {
    guard let number = watcher?.next() else { return nil }
    switch number {
    case SIGINT: return .interrupted
    case SIGTERM: return .terminated
    default: return .hungUp
    }
  }

  /// Stops watching: the signals get their default actions back.
  func stop() {
    watcher?.stop()
    Platform.handlesInterrupts = exportHandled
  }

  /// The signal's name for the message that reports the stop.
  static func name(of code: ExitCode) -> String {
    switch code {
    case .interrupted: "Ctrl-C (SIGINT)"
    case .terminated: "SIGTERM"
    default: "SIGHUP"
    }
  }
}
