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
    let shown = drawnView(state) == .cache ? record : uncachedRecord(state) ?? record
    let newest = shown.newestAttention(
      layer: state.focus.layer, head: state.focus.head, kind: .cross)
    let room = size.columns - offset - gap - cross.width - gap
    if room >= Heatmap.minimumWidth {
      cross.columns.append(crossHeatmap(newest, state, record: record, room: room, style: style))
    } else {
      notes.append(pad + "(the attention heatmap does not fit this width)")
    }
    let ownNewest = shown.newestAttention(
      layer: state.focus.layer, head: state.focus.head, kind: .self)
    return FrameGrid(
      notes: notes, table: own, tokens: trace.tokens, length: record.began.sequenceLength,
      style: style,
      beside: FrameGrid.Beside(
        table: cross, tokens: trace.sourceTokens, length: sourceLength, offset: offset,
        weights: GridTable.weights(of: newest)),
      weights: GridTable.weights(of: ownNewest), query: ownNewest?.query)
  }

  /// The newest decoder query's cross-attention as a heatmap column at most `room` wide:
  /// the run's own in the view with a cache, the run without a cache's in the `c` views
  /// (named as none's in the split view, where it stands right of both grids).
  private func crossHeatmap(
    _ newest: AttentionEvent?, _ state: InteractiveState, record: StepRecord, room: Int,
    style: RenderStyle
  ) -> GridTable.Column {
    let view = drawnView(state)
    let sourceLength = trace.sourceTokens.count
    let heatmap = Heatmap(
      queries: newest.map { [$0] } ?? [], values: state.values, focus: state.focus,
      run: view == .split ? "none's" : nil)
    let column = heatmap.column(
      width: min(heatmap.preferredWidth(sequenceLength: sourceLength), room),
      sequenceLength: sourceLength, config: model,
      tokens: view == .cache ? trace.tokens : uncachedTokens(sequence: record.sequence),
      style: style)
    var fitted = AttentionBar.fitting(column, room: room, focus: state.focus, config: model)
    if view == .split, fitted.subtitle != column.subtitle {  // cut short: say whose it is
      fitted.subtitle = "none's"
    }
    return fitted
  }
}
