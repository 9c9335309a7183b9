import Dispatch

/// Splits row-parallel work into contiguous bands, one per thread.
///
/// Each output row belongs to exactly one band and is computed the same way
/// whatever the number of threads, so results are identical for any `--threads`.
/// Small products run on the calling thread: starting threads costs more than a
/// few thousand multiply-adds.
enum Parallel {
  /// The least work (multiply-adds) worth sending to other threads.
  static let minimumWork = 1 << 16

  static func forEachBand(
    rows: Int, work: Int, threads: Int, _ body: (Range<Int>) -> Void
  ) {
    let bands = min(max(1, threads), rows)
    guard bands > 1, work >= minimumWork else {
      body(0..<rows)
      return
    }
    withoutActuallyEscaping(body) { escapable in
      // The bands write disjoint rows of the output, so sharing `body` is safe.
      nonisolated(unsafe) let band = escapable
      DispatchQueue.concurrentPerform(iterations: bands) { index in
        band((rows * index / bands)..<(rows * (index + 1) / bands))
      }
    }
  }
}
