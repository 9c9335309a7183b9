import KVTrace

/// A table with a row per sequence position: the position and its token, then
/// blocks of columns beside it (a cache grid, a second grid, the attention).
///
/// Every view that draws cache rows lines them up the same way, so the eye can
/// follow one position across the grid of the cache, the grid of a run without
/// one, and the attention the newest query paid to that position's key.
struct GridTable {
  /// One block of columns: two heading lines, then a cell per position.
  struct Column {
    /// The columns the block occupies; cells and headings are padded to it.
    var width: Int
    /// The first heading line, e.g. `layer 0  layer 1`.
    var title: String
    /// The second heading line, e.g. `0 1 2 3  0 1 2 3`.
    var subtitle: String
    /// The cell of one position, at most `width` columns.
    var cell: (Int) -> String
    /// Where in `subtitle` the drawn layer and head's number stands, if this
    /// block has it: the heading line brackets it, `[1]`, in every glyph set.
    var focused: Int? = nil
  }

  /// `"  12  token     "`: the position, two spaces, the token label.
  static let prefixWidth = 16
  /// The columns a token label may take.
  static let labelWidth = 10
  /// The space between two blocks.
  static let gap = "   "

  /// The blocks, left to right.
  var columns: [Column]

  /// The width of a full row: the prefix, the blocks and the gaps between them.
  var width: Int {
    Self.prefixWidth + columns.reduce(0) { $0 + $1.width }
      + max(0, columns.count - 1) * Self.gap.count
  }

  /// Two heading lines, then a line per entry of `rows.positions`; a `nil` draws
  /// the marker of the rows it stands for, saying how many and how much of the
  /// drawn query's weight they carry. Trailing spaces trimmed.
  func lines(_ rows: Rows, tokens: [TraceToken], style: RenderStyle) -> [String] {
    var lines = [
      row(String(repeating: " ", count: Self.prefixWidth), columns.map(\.title)),
      bracketingFocus(row(" pos  token     ", columns.map(\.subtitle))),
    ]
    for (index, entry) in rows.positions.enumerated() {
      guard let position = entry else {
        lines.append(elisionMarker(rows.gap(at: index), style: style))
        continue
      }
      let cells = columns.map { $0.cell(position) }
      lines.append(row(Self.prefix(position, tokens: tokens, style: style), cells))
    }
    return lines
  }

  /// `"   3  fox       "`: a position and its token label, `prefixWidth` wide.
  static func prefix(_ position: Int, tokens: [TraceToken], style: RenderStyle) -> String {
    let text = position < tokens.count ? tokens[position].text : ""
    let label = TextLayout.truncate(
      TextLayout.label(text, unicode: style.unicode), labelWidth, unicode: style.unicode)
    return TextLayout.padLeft("\(position)", 4) + "  " + TextLayout.padRight(label, labelWidth)
  }

  /// The line that stands for rows left out: `   ⋮  12 rows · 0.03 of the weight`,
  /// shortened to `   ⋮  12 rows · 0.03` or `   ⋮  12 rows` when the table is
  /// narrower; `   ⋮  12 rows not shown` when the step kept no weights.
  func elisionMarker(_ gap: Rows.Gap, style: RenderStyle) -> String {
    let dot = style.unicode ? "·" : "-"
    let rows = "\(gap.count) \(gap.count == 1 ? "row" : "rows")"
    let candidates =
      gap.weight.map { weight in
        let share = TextLayout.fixed(weight, 2)
        return ["\(rows) \(dot) \(share) of the weight", "\(rows) \(dot) \(share)", rows]
      } ?? ["\(rows) not shown", rows]
    let room = max(width, GridTable.prefixWidth) - 6
    let text = candidates.first { TextLayout.width($0) <= room } ?? rows
    return TextLayout.padLeft(style.glyphs.ellipsis, 4) + Paint.dim.apply("  " + text, style.color)
  }

  /// The subtitle line with the focused column's number in brackets: `0 [1] 2`
  /// takes the spaces on either side, so nothing moves.
  private func bracketingFocus(_ line: String) -> String {
    var characters = Array(line)
    var offset = Self.prefixWidth
    for column in columns {
      if let focused = column.focused, offset + focused > 0 {
        let at = offset + focused
        characters += Array(repeating: " ", count: max(0, at + 2 - characters.count))
        if characters[at - 1] == " ", characters[at + 1] == " " {
          characters[at - 1] = "["
          characters[at + 1] = "]"
        }
      }
      offset += column.width + Self.gap.count
    }
    return String(characters)
  }

  private func row(_ prefix: String, _ cells: [String]) -> String {
    var line = prefix
    for (index, cell) in cells.enumerated() {
      if index > 0 { line += Self.gap }
      line += index < cells.count - 1 ? TextLayout.padRight(cell, columns[index].width) : cell
    }
    return line.trimmingTrailingSpaces()
  }
}
