/// How the fresh rows of one layer and KV head were rounded into an int8 cache.
///
/// An int8 cache (`--cache int8`) stores each K and each V row as `headSize`
/// bytes and one float scale, `max|x| / 127`; a value `x` becomes
/// `round(x / scale) × scale` when read back. For every row computed at this step
/// the event keeps the scales and the largest `|x − read-back x|` of the row, for
/// keys and for values: the price of the smaller cache, which can never exceed
/// half the row's scale. A row of zeros has scale 0 and error 0. All four arrays
/// are aligned with `positions`, in increasing position order.
public struct QuantizationEvent: Sendable, Equatable, Hashable, Codable {
  /// The step.
  public var step: Int
  /// The layer.
  public var layer: Int
  /// The KV head.
  public var kvHead: Int
  /// The positions whose rows were computed and rounded at this step.
  public var positions: PositionSet
  /// Each key row's scale.
  public var keyScales: [Float]
  /// Each key row's largest rounding error.
  public var keyErrors: [Float]
  /// Each value row's scale.
  public var valueScales: [Float]
  /// Each value row's largest rounding error.
  public var valueErrors: [Float]
  /// At ``TraceDetail/vectors``: the stored key bytes, `[positions.count, headSize]`
  /// row-major; row `r` reads back as `keyCodes[r][i] × keyScales[r]`.
  public var keyCodes: [Int8]?
  /// At ``TraceDetail/vectors``: the key rows attention reads back (codes × scale),
  /// laid out as ``keyCodes``.
  public var keysRead: [Float]?
  /// At ``TraceDetail/vectors``: the stored value bytes, laid out as ``keyCodes``.
  public var valueCodes: [Int8]?
  /// At ``TraceDetail/vectors``: the value rows attention reads back.
  public var valuesRead: [Float]?

  /// Creates the event.
  public init(
    step: Int, layer: Int, kvHead: Int, positions: PositionSet, keyScales: [Float] = [],
    keyErrors: [Float] = [], valueScales: [Float] = [], valueErrors: [Float] = [],
    keyCodes: [Int8]? = nil, keysRead: [Float]? = nil, valueCodes: [Int8]? = nil,
    valuesRead: [Float]? = nil
  ) {
    self.keyCodes = keyCodes
    self.keysRead = keysRead
    self.valueCodes = valueCodes
    self.valuesRead = valuesRead
    self.step = step
    self.layer = layer
    self.kvHead = kvHead
    self.positions = positions
    self.keyScales = keyScales
    self.keyErrors = keyErrors
    self.valueScales = valueScales
    self.valueErrors = valueErrors
  }

  /// The largest key error among the rows.
  public var maxKeyError: Float { keyErrors.max() ?? 0 }
  /// The largest value error among the rows.
  public var maxValueError: Float { valueErrors.max() ?? 0 }
}
