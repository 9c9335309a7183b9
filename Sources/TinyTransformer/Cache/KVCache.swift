import KVTrace

/// The key/value cache: one preallocated buffer per kind, laid out like llama2.c's
/// `key_cache[layer][position][kvDim]`.
///
/// At position `p` of layer `l` the model writes the fresh key and value rows for
/// every KV head, *after* rotating the key by its position; attention then reads
/// rows back by position. Only keys and values are cached, never queries: a
/// past query is never needed again. Every row remembers the step that wrote it,
/// which is how the trace knows, rather than guesses, whether a row was fresh or
/// reused.
public final class KVCache {
  // A class: it owns two large buffers and is mutated in place by the model.
  /// The shape of the model the cache serves.
  public let config: ModelConfig
  let keys: UnsafeMutableBufferPointer<Float>  // [layers, contextLength, kvDim], or paged below
  let values: UnsafeMutableBufferPointer<Float>  // [layers, contextLength, kvDim], or paged below
  /// The bytes and scales, when the policy stores rows as int8 (``Int8Cache``);
  /// then ``keys`` and ``values`` are unused.
  let int8: Int8Rows?
  /// The blocks and block table of a paged cache (``PagedCache``); `nil` when rows are contiguous.
  ///
  /// Paged, the buffers are `[layers, capacity, blockSize, kvDim]`: physical block
  /// `b` of layer `l` starts at `(l · capacity + b) · blockSize · kvDim`.
  private(set) var paging: BlockTable?
  private var writtenAt: [Int]  // [layers, contextLength]: the step that wrote the row, or -1
  /// Per layer, how many positions from 0 are held, while ``contiguous``.
  private var heldPrefix: [Int]  // [layers]
  /// Whether every layer holds exactly the positions `0..<heldPrefix[layer]`: true
  /// until a row is evicted or written past a gap. Only a window evicts; without one,
  /// the keys a query reads are one range, found without scanning.
  private var contiguous = true
  /// One past the newest position ever written (evicted or not): where the next step starts.
  public private(set) var extent = 0

  /// Creates an empty cache for a model, of float rows or (`quantized`) of int8 rows.
  public convenience init(config: ModelConfig, quantized: Bool = false) {
    self.init(config: config, paging: nil, quantized: quantized)
  }

  /// Creates an empty paged cache: a pool of blocks of `blockSize` positions, enough
  /// for the whole context, allocated to positions only as they arrive.
  public convenience init(config: ModelConfig, blockSize: Int) {
    let b = max(1, blockSize)
    let pool = BlockPool(
      blockSize: b, capacity: (config.contextLength + b - 1) / b, config: config)
    self.init(config: config, paging: BlockTable(pool: pool), quantized: false)
  }

  /// Creates an empty paged cache that takes its blocks from `pool`, which another
  /// sequence's cache may share.
  convenience init(config: ModelConfig, pool: BlockPool) {
    self.init(config: config, paging: BlockTable(pool: pool), quantized: false)
  }

  private init(config: ModelConfig, paging: BlockTable?, quantized: Bool) {
    self.config = config
    self.paging = paging
    int8 = quantized ? Int8Rows(config: config) : nil
    if let pool = paging?.pool {  // the pool owns the storage
      keys = pool.keys
      values = pool.values
    } else {
      let count = quantized ? 1 : max(1, config.layers * config.contextLength * config.kvDim)
      keys = .allocate(capacity: count)
      keys.initialize(repeating: 0)
      values = .allocate(capacity: count)
      values.initialize(repeating: 0)
    }
    writtenAt = Array(repeating: -1, count: config.layers * config.contextLength)
    heldPrefix = Array(repeating: 0, count: config.layers)
  }

  deinit {
    guard paging == nil else { return }
    keys.deallocate()
    values.deallocate()
  }

  /// The offset of `(layer, position)`'s row in ``keys`` and ``values``; paged, the
  /// block table says which physical block holds `position`.
  func rowOffset(layer: Int, position: Int) -> Int {
    guard let paging else { return (layer * config.contextLength + position) * config.kvDim }
    let block = paging.physical(position / paging.blockSize)
    return paging.pool.offset(layer: layer, block: block, slot: position % paging.blockSize)
  }

  /// The rows of `layer` a query reads: the first `count` positions, or only
  /// `positions` when given (a window left holes); contiguous from position 0, or,
  /// paged, found block by block through the block table.
  func rows(layer: Int, positions: [Int]?, count: Int) -> Attention.Rows {
    let first =
      paging.map { $0.pool.offset(layer: layer, block: 0, slot: 0) }  // the layer's block 0
      ?? rowOffset(layer: layer, position: 0)
    let keys = keys.baseAddress! + first
    let values = values.baseAddress! + first
    var rows =
      positions.map { Attention.Rows(keys: keys, values: values, positions: $0) }
      ?? Attention.Rows(keys: keys, values: values, count: count)  // [count, kvDim] each
    if let paging {
      rows.blocks = Attention.Rows.Blocks(table: paging.table, size: paging.blockSize)
    }
    return rows
  }

  /// Allocates the blocks positions `0..<length` need and do not have yet, the way
  /// a paged engine's scheduler reserves slots before the model runs; a no-op for a
  /// contiguous cache.
  func reserveBlocks(length: Int) {
    paging?.reserve(length: length)
  }

