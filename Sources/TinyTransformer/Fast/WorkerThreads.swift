/// How the threads of the matrix products give their core away while they wait.
///
/// A thread waiting for a band spins, polling an atomic word, and every 1024 polls
/// offers its core to any other thread that needs it: on a machine with more
/// threads than cores, a worker that was not scheduled then gets to finish its band.
/// Offering the core is an operating-system call (`sched_yield`), and only the
/// command-line target calls the operating system; so the library takes the call
/// as a function, and does nothing in its place until one is installed. Results do
/// not depend on it, only how long a busy machine takes.
public enum WorkerThreads {
  // Written once, by `install` at startup before any product runs, then only read:
  // a lock here would sit in the spin loop of every waiting thread.
  nonisolated(unsafe) private static var installed: (@Sendable () -> Void)?

  /// Installs the function a waiting thread calls to offer its core, e.g.
  /// `{ _ = sched_yield() }`; call it once, at startup, before decoding.
  ///
  /// - Parameter yield: Gives the rest of the thread's time slice to another thread.
  public static func install(yield: @escaping @Sendable () -> Void) {
    installed = yield
  }

  /// Offers the core to another thread: the installed function, or nothing.
  @inline(__always)
  static func yield() {
    installed?()
  }
}
