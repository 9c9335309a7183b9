import TinyTransformer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Platform {
  /// Lets the model's worker threads give their core away while they wait on a busy
  /// machine (`sched_yield`): the library takes the call, the OS call lives here.
  static func installThreadYield() {
    WorkerThreads.install { _ = sched_yield() }
  }
}
