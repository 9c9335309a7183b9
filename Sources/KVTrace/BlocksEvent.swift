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
  /// How many sequences hold each block of `table`: 2 for a block of a shared prefix.
  public var references: [Int]
  /// The block copied at this step (copy on write at the first block two prompts
  /// differ in), if any.
  public var copy: BlockCopy?

  /// Creates the event; `references` defaults to 1 for every block.
  public init(
    step: Int, sequence: Int = 0, blockSize: Int, table: [Int], allocated: [Int],
    blocksInUse: Int, capacity: Int, references: [Int]? = nil, copy: BlockCopy? = nil
  ) {
    self.references = references ?? Array(repeating: 1, count: table.count)
    self.copy = copy
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

/// A block copied so that a sequence can write its own rows into it (copy on write).
///
/// Two prompts that share a prefix share its whole blocks. The block where they
/// part holds common rows *and* rows only one of them has, so the second sequence
/// gets a copy: the common rows are copied, not recomputed, and the sequence then
/// writes its own rows after them.
public struct BlockCopy: Sendable, Equatable, Hashable, Codable {
  /// The physical block copied from.
  public var from: Int
  /// The physical block copied to (allocated at this step).
  public var to: Int
  /// The positions whose rows were copied.
  public var positions: Range<Int>

  /// Creates the copy.
  public init(from: Int, to: Int, positions: Range<Int>) {
    self.from = from
    self.to = to
    self.positions = positions
  }
}
