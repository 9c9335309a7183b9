import KVTrace

extension Layout {
  /// The layers the focus asks for (``RenderFocus/layers``), kept inside the model;
  /// every layer when it asks for none.
  static func wanted(config: ModelConfig, focus: RenderFocus?) -> Range<Int> {
    let all = 0..<max(1, config.layers)
    guard let asked = focus?.layers else { return all }
    let lower = min(max(0, asked.lowerBound), all.upperBound - 1)
    let upper = min(max(lower, asked.upperBound), all.upperBound - 1)
    return lower..<(upper + 1)
  }

  /// The widest layout of `wanted` in `room` columns: every layer with a cell per KV
  /// head, else every layer with a cell each, else a window of at least `minimum`
  /// layers with a cell each; `nil` when not even that fits.
  ///
  /// A window is a page of `wanted` (layers 0–12, 13–25, then the last page,
  /// 17–29): the page that holds `focusLayer`, so stepping through layers one at a
  /// time moves the window only when the drawn layer leaves it.
  static func fitting(
    config: ModelConfig, wanted: Range<Int>, focusLayer: Int, room: Int, minimum: Int
  ) -> Layout? {
    for perKVHead in [true, false]
    where width(config: config, perKVHead: perKVHead, layers: wanted) <= room {
      return Layout(config: config, perKVHead: perKVHead, layers: wanted)
    }
    let count = windowSize(config: config, wanted: wanted, room: room)
    guard count >= min(minimum, wanted.count), count > 0 else { return nil }
    return Layout(
      config: config, perKVHead: false,
      layers: page(of: focusLayer, size: count, in: wanted))
  }

  /// The most consecutive layers of `wanted` a grid of a cell per layer draws in `room`.
  static func windowSize(config: ModelConfig, wanted: Range<Int>, room: Int) -> Int {
    var count = wanted.count
    while count > 0 {
      // The widest numbers are the last layers': measure with them.
      let last = (wanted.upperBound - count)..<wanted.upperBound
      if width(config: config, perKVHead: false, layers: last) <= room { return count }
      count -= 1
    }
    return 0
  }

  /// The page of `size` layers of `wanted` that holds `layer` (the first page when
  /// `layer` is outside `wanted`); the last page ends at the last layer.
  static func page(of layer: Int, size: Int, in wanted: Range<Int>) -> Range<Int> {
    let size = max(1, min(size, wanted.count))
    let offset = wanted.contains(layer) ? layer - wanted.lowerBound : 0
    let start = min(wanted.lowerBound + (offset / size) * size, wanted.upperBound - size)
    return start..<(start + size)
  }

  /// `layers 13–25 of 30 shown, a cell per layer`: the line over a grid that leaves
  /// layers out, ending in how to see the others (`hint`); `nil` when every layer is drawn.
  func windowNote(hint: String, style: RenderStyle) -> String? {
    guard isWindow else { return nil }
    let dash = style.unicode ? "–" : "-"
    let range =
      layers.count == 1
      ? "layer \(layers.lowerBound)" : "layers \(layers.lowerBound)\(dash)\(layers.upperBound - 1)"
    let text = "\(range) of \(config.layers) shown"
    let long = text + (perKVHead ? "" : ", a cell per layer") + "; " + hint
    let room = style.width - GridTable.prefixWidth
    return [long, text + "; " + hint, text].first { TextLayout.width($0) <= room } ?? text
  }
}
