import KVTrace

/// A paged cache's block table: which physical block of the pool holds each block
/// of one sequence's positions.
///
/// vLLM's PagedAttention stores K/V rows the way an operating system stores
/// pages: in fixed-size *blocks* of `blockSize` positions, taken from a
/// ``BlockPool`` only when a position first needs one. The *block table* maps the
/// sequence's logical block `i` (positions `i·B ..< (i+1)·B`) to whichever physical
/// block it got, so a sequence's rows need not be contiguous, memory grows a block
/// at a time, and at most `B - 1` slots of the last block stand empty. One table
/// serves every layer: physical block `b` is the same slot range in each layer's
/// storage.
final class BlockTable {
  // A class: it owns the raw table attention reads through, freed exactly once.
  /// The pool the blocks come from (perhaps shared with another sequence).
  let pool: BlockPool
  /// The block table, logical block → physical block id; the first `count` are mapped.
  let table: UnsafeMutablePointer<Int>  // [pool.capacity]
  /// How many logical blocks the sequence has.
  private(set) var count = 0
  /// The physical blocks allocated since ``beginStep()``, in order.
  private(set) var allocated: [Int] = []
  /// The block copied since ``beginStep()`` (copy on write), if any.
  private(set) var copy: BlockCopy?

  /// An empty table over `pool`.
  init(pool: BlockPool) {
    self.pool = pool
    table = .allocate(capacity: pool.capacity)
    table.initialize(repeating: 0, count: pool.capacity)
  }

  deinit { table.deallocate() }

  /// Positions per block.
  var blockSize: Int { pool.blockSize }

  /// The physical block that holds logical block `logical`.
  func physical(_ logical: Int) -> Int { table[logical] }

  /// The mapped part of the table, as the trace records it.
  var logicalTable: [Int] { Array(UnsafeBufferPointer(start: table, count: count)) }

  /// Forgets what was allocated and copied: the trace has recorded it.
  func beginStep() {
    allocated.removeAll(keepingCapacity: true)
    copy = nil
  }

  /// Allocates blocks until positions `0..<length` all have one; the new ones join
  /// ``allocated`` (none when the last block still had a free slot).
  func reserve(length: Int) {
    while count * blockSize < length, let block = pool.allocate() {
      table[count] = block
      count += 1
      allocated.append(block)
    }
  }

  /// Takes over the first `length` positions of `other`'s table: its whole blocks
  /// are shared (one more reference each), and the block where the two part, if
  /// `length` ends inside one, is copied (copy on write).
  func share(_ length: Int, of other: BlockTable) {
    let whole = length / blockSize
    for logical in 0..<whole {
      table[logical] = other.table[logical]
      pool.share(other.table[logical])
    }
    count = whole
    let rest = length - whole * blockSize
    guard rest > 0, let block = pool.allocate() else { return }
    let from = other.table[whole]
    pool.copy(from: from, to: block, slots: rest)
    table[whole] = block
    count += 1
    allocated.append(block)
    copy = BlockCopy(from: from, to: block, positions: (whole * blockSize)..<length)
  }
}
