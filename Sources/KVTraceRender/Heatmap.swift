import KVTrace

/// The attention of one head as a heatmap beside the cache rows.
///
/// At a decode step with a cache there is one query, the newest token, and the
/// heatmap is a column: one cell per key row, the row it lines up with, with a
/// bar and the number. At the prefill every prompt position is a query, and the
/// heatmap is the whole causal triangle: row `q` holds query `q`'s attention
/// over keys `0...q`, and nothing to the right of the diagonal, because a token
/// never attends to a later one.
///
/// A cell's shade is its value as a share of the largest value in its query's
/// row (after shifting scores so the smallest is 0), so every row shows where its
/// query looked; the numbers in the column are the values themselves.
struct Heatmap {
  /// The attention events of the focused head at this step, by query position.
  var queries: [AttentionEvent]
  /// Weights or scores.
  var values: AttentionValues
  /// The layer and head shown.
  var focus: RenderFocus
  /// Whose attention it is, when not the run's own: `none's` in the split view.
  var run: String? = nil

  /// The narrowest heatmap worth drawing.
  static let minimumWidth = 8

  /// Whether to draw the triangle (more than one query) rather than a column.
  var isTriangle: Bool { queries.count > 1 }

  /// The columns the heatmap would like; it makes do with fewer.
  func preferredWidth(sequenceLength: Int) -> Int {
    isTriangle ? 2 * sequenceLength : 9 + AttentionBar.barWidth
  }

  /// The heatmap as a table column: cells at most `width` wide.
  ///
  /// The headings may run wider: the heatmap is the table's last column, and the
  /// frame cuts every line to the screen.
  func column(
    width: Int, sequenceLength: Int, config: ModelConfig, tokens: [TraceToken], style: RenderStyle
  ) -> GridTable.Column {
    let recorded = queries.last.flatMap(numbers) != nil
    let kind =
      (run.map { $0 + " " } ?? "")
      + (!recorded ? "keys read" : values == .weights ? "weights" : "scores \(style.glyphs.score)")
    let title = AttentionBar.title(focus: focus, config: config, kind: kind)
    guard isTriangle else {
      let newest = queries.last
      let subtitle =
        AttentionBar.query(newest, tokens: tokens, style: style)
        + (recorded ? "" : " (--detail summary keeps no weights)")
      return GridTable.Column(
        width: width, title: title, subtitle: subtitle,
        cell: { columnCell(newest, position: $0, width: width, style: style) })
    }
    let cellWidth = 2 * sequenceLength <= width ? 2 : 1
    let keys = keyColumns(sequenceLength: sequenceLength, maxColumns: width / cellWidth)
    let digits = keys.map { key in
      TextLayout.padRight(key.map { "\($0 % 10)" } ?? style.glyphs.cut, cellWidth)
    }
    return GridTable.Column(
      width: width, title: title + ": query \(style.glyphs.times) key",
      subtitle: digits.joined(),
      cell: { triangleRow($0, keys: keys, cellWidth: cellWidth, style: style) })
  }

  /// The key columns the triangle draws in `maxColumns` cells, `nil` for a cut: the
  /// keys that carry the most weight (summed over every query of the triangle) stay,
  /// as the grid keeps the rows its newest query weighs most.
  func keyColumns(sequenceLength: Int, maxColumns: Int) -> [Int?] {
    var received: [Int: Double]? = [:]
    for query in queries {
      guard let weights = GridTable.weights(of: query) else {
        received = nil  // summary detail: no weights, the first and the newest keys stay
        break
      }
      received?.merge(weights, uniquingKeysWith: +)
    }
    return GridTable.visibleRows(
      length: sequenceLength, maxRows: maxColumns, weights: received)
  }

  /// One key row of the column form: shade, bar and number.
  private func columnCell(
    _ attention: AttentionEvent?, position: Int, width: Int, style: RenderStyle
  )
    -> String
  {
    guard let attention, let index = Self.index(of: position, in: attention) else { return "" }
    guard let row = numbers(attention) else {
      return Paint.dim.apply("read", style.color)  // summary detail: attended, value not kept
    }
    let value = index < row.count ? Double(row[index]) : 0
    let shade = HeatPalette.cell(level(value, in: row), width: 2, style: style)
    let number = TextLayout.padLeft(TextLayout.fixed(value, 2), 5)
    let barWidth = min(AttentionBar.barWidth, width - 9)
    guard barWidth >= 3 else { return shade + " " + number }
    let fraction = values == .weights ? value : level(value, in: row)
    return shade + " "
      + Paint.bar.apply(AttentionBar.bar(fraction, width: barWidth, style: style), style.color)
      + " " + number
  }

  /// One query row of the triangle: a shaded cell per key it read, blank after the diagonal.
  private func triangleRow(_ position: Int, keys: [Int?], cellWidth: Int, style: RenderStyle)
    -> String
  {
    guard let attention = queries.last(where: { $0.query == position }) else { return "" }
    let row = numbers(attention)
    var line = ""
    for key in keys {
      guard let key else {
        line += TextLayout.padRight(Paint.dim.apply(style.glyphs.cut, style.color), cellWidth)
        continue
      }
      guard let index = Self.index(of: key, in: attention) else {
        line += String(repeating: " ", count: cellWidth)
        continue
      }
      guard let row else {
        line += String(repeating: style.glyphs.notCached, count: cellWidth)
        continue
      }
      let value = index < row.count ? Double(row[index]) : 0
      line += HeatPalette.cell(level(value, in: row), width: cellWidth, style: style)
    }
    return line
  }

  private func numbers(_ attention: AttentionEvent) -> [Float]? {
    values == .weights ? attention.weights : attention.scores
  }

  /// `value`'s share of its row: (value − low) / (high − low), where low is 0 for weights.
  private func level(_ value: Double, in row: [Float]) -> Double {
    let high = Double(row.max() ?? 0)
    let low = values == .weights ? 0 : Double(row.min() ?? 0)
    return high > low ? (value - low) / (high - low) : 1
  }

  /// Where `key` sits among the keys the query read, or `nil` if it read no such key.
  private static func index(of key: Int, in attention: AttentionEvent) -> Int? {
    guard attention.keys.contains(key) else { return nil }
    return attention.keys.prefix { $0 < key }.count
  }
}
