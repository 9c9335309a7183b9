import KVTrace

/// The attention column beside a grid: for each key row, a bar as long as the
/// newest query's weight on it, and the weight.
///
/// The bars of one query sum to one: softmax shares the query's attention out
/// among every key it can see, the cached ones included.
enum AttentionBar {
  static let barWidth = 16
  static let width = barWidth + 5

  /// The column for `attention`, titled with the focus and the query.
  static func column(
    _ attention: AttentionEvent?, focus: RenderFocus, config: ModelConfig, tokens: [TraceToken],
    style: RenderStyle
  ) -> GridTable.Column {
    GridTable.Column(
      width: width, title: title(focus: focus, config: config, kind: "attention"),
      subtitle: query(attention, tokens: tokens, style: style),
      cell: { cell(attention, position: $0, style: style) })
  }

  /// `attention, layer 0 head 5 (KV 1)`: the KV head is named under grouped-query attention.
  static func title(focus: RenderFocus, config: ModelConfig, kind: String) -> String {
    var title = "\(kind), layer \(focus.layer) head \(focus.head)"
    if config.kvHeads < config.heads {  // grouped-query: name the shared KV head it reads
      title += " (KV \(config.kvHead(forQueryHead: focus.head)))"
    }
    return title
  }

  /// `query 10 'very'`, or a note that the step recorded no attention for the focus.
  static func query(_ attention: AttentionEvent?, tokens: [TraceToken], style: RenderStyle)
    -> String
  {
    guard let attention else { return "no attention recorded" }
    let text = attention.query < tokens.count ? tokens[attention.query].text : ""
    return "query \(attention.query) \(TextLayout.quoted(text, unicode: style.unicode))"
  }

  static func cell(_ attention: AttentionEvent?, position: Int, style: RenderStyle) -> String {
    guard let attention, attention.keys.contains(position) else { return "" }
    guard let weights = attention.weights else {
      return Paint.dim.apply("read", style.color)  // summary detail: attended, weight not kept
    }
    let index = attention.keys.prefix { $0 < position }.count
    let weight = index < weights.count ? Double(weights[index]) : 0
    return Paint.bar.apply(bar(weight, width: barWidth, style: style), style.color)
      + " " + TextLayout.fixed(weight, 2)
  }

  /// A horizontal bar of `width` cells filled in eighths (whole cells in ASCII).
  static func bar(_ fraction: Double, width: Int, style: RenderStyle) -> String {
    let clamped = min(1, max(0, fraction))
    if !style.unicode {
      let cells = Int((clamped * Double(width)).rounded())
      return TextLayout.padRight(String(repeating: "#", count: cells), width)
    }
    let eighths = Int((clamped * Double(width * 8)).rounded())
    var text = String(repeating: style.glyphs.eighths[7], count: eighths / 8)
    if eighths % 8 > 0 { text += style.glyphs.eighths[eighths % 8 - 1] }
    return TextLayout.padRight(text, width)
  }
}
