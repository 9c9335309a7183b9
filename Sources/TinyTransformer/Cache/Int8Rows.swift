import KVTrace

/// The quantized storage behind a ``KVCache`` whose policy is ``Int8Cache``.
///
/// The model still computes each fresh row in float (projection, then RoPE for
/// keys) into a one-position staging row; ``store(layer:position:)`` rounds it
/// into bytes and a scale per KV head, and the float row is gone. Attention reads
/// the rows back through ``dequantize(layer:positions:)``, which expands the bytes
/// of the rows a query reads into a preallocated scratch block: no allocation per step.
final class Int8Rows: KVStorage {
  // A class: it owns raw buffers that must be freed exactly once.
  let config: ModelConfig
  let stagingKey: UnsafeMutablePointer<Float>  // [kvDim] the fresh key row, before rounding
  let stagingValue: UnsafeMutablePointer<Float>  // [kvDim] the fresh value row
  private let keys: UnsafeMutablePointer<Int8>  // [layers, contextLength, kvDim]
  private let values: UnsafeMutablePointer<Int8>  // [layers, contextLength, kvDim]
  /// Per row: key scale, value scale, key max error, value max error.
  private let facts: UnsafeMutablePointer<Float>  // [layers, contextLength, kvHeads, 4]
  let readKeys: UnsafeMutablePointer<Float>  // [contextLength, kvDim] dequantized for one query
  let readValues: UnsafeMutablePointer<Float>  // [contextLength, kvDim]
  private let offsets: RowOffsets  // position p's row at p · kvDim in readKeys and readValues

  init(config c: ModelConfig) {
    config = c
    let rows = max(1, c.layers * c.contextLength * c.kvDim)
    stagingKey = AlignedFloats.zeroed(c.kvDim).baseAddress!
    stagingValue = AlignedFloats.zeroed(c.kvDim).baseAddress!
    keys = .allocate(capacity: rows)
    values = .allocate(capacity: rows)
    facts = .allocate(capacity: max(1, c.layers * c.contextLength * c.kvHeads * 4))
    readKeys = AlignedFloats.zeroed(c.contextLength * c.kvDim).baseAddress!
    readValues = AlignedFloats.zeroed(c.contextLength * c.kvDim).baseAddress!
    keys.initialize(repeating: 0, count: rows)
    values.initialize(repeating: 0, count: rows)
    facts.initialize(repeating: 0, count: max(1, c.layers * c.contextLength * c.kvHeads * 4))
    offsets = RowOffsets(capacity: c.contextLength, kvDim: c.kvDim)
  }

  deinit {
    for buffer in [stagingKey, stagingValue, readKeys, readValues] { buffer.deallocate() }
    keys.deallocate()
    values.deallocate()
    facts.deallocate()
  }

  /// The staging rows: the model computes a fresh row in float before it is rounded.
  func slots(layer: Int, position: Int) -> (
    key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>
  ) {
    (stagingKey, stagingValue)
  }

  /// The held rows, rounded: expanded into ``readKeys`` and ``readValues`` first.
  func rows(layer: Int, held: HeldRows) -> Attention.Rows {
    switch held {
    case .first(let count): dequantize(layer: layer, positions: 0..<count)
    case .only(let positions): dequantize(layer: layer, positions: positions)
    }
    return offsets.rows(keys: readKeys, values: readValues, held: held)
  }

  func bytesHeld(rowsHeld: Int) -> Int { CacheBytes.int8Rows(rowsHeld, config: config) }

  func quantizationEvent(step: Int, layer: Int, kvHead: Int, positions: PositionSet)
    -> QuantizationEvent?
  {
    event(step: step, layer: layer, kvHead: kvHead, positions: positions)
  }

  /// Rounds the staged key and value rows of `(layer, position)` into the cache,
  /// one scale per KV head, and notes each row's largest error.
  func store(layer: Int, position: Int) {
    let c = config
    let offset = (layer * c.contextLength + position) * c.kvDim
    for kvHead in 0..<c.kvHeads {
      let head = kvHead * c.headSize
      let fact = facts + ((layer * c.contextLength + position) * c.kvHeads + kvHead) * 4
      let k = keys + offset + head  // [headSize]
      let v = values + offset + head  // [headSize]
      fact[0] = Int8Quantization.quantize(stagingKey + head, n: c.headSize, into: k)
      fact[1] = Int8Quantization.quantize(stagingValue + head, n: c.headSize, into: v)
      fact[2] = Int8Quantization.maxError(stagingKey + head, k, scale: fact[0], n: c.headSize)
      fact[3] = Int8Quantization.maxError(stagingValue + head, v, scale: fact[1], n: c.headSize)
    }
  }

  /// Expands the rows at `positions` of `layer` into ``readKeys`` and
  /// ``readValues``, each at its position's offset, for attention to read.
  func dequantize(layer: Int, positions: some Sequence<Int>) {
    let c = config
    for position in positions {
      let offset = (layer * c.contextLength + position) * c.kvDim
      for kvHead in 0..<c.kvHeads {
        let head = kvHead * c.headSize
        let fact = facts + ((layer * c.contextLength + position) * c.kvHeads + kvHead) * 4
        let out = position * c.kvDim + head
        Int8Quantization.dequantize(
          keys + offset + head, scale: fact[0], n: c.headSize, into: readKeys + out)
        Int8Quantization.dequantize(
          values + offset + head, scale: fact[1], n: c.headSize, into: readValues + out)
      }
    }
  }

  /// The quantization event of one (layer, KV head) for the rows at `positions`.
  func event(step: Int, layer: Int, kvHead: Int, positions: PositionSet) -> QuantizationEvent {
    var event = QuantizationEvent(step: step, layer: layer, kvHead: kvHead, positions: positions)
    for position in positions {
      let fact = facts + ((layer * config.contextLength + position) * config.kvHeads + kvHead) * 4
      event.keyScales.append(fact[0])
      event.valueScales.append(fact[1])
      event.keyErrors.append(fact[2])
      event.valueErrors.append(fact[3])
    }
    return event
  }

  /// Adds to `event` what a `vectors`-detail trace keeps of its rows: the stored bytes
  /// and the rows attention reads back (`code × scale`), `[positions, headSize]` each.
  func addVectors(to event: inout QuantizationEvent) {
    let c = config
    var (keyCodes, valueCodes): ([Int8], [Int8]) = ([], [])
    var (keysRead, valuesRead): ([Float], [Float]) = ([], [])
    var read = [Float](repeating: 0, count: c.headSize)
    for position in event.positions {
      let row = (event.layer * c.contextLength + position) * c.kvDim + event.kvHead * c.headSize
      let fact = facts + ((event.layer * c.contextLength + position) * c.kvHeads + event.kvHead) * 4
      for (codes, into, scale) in [(keys + row, 0, fact[0]), (values + row, 1, fact[1])] {
        let stored = Array(UnsafeBufferPointer(start: codes, count: c.headSize))
        read.withUnsafeMutableBufferPointer { out in  // the same expansion attention reads
          Int8Quantization.dequantize(codes, scale: scale, n: c.headSize, into: out.baseAddress!)
        }
        if into == 0 {
          (keyCodes, keysRead) = (keyCodes + stored, keysRead + read)
        } else {
          (valueCodes, valuesRead) = (valueCodes + stored, valuesRead + read)
        }
      }
    }
    (event.keyCodes, event.keysRead) = (keyCodes, keysRead)
    (event.valueCodes, event.valuesRead) = (valueCodes, valuesRead)
  }
}
