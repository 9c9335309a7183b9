import KVTrace

/// One grid of a page's step: a row per position, a column per layer and KV
/// head, each cell one letter (`f` fresh, `r` reused, `n` not cached, `e`
/// evicted, `s` shared with the other sequence, `p` a pinned sink), the same
/// marks ``CacheGrid`` draws. Alike columns are stored once.
struct HTMLPageGrid {
  /// The heading over the grid; empty for a decoder's one grid.
  var title: String
  /// Whose tokens label the rows: `tokens` (the sequence's) or `source` (an encoder's).
  var rows: String
  /// How many rows.
  var length: Int
  /// The attention the bars beside it draw: `self` or `cross`.
  var kind: AttentionKind
  /// Which query's attention: `newest`, `first` (the encoder's), or `none`.
  var query: String
  /// The distinct columns, a letter per row.
  var columns: [String] = []
  /// For each layer and KV head (layer-major), the index of its column.
  var map: [Int] = []

  /// The grids of `record`, as the terminal draws them.
  static func grids(_ record: StepRecord, in trace: Trace) -> [HTMLPageGrid] {
    let header = trace.header
    guard header.architecture != .decoder else {
      return [
        HTMLPageGrid(
          title: "", rows: "tokens", length: record.began.sequenceLength, kind: .self,
          query: "newest"
        ).filled(record, config: header.model, pinned: Layout.pinned(header))
      ]
    }
    let source = trace.sourceTokens.count
    guard record.began.phase != .encode else {
      return [
        HTMLPageGrid(
          title: "encoder self-attention K/V: bidirectional, used in this step, never cached",
          rows: "source", length: source, kind: .self, query: "first"
        ).filled(record, config: header.model)
      ]
    }
    return [
      HTMLPageGrid(
        title: EncoderDecoderGrid.selfTitle, rows: "tokens", length: record.began.sequenceLength,
        kind: .self, query: "none"
      ).filled(record, config: header.model),
      HTMLPageGrid(
        title: EncoderDecoderGrid.crossTitle, rows: "source", length: source, kind: .cross,
        query: "newest"
      ).filled(record, config: header.model),
    ]
  }

  /// This grid with its cells read from `record`.
  func filled(_ record: StepRecord, config: ModelConfig, pinned: Int = 0) -> HTMLPageGrid {
    var grid = self
    var index: [String: Int] = [:]
    for layer in 0..<config.layers {
      for kvHead in 0..<config.kvHeads {
        let column = String(
          (0..<length).map {
            Self.letter(record, position: $0, layer: layer, kvHead: kvHead, kind: kind, pinned)
          })
        if let known = index[column] {
          grid.map.append(known)
        } else {
          index[column] = grid.columns.count
          grid.map.append(grid.columns.count)
          grid.columns.append(column)
        }
      }
    }
    return grid
  }

  /// The letter of one cell: the mark ``CacheGrid`` draws there.
  static func letter(
    _ record: StepRecord, position: Int, layer: Int, kvHead: Int, kind: AttentionKind,
    _ pinned: Int
  ) -> Character {
    switch record.source(of: position, layer: layer, kvHead: kvHead, kind: kind) {
    case .fresh: return "f"
    case .evicted: return "e"
    case .notCached: return "n"
    case .reused:
      if record.rows(layer: layer, kvHead: kvHead, kind: kind)?.shared.contains(position) == true {
        return "s"
      }
      return position < pinned ? "p" : "r"
    }
  }

  /// Writes the grid as a JSON object.
  func write(_ w: inout JSONWriter) {
    w.beginObject()
    w.field("title", title)
    w.field("rows", rows)
    w.field("length", length)
    w.field("kind", kind == .cross ? "cross" : "self")
    w.field("query", query)
    HTMLPageView.strings("columns", columns, &w)
    w.key("map")
    w.beginArray()
    for value in map { w.int(value) }
    w.endArray()
    w.endObject()
  }
}
