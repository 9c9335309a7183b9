import KVTrace

/// Float rows one after another, llama2.c's `key_cache[layer][position][kvDim]`.
///
/// Row `(layer, position)` starts at `(layer × capacity + position) × kvDim` in
/// ``keys`` and again in ``values``: one preallocated buffer each, written in place,
/// never moved. A query reads its layer's rows from that layer's first row.
final class ContiguousRows: KVStorage {
  // A class: it owns two large buffers and is written in place by the model.
  let config: ModelConfig
  let keys: UnsafeMutableBufferPointer<Float>  // [layers, contextLength, kvDim]
  let values: UnsafeMutableBufferPointer<Float>  // [layers, contextLength, kvDim]
  private let offsets: RowOffsets

  /// Zeroed rows for every layer and position of `config`.
  init(config: ModelConfig) {
    self.config = config
    let count = max(1, config.layers * config.contextLength * config.kvDim)
    keys = AlignedFloats.zeroed(count)  // rows on cache-line boundaries
    values = AlignedFloats.zeroed(count)
    offsets = RowOffsets(capacity: config.contextLength, kvDim: config.kvDim)
  }

  deinit {
    keys.deallocate()
    values.deallocate()
  }

  /// The offset of `(layer, position)`'s row in ``keys`` and ``values``.
  func rowOffset(layer: Int, position: Int) -> Int {
    (layer * config.contextLength + position) * config.kvDim
  }

  func slots(layer: Int, position: Int) -> (
    key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>
  ) {
    let row = rowOffset(layer: layer, position: position)
    return (keys.baseAddress! + row, values.baseAddress! + row)
  }

  func rows(layer: Int, held: HeldRows) -> Attention.Rows {
    let first = rowOffset(layer: layer, position: 0)  // [contextLength, kvDim] from here
    return offsets.rows(
      keys: keys.baseAddress! + first, values: values.baseAddress! + first, held: held)
  }

  func bytesHeld(rowsHeld: Int) -> Int { CacheBytes.floatRows(rowsHeld, config: config) }
}
