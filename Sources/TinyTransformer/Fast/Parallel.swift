import Foundation
import Synchronization

/// Splits row-parallel work into contiguous bands, one per thread.
///
/// Each output row belongs to exactly one band and is computed the same way
/// whatever the number of threads, so results are identical for any `--threads`.
/// Small products run on the calling thread: even a cheap hand-off costs more
/// than a few thousand multiply-adds.
///
/// Public for the trainer (module `Training`), which shares the sequences of a batch
/// among threads the same way: each sequence is one fixed piece of work, so any number of
/// threads gives the same bits.
public enum Parallel {
  /// The least work (multiply-adds) worth sending to other threads.
  static let minimumWork = 1 << 15

  /// Calls `body` once per band of `0..<rows`; the calling thread takes band 0.
  ///
  /// - Parameters:
  ///   - rows: How many independent pieces of work there are.
  ///   - work: About how many multiply-adds they cost together; below `minimumWork` (2¹⁵) the
  ///     calling thread does them all.
  ///   - threads: The most threads to use, the caller included.
  ///   - body: Does the pieces of one band; bands never share a piece, and a piece must
  ///     not depend on which band or thread computes it.
  public static func forEachBand(
    rows: Int, work: Int, threads: Int, _ body: (Range<Int>) -> Void
  ) {
    let threads = min(max(1, threads), rows, WorkerPool.maximumThreads)
    guard threads > 1, work >= minimumWork else {
      body(0..<rows)
      return
    }
    // A few bands per thread, so a thread that starts late still finds work.
    let bands = min(4 * threads, rows, WorkerPool.maximumBands)
    withoutActuallyEscaping(body) { escapable in
      // The bands write disjoint rows of the output, so sharing `body` is safe.
      nonisolated(unsafe) let band = escapable
      let job: @Sendable (Int) -> Void = { index in
        band((rows * index / bands)..<(rows * (index + 1) / bands))
      }
      if !WorkerPool.shared.run(bands: bands, threads: threads, job) {
        for index in 0..<bands { job(index) }  // the pool is busy: same bands, one thread
      }
    }
  }
}

/// A few long-lived threads that share the bands of one product at a time.
///
/// A decode step of a 15M-parameter model makes about thirty matrix products, most
/// of them tens of microseconds long, so handing out a product must cost far less
/// than that. No locks on the way: the caller publishes the job in one atomic
/// word (which product, how many bands, how many already taken), and every thread,
/// the caller included, takes the next band by bumping that word until none is
/// left; the caller then waits, spinning, for the bands others took. A worker that
/// is late (asleep, or not scheduled on a busy machine) simply takes no band: the
/// caller does the work, and the product never waits for a thread that is not
/// running. A worker idle for about a millisecond (between runs, not between the
/// products of a step) sleeps on a condition, so an idle program uses no CPU.
final class WorkerPool: @unchecked Sendable {
  // @unchecked: `job` is written only while `busy` is held and before the new
  // product is published, and read only by a thread that has taken one of its
  // bands, which the caller waits for before it can write `job` again.
  static let shared = WorkerPool()
  /// The most bands one product can use (the count takes one byte of the word).
  static let maximumBands = 255
  /// The most threads one product can use, the caller included (one byte too).
  static let maximumThreads = 255

  private let busy = Atomic<Bool>(false)
  /// `product × 2^24 + helpers × 2^16 + bands × 2^8 + taken`: the current
  /// product, how many workers may help, its band count and how many bands have
  /// been taken, in one word so a thread never pairs one product's count with
  /// another's.
  private let state = Atomic<Int>(0)
  /// Bands of the current product finished by workers.
  private let finished = Atomic<Int>(0)
  /// How many workers are asleep (or about to be) on `sleepers`.
  private let sleeping = Atomic<Int>(0)
  /// Whether the caller is asleep (or about to be) on `waiter`.
  private let callerSleeping = Atomic<Bool>(false)
  private let sleepers = NSCondition()
  private let waiter = NSCondition()
  /// How many times a thread polls for news before it sleeps: about a millisecond
  /// (it yields the core every 1024 polls, in case another thread needs it).
  private let spinLimit = 1 << 18
  private var job: (@Sendable (Int) -> Void)?
  private var workers = 0

