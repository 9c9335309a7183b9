import FastKernelsC

extension Kernels {
  /// ``softmax(_:n:)`` of each of `rows` rows of `n` floats (row `r` at `x + r·n`): one
  /// attention's heads. The same bits as a softmax per row.
  ///
  /// A softmax's sum runs element by element in index order, so one row's additions wait on
  /// each other (three or four cycles each); under an AVX2 or AVX-512 variant the rows'
  /// exponentials are taken first and their sums then advance together, a step of each row
  /// in turn, each still in its own index order. The heads of a 200-token prefill's
  /// attention spent 1.1 ms in their softmaxes one after another, 0.8 ms together (a C loop).
  static func softmax(
    rows x: UnsafeMutablePointer<Float>, n: Int, count rows: Int,
    variant: KernelVariant = .active
  ) {
    #if arch(x86_64)
      switch variant {
      case .avx512: return fk_avx512_softmax_rows(x, n, rows)
      case .avx2: return fk_avx2_softmax_rows(x, n, rows)
      case .portable: break
      }
    #endif
    for row in 0..<rows { softmax(x + row * n, n: n, variant: variant) }
  }

  /// ``softmax(_:n:)`` of a long vector (the vocabulary's probabilities at every step),
  /// its exponentials shared among `threads` threads; the same bits as ``softmax(_:n:)``.
  ///
  /// A step's 32000 exponentials would otherwise run on one core while the other waits for
  /// the next matrix product. Each exponential is the same function of its one input
  /// whichever thread computes it (the eight-wide exp gives the scalar one's bits), and
  /// the sum is still taken by one thread, element by element in index order, exactly as
  /// ``softmax(_:n:)`` takes it; so every probability has the same bits.
  ///
  /// Under an AVX2 or AVX-512 variant one thread does it all: its exponentials keep pace
  /// with the in-order sum, which no second thread can shorten.
  static func softmax(
    _ x: UnsafeMutablePointer<Float>, n: Int, threads: Int, variant: KernelVariant = .active
  ) {
    guard threads > 1, n >= 1 << 12, !variant.hasAVX2 else {
      return softmax(x, n: n, variant: variant)
    }
    var maximum = x[0]
    for i in 1..<n where x[i] > maximum { maximum = x[i] }
    let raw = UnsafeMutableRawPointer(x)
    let chunks = n / 8  // eight lanes each
    Parallel.forEachBand(rows: chunks, work: 16 * n, threads: threads) { band in
      for chunk in band {  // [8] -> exp([8] - max)
        let offset = chunk &* 8 &* MemoryLayout<Float>.stride
        let shifted = raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) - maximum
        raw.storeBytes(
          of: DeterministicMath.expf(shifted), toByteOffset: offset, as: SIMD8<Float>.self)
      }
    }
    for i in (chunks * 8)..<n { x[i] = DeterministicMath.expf(x[i] - maximum) }
    var sum: Float = 0
    for i in 0..<n { sum += x[i] }  // in index order, one thread
    let inverse = 1 / sum
    for i in 0..<n { x[i] *= inverse }
  }
}
