import KVTrace

/// The words an int8 cache adds to a step: how far the rounded rows are from the
/// float ones, and how many bytes the rounding saved.
///
/// An int8 row takes `headSize` bytes and a 4-byte scale, for K and again for V,
/// where a float row takes `4 × headSize` bytes: with head size 8, 12 bytes instead
/// of 32. The saving is real, and so is the error it costs (M15); both are shown.
enum Int8Summary {
  /// " The int8 cache rounded the 8 fresh rows to a byte per value: the largest error
  /// was 0.0157 in K and 0.0062 in V (at most half a row's scale)." — or `nil` when
  /// the step rounded nothing.
  static func sentence(_ record: StepRecord) -> String? {
    guard !record.quantization.isEmpty else { return nil }
    let rows = record.quantization.reduce(0) { $0 + $1.positions.count }
    let key = record.quantization.map(\.maxKeyError).max() ?? 0
    let value = record.quantization.map(\.maxValueError).max() ?? 0
    return " The int8 cache rounded the \(StepSummary.count(rows, "fresh row")) to a byte per "
      + "value: the largest error was \(error(key)) in K and \(error(value)) in V (at most half "
      + "a row's scale)."
  }

  /// The bytes the same rows would take as floats: `bytes / (headSize + 4) × 4 × headSize`.
  static func floatBytes(_ bytes: Int, config: ModelConfig) -> Int {
    bytes / (config.headSize + MemoryLayout<Float>.size) * config.headSize
      * MemoryLayout<Float>.size
  }

  /// "2.3 KiB as int8 (float rows would take 6.0 KiB: 2.67× smaller)".
  static func held(_ bytes: Int, config: ModelConfig, style: RenderStyle) -> String {
    let float = floatBytes(bytes, config: config)
    var text = "\(TextLayout.bytes(bytes)) as int8"
    if bytes > 0 {
      text +=
        " (float rows would take \(TextLayout.bytes(float)): "
        + TextLayout.fixed(Double(float) / Double(bytes), 2) + "\(style.glyphs.times) smaller)"
    }
    return text
  }

  /// "memory   int8 holds 3.0 KiB where float rows would take 8.0 KiB: 2.67× smaller",
  /// for the run's last step.
  static func totalsLine(_ trace: Trace, style: RenderStyle) -> String? {
    switch trace.header.policy.kind {
    case .int8: break
    case .none, .full, .window, .paged: return nil
    }
    guard let bytes = trace.steps.last?.counters?.cacheBytes, bytes > 0 else { return nil }
    let float = floatBytes(bytes, config: trace.header.model)
    return "memory   int8 holds \(TextLayout.bytes(bytes)) where float rows would take "
      + "\(TextLayout.bytes(float)): \(TextLayout.fixed(Double(float) / Double(bytes), 2))"
      + "\(style.glyphs.times) smaller"
  }

  /// A rounding error with four decimals, or in scientific notation when smaller.
  static func error(_ value: Float) -> String {
    value == 0 || value >= 0.001
      ? TextLayout.fixed(Double(value), 4) : ComparisonRenderer.scientific(value)
  }
}
