import KVTrace

/// A paged cache's pool of blocks and the block table of its sequence.
///
/// vLLM's PagedAttention stores K/V rows the way an operating system stores
/// pages: in fixed-size *blocks* of `blockSize` positions, taken from a pool only
/// when a position first needs one. The *block table* maps the sequence's logical
/// block `i` (positions `i·B ..< (i+1)·B`) to whichever physical block it got, so
/// a sequence's rows need not be contiguous, memory grows a block at a time, and at
/// most `B - 1` slots of the last block stand empty. One table serves every layer:
/// physical block `b` is the same slot range in each layer's storage.
///
/// The pool hands out blocks from the *end* of its free list, as a stack (vLLM's
/// first block allocator popped its free list the same way), so the first block a
/// sequence gets is the highest-numbered: logical block 0 lives in the last physical
/// block. Any order would do (that is the point of a table); this one is
/// deterministic, and it keeps the indirection visible: logical never equals physical
/// by accident.
final class BlockTable {
  // A class: it owns the raw table attention reads through, freed exactly once.
  /// Positions per block.
  let blockSize: Int
  /// Blocks in the pool: enough for the whole context.
  let capacity: Int
  /// The block table, logical block → physical block id; the first `count` are mapped.
  let table: UnsafeMutablePointer<Int>  // [capacity]
  /// How many logical blocks the sequence has.
  private(set) var count = 0
  /// The physical blocks allocated by the latest ``reserve(length:)``, in order.
  private(set) var allocated: [Int] = []
  /// The free physical blocks; allocation pops the last.
  private var free: [Int]

  /// A pool of `ceil(contextLength / blockSize)` blocks, all free.
  init(blockSize: Int, config: ModelConfig) {
    self.blockSize = max(1, blockSize)
    capacity = max(1, (config.contextLength + self.blockSize - 1) / self.blockSize)
    table = .allocate(capacity: capacity)
    table.initialize(repeating: 0, count: capacity)
    free = Array(0..<capacity)
  }

  deinit { table.deallocate() }

  /// The physical block that holds logical block `logical`.
  func physical(_ logical: Int) -> Int { table[logical] }

  /// Blocks taken from the pool.
  var inUse: Int { capacity - free.count }

  /// The mapped part of the table, as the trace records it.
  var logicalTable: [Int] { Array(UnsafeBufferPointer(start: table, count: count)) }

  /// Allocates blocks until positions `0..<length` all have one; the new ones
  /// become ``allocated`` (empty when the last block still had a free slot).
  func reserve(length: Int) {
    allocated.removeAll(keepingCapacity: true)
    while count * blockSize < length, let block = free.popLast() {
      table[count] = block
      count += 1
      allocated.append(block)
    }
  }
}
