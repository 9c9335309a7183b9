import Foundation

/// `map` shared among threads, its results in the input's order.
///
/// Drawing a long run is many independent pieces (a step's grid and sentences depend on the
/// trace alone), so the pieces can be drawn on every core and joined in order: the same
/// text for any number of threads.
enum InOrder {
  /// `items.map(transform)`, computed by up to `threads` threads in contiguous bands.
  static func map<Item: Sendable, Result: Sendable>(
    _ items: [Item], threads: Int, _ transform: (Item) -> Result
  ) -> [Result] {
    let bands = min(max(1, threads), items.count)
    guard bands > 1 else { return items.map(transform) }
    let lock = NSLock()
    nonisolated(unsafe) var results = [[Result]](repeating: [], count: bands)  // under `lock`
    withoutActuallyEscaping(transform) { transform in
      nonisolated(unsafe) let transform = transform  // each band calls it on its own items
      DispatchQueue.concurrentPerform(iterations: bands) { band in
        let range = (items.count * band / bands)..<(items.count * (band + 1) / bands)
        let mapped = items[range].map(transform)
        lock.withLock { results[band] = mapped }
      }
    }
    return results.flatMap { $0 }
  }
}
