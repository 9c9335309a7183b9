import Foundation
import GGUFKernelsC

/// Which implementation of the block formats' dot products runs: the Swift kernels of this
/// folder, or the same arithmetic in 256-bit AVX2 registers.
///
/// The Swift kernels keep sixteen `Float` lanes (`SIMD16<Float>`), which the compiler
/// can only lay out as four 128-bit registers, since the package is built for the baseline
/// x86-64 (no AVX2 anywhere, so it runs on every CPU). The C target `GGUFKernelsC` holds
/// each kernel again, compiled for AVX2 one function at a time: the same sixteen lanes as
/// two 8-lane registers, the same multiplications and additions in the same order, no
/// fused multiply-add, the same pairwise sum at the end. So both give the same bits for
/// every row and vector (the tests compare them on every format), and which one ran never
/// shows in a result, only in the speed.
///
/// The choice is made once per process: the fastest this CPU runs, unless the environment
/// variable `KVTRACE_KERNELS` is `portable`, which keeps the Swift kernels (for comparing
/// speeds, or a CPU that misreports its features).
package enum BlockKernels: String, Sendable, CaseIterable {
  /// The Swift kernels: every CPU.
  case portable
  /// The AVX2 kernels: x86-64 CPUs with AVX2 and F16C (and an operating system that saves
  /// their registers), as the CPU itself reports at run time.
  case avx2

  /// The variants this machine runs, slowest first; `portable` always.
  package static let available: [BlockKernels] =
    gguf_kernels_have_avx2() != 0 ? [.portable, .avx2] : [.portable]

  /// The variant every product uses.
  package static let chosen = choose(
    environment: ProcessInfo.processInfo.environment["KVTRACE_KERNELS"], available: available)

  /// The variant for a value of `KVTRACE_KERNELS`: `portable` forces the Swift kernels;
  /// anything else (or nothing) takes the fastest of `available`.
  package static func choose(environment value: String?, available: [BlockKernels])
    -> BlockKernels
  {
    value == BlockKernels.portable.rawValue ? .portable : available.last ?? .portable
  }
}
