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
    let layout = Layout(config: config, style: room, showsAttention: showsAttention)
    let tokens = trace.tokens(sequence: record.sequence)
    let pinned = Layout.pinned(trace.header)
    var table = GridTable(columns: [
      layout.column(  // the focus is marked where its attention is drawn
        record, pinned: pinned, focus: layout.showsAttention ? focus : nil, style: style)
    ])
    if let blocks { table.columns.append(blocks) }
    var lines: [String] = []
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

/// Column geometry of the cache grid for a model.
///
/// One cell per KV head when that fits beside the attention column; else one
/// cell per layer (the policies mark every KV head of a layer alike); and when
/// even that is too wide, the attention column gives way to the grid.
struct Layout {
  let config: ModelConfig
  let perKVHead: Bool
  let showsAttention: Bool
  let blockWidth: Int
  let separator: String

  /// The layout that fits `style.width`, with room for the attention column if wanted.
  init(config: ModelConfig, style: RenderStyle, showsAttention wantsAttention: Bool = true) {
    let attention = GridTable.gap.count + AttentionBar.width
    let wide = GridTable.prefixWidth + Self.width(config: config, perKVHead: true)
    let narrow = GridTable.prefixWidth + Self.width(config: config, perKVHead: false)
    let perKVHead = wide + (wantsAttention ? attention : 0) <= style.width
    self.init(
      config: config, perKVHead: perKVHead,
      showsAttention: wantsAttention && (perKVHead || narrow + attention <= style.width))
  }

  /// A layout with a cell per KV head (`perKVHead`) or one per layer.
  init(config: ModelConfig, perKVHead: Bool, showsAttention: Bool = false) {
    self.config = config
    self.perKVHead = perKVHead
    self.showsAttention = showsAttention
    blockWidth = Self.blockWidth(config: config, perKVHead: perKVHead)
    separator = perKVHead ? "  " : " "
  }

  /// The columns the grid of `config` occupies, without the position and label;
  /// a grid of a cell per layer is at least as wide as its title, `layers`.
  static func width(config: ModelConfig, perKVHead: Bool) -> Int {
    let separator = perKVHead ? 2 : 1
    let cells =
      config.layers * (blockWidth(config: config, perKVHead: perKVHead) + separator) - separator
    return perKVHead ? cells : max(cells, "layers".count)
  }

  private static func blockWidth(config: ModelConfig, perKVHead: Bool) -> Int {
    perKVHead ? max(7, 2 * config.kvHeads - 1) : "\(max(0, config.layers - 1))".count
  }

  var gridWidth: Int { Self.width(config: config, perKVHead: perKVHead) }

  /// How many first positions the policy pins as sinks: drawn with the pinned
  /// mark wherever a grid draws them, in `run` and `step` alike.
  static func pinned(_ header: TraceHeader) -> Int {
    switch header.policy.kind {
    case .window(let sinks, _): sinks
    case .none, .full, .paged, .int8: 0
    }
  }

  /// The grid of `record` as a table column: `layer 0  layer 1` over `0 1 2 3  0 1 2 3`.
  ///
  /// `kind` picks the rows: the self-attention cache, or an encoder-decoder's
  /// cross-attention rows (one per source position). Positions below `pinned`
  /// are the policy's sinks. The column of `focus`, the layer and head whose
  /// attention is drawn, is marked: its number in brackets, its cells inverse.
  func column(
    _ record: StepRecord, kind: AttentionKind = .self, pinned: Int = 0,
    focus: RenderFocus? = nil, style: RenderStyle
  ) -> GridTable.Column {
    let cell = focus.map(focusedCell)
    return GridTable.Column(
      width: gridWidth, title: titles.0, subtitle: titles.1,
      cell: {
        cells(record, position: $0, kind: kind, pinned: pinned, focused: cell, style: style)
      },
      focused: cell.map {
        perKVHead ? $0.layer * (blockWidth + 2) + 2 * $0.kvHead : $0.layer * (blockWidth + 1)
      })
  }

  /// The grid cell `focus` reads: its layer, and the KV head its query head reads.
  private func focusedCell(_ focus: RenderFocus) -> (layer: Int, kvHead: Int) {
    (focus.layer, perKVHead ? config.kvHead(forQueryHead: focus.head) : 0)
  }

  private var titles: (String, String) {
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
    return (
      titles.joined(separator: perKVHead ? separator : ""), heads.joined(separator: separator)
    )
  }

  /// The cells of one row; positions below `pinned` are the policy's sinks.
  func cells(
    _ record: StepRecord, position: Int, kind: AttentionKind = .self, pinned: Int = 0,
    focused: (layer: Int, kvHead: Int)? = nil, style: RenderStyle
  ) -> String {
    var blocks: [String] = []
    for layer in 0..<config.layers {
      let heads = perKVHead ? Array(0..<config.kvHeads) : [0]
      let marks = heads.map { kvHead -> String in
        let mark = mark(
          record, position: position, layer: layer, kvHead: kvHead, kind: kind, pinned: pinned,
          style: style)
        let isFocused = focused.map { $0.layer == layer && $0.kvHead == kvHead } ?? false
        return isFocused ? Paint.inverse.apply(mark, style.color) : mark
      }
      blocks.append(TextLayout.padRight(marks.joined(separator: " "), blockWidth))
    }
    return blocks.joined(separator: separator)
  }

  /// The mark of one cell: fresh, reused, shared, pinned, evicted or not cached.
  private func mark(
    _ record: StepRecord, position: Int, layer: Int, kvHead: Int, kind: AttentionKind,
    pinned: Int, style: RenderStyle
  ) -> String {
    let source = record.source(of: position, layer: layer, kvHead: kvHead, kind: kind)
    if source == .reused,
      record.rows(layer: layer, kvHead: kvHead, kind: kind)?.shared.contains(position) == true
    {  // another sequence computed it: a shared prefix
      return Paint.reused.apply(SharedPrefixText.mark(style), style.color)
    }
    if source == .reused, position < pinned {  // a sink: reused, and never evicted
      return Paint.pinned.apply(style.glyphs.pinned, style.color)
    }
    return Paint.forSource(source).apply(style.glyphs.mark(source), style.color)
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