  /// Runs `job(0..<bands)` on at most `threads` threads, the calling thread taking
  /// part; returns false (doing nothing) when another product is using the pool.
  func run(bands: Int, threads: Int, _ job: @escaping @Sendable (Int) -> Void) -> Bool {
    guard
      busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    defer { busy.store(false, ordering: .releasing) }
    ensureWorkers(threads - 1)
    self.job = job
    finished.store(0, ordering: .relaxed)
    let product = state.load(ordering: .relaxed) >> 24 + 1
    state.store(
      product << 24 | (threads - 1) << 16 | bands << 8, ordering: .sequentiallyConsistent)
    if sleeping.load(ordering: .sequentiallyConsistent) > 0 {
      sleepers.lock()
      sleepers.broadcast()
      sleepers.unlock()
    }
    var mine = 0
    while let band = take(helper: 0) {
      job(band)
      mine += 1
    }
    var spins = 0
    while finished.load(ordering: .acquiring) < bands - mine {
      spins += 1
      if spins & 1023 == 0 { WorkerThreads.yield() }  // let a descheduled worker finish its band
      if spins > spinLimit {
        waiter.lock()
        callerSleeping.store(true, ordering: .sequentiallyConsistent)
        while finished.load(ordering: .sequentiallyConsistent) < bands - mine { waiter.wait() }
        callerSleeping.store(false, ordering: .relaxed)
        waiter.unlock()
      }
    }
    self.job = nil
    return true
  }

  /// Takes the next band of the current product for worker `helper` (0: the
  /// caller), or returns nil if all are taken or the product needs fewer helpers.
  private func take(helper: Int) -> Int? {
    var word = state.load(ordering: .acquiring)
    while Self.open(word, helper: helper) {
      let (exchanged, now) = state.compareExchange(
        expected: word, desired: word + 1, ordering: .acquiringAndReleasing)
      if exchanged { return word & 0xFF }
      word = now
    }
    return nil
  }

  /// Whether `word` has a band nobody has taken that worker `helper` may take.
  private static func open(_ word: Int, helper: Int) -> Bool {
    word & 0xFF < (word >> 8) & 0xFF && helper <= (word >> 16) & 0xFF
  }

  private func hasWork(helper: Int) -> Bool {
    Self.open(state.load(ordering: .sequentiallyConsistent), helper: helper)
  }

  private func ensureWorkers(_ count: Int) {
    while workers < count {
      workers += 1
      let helper = workers
      let thread = Thread { [self] in work(helper: helper) }
      thread.stackSize = 1 << 20
      thread.start()
    }
  }

  private func work(helper: Int) {
    while true {
      var spins = 0
      while !hasWork(helper: helper) {
        spins += 1
        if spins & 1023 == 0 { WorkerThreads.yield() }  // on a busy machine, let others run
        if spins > spinLimit {
          // Announce the sleep before the last look: a caller that publishes after
          // that look sees `sleeping > 0` and wakes us.
          sleepers.lock()
          sleeping.add(1, ordering: .sequentiallyConsistent)
          while !hasWork(helper: helper) { sleepers.wait() }
          sleeping.subtract(1, ordering: .relaxed)
          sleepers.unlock()
          spins = 0
        }
      }
      while let band = take(helper: helper) {
        job?(band)
        finished.add(1, ordering: .sequentiallyConsistent)
        if callerSleeping.load(ordering: .sequentiallyConsistent) {
          waiter.lock()
          waiter.broadcast()
          waiter.unlock()
        }
      }
    }
  }
}
