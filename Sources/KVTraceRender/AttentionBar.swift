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
  ///
  /// - Parameters:
  ///   - kind: The title's first word: `attention`, `cross-attention`.
  ///   - barWidth: The bars' width; the column is 5 wider, for the weight.
  static func column(
    _ attention: AttentionEvent?, focus: RenderFocus, config: ModelConfig, tokens: [TraceToken],
    style: RenderStyle, kind: String = "attention", barWidth: Int = barWidth
  ) -> GridTable.Column {
    GridTable.Column(
      width: barWidth + 5, title: title(focus: focus, config: config, kind: kind),
      subtitle: query(attention, tokens: tokens, style: style),
      cell: { cell(attention, position: $0, barWidth: barWidth, style: style) })
  }

  /// The column for `attention` as the last of `table`'s, its headings cut to
  /// the width the table leaves.
  static func column(
    _ attention: AttentionEvent?, beside table: GridTable, focus: RenderFocus,
    config: ModelConfig, tokens: [TraceToken], style: RenderStyle
  ) -> GridTable.Column {
    fitting(
      column(attention, focus: focus, config: config, tokens: tokens, style: style),
      room: style.width - table.width - GridTable.gap.count, focus: focus, config: config)
  }

  /// `attention, layer 0 head 5 (KV 1)`: the KV head is named under grouped-query attention.
  static func title(focus: RenderFocus, config: ModelConfig, kind: String) -> String {
    "\(kind), " + focusName(focus, config: config)
  }

  /// `layer 0 head 5 (KV 1)`.
  static func focusName(_ focus: RenderFocus, config: ModelConfig) -> String {
    var name = "layer \(focus.layer) head \(focus.head)"
    if config.kvHeads < config.heads {  // grouped-query: name the shared KV head it reads
      name += " (KV \(config.kvHead(forQueryHead: focus.head)))"
    }
    return name
  }

  /// `column` with headings that fit in `room` columns, the table's last column
  /// running to the edge: the title loses its first word, then shrinks to
  /// `L0 H5`; a subtitle that does not fit becomes `weights`.
  static func fitting(
    _ column: GridTable.Column, room: Int, focus: RenderFocus, config: ModelConfig
  ) -> GridTable.Column {
    var fitted = column
    let titles = [column.title, focusName(focus, config: config), "L\(focus.layer) H\(focus.head)"]
    fitted.title = titles.first { TextLayout.width($0) <= room } ?? titles[titles.count - 1]
    if TextLayout.width(column.subtitle) > room { fitted.subtitle = "weights" }
    return fitted
  }

  /// `query 10 'very'`, or a note that the step recorded no attention for the focus.
  static func query(_ attention: AttentionEvent?, tokens: [TraceToken], style: RenderStyle)
    -> String
  {
    guard let attention else { return "no attention recorded" }
    let text = attention.query < tokens.count ? tokens[attention.query].text : ""
    return "query \(attention.query) \(TextLayout.quoted(text, unicode: style.unicode))"
  }

  static func cell(
    _ attention: AttentionEvent?, position: Int, barWidth: Int = barWidth, style: RenderStyle
  ) -> String {
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
