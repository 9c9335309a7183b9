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
  /// The bytes and scales, when the policy stores rows as int8 (``Int8Cache``);
  /// then ``keys`` and ``values`` are unused.
  let int8: Int8Rows?
  private var writtenAt: [Int]  // [layers, contextLength]: the step that wrote the row, or -1
  /// One past the newest position ever written (evicted or not): where the next step starts.
  public private(set) var extent = 0

  /// Creates an empty cache for a model, of float rows or (`quantized`) of int8 rows.
  public init(config: ModelConfig, quantized: Bool = false) {
    self.config = config
    int8 = quantized ? Int8Rows(config: config) : nil
    let count = quantized ? 1 : max(1, config.layers * config.contextLength * config.kvDim)
    keys = .allocate(capacity: count)
    keys.initialize(repeating: 0)
    values = .allocate(capacity: count)
    values.initialize(repeating: 0)
    writtenAt = Array(repeating: -1, count: config.layers * config.contextLength)
  }

  deinit {
    keys.deallocate()
    values.deallocate()
  }

  /// The offset of `(layer, position)`'s row in ``keys`` and ``values``.
  func rowOffset(layer: Int, position: Int) -> Int {
    (layer * config.contextLength + position) * config.kvDim
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
  }

  /// The positions up to and including `position` that hold a row in `layer`, in
  /// increasing order: the keys a query at `position` can read.
  func heldPositions(layer: Int, through position: Int) -> [Int] {
    let base = layer * config.contextLength
    return (0...position).filter { writtenAt[base + $0] >= 0 }
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
      for position in positions { writtenAt[layer * config.contextLength + position] = -1 }
    }
  }

  /// Forgets every row.
  public func removeAll() {
    evict(0..<config.contextLength)
    extent = 0
  }

  /// The bytes of keys and values held: 2 × (rows held) × kvDim × 4 for floats;
  /// for int8, 2 × (rows held) × kvHeads × (headSize + 4), a byte per value and a scale.
  public var bytesHeld: Int {
    let held = writtenAt.reduce(0) { $1 >= 0 ? $0 + 1 : $0 }
    guard int8 == nil else { return held * Int8Rows.bytesPerPosition(config) }
    return held * 2 * config.kvDim * MemoryLayout<Float>.size
  }
}
