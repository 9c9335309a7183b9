import KVTrace

/// The key/value cache of one sequence: its rows' numbers in a `KVStorage`, and
/// its `RowLedger`, the record of which step wrote each row.
///
/// At position `p` of layer `l` the model writes the fresh key and value rows for
/// every KV head into `slots(layer:position:)`, *after* rotating the key by its
/// position, and calls `markWritten(layer:position:step:)`; attention then reads
/// the rows a query may see through `rows(layer:through:)`. Only keys and values
/// are cached, never queries: a past query is never needed again. The model never
/// asks how the rows are stored (contiguous, paged or int8): it reads the same
/// `Attention/Rows` from every storage. Every row remembers the step that wrote
/// it, which is how the trace knows, rather than guesses, whether a row was fresh
/// or reused.
public final class KVCache {
  // A class: it owns its storage and is mutated in place by the model.
  /// The shape of the model the cache serves.
  public let config: ModelConfig
  /// Where the rows' numbers live.
  let storage: any KVStorage
  /// Which step wrote each row: fresh, reused, evicted, shared.
  var ledger: RowLedger

  /// A cache over `storage` for a model of shape `config`.
  init(config: ModelConfig, storage: any KVStorage) {
    self.config = config
    self.storage = storage
    ledger = RowLedger(config: config)
  }

  /// Creates an empty cache for a model, of float rows or (`quantized`) of int8 rows.
  public convenience init(config: ModelConfig, quantized: Bool = false) {
    let storage: any KVStorage =
      quantized ? Int8Rows(config: config) : ContiguousRows(config: config)
    self.init(config: config, storage: storage)
  }

  /// Creates an empty paged cache: a pool of blocks of `blockSize` positions, enough
  /// for the whole context, allocated to positions only as they arrive.
  public convenience init(config: ModelConfig, blockSize: Int) {
    self.init(config: config, storage: PagedRows(config: config, blockSize: blockSize))
  }

  /// Creates an empty paged cache that takes its blocks from `pool`, which another
  /// sequence's cache may share.
  convenience init(config: ModelConfig, pool: BlockPool) {
    self.init(config: config, storage: PagedRows(config: config, pool: pool))
  }

  /// Where the model writes the fresh key and value rows of `(layer, position)`
  /// (`[kvDim]` each).
  func slots(layer: Int, position: Int) -> (
    key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>
  ) {
    storage.slots(layer: layer, position: position)
  }

  /// Keeps the rows just written into the slots of `(layer, position)` and notes
  /// that `step` wrote them.
  func markWritten(layer: Int, position: Int, step: Int) {
    storage.store(layer: layer, position: position)
    ledger.markWritten(layer: layer, position: position, step: step)
  }

  /// The rows a query at `position` reads in `layer`: those the cache holds among
  /// `0...position`, every one under an exact policy, the sinks and the window
  /// under ``SlidingWindow``.
  func rows(layer: Int, through position: Int) -> Attention.Rows {
    storage.rows(layer: layer, held: ledger.held(layer: layer, through: position))
  }

  /// How many of the positions up to and including `position` hold a row in `layer`.
  func heldCount(layer: Int, through position: Int) -> Int {
    ledger.heldCount(layer: layer, through: position)
  }

  /// One past the newest position ever written (evicted or not): where the next step starts.
  public var extent: Int { ledger.extent }

  /// Whether the cache holds a row for `(layer, position)`.
  public func holds(layer: Int, position: Int) -> Bool {
    ledger.step(wroteLayer: layer, position: position) != nil
  }

  /// The step that wrote the row of `(layer, position)`, or `nil` if none is held.
  public func step(wroteLayer layer: Int, position: Int) -> Int? {
    ledger.step(wroteLayer: layer, position: position)
  }

  /// How many positions, from 0, hold a row in every layer.
  public var length: Int { ledger.length }

  /// Forgets the rows of `positions` in every layer.
  public func evict(_ positions: Range<Int>) { ledger.evict(positions) }

  /// Forgets every row.
  public func removeAll() { ledger.removeAll() }

  /// The bytes of keys and values held: 2 × (rows held) × kvDim × 4 for floats,
  /// less for int8 rows, whole blocks for a paged cache; see `CacheBytes`.
  public var bytesHeld: Int { storage.bytesHeld(rowsHeld: ledger.rowsHeld) }

  /// The int8 storage, when the policy rounds rows (``Int8Cache``).
  var int8: Int8Rows? { storage as? Int8Rows }
}
