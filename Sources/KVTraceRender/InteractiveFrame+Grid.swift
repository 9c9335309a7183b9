import KVTrace

extension InteractiveFrame {
  /// The grid part of a frame: its heading lines, and its lines for a number of rows.
  struct FrameGrid {
    /// A table with rows of its own, drawn to the right of the first (an
    /// encoder-decoder's cross-attention rows, one per source token).
    struct Beside {
      /// The table.
      var table: GridTable
      /// Its token texts.
      var tokens: [TraceToken]
      /// Its number of rows.
      var length: Int
      /// Where it starts: the first table's width (the gap follows).
      var offset: Int
      /// Its newest query's weight on each row: which rows stay when not all fit.
      var weights: [Int: Double]? = nil
    }

    /// Lines above the rows: notes and the table's two headings.
    var notes: [String]
    /// The table: position, the grid (or two), the heatmap.
    var table: GridTable
    /// The token texts, for the labels.
    var tokens: [TraceToken]
    /// The first table's number of rows.
    var length: Int
    /// The style.
    var style: RenderStyle
    /// A second table beside the first, if any.
    var beside: Beside? = nil
    /// The newest query's weight on each row: which rows stay when not all fit.
    var weights: [Int: Double]? = nil
    /// The newest query of the drawn head, named by the line under a grid that does not fit.
    var query: Int? = nil
    /// The layers drawn when the grid draws a window of them (`<` and `>` move it);
    /// `nil` when it draws every layer asked for.
    var layerWindow: Range<Int>? = nil

    /// How many lines come before the first row.
    var headings: Int { notes.count + 2 }

    /// How many rows the taller table has.
    var rowCount: Int { max(length, beside?.length ?? 0) }

    /// The notes, the headings and at most `maxRows` rows of each table. Rows
    /// from `firstRow` on when the grid is scrolled; else the rows the newest
    /// query weighs most, the rest marked as left out.
    func lines(maxRows: Int, firstRow: Int? = nil) -> [String] {
      let left = table.lines(
        GridTable.Rows(
          positions: positions(maxRows: maxRows, firstRow: firstRow), length: length,
          weights: weights), tokens: tokens, style: style)
      guard let beside else { return notes + left }
      let right = beside.table.lines(
        GridTable.Rows(length: beside.length, maxRows: maxRows, weights: beside.weights),
        tokens: beside.tokens, style: style)
      return notes
        + TextLayout.sideBySide(left, right, leftWidth: beside.offset, gap: GridTable.gap.count)
    }
  }

  /// The grid for `record`: one grid, or two side by side in the split view, with
  /// a cell per KV head when that fits, and the heatmap in the width left over.
  func gridTable(
    _ state: InteractiveState, record: StepRecord, size: FrameSize, style: RenderStyle
  ) -> FrameGrid {
    if trace.header.architecture == .encoderDecoder, record.began.phase == .decode {
      return decoderGrids(state, record: record, size: size, style: style)
    }
    // An encoder-decoder's encode step is one grid too, of the source's rows.
    let view = drawnView(state)
    let tokens =
      record.began.phase == .encode
      ? trace.sourceTokens
      : view == .withoutCache
        ? uncachedTokens(sequence: record.sequence) : trace.tokens(sequence: record.sequence)
    let records = records(record, state)
    let length = record.began.sequenceLength
    let heatmap = drawnHeatmap(state, record: record)
    let preferred = heatmap.preferredWidth(sequenceLength: length)
    let floor = max(Heatmap.minimumWidth, min(preferred, heatmap.isTriangle ? length : 17))
    let gap = GridTable.gap.count
    let labels = uncachedLabels(state, length: length, style: style)
    let layout = layout(
      state, grids: records.count,
      room: size.columns - GridTable.prefixWidth - (labels.map { $0.width + gap } ?? 0),
      heatmap: gap + floor)
    let pinned = Layout.pinned(trace.header)  // sinks look alike in `run` and `step`
    var table = GridTable(
      columns: records.map {
        layout.column($0, pinned: pinned, focus: state.focus, style: style)
      })
    if let labels { table.columns.append(labels) }
    // A paged cache's block table; the run without a cache has none.
    if view != .withoutCache, let blocks = BlockColumn.column(record, style: style) {
      table.columns.append(blocks)
    }
    var notes = withoutCacheNote(state, style: style)
    let pad = String(repeating: " ", count: GridTable.prefixWidth)
    if let note = layout.windowNote(hint: Self.layerKeysHint, style: style) {
      notes.append(pad + Paint.dim.apply(note, style.color))
    }
    if view == .split {
      notes.append(pad + splitLabels(width: layout.gridWidth, style: style))
    }
    let room = size.columns - table.width - gap
    if room >= Heatmap.minimumWidth {
      table.columns.append(
        heatmap.column(
          width: min(preferred, room), sequenceLength: length, config: model,
          tokens: view == .split ? uncachedTokens(sequence: record.sequence) : tokens,
          style: style))
    } else {
      notes.append(pad + "(the attention heatmap does not fit this width)")
    }
    let newest = heatmap.queries.last
    return FrameGrid(
      notes: notes, table: table, tokens: tokens, length: length, style: style,
      weights: GridTable.weights(of: newest), query: newest?.query,
      layerWindow: layout.isWindow ? layout.layers : nil)
  }

