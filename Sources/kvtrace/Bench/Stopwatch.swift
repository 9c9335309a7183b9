import Foundation
import TinyTransformer

/// Wall-clock measurements for `kvtrace bench`: the only code that reads the clock.
enum Stopwatch {
  /// Seconds `body` takes to run.
  static func seconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = clock.now - start
    let parts = elapsed.components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
  }

  /// The median of `values` (the mean of the middle two for an even count).
  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

/// Measures how fast one core reads memory: the ceiling of decoding speed.
///
/// Decoding one token reads every weight once, and a model this size does not fit
/// in any cache, so tokens per second can be at most bandwidth ÷ weight bytes. The
/// probe does what decoding does at its best: it streams a buffer of the weights'
/// size from start to end, over and over, summing it in the same registers as the
/// active kernel variant's products, so the loop waits on memory, not on
/// arithmetic. It is a plain measurement, not a model: whatever the machine
/// gives one core (prefetchers, a shared cache, other programs) it gives both,
/// and `kvtrace bench` takes one pass between each round of decoding runs, so
/// both see the same load.
final class BandwidthProbe {
  // A class: it owns a large buffer.
  /// The size of the buffer read.
  let bytes: Int
  private let buffer: UnsafeMutableBufferPointer<Float>
  private var sink: Float = 0

  /// Allocates `bytes` bytes, touches every page and reads them once, so the
  /// passes that follow measure reading, not the first touch of the memory.
  init(bytes: Int) {
    let count = bytes / MemoryLayout<Float>.size
    self.bytes = count * MemoryLayout<Float>.size
    // Backed by huge pages, as the weights are (see WeightMemory): the same pages, the same
    // bound.
    let huge = 2 << 20
    let rounded = (self.bytes + huge - 1) / huge * huge
    let memory = UnsafeMutableRawPointer.allocate(byteCount: max(rounded, 4), alignment: huge)
    #if os(Linux)
      _ = madvise(memory, rounded, MADV_HUGEPAGE)
    #endif
    buffer = UnsafeMutableBufferPointer(
      start: memory.bindMemory(to: Float.self, capacity: count), count: count)
    for i in 0..<count { buffer[i] = Float(i & 7) }
    sink = Self.sum(buffer)
  }

  deinit {
    if sink == -1 { print("") }  // keep the sums alive
    UnsafeMutableRawPointer(buffer.baseAddress)?.deallocate()
  }

  /// One pass over the buffer: bytes read per second.
  func measure() -> Double {
    let seconds = Stopwatch.seconds { sink += Self.sum(buffer) }
    return Double(bytes) / seconds
  }

  /// One pass over the buffer by `threads` threads at once, each reading its own
  /// contiguous share: bytes read per second by all of them together.
  ///
  /// Threads can only speed decoding up if the cores together read memory faster
  /// than one does; on many small machines (and virtual ones) they do not.
  func measureTogether(threads: Int) -> Double {
    let count = buffer.count
    let base = buffer.baseAddress!
    let sums = UnsafeMutableBufferPointer<Float>.allocate(capacity: threads)
    defer { sums.deallocate() }
    nonisolated(unsafe) let shares = (base, sums)
    let seconds = Stopwatch.seconds {
      DispatchQueue.concurrentPerform(iterations: threads) { index in
        let share = (count * index / threads)..<(count * (index + 1) / threads)
        shares.1[index] = Self.sum(
          UnsafeMutableBufferPointer(
            rebasing: UnsafeMutableBufferPointer(
              start: shares.0, count: count)[share]))
      }
    }
    sink += sums.reduce(0, +)
    return Double(bytes) / seconds
  }

  /// The sum of every element, read as the active kernels read the weights (the same
  /// register width, independent accumulators), so the loop is limited by memory.
  private static func sum(_ buffer: UnsafeMutableBufferPointer<Float>) -> Float {
    KernelVariant.active.readingSum(buffer.baseAddress!, count: buffer.count)
  }
}
