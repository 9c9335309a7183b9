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
    guard trace.header.architecture == .decoder else {  // two caches, two grids
      return EncoderDecoderGrid.lines(
        record, in: trace, focus: focus, style: style, showsAttention: showsAttention)
    }
    let config = trace.header.model
    let blocks = BlockColumn.column(record, style: style)  // a paged cache's block table
    var room = style  // what the grid and the attention may take beside the blocks
    room.width -= blocks.map { $0.width + GridTable.gap.count } ?? 0
    let layout = Layout(config: config, style: room, showsAttention: showsAttention, focus: focus)
    let tokens = trace.tokens(sequence: record.sequence)
    let pinned = Layout.pinned(trace.header)
    var table = GridTable(columns: [
      layout.column(  // the focus is marked where its attention is drawn
        record, pinned: pinned, focus: layout.showsAttention ? focus : nil, style: style)
    ])
    if let blocks { table.columns.append(blocks) }
    var lines: [String] = []
    if let note = layout.windowNote(hint: "--show-layers A-B picks others", style: style) {
      lines.append(String(repeating: " ", count: GridTable.prefixWidth) + note)
    }
    let attention = record.newestAttention(layer: focus.layer, head: focus.head)
    if layout.showsAttention {
      table.columns.append(
        AttentionBar.column(
          attention, beside: table, focus: focus, config: config, tokens: tokens, style: style))
    } else if showsAttention {
      lines.append(
        String(repeating: " ", count: GridTable.prefixWidth)
          + "(the attention column does not fit this width)")
    }
    let rows = GridTable.Rows(  // hidden rows never hide the attention
      length: record.began.sequenceLength, maxRows: style.maxRows,
      weights: GridTable.weights(of: attention))
    return lines + table.lines(rows, tokens: tokens, style: style)
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
