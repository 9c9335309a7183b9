import FastKernelsC
import Synchronization

/// Which implementation of the `Float` products runs: the portable Swift kernels, or
/// the same operations in wider registers, chosen once by asking the processor.
///
/// The portable kernels keep four 8-lane accumulators (the `Kernels` enum): `SIMD8<Float>` is
/// two 128-bit registers on any x86-64 and two NEON registers on Apple silicon. A
/// processor with AVX2 holds those eight lanes in one 256-bit register and does each
/// multiply and each add once instead of twice; with AVX-512, one register holds two of
/// the accumulators. The AVX2 variant (C, in the package's
/// `FastKernelsC` target, compiled per function for AVX2 only) performs exactly the
/// portable kernel's operations in the same order: the same lanes and accumulators, a
/// multiply then a separate add (the fused multiply-add that would round once instead of
/// twice is not even enabled), the same pairwise sum of the lanes, the same scalar tail.
/// So every result, and every trace and golden file, has the same bits whichever
/// variant ran; only the time differs. Apple silicon keeps the NEON path.
///
/// At startup the widest variant the processor has is selected; ``select(_:)`` picks
/// another (`kvtrace` calls it with `portable` when `KVTRACE_KERNELS=portable` is set).
public enum KernelVariant: String, Sendable, CaseIterable {
  /// The Swift kernels: 128-bit SSE on x86-64, NEON on arm64.
  case portable
  /// The same operations in 256-bit AVX2 registers (x86-64 processors since 2013).
  case avx2
  /// The products in 512-bit AVX-512 registers, each holding two of the four 8-lane
  /// accumulators side by side; the rest as ``avx2``. A batched product (the prefill)
  /// takes two weight rows against four positions at a time in the 32 registers; the
  /// softmax, SwiGLU, the top-k scan and attention's weighted sum have 16-lane versions.
  case avx512

  /// The variants this processor runs, the portable one first, the widest last.
  public static let available: [KernelVariant] =
    [.portable] + (fk_has_avx2() == 1 ? [.avx2] : []) + (fk_has_avx512() == 1 ? [.avx512] : [])

  /// The variant the products use now.
  public static var active: KernelVariant { allCases[Int(selected.load(ordering: .relaxed))] }

  /// Makes `variant` the one the products use, if this processor runs it.
  ///
  /// Results do not change, only speed: a decode under way may mix variants safely.
  /// - Returns: Whether `variant` is available (when not, nothing changes).
  @discardableResult
  public static func select(_ variant: KernelVariant) -> Bool {
    guard available.contains(variant) else { return false }
    selected.store(UInt8(allCases.firstIndex(of: variant) ?? 0), ordering: .relaxed)
    return true
  }

  /// The index in `allCases` of the active variant: the widest available at first.
  private static let selected = Atomic<UInt8>(UInt8(available.count - 1))

  /// The sum of `count` floats read in this variant's widest registers, in an order of its
  /// own (so not for results): how fast this variant's products can read memory.
  ///
  /// `kvtrace bench` reads a buffer the size of the weights with it to measure the
  /// bandwidth that bounds decoding; read with narrower registers than the products use,
  /// the bound would come out below what decoding reaches.
  public func readingSum(_ floats: UnsafePointer<Float>, count: Int) -> Float {
    #if arch(x86_64)
      switch self {
      case .avx512: return fk_avx512_sum(floats, count)
      case .avx2: return fk_avx2_sum(floats, count)
      case .portable: break
      }
    #endif
    let raw = UnsafeRawPointer(floats)
    var (a, b, c, d) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
    var i = 0
    while i + 32 <= count {  // four independent chains: the loop waits on memory only
      a += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
      b += raw.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
      c += raw.loadUnaligned(fromByteOffset: 4 * i + 64, as: SIMD8<Float>.self)
      d += raw.loadUnaligned(fromByteOffset: 4 * i + 96, as: SIMD8<Float>.self)
      i += 32
    }
    var sum = ((a + b) + (c + d)).sum()
    while i < count {
      sum += floats[i]
      i += 1
    }
    return sum
  }

  /// Whether this variant runs the AVX2 kernels (AVX-512's kernels are its products; the
  /// rest it runs as AVX2).
  var hasAVX2: Bool { self != .portable }
}
