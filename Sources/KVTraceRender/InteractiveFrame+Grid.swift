import KVTrace

extension InteractiveFrame {
  /// The grid part of a frame: its heading lines, and its lines for chosen positions.
  struct FrameGrid {
    /// Lines above the rows: notes and the table's two headings.
    var notes: [String]
    /// The table: position, the grid (or two), the heatmap.
    var table: GridTable
    /// The token texts, for the labels.
    var tokens: [TraceToken]
    /// The style.
    var style: RenderStyle

    /// How many lines come before the first row.
    var headings: Int { notes.count + 2 }

    /// The notes, the headings and the rows of `positions`.
    func lines(_ positions: [Int?]) -> [String] {
      notes + table.lines(positions: positions, tokens: tokens, style: style)
    }
  }

  /// The grid for `record`: one grid, or two side by side in the split view, with
  /// a cell per KV head when that fits, and the heatmap in the width left over.
  func gridTable(
    _ state: InteractiveState, record: StepRecord, size: FrameSize, style: RenderStyle
  ) -> FrameGrid {
    let records: [StepRecord] =
      switch state.view {
      case .cache: [record]
      case .withoutCache: [record.withoutCache()]
      case .split: [record, record.withoutCache()]
      }
    let length = record.began.sequenceLength
    let heatmap = Heatmap(
      queries: record.attention.filter {
        $0.layer == state.focus.layer && $0.head == state.focus.head && $0.kind == .self
      }, values: state.values, focus: state.focus)
    let preferred = heatmap.preferredWidth(sequenceLength: length)
    let floor = max(Heatmap.minimumWidth, min(preferred, heatmap.isTriangle ? length : 17))
    let gap = GridTable.gap.count
    func gridsWidth(_ perKVHead: Bool) -> Int {
      records.count * (Layout.width(config: model, perKVHead: perKVHead) + gap) - gap
    }
    let perKVHead = GridTable.prefixWidth + gridsWidth(true) + gap + floor <= size.columns
    let layout = Layout(config: model, perKVHead: perKVHead)
    var table = GridTable(columns: records.map { layout.column($0, style: style) })
    var notes: [String] = []
    let pad = String(repeating: " ", count: GridTable.prefixWidth)
    if state.view == .split {
      let width = layout.gridWidth
      let left = Self.label(
        ["cache \(trace.header.policy.name)", trace.header.policy.name], width, style)
      let right = Self.label(["cache none", "none"], width, style)
      notes.append(
        pad + Paint.bold.apply(TextLayout.padRight(left, width), style.color)
          + GridTable.gap + Paint.bold.apply(right, style.color))
    }
    let room = size.columns - table.width - gap
    if room >= Heatmap.minimumWidth {
      table.columns.append(
        heatmap.column(
          width: min(preferred, room), sequenceLength: length, config: model,
          tokens: trace.tokens, style: style))
    } else {
      notes.append(pad + "(the attention heatmap does not fit this width)")
    }
    return FrameGrid(notes: notes, table: table, tokens: trace.tokens, style: style)
  }

  /// The first of `candidates` that fits `width`, else the last one cut to fit.
  private static func label(_ candidates: [String], _ width: Int, _ style: RenderStyle) -> String {
    let fitting = candidates.first { TextLayout.width($0) <= width }
    return fitting ?? TextLayout.clip(candidates.last ?? "", width, unicode: style.unicode)
  }
}
