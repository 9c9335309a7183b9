import KVTrace

/// Symmetric int8 quantization of one K or V row: one byte per value and one
/// `Float` scale per row.
///
/// A row is the `headSize` values of one (layer, position, KV head), for keys and
/// for values separately. Its scale is `max|x| / 127`, and each value is stored as
/// `q = round(x / scale)`, clamped to −127…127; reading it back gives `q × scale`.
/// Symmetric (no zero point) keeps 0 exactly 0 and needs one number per row; −128
/// is left unused so that +x and −x round to the same magnitude. Rounding to the
/// nearest step puts every value within half a scale of the float it replaced:
/// that half step is the error the trace records. A row of zeros has scale 0 and
/// is stored (and read back) exactly.
public enum Int8Quantization {
  /// The largest stored magnitude: values map onto −127…127.
  public static let levels: Float = 127

  /// Quantizes `n` floats at `x` into `q` and returns the row's scale.
  ///
  /// - Parameters:
  ///   - x: The float row, `[n]`.
  ///   - n: The row's length (the head size).
  ///   - q: Receives the stored bytes, `[n]`.
  /// - Returns: `max|x| / 127`, or 0 for a row of zeros.
  public static func quantize(
    _ x: UnsafePointer<Float>, n: Int, into q: UnsafeMutablePointer<Int8>
  ) -> Float {
    var largest: Float = 0
    for i in 0..<n { largest = max(largest, abs(x[i])) }
    let scale = largest / levels
    guard scale > 0 else {
      q.update(repeating: 0, count: n)
      return 0
    }
    for i in 0..<n {
      let step = (x[i] / scale).rounded(.toNearestOrAwayFromZero)
      q[i] = Int8(min(levels, max(-levels, step)))
    }
    return scale
  }

  /// Writes `q[i] × scale` for `n` bytes at `q` into `x`: the row attention reads.
  public static func dequantize(
    _ q: UnsafePointer<Int8>, scale: Float, n: Int, into x: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<n { x[i] = Float(q[i]) * scale }
  }

  /// The largest `|x − q × scale|` over a row: how far the stored row is from the float one.
  public static func maxError(
    _ x: UnsafePointer<Float>, _ q: UnsafePointer<Int8>, scale: Float, n: Int
  ) -> Float {
    var error: Float = 0
    for i in 0..<n { error = max(error, abs(x[i] - Float(q[i]) * scale)) }
    return error
  }
}

/// The quantized storage behind a ``KVCache`` whose policy is ``Int8Cache``.
///
/// The model still computes each fresh row in float (projection, then RoPE for
/// keys) into a one-position staging row; ``store(layer:position:)`` rounds it
/// into bytes and a scale per KV head, and the float row is gone. Attention reads
/// the rows back through ``dequantize(layer:positions:)``, which expands the bytes
/// of the rows a query reads into a preallocated scratch block: no allocation per step.
final class Int8Rows {
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

  init(config c: ModelConfig) {
    config = c
    let rows = max(1, c.layers * c.contextLength * c.kvDim)
    stagingKey = .allocate(capacity: max(1, c.kvDim))
    stagingValue = .allocate(capacity: max(1, c.kvDim))
    keys = .allocate(capacity: rows)
    values = .allocate(capacity: rows)
    facts = .allocate(capacity: max(1, c.layers * c.contextLength * c.kvHeads * 4))
    readKeys = .allocate(capacity: max(1, c.contextLength * c.kvDim))
    readValues = .allocate(capacity: max(1, c.contextLength * c.kvDim))
    stagingKey.initialize(repeating: 0, count: max(1, c.kvDim))
    stagingValue.initialize(repeating: 0, count: max(1, c.kvDim))
    readKeys.initialize(repeating: 0, count: max(1, c.contextLength * c.kvDim))
    readValues.initialize(repeating: 0, count: max(1, c.contextLength * c.kvDim))
    keys.initialize(repeating: 0, count: rows)
    values.initialize(repeating: 0, count: rows)
    facts.initialize(repeating: 0, count: max(1, c.layers * c.contextLength * c.kvHeads * 4))
  }

  deinit {
    for buffer in [stagingKey, stagingValue, readKeys, readValues] { buffer.deallocate() }
    keys.deallocate()
    values.deallocate()
    facts.deallocate()
  }

  /// The bytes one cached position holds per layer: for K and V, each KV head's
  /// `headSize` bytes and its 4-byte scale.
  static func bytesPerPosition(_ c: ModelConfig) -> Int {
    2 * c.kvHeads * (c.headSize + MemoryLayout<Float>.size)
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
  func dequantize(layer: Int, positions: [Int]) {
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
}
