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
  let keys: UnsafeMutableBufferPointer<Float>  // [layers, contextLength, kvDim]
  let values: UnsafeMutableBufferPointer<Float>  // [layers, contextLength, kvDim]
  private var writtenAt: [Int]  // [layers, contextLength]: the step that wrote the row, or -1
  /// Per layer, how many positions from 0 are held, while ``contiguous``.
  private var heldPrefix: [Int]  // [layers]
  /// Whether every layer holds exactly the positions `0..<heldPrefix[layer]`: true
  /// until a row is evicted or written past a gap. Only a window evicts; without one,
  /// the keys a query reads are one range, found without scanning.
  private var contiguous = true
  /// One past the newest position ever written (evicted or not): where the next step starts.
  public private(set) var extent = 0

  /// Creates an empty cache for a model.
  public init(config: ModelConfig) {
    self.config = config
    let count = max(1, config.layers * config.contextLength * config.kvDim)
    keys = .allocate(capacity: count)
    keys.initialize(repeating: 0)
    values = .allocate(capacity: count)
    values.initialize(repeating: 0)
    writtenAt = Array(repeating: -1, count: config.layers * config.contextLength)
    heldPrefix = Array(repeating: 0, count: config.layers)
  }

  deinit {
    keys.deallocate()
    values.deallocate()
  }

  /// The offset of `(layer, position)`'s row in ``keys`` and ``values``.
  func rowOffset(layer: Int, position: Int) -> Int {
    (layer * config.contextLength + position) * config.kvDim
  }

  /// Notes that `step` wrote the rows of `(layer, position)`.
  func markWritten(layer: Int, position: Int, step: Int) {
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

  /// The bytes of keys and values held: 2 × (rows held) × kvDim × 4.
  public var bytesHeld: Int {
    writtenAt.reduce(0) { $1 >= 0 ? $0 + 1 : $0 } * 2 * config.kvDim * MemoryLayout<Float>.size
  }
}
