/// A paged cache's block table after one step: where each block of a sequence's
/// positions lives in the pool, and which blocks the step had to allocate.
///
/// A paged cache (vLLM's *PagedAttention*) does not give a sequence one long
/// buffer. It cuts the positions into blocks of `blockSize` and stores each block
/// wherever the pool has a free one; the *block table* maps the sequence's
/// logical block `i` (positions `i·B ..< (i+1)·B`) to a physical block id. A
/// block is allocated only when the sequence's first position in it is written,
/// so memory grows a block at a time, and at most `blockSize - 1` slots of the
/// last block stand empty (internal fragmentation). One table serves every layer:
/// physical block `b` names the same slot range in each layer's storage.
public struct BlocksEvent: Sendable, Equatable, Hashable, Codable {
  /// The step.
  public var step: Int
  /// Which sequence the table belongs to (0 for a single prompt).
  public var sequence: Int
  /// How many positions one block holds.
  public var blockSize: Int
  /// The block table: `table[i]` is the physical block holding logical block `i`.
  public var table: [Int]
  /// The physical blocks allocated at this step, in the order they were taken.
  public var allocated: [Int]
  /// How many blocks of the pool are in use after the step.
  public var blocksInUse: Int
  /// How many blocks the pool has.
  public var capacity: Int

  /// Creates the event.
  public init(
    step: Int, sequence: Int = 0, blockSize: Int, table: [Int], allocated: [Int],
    blocksInUse: Int, capacity: Int
  ) {
    self.step = step
    self.sequence = sequence
    self.blockSize = blockSize
    self.table = table
    self.allocated = allocated
    self.blocksInUse = blocksInUse
    self.capacity = capacity
  }

  /// The slots of the last block no position fills yet, for a sequence of `length`
  /// positions: the memory a paged cache holds but does not use.
  public func unusedSlots(length: Int) -> Int {
    table.count * blockSize - length
  }
}