  /// What the note over a window of layers says about the keys that move it.
  static let layerKeysHint = "< > other layers"

  /// The layout of `grids` grids side by side in `room` columns, with `heatmap`
  /// columns left for the heatmap when at least ``Layout/minimumWindow`` layers
  /// fit beside it; else the heatmap gives way and the grids take the room.
  func layout(_ state: InteractiveState, grids: Int, room: Int, heatmap: Int) -> Layout {
    let gap = GridTable.gap.count
    let wanted = Layout.wanted(config: model, focus: state.focus)
    func each(_ room: Int) -> Int { (room - (grids - 1) * gap) / max(1, grids) }
    return Layout.fitting(
      config: model, wanted: wanted, focusLayer: state.focus.layer, room: each(room - heatmap),
      minimum: Layout.minimumWindow)
      ?? Layout.fitting(
        config: model, wanted: wanted, focusLayer: state.focus.layer, room: each(room),
        minimum: 1)
      ?? Layout(
        config: model, perKVHead: false, layers: state.focus.layer..<(state.focus.layer + 1))
  }

  /// `cache full         cache none`: the names over the split view's two grids,
  /// each `width` wide.
  func splitLabels(width: Int, style: RenderStyle) -> String {
    let left = Self.label(
      ["cache \(trace.header.policy.name)", trace.header.policy.name], width, style)
    let right = Self.label(["cache none", "none"], width, style)
    return Paint.bold.apply(TextLayout.padRight(left, width), style.color) + GridTable.gap
      + Paint.bold.apply(right, style.color)
  }

  /// The first of `candidates` that fits `width`, else the last one cut to fit.
  private static func label(_ candidates: [String], _ width: Int, _ style: RenderStyle) -> String {
    let fitting = candidates.first { TextLayout.width($0) <= width }
    return fitting ?? TextLayout.clip(candidates.last ?? "", width, unicode: style.unicode)
  }
}

extension InteractiveFrame.FrameGrid {
  /// The positions the first table draws in `maxRows` rows: a run of them from
  /// `firstRow` when scrolled, else the rows with the most weight and the gaps marked.
  func positions(maxRows: Int, firstRow: Int?) -> [Int?] {
    guard let firstRow, length > maxRows else {
      return GridTable.visibleRows(length: length, maxRows: maxRows, weights: weights)
    }
    let first = min(max(0, firstRow), length - maxRows)
    return Array(first..<(first + max(0, maxRows)))
  }

  /// The line under a grid that does not fit: `rows 12–40 of 64`, or which rows
  /// the weights kept, and the keys that scroll.
  func indicator(maxRows: Int, firstRow: Int?) -> String {
    let shown = positions(maxRows: maxRows, firstRow: firstRow).compactMap { $0 }
    let dash = style.unicode ? "–" : "-"
    var what: String
    if firstRow != nil, let first = shown.first, let last = shown.last {
      what = "rows \(first)\(dash)\(last) of \(length)"
    } else if weights != nil, let query {
      what = "\(shown.count) of \(length) rows: those query \(query) weighs most"
    } else {
      what = "\(shown.count) of \(length) rows: the first and the newest"
    }
    let scroll = "j k PgUp PgDn scroll"
    if TextLayout.width(" \(what) \(style.unicode ? "·" : "-") \(scroll)") <= style.width {
      what += " \(style.unicode ? "·" : "-") \(scroll)"
    }
    return Paint.dim.apply(" " + what, style.color)
  }
}
