import KVTrace

/// The picture of one step of an encoder-decoder run.
///
/// At the *encode* step: the encoder's K/V rows, a row per source token, all
/// fresh in every layer. They serve the encoder's own attention, which is
/// bidirectional (the first token reads every key, later ones too), and are
/// dropped when the encoder is done: they are not a cache.
///
/// At a *decode* step: two grids side by side. Left, the decoder's
/// self-attention cache, a row per decoder position (the start token, then each
/// token written): it grows by one row per step. Right, the cross-attention
/// rows, a row per source token, projected from the encoder output: their
/// number never changes. Beside them, the newest decoder query's
/// cross-attention weights over the source.
public enum EncoderDecoderGrid {
  /// The narrowest attention bars worth drawing.
  static let minimumBarWidth = 5
  /// The heading over the self-attention grid.
  static let selfTitle = "decoder self-attention K/V"
  /// The heading over the cross-attention grid.
  static let crossTitle = "cross-attention K/V from the encoder output"

  /// How the two grids share the width.
  struct Geometry: Equatable {
    /// A cell per KV head, or one per layer.
    var perKVHead: Bool
    /// The attention bars' width, or `nil` for no bars.
    var barWidth: Int?
    /// Side by side, or the cross grid under the self grid.
    var sideBySide: Bool
  }

  /// The lines of `record`'s picture.
  ///
  /// - Parameters:
  ///   - record: The step to draw.
  ///   - trace: An encoder-decoder trace (for the shape and both token lists).
  ///   - focus: The layer and head whose attention is drawn.
  ///   - style: Width, colors and glyphs.
  ///   - showsAttention: Whether to draw the attention bars.
  public static func lines(
    _ record: StepRecord, in trace: Trace, focus: RenderFocus, style: RenderStyle,
    showsAttention: Bool = true
  ) -> [String] {
    record.began.phase == .encode
      ? encoder(record, in: trace, focus: focus, style: style, showsAttention: showsAttention)
      : decoder(record, in: trace, focus: focus, style: style, showsAttention: showsAttention)
  }

  /// The encode step: one grid of source rows, and the first token's attention.
  static func encoder(
    _ record: StepRecord, in trace: Trace, focus: RenderFocus, style: RenderStyle,
    showsAttention: Bool
  ) -> [String] {
    let config = trace.header.model
    let source = trace.sourceTokens
    let layout = Layout(config: config, style: style, showsAttention: showsAttention)
    var table = GridTable(columns: [layout.column(record, focus: focus, style: style)])
    let first = record.attention.first {
      $0.layer == focus.layer && $0.head == focus.head && $0.kind == .self
    }
    if layout.showsAttention {
      table.columns.append(
        AttentionBar.column(
          first, beside: table, focus: focus, config: config, tokens: source, style: style))
    }
    let rows = GridTable.Rows(  // the rows the drawn query weighs most
      length: source.count, maxRows: style.maxRows, weights: GridTable.weights(of: first))
    let title = TextLayout.truncate(
      "encoder self-attention K/V: bidirectional, used in this step, never cached", style.width,
      unicode: style.unicode)
    return [Paint.bold.apply(title, style.color)]
      + table.lines(rows, tokens: source, style: style)
  }

  /// A decoder step: the self-attention grid and the cross-attention grid.
  static func decoder(
    _ record: StepRecord, in trace: Trace, focus: RenderFocus, style: RenderStyle,
    showsAttention: Bool
  ) -> [String] {
    let config = trace.header.model
    let geometry = Self.geometry(config: config, width: style.width, attention: showsAttention)
    let layout = Layout(config: config, perKVHead: geometry.perKVHead)
    let own = GridTable(columns: [layout.column(record, kind: .self, style: style)])
    var cross = GridTable(columns: [
      layout.column(record, kind: .cross, focus: focus, style: style)
    ])
    if let barWidth = geometry.barWidth {
      let newest = record.newestAttention(layer: focus.layer, head: focus.head, kind: .cross)
      let column = AttentionBar.column(
        newest, focus: focus, config: config, tokens: trace.tokens, style: style,
        kind: "cross-attention", barWidth: barWidth)
      let left = max(own.width, selfTitle.count) + GridTable.gap.count
      let before = geometry.sideBySide ? left + cross.width : cross.width
      cross.columns.append(
        AttentionBar.fitting(
          column, room: style.width - before - GridTable.gap.count, focus: focus, config: config))
    }
    let source = trace.sourceTokens
    // Each grid keeps the rows its newest query weighs most: self over self, cross over cross.
    let ownWeights = GridTable.weights(
      of: record.newestAttention(layer: focus.layer, head: focus.head, kind: .self))
    let crossWeights = GridTable.weights(
      of: record.newestAttention(layer: focus.layer, head: focus.head, kind: .cross))
    let left =
      [Paint.bold.apply(selfTitle, style.color)]
      + own.lines(
        GridTable.Rows(
          length: record.began.sequenceLength, maxRows: style.maxRows, weights: ownWeights),
        tokens: trace.tokens, style: style)
    let right =
      [Paint.bold.apply(crossTitle, style.color)]
      + cross.lines(
        GridTable.Rows(length: source.count, maxRows: style.maxRows, weights: crossWeights),
        tokens: source, style: style)
    guard geometry.sideBySide else { return left + right }
    return TextLayout.sideBySide(
      left, right, leftWidth: max(own.width, selfTitle.count), gap: GridTable.gap.count)
  }

  /// The best arrangement that fits `width`: side by side with a cell per KV
  /// head and bars; then a cell per layer; then without bars; last, one grid
  /// under the other.
  static func geometry(config: ModelConfig, width: Int, attention: Bool) -> Geometry {
    let gap = GridTable.gap.count
    /// The columns the two grids take side by side, headings included, before any bars.
    func grids(_ perKVHead: Bool) -> (all: Int, table: Int) {
      let table = GridTable.prefixWidth + Layout.width(config: config, perKVHead: perKVHead)
      return (max(table, selfTitle.count) + gap + table, table)
    }
    for perKVHead in [true, false] {
      let (all, table) = grids(perKVHead)
      guard all - table + crossTitle.count <= width, all <= width else { continue }
      guard attention else {
        return Geometry(perKVHead: perKVHead, barWidth: nil, sideBySide: true)
      }
      let room = width - all - gap - 5  // the bars, after the gap and the weight
      if room >= minimumBarWidth {
        return Geometry(
          perKVHead: perKVHead, barWidth: min(AttentionBar.barWidth, room), sideBySide: true)
      }
    }
    let narrow = grids(false)
    if narrow.all <= width, narrow.all - narrow.table + crossTitle.count <= width {
      return Geometry(perKVHead: false, barWidth: nil, sideBySide: true)
    }
    var stacked = RenderStyle.plain
    stacked.width = width
    let layout = Layout(config: config, style: stacked, showsAttention: attention)
    return Geometry(
      perKVHead: layout.perKVHead, barWidth: layout.showsAttention ? AttentionBar.barWidth : nil,
      sideBySide: false)
  }
}
