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

extension Platform {
  /// Lets the model back its large weight buffers with huge pages (Linux's
  /// `madvise(MADV_HUGEPAGE)`): the weights stream from memory faster, with the same bits.
  static func installHugePages() {
    #if os(Linux)
      WeightMemory.install { memory, bytes in _ = madvise(memory, bytes, MADV_HUGEPAGE) }
    #endif
  }

  /// Selects the kernel variant `KVTRACE_KERNELS` names (`portable` forces the Swift
  /// kernels on any processor); unset, the widest the processor runs. Results are the same
  /// bits either way, only speed differs. A name this processor does not run is one line on
  /// standard error, and the default stays.
  static func selectKernels(environment: [String: String]) {
    guard let name = environment["KVTRACE_KERNELS"], !name.isEmpty else { return }
    if let variant = KernelVariant(rawValue: name), KernelVariant.select(variant) { return }
    let names = KernelVariant.available.map(\.rawValue).joined(separator: ", ")
    let shown = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 } ? name : "?"
    write(
      "kvtrace: KVTRACE_KERNELS=\(shown) is not a kernel variant this processor runs; "
        + "use one of \(names) (keeping \(KernelVariant.active.rawValue))\n",
      toStandardError: true)
  }
}
