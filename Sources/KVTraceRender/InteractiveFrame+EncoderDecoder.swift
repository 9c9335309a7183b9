import KVTrace

extension InteractiveFrame {
  /// A decoder step of an encoder-decoder trace: the self-attention grid, a row
  /// per decoder position, and beside it the cross-attention grid, a row per
  /// source token, with the newest query's cross-attention as a heatmap column.
  ///
  /// The left grid grows by a row per step; the right one keeps its height from
  /// the first decoder step to the last. In the split view each side shows the
  /// step as run and without a cache.
  func decoderGrids(
    _ state: InteractiveState, record: StepRecord, size: FrameSize, style: RenderStyle
  ) -> FrameGrid {
    let records = records(record, state)
    let gap = GridTable.gap.count
    let selfTitle = EncoderDecoderGrid.selfTitle
    func tableWidth(_ perKVHead: Bool) -> Int {
      GridTable.prefixWidth + records.count
        * (Layout.width(config: model, perKVHead: perKVHead) + gap) - gap
    }
    let perKVHead =
      max(tableWidth(true), selfTitle.count) + tableWidth(true) + 2 * gap + Heatmap.minimumWidth
      <= size.columns
    let layout = Layout(config: model, perKVHead: perKVHead)
    let own = GridTable(columns: records.map { layout.column($0, kind: .self, style: style) })
    var cross = GridTable(
      columns: records.map { layout.column($0, kind: .cross, focus: state.focus, style: style) })
    let offset = max(own.width, selfTitle.count)
    let pad = String(repeating: " ", count: GridTable.prefixWidth)
    func pair(_ left: String, _ right: String) -> String {
      (TextLayout.padRight(left, offset + gap) + right).trimmingTrailingSpaces()
    }
    var notes =
      withoutCacheNote(state, style: style) + [
        pair(
          Paint.bold.apply(selfTitle, style.color),
          Paint.bold.apply(EncoderDecoderGrid.crossTitle, style.color))
      ]
    if drawnView(state) == .split {
      let labels = pad + splitLabels(width: layout.gridWidth, style: style)
      notes.append(pair(labels, labels))
    }
    let sourceLength = trace.sourceTokens.count
    let newest = record.attention.last {
      $0.layer == state.focus.layer && $0.head == state.focus.head && $0.kind == .cross
    }
    let heatmap = Heatmap(
      queries: newest.map { [$0] } ?? [], values: state.values, focus: state.focus)
    let room = size.columns - offset - gap - cross.width - gap
    if room >= Heatmap.minimumWidth {
      let column = heatmap.column(
        width: min(heatmap.preferredWidth(sequenceLength: sourceLength), room),
        sequenceLength: sourceLength, config: model, tokens: trace.tokens, style: style)
      cross.columns.append(
        AttentionBar.fitting(column, room: room, focus: state.focus, config: model))
    } else {
      notes.append(pad + "(the attention heatmap does not fit this width)")
    }
    return FrameGrid(
      notes: notes, table: own, tokens: trace.tokens, length: record.began.sequenceLength,
      style: style,
      beside: FrameGrid.Beside(
        table: cross, tokens: trace.sourceTokens, length: sourceLength, offset: offset))
  }
}
