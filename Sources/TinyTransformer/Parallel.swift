import Foundation
import Synchronization

/// Splits row-parallel work into contiguous bands, one per thread.
///
/// Each output row belongs to exactly one band and is computed the same way
/// whatever the number of threads, so results are identical for any `--threads`.
/// Small products run on the calling thread: even a cheap hand-off costs more
/// than a few thousand multiply-adds.
enum Parallel {
  /// The least work (multiply-adds) worth sending to other threads.
  static let minimumWork = 1 << 15

  /// Calls `body` once per band of `0..<rows`; the calling thread takes band 0.
  static func forEachBand(
    rows: Int, work: Int, threads: Int, _ body: (Range<Int>) -> Void
  ) {
    let bands = min(max(1, threads), rows, WorkerPool.maximumBands)
    guard bands > 1, work >= minimumWork else {
      body(0..<rows)
      return
    }
    withoutActuallyEscaping(body) { escapable in
      // The bands write disjoint rows of the output, so sharing `body` is safe.
      nonisolated(unsafe) let band = escapable
      let job: @Sendable (Int) -> Void = { index in
        band((rows * index / bands)..<(rows * (index + 1) / bands))
      }
      if !WorkerPool.shared.run(bands: bands, job) {
        for index in 0..<bands { job(index) }  // the pool is busy: same bands, one thread
      }
    }
  }
}

/// A few long-lived threads that run the bands of one product at a time.
///
/// A decode step of a 15M-parameter model makes about thirty matrix products, most
/// of them tens of microseconds long, so handing out a product must cost far less
/// than that. No locks on the way: the caller publishes the job by bumping an
/// atomic generation, the workers (spinning on it) take their bands, the caller
/// does band 0 itself and then spins on an atomic count of finished bands. Only a
/// worker idle for a while (a millisecond or so: between runs, not between the
/// products of a step) goes to sleep on a condition, so an idle program uses no CPU.
final class WorkerPool: @unchecked Sendable {
  // @unchecked: `job` is written only while `busy` is held and before the new
  // generation is published, and read only by the workers that generation names,
  // which the caller waits for before it can write `job` again.
  static let shared = WorkerPool()
  /// The most bands one product can use (the count shares a word with the generation).
  static let maximumBands = 255

  private let busy = Atomic<Bool>(false)
  /// `counter × 256 + bands`: each published product, with how many bands it has,
  /// in one atomic word so a worker never pairs one product's count with another's.
  private let generation = Atomic<Int>(0)
  private let finished = Atomic<Int>(0)
  /// How many workers are asleep (or about to be) on `sleepers`.
  private let sleeping = Atomic<Int>(0)
  /// Whether the caller is asleep (or about to be) on `waiter`.
  private let callerSleeping = Atomic<Bool>(false)
  private let sleepers = NSCondition()
  private let waiter = NSCondition()
  /// How many times a thread polls for news before it sleeps: about a millisecond.
  private let spinLimit = 1 << 18
  private var job: (@Sendable (Int) -> Void)?
  private var workers = 0

  /// Runs `job(0..<bands)` with the calling thread taking band 0; returns false
  /// (doing nothing) when another product is already using the pool.
  func run(bands: Int, _ job: @escaping @Sendable (Int) -> Void) -> Bool {
    guard
      busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    defer { busy.store(false, ordering: .releasing) }
    ensureWorkers(bands - 1)
    self.job = job
    finished.store(0, ordering: .relaxed)
    let next = (generation.load(ordering: .relaxed) / 256 + 1) * 256 + bands
    generation.store(next, ordering: .sequentiallyConsistent)
    if sleeping.load(ordering: .sequentiallyConsistent) > 0 {
      sleepers.lock()
      sleepers.broadcast()
      sleepers.unlock()
    }
    job(0)
    var spins = 0
    while finished.load(ordering: .acquiring) < bands - 1 {
      spins += 1
      if spins > spinLimit {
        waiter.lock()
        callerSleeping.store(true, ordering: .sequentiallyConsistent)
        while finished.load(ordering: .sequentiallyConsistent) < bands - 1 { waiter.wait() }
        callerSleeping.store(false, ordering: .relaxed)
        waiter.unlock()
      }
    }
    self.job = nil
    return true
  }

  private func ensureWorkers(_ count: Int) {
    while workers < count {
      workers += 1
      let index = workers
      // The generation now, read before the next product is published: a thread
      // that read it when it started could miss that product and wait forever.
      let start = generation.load(ordering: .acquiring)
      let thread = Thread { [self] in work(index: index, after: start) }
      thread.stackSize = 1 << 20
      thread.start()
    }
  }

  private func work(index: Int, after start: Int) {
    var seen = start
    while true {
      var spins = 0
      while generation.load(ordering: .acquiring) == seen {
        spins += 1
        if spins > spinLimit {
          // Announce the sleep before the last look: a caller that publishes after
          // that look sees `sleeping > 0` and wakes us.
          sleepers.lock()
          sleeping.add(1, ordering: .sequentiallyConsistent)
          while generation.load(ordering: .sequentiallyConsistent) == seen { sleepers.wait() }
          sleeping.subtract(1, ordering: .relaxed)
          sleepers.unlock()
        }
      }
      seen = generation.load(ordering: .acquiring)
      guard index < seen % 256 else { continue }  // this product needs fewer bands
      job?(index)
      finished.add(1, ordering: .sequentiallyConsistent)
      if callerSleeping.load(ordering: .sequentiallyConsistent) {
        waiter.lock()
        waiter.broadcast()
        waiter.unlock()
      }
    }
  }
}
