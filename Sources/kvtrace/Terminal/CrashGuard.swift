// The last line of defence: a crash must not leave the terminal in raw mode.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Restores the terminal if the process crashes while it is in raw mode.
///
/// kvtrace does not expect to crash, but if it did in the middle of the
/// walk-through, the shell would be left in raw mode on the alternate screen:
/// no echo, no line editing, until the person types `reset` blind. So while the
/// terminal is raw, the crash signals run a handler that does only what is safe
/// in a signal handler: `tcsetattr` with the saved modes and one `write`. Then it
/// puts back whatever handled the signal before (Swift's backtracer, or the
/// default) and raises the signal again, so the crash is still reported and the
/// exit status still tells of it.
enum CrashGuard {
  /// Arms the handler: on a crash, `modes` go back on `input` and the screen
  /// sequences that undo the walk-through's go to `output`.
  static func arm(input: Int32, output: Int32, modes: termios) {
    guardedTerminal = GuardedTerminal(input: input, output: output, modes: modes)
    previousActions = crashSignals.map { number in
      var action = sigaction()
      #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handleCrash
      #else
        action.__sigaction_u.__sa_handler = handleCrash
      #endif
      sigemptyset(&action.sa_mask)
      var old = sigaction()
      sigaction(number, &action, &old)
      return old
    }
  }

  /// Puts the previous handlers back.
  static func disarm() {
    for (number, action) in zip(crashSignals, previousActions) {
      var action = action
      sigaction(number, &action, nil)
    }
    previousActions = []
    guardedTerminal = nil
  }
}

/// What the crash handler restores.
private struct GuardedTerminal {
  var input: Int32
  var output: Int32
  var modes: termios
}

// Written only while no crash handler is installed (before arming, after
// disarming), and read by the handler: plain values, so reading them allocates
// nothing and takes no lock.
nonisolated(unsafe) private var guardedTerminal: GuardedTerminal?
nonisolated(unsafe) private var previousActions: [sigaction] = []

/// The signals a crash raises: a trap (Swift's runtime checks), bad memory, abort.
private let crashSignals = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]

extension CrashGuard {
  /// ``ScreenPainter/leave``, as bytes a signal handler can write without allocating.
  static let leaveScreen: StaticString = "\u{1B}[0m\u{1B}[?7h\u{1B}[?1049l\u{1B}[?25h"
}

/// Restores the terminal, then lets the crash go on as it would have.
///
/// The previous handler (Swift's backtracer) may return instead of ending the
/// process: for a real fault the faulting instruction then runs again and the
/// default action ends it, but a signal sent by `kill` would be survived. So
/// after it the default action is raised, and failing that the process exits.
private func handleCrash(_ number: Int32) {
  if var terminal = guardedTerminal {
    _ = tcsetattr(terminal.input, TCSAFLUSH, &terminal.modes)
    let leave = CrashGuard.leaveScreen
    _ = write(terminal.output, leave.utf8Start, leave.utf8CodeUnitCount)
  }
  var unblock = sigset_t()  // a handler runs with its signal blocked: let it through again
  sigemptyset(&unblock)
  sigaddset(&unblock, number)
  pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
  if let index = crashSignals.firstIndex(of: number), index < previousActions.count {
    var action = previousActions[index]
    sigaction(number, &action, nil)
    raise(number)
  }
  signal(number, SIG_DFL)
  raise(number)
  _exit(128 + number)
}
