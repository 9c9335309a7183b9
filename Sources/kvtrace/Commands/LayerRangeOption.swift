import KVTraceRender

/// `--show-layers A-B`: the layers the cache grid draws, for a model with more layers
/// than a screen is wide (30 layers do not fit 80 columns).
enum LayerRangeOption {
  /// The range `--show-layers` names (`10-14`, or `3` for one layer), checked against
  /// `layers` when the model's shape is known; `nil` when the option is not given.
  ///
  /// - Throws: ``UsageError`` for a value that is not `A-B` with `A <= B`, or past the
  ///   model's last layer.
  static func parse(_ arguments: ParsedArguments, layers: Int?) throws(UsageError)
    -> ClosedRange<Int>?
  {
    let name = OptionCatalog.showLayers.name
    guard let raw = arguments.last(name) else { return nil }
    let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
    let bounds = parts.compactMap { Int($0) }
    guard (1...2).contains(parts.count), bounds.count == parts.count, let first = bounds.first,
      let last = bounds.last, first >= 0, first <= last
    else {
      throw UsageError(
        "--\(name) expects a layer or a range of layers A-B with A <= B, got '\(raw)'",
        fix: "for example --\(name) 10-14")
    }
    if let layers, last >= layers {
      throw UsageError(
        "--\(name) \(raw) goes past the model's last layer, \(layers - 1)",
        fix: "pick layers in 0-\(layers - 1)")
    }
    return first...last
  }

  /// `focus` drawing `layers`: an automatic focus outside them moves to their first
  /// layer; a `--layer` outside them is a usage error.
  static func focus(_ focus: RenderFocus, layers: ClosedRange<Int>?, explicit: Bool)
    throws(UsageError) -> RenderFocus
  {
    var focus = focus
    focus.layers = layers
    guard let layers, !layers.contains(focus.layer) else { return focus }
    guard !explicit else {
      throw UsageError(
        "--layer \(focus.layer) is not among --show-layers \(layers.lowerBound)-"
          + "\(layers.upperBound), so its attention would be drawn beside a grid without it",
        fix: "pick a --layer in \(layers.lowerBound)-\(layers.upperBound), or widen --show-layers")
    }
    focus.layer = layers.lowerBound
    focus.head = 0
    return focus
  }
}
