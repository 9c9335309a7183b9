import KVTrace

/// The block table of a paged cache, drawn beside the grid: where each block of
/// positions lives in the pool.
///
/// The first row of logical block `i` reads `i → #b`: its positions live in
/// physical block `b`. A bar runs down the block's other rows, so the eye sees
/// which positions share a block, and `new` marks a block allocated at this step
/// (the newest position was the first of its block). Reading down the column
/// shows that a sequence's rows need not be stored in order: the table is the
/// only thing that says where they are.
enum BlockColumn {
  /// The column for `record`'s block table, or `nil` when the cache is not paged.
  static func column(_ record: StepRecord, style: RenderStyle) -> GridTable.Column? {
    guard let blocks = record.blocks.first else { return nil }
    let labels = blocks.table.indices.map { label(blocks, logical: $0, style: style) }
    let width = labels.reduce(title.count) { max($0, TextLayout.width($1.text)) }
    let bar = style.unicode ? "│" : "|"
    return GridTable.Column(
      width: width, title: title, subtitle: subtitle(style),
      cell: { position in
        let logical = position / blocks.blockSize
        guard logical < labels.count else { return "" }
        guard position % blocks.blockSize == 0 else { return bar }
        let (text, new) = labels[logical]
        return new ? Paint.fresh.apply(text, style.color) : text
      })
  }

  /// `block table` over `i → #id`.
  static let title = "block table"

  private static func subtitle(_ style: RenderStyle) -> String {
    "i \(style.glyphs.arrow) #id"
  }

  /// `2 → #1 new`: logical block, physical block, and whether this step allocated it.
  private static func label(_ blocks: BlocksEvent, logical: Int, style: RenderStyle) -> (
    text: String, new: Bool
  ) {
    let physical = blocks.table[logical]
    let new = blocks.allocated.contains(physical)
    return ("\(logical) \(style.glyphs.arrow) #\(physical)" + (new ? " new" : ""), new)
  }
}