  /// The block table of a paged cache after `step` (or `nil` for a contiguous one),
  /// with the blocks allocated and copied since the last call, which starts afresh.
  func takeBlocksEvent(step: Int, sequence: Int = 0) -> BlocksEvent? {
    guard let t = paging else { return nil }
    defer { t.beginStep() }
    return BlocksEvent(
      step: step, sequence: sequence, blockSize: t.blockSize, table: t.logicalTable,
      allocated: t.allocated, blocksInUse: t.pool.inUse, capacity: t.pool.capacity,
      references: t.logicalTable.map { t.pool.references[$0] }, copy: t.copy)
  }

  /// How many positions, from 0, this sequence shares with another: rows it holds
  /// but never computed (see ``sharePrefix(_:of:)``).
  private(set) var sharedPrefix = 0

  /// Takes over the first `length` positions of `other` (a paged cache over the same
  /// pool): shares its whole blocks, copies the block where they part, and holds
  /// those rows in every layer without computing them.
  func sharePrefix(_ length: Int, of other: KVCache) {
    guard let paging, let source = other.paging, length > 0 else { return }
    paging.share(length, of: source)
    for layer in 0..<config.layers {
      for position in 0..<length { markWritten(layer: layer, position: position, step: 0) }
    }
    sharedPrefix = length
  }

  /// Where the model writes the fresh key and value rows of `(layer, position)`
  /// (`[kvDim]` each): their slots in the cache, or the int8 staging rows.
  func slots(layer: Int, position: Int) -> (
    key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>
  ) {
    if let int8 { return (int8.stagingKey, int8.stagingValue) }
    let row = rowOffset(layer: layer, position: position)
    return (keys.baseAddress! + row, values.baseAddress! + row)
  }

  /// Notes that `step` wrote the rows of `(layer, position)`; an int8 cache
  /// rounds the staged rows into bytes now.
  func markWritten(layer: Int, position: Int, step: Int) {
    int8?.store(layer: layer, position: position)
    writtenAt[layer * config.contextLength + position] = step
    extent = max(extent, position + 1)
    if position == heldPrefix[layer] {
      heldPrefix[layer] += 1
    } else if position > heldPrefix[layer] {
      contiguous = false  // a gap below this row
    }
  }

  /// The positions up to and including `position` that hold a row in `layer`, in
  /// increasing order: the keys a query at `position` can read.
  func heldPositions(layer: Int, through position: Int) -> [Int] {
    if let held = heldRange(layer: layer, through: position) { return Array(held) }
    let base = layer * config.contextLength
    return (0...position).filter { writtenAt[base + $0] >= 0 }
  }

  /// ``heldPositions(layer:through:)`` as one range from 0 when the cache has no
  /// holes (nothing evicted), found without scanning or allocating; `nil` otherwise.
  func heldRange(layer: Int, through position: Int) -> Range<Int>? {
    contiguous ? 0..<min(position + 1, heldPrefix[layer]) : nil
  }

  /// How many of the positions up to and including `position` hold a row in `layer`.
  func heldCount(layer: Int, through position: Int) -> Int {
    heldRange(layer: layer, through: position)?.count
      ?? heldPositions(layer: layer, through: position).count
  }

  /// Whether the cache holds a row for `(layer, position)`.
  public func holds(layer: Int, position: Int) -> Bool {
    writtenAt[layer * config.contextLength + position] >= 0
  }

  /// The step that wrote the row of `(layer, position)`, or `nil` if none is held.
  public func step(wroteLayer layer: Int, position: Int) -> Int? {
    let step = writtenAt[layer * config.contextLength + position]
    return step >= 0 ? step : nil
  }

  /// How many positions, from 0, hold a row in every layer.
  public var length: Int {
    var length = 0
    while length < config.contextLength,
      (0..<config.layers).allSatisfy({ holds(layer: $0, position: length) })
    {
      length += 1
    }
    return length
  }

  /// Forgets the rows of `positions` in every layer.
  public func evict(_ positions: Range<Int>) {
    for layer in 0..<config.layers {
      for position in positions {
        if writtenAt[layer * config.contextLength + position] >= 0 { contiguous = false }
        writtenAt[layer * config.contextLength + position] = -1
      }
    }
  }

  /// Forgets every row.
  public func removeAll() {
    evict(0..<config.contextLength)
    extent = 0
    for layer in heldPrefix.indices { heldPrefix[layer] = 0 }
    contiguous = true  // empty: no holes
  }

  /// The bytes of keys and values held: 2 × (rows held) × kvDim × 4 for floats;
  /// for int8, 2 × (rows held) × kvHeads × (headSize + 4), a byte per value and a scale.
  ///
  /// Paged, the cache holds whole blocks: 2 × (blocks in use) × blockSize × layers
  /// × kvDim × 4, empty slots of the last block included (internal fragmentation).
  /// With two sequences over one pool, that is the pool's memory, each shared block
  /// counted once.
  public var bytesHeld: Int {
    if let paging {
      return paging.pool.inUse * paging.blockSize * config.layers * 2 * config.kvDim
        * MemoryLayout<Float>.size
    }
    let held = writtenAt.reduce(0) { $1 >= 0 ? $0 + 1 : $0 }
    guard int8 == nil else { return held * Int8Rows.bytesPerPosition(config) }
    return held * 2 * config.kvDim * MemoryLayout<Float>.size
  }
}
