import KVTrace

/// The picture of one step: a row per cache position, a column per layer and KV
/// head, and beside it the newest query's attention over those rows.
///
/// Each cell says where that row's K and V came from at this step: computed
/// fresh, reused from the cache, or not cached. Reading down a column shows the
/// cache of one layer and KV head; reading across a row shows that *every* layer
/// has its own K/V for that position.
public enum CacheGrid {
  /// The lines of the grid for `record`, drawn with `style`.
  ///
  /// - Parameters:
  ///   - record: The step to draw.
  ///   - trace: The trace the step belongs to (for the config and token texts).
  ///   - focus: The layer and head whose attention is drawn beside the grid.
  ///   - style: Width, colors and glyphs.
  ///   - showsAttention: Whether to draw the attention column.
  /// - Returns: Lines without trailing newlines.
  public static func lines(
    _ record: StepRecord, in trace: Trace, focus: RenderFocus, style: RenderStyle,
    showsAttention: Bool = true
  ) -> [String] {
    let layout = Layout(config: trace.header.model, style: style, showsAttention: showsAttention)
    let showsAttention = layout.showsAttention
    let tokens = trace.tokens
    let attention = record.newestAttention(layer: focus.layer, head: focus.head)
    var lines = layout.headings(attention: attention, focus: focus, tokens: tokens, style: style)
    for entry in visibleRows(length: record.began.sequenceLength, maxRows: style.maxRows) {
      guard let position = entry else {
        lines.append(
          TextLayout.padLeft(style.glyphs.ellipsis, 4)
            + Paint.dim.apply("  rows not shown", style.color))
        continue
      }
      let text = position < tokens.count ? tokens[position].text : ""
      var line = TextLayout.padLeft("\(position)", 4) + "  "
      line += TextLayout.padRight(
        TextLayout.truncate(
          TextLayout.label(text, unicode: style.unicode), 10, unicode: style.unicode),
        Layout.labelWidth)
      line += layout.cells(record, position: position, style: style)
      if showsAttention {
        line += "   " + AttentionBar.cell(attention, position: position, style: style)
      }
      lines.append(line.trimmingTrailingSpaces())
    }
    return lines
  }

  /// The positions to draw, with `nil` where rows are elided: all of them when
  /// they fit, else the first two and the newest ones.
  static func visibleRows(length: Int, maxRows: Int) -> [Int?] {
    guard length > maxRows, maxRows >= 4 else { return Array(0..<length) }
    let tail = maxRows - 3
    return [0, 1, nil] + Array((length - tail)..<length)
  }
}

/// Column geometry for a model.
///
/// One cell per KV head when that fits beside the attention column; else one
/// cell per layer (the policies mark every KV head of a layer alike); and when
/// even that is too wide, the attention column gives way to the grid.
struct Layout {
  static let prefixWidth = 16  // "  12  token     " position, label
  static let labelWidth = 10
  let config: ModelConfig
  let perKVHead: Bool
  let showsAttention: Bool
  let blockWidth: Int
  let separator: String

  init(config: ModelConfig, style: RenderStyle, showsAttention wantsAttention: Bool = true) {
    self.config = config
    let attention = 3 + AttentionBar.width
    let kvBlock = max(7, 2 * config.kvHeads - 1)
    let layerBlock = "\(max(0, config.layers - 1))".count
    let wide = Self.prefixWidth + config.layers * (kvBlock + 2) - 2
    let narrow = Self.prefixWidth + config.layers * (layerBlock + 1) - 1
    perKVHead = wide + (wantsAttention ? attention : 0) <= style.width
    blockWidth = perKVHead ? kvBlock : layerBlock
    separator = perKVHead ? "  " : " "
    showsAttention = wantsAttention && (perKVHead || narrow + attention <= style.width)
  }

  var gridWidth: Int { config.layers * (blockWidth + separator.count) - separator.count }

  func headings(
    attention: AttentionEvent?, focus: RenderFocus, tokens: [TraceToken], style: RenderStyle
  ) -> [String] {
    var titles: [String] = []
    var heads: [String] = []
    for layer in 0..<config.layers {
      titles.append(TextLayout.padRight(perKVHead ? "layer \(layer)" : "", blockWidth))
      let numbers = (0..<config.kvHeads).map { "\($0 % 10)" }.joined(separator: " ")
      heads.append(TextLayout.padRight(perKVHead ? numbers : "\(layer)", blockWidth))  // KV heads
    }
    if !perKVHead {  // one cell per layer, numbered below a single title
      titles = [TextLayout.padRight("layers", gridWidth)]
    }
    let pad = String(repeating: " ", count: Self.prefixWidth)
    var query = "no attention recorded"
    if let attention {
      let text = attention.query < tokens.count ? tokens[attention.query].text : ""
      query = "query \(attention.query) \(TextLayout.quoted(text, unicode: style.unicode))"
    }
    var title = "attention, layer \(focus.layer) head \(focus.head)"
    if config.kvHeads < config.heads {  // grouped-query: name the shared KV head it reads
      title += " (KV \(config.kvHead(forQueryHead: focus.head)))"
    }
    let (title1, title2) = showsAttention ? ("   " + title, "   " + query) : ("", "")
    let hidden = showsAttention ? [] : [pad + "(the attention column does not fit this width)"]
    return hidden + [
      (pad + titles.joined(separator: perKVHead ? separator : "") + title1)
        .trimmingTrailingSpaces(),
      (" pos  token     " + heads.joined(separator: separator) + title2).trimmingTrailingSpaces(),
    ]
  }

  func cells(_ record: StepRecord, position: Int, style: RenderStyle) -> String {
    var blocks: [String] = []
    for layer in 0..<config.layers {
      let heads = perKVHead ? Array(0..<config.kvHeads) : [0]
      let marks = heads.map { kvHead -> String in
        let source = record.source(of: position, layer: layer, kvHead: kvHead)
        return Paint.forSource(source).apply(style.glyphs.mark(source), style.color)
      }
      blocks.append(TextLayout.padRight(marks.joined(separator: " "), blockWidth))
    }
    return blocks.joined(separator: separator)
  }
}

/// One row of the attention column: a bar as long as the weight, and the weight.
enum AttentionBar {
  static let barWidth = 16
  static let width = barWidth + 5

  static func cell(_ attention: AttentionEvent?, position: Int, style: RenderStyle) -> String {
    guard let attention, attention.keys.contains(position) else { return "" }
    guard let weights = attention.weights else {
      return Paint.dim.apply("read", style.color)  // summary detail: attended, weight not kept
    }
    let index = attention.keys.prefix { $0 < position }.count
    let weight = index < weights.count ? Double(weights[index]) : 0
    return Paint.bar.apply(bar(weight, style: style), style.color)
      + " " + TextLayout.fixed(weight, 2)
  }

  /// A horizontal bar of `barWidth` cells filled in eighths (whole cells in ASCII).
  static func bar(_ weight: Double, style: RenderStyle) -> String {
    let clamped = min(1, max(0, weight))
    if !style.unicode {
      let cells = Int((clamped * Double(barWidth)).rounded())
      return TextLayout.padRight(String(repeating: "#", count: cells), barWidth)
    }
    let eighths = Int((clamped * Double(barWidth * 8)).rounded())
    var text = String(repeating: style.glyphs.eighths[7], count: eighths / 8)
    if eighths % 8 > 0 { text += style.glyphs.eighths[eighths % 8 - 1] }
    return TextLayout.padRight(text, barWidth)
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
