import KVTrace

/// Float rows in blocks of a ``BlockPool``, found through a ``BlockTable``
/// (vLLM's PagedAttention).
///
/// Position `p` of layer `l` lives in slot `p % B` of physical block
/// `table[p / B]`. A block's place never changes once the table maps it, so the
/// offset of each position is worked out once, the first time a query reads it,
/// and attention then reads every row through a plain table of offsets.
final class PagedRows: KVStorage {
  // A class: it owns the table of offsets and shares its pool with another sequence.
  let config: ModelConfig
  /// The block table, and through it the pool that owns the rows.
  let table: BlockTable
  private let offsets: RowOffsets  // slot[p] = (table[p / B] · B + p % B) · kvDim
  /// Positions whose offset is filled in: those of the first mapped blocks.
  private var mapped = 0

  /// Rows in blocks of `pool`, which another sequence's storage may share.
  init(config: ModelConfig, pool: BlockPool) {
    self.config = config
    table = BlockTable(pool: pool)
    offsets = RowOffsets(capacity: pool.capacity * pool.blockSize, kvDim: 0)
  }

  /// Rows in a pool of its own, enough blocks of `blockSize` for the whole context.
  convenience init(config: ModelConfig, blockSize: Int) {
    let b = max(1, blockSize)
    let pool = BlockPool(
      blockSize: b, capacity: (config.contextLength + b - 1) / b, config: config)
    self.init(config: config, pool: pool)
  }

  func slots(layer: Int, position: Int) -> (
    key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>
  ) {
    let pool = table.pool
    let block = table.physical(position / pool.blockSize)
    let row = pool.offset(layer: layer, block: block, slot: position % pool.blockSize)
    return (pool.keys.baseAddress! + row, pool.values.baseAddress! + row)
  }

  func rows(layer: Int, held: HeldRows) -> Attention.Rows {
    let pool = table.pool
    let b = pool.blockSize
    while mapped < table.count * b {  // offsets of newly mapped blocks, once each
      offsets.slot[mapped] = (table.physical(mapped / b) * b + mapped % b) * config.kvDim
      mapped += 1
    }
    let first = pool.offset(layer: layer, block: 0, slot: 0)  // the layer's block 0
    return offsets.rows(
      keys: pool.keys.baseAddress! + first, values: pool.values.baseAddress! + first, held: held)
  }

  /// Allocates the blocks positions `0..<length` need and do not have yet, the way
  /// a paged engine's scheduler reserves slots before the model runs.
  func reserve(length: Int) { table.reserve(length: length) }

  func bytesHeld(rowsHeld: Int) -> Int {
    CacheBytes.pagedBlocks(table.pool.inUse, blockSize: table.blockSize, config: config)
  }

  func takeBlocksEvent(step: Int, sequence: Int) -> BlocksEvent? {
    let t = table
    defer { t.beginStep() }
    return BlocksEvent(
      step: step, sequence: sequence, blockSize: t.blockSize, table: t.logicalTable,
      allocated: t.allocated, blocksInUse: t.pool.inUse, capacity: t.pool.capacity,
      references: t.logicalTable.map { t.pool.references[$0] }, copy: t.copy)
  }
}
