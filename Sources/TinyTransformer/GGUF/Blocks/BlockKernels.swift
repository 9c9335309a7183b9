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
/// The choice follows the process's one choice of kernels, ``KernelVariant``: the fastest
/// this CPU runs, unless `portable` was selected (`kvtrace` does so for
/// `KVTRACE_KERNELS=portable`, to compare speeds or for a CPU that misreports its features).
package enum BlockKernels: String, Sendable, CaseIterable {
  /// The Swift kernels: every CPU.
  case portable
  /// The AVX2 kernels: x86-64 CPUs with AVX2 and F16C (and an operating system that saves
  /// their registers), as the CPU itself reports at run time.
  case avx2

  /// The variants this machine runs, slowest first; `portable` always.
  package static let available: [BlockKernels] =
    gguf_kernels_have_avx2() != 0 ? [.portable, .avx2] : [.portable]

  /// The variant every product uses: read once per product, not per row.
  package static var chosen: BlockKernels {
    choose(active: KernelVariant.active, available: available)
  }

  /// The variant for the process's kernel choice: `portable` keeps the Swift kernels; a
  /// wider choice takes the fastest of `available`.
  package static func choose(active: KernelVariant, available: [BlockKernels]) -> BlockKernels {
    active == .portable ? .portable : available.last ?? .portable
  }
}
