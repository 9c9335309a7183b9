import KVTrace

/// Column geometry of the cache grid for a model: which layers it draws, and
/// whether a layer gets a cell per KV head or one cell for all of them.
///
/// One cell per KV head when every layer fits that way beside the attention
/// column; else one cell per layer (the policies mark every KV head of a layer
/// alike); else a window of consecutive layers, the drawn one among them, so a
/// model of 30 layers stays readable at 80 columns; and only when not even four
/// layers fit beside it does the attention column give way to the grid.
struct Layout {
  let config: ModelConfig
  /// The layers drawn, left to right: all of them unless the width or the
  /// focus's ``RenderFocus/layers`` asks for fewer.
  let layers: Range<Int>
  let perKVHead: Bool
  let showsAttention: Bool
  let blockWidth: Int
  let separator: String

  /// The fewest layers a window keeps beside the attention column before the
  /// column gives way to more layers.
  static let minimumWindow = 4

  /// The layout that fits `style.width`, with room for the attention column if wanted.
  ///
  /// - Parameter focus: The drawn layer, which a window of layers always holds, and
  ///   the layers asked for (``RenderFocus/layers``); `nil` draws every layer.
  init(
    config: ModelConfig, style: RenderStyle, showsAttention wantsAttention: Bool = true,
    focus: RenderFocus? = nil
  ) {
    let attention = GridTable.gap.count + AttentionBar.width
    let room = style.width - GridTable.prefixWidth
    guard let focus else {  // every layer (an encoder-decoder's grids stack instead)
      let wide = Self.width(config: config, perKVHead: true)
      let narrow = Self.width(config: config, perKVHead: false)
      let perKVHead = wide + (wantsAttention ? attention : 0) <= room
      self.init(
        config: config, perKVHead: perKVHead,
        showsAttention: wantsAttention && (perKVHead || narrow + attention <= room))
      return
    }
    let wanted = Self.wanted(config: config, focus: focus)
    let layer = focus.layer
    if wantsAttention,
      let fit = Self.fitting(
        config: config, wanted: wanted, focusLayer: layer, room: room - attention,
        minimum: Self.minimumWindow)
    {
      self = fit.with(showsAttention: true)
    } else {
      self =
        Self.fitting(config: config, wanted: wanted, focusLayer: layer, room: room, minimum: 1)
        ?? Layout(config: config, perKVHead: false, layers: layer..<(layer + 1))
    }
  }

  /// A layout with a cell per KV head (`perKVHead`) or one per layer, of `layers`
  /// (default: every layer).
  init(
    config: ModelConfig, perKVHead: Bool, showsAttention: Bool = false, layers: Range<Int>? = nil
  ) {
    self.config = config
    self.layers = layers ?? 0..<config.layers
    self.perKVHead = perKVHead
    self.showsAttention = showsAttention
    blockWidth = Self.blockWidth(config: config, perKVHead: perKVHead, layers: self.layers)
    separator = perKVHead ? "  " : " "
  }

  private func with(showsAttention: Bool) -> Layout {
    Layout(config: config, perKVHead: perKVHead, showsAttention: showsAttention, layers: layers)
  }

  /// The columns the grid of `config` occupies, without the position and label;
  /// a grid of a cell per layer is at least as wide as its title, `layers`.
  static func width(config: ModelConfig, perKVHead: Bool, layers: Range<Int>? = nil) -> Int {
    let layers = layers ?? 0..<config.layers
    let separator = perKVHead ? 2 : 1
    let block = blockWidth(config: config, perKVHead: perKVHead, layers: layers)
    let cells = layers.count * (block + separator) - separator
    return perKVHead ? cells : max(cells, "layers".count)
  }

  private static func blockWidth(config: ModelConfig, perKVHead: Bool, layers: Range<Int>) -> Int {
    perKVHead ? max(7, 2 * config.kvHeads - 1) : "\(max(0, layers.upperBound - 1))".count
  }

  var gridWidth: Int { Self.width(config: config, perKVHead: perKVHead, layers: layers) }

  /// Whether some layers of the model are left out of the grid.
  var isWindow: Bool { layers.count < config.layers }

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
    let cell = focus.map(focusedCell).flatMap { layers.contains($0.layer) ? $0 : nil }
    let marks = Marks(self, record, kind: kind, pinned: pinned, style: style)
    return GridTable.Column(
      width: gridWidth, title: titles.0, subtitle: titles.1,
      cell: { marks.cells(position: $0, focused: cell) },
      focused: cell.map {
        let index = $0.layer - layers.lowerBound
        return perKVHead ? index * (blockWidth + 2) + 2 * $0.kvHead : index * (blockWidth + 1)
      })
  }

  /// The grid cell `focus` reads: its layer, and the KV head its query head reads.
  private func focusedCell(_ focus: RenderFocus) -> (layer: Int, kvHead: Int) {
    (focus.layer, perKVHead ? config.kvHead(forQueryHead: focus.head) : 0)
  }

  private var titles: (String, String) {
    var titles: [String] = []
    var heads: [String] = []
    for layer in layers {
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
    Marks(self, record, kind: kind, pinned: pinned, style: style)
      .cells(position: position, focused: focused)
  }
}

extension Layout {
  /// What one step's grid cells are drawn from: each drawn layer and KV head's rows, looked
  /// up once for the step, and each kind of mark painted once for the style.
  struct Marks {
    let layout: Layout
    /// The rows of the drawn layer `layers.lowerBound + i / heads`, KV head `i % heads`.
    let rows: [RowsEvent?]
    /// KV heads drawn per layer: all of them, or one cell for the layer.
    let heads: Int
    let pinned: Int
    let style: RenderStyle
    /// The mark of each source, painted; and a shared row's, and a sink's.
    let painted: [RowSource: String]
    let shared: String
    let sink: String

    init(
      _ layout: Layout, _ record: StepRecord, kind: AttentionKind, pinned: Int,
      style: RenderStyle
    ) {
      let heads = layout.perKVHead ? layout.config.kvHeads : 1
      self.layout = layout
      self.heads = heads
      rows = layout.layers.flatMap { layer in
        (0..<heads).map { record.rows(layer: layer, kvHead: $0, kind: kind) }
      }
      self.pinned = pinned
      self.style = style
      painted = Dictionary(
        uniqueKeysWithValues: RowSource.allCases.map {
          ($0, Paint.forSource($0).apply(style.glyphs.mark($0), style.color))
        })
      shared = Paint.reused.apply(SharedPrefixText.mark(style), style.color)
      sink = Paint.pinned.apply(style.glyphs.pinned, style.color)
    }

    /// The cells of the row of `position`, the `focused` one inverse.
    func cells(position: Int, focused: (layer: Int, kvHead: Int)?) -> String {
      var blocks: [String] = []
      blocks.reserveCapacity(layout.layers.count)
      for (index, layer) in layout.layers.enumerated() {
        var marks: [String] = []
        marks.reserveCapacity(heads)
        for kvHead in 0..<heads {
          let mark = mark(position: position, rows: rows[index * heads + kvHead])
          let isFocused = focused.map { $0.layer == layer && $0.kvHead == kvHead } ?? false
          marks.append(isFocused ? Paint.inverse.apply(mark, style.color) : mark)
        }
        blocks.append(TextLayout.padRight(marks.joined(separator: " "), layout.blockWidth))
      }
      return blocks.joined(separator: layout.separator)
    }

    /// The mark of one cell: fresh, reused, shared, pinned, evicted or not cached.
    private func mark(position: Int, rows: RowsEvent?) -> String {
      let source = rows?.source(of: position) ?? .notCached
      if source == .reused, rows?.shared.contains(position) == true {
        return shared  // another sequence computed it: a shared prefix
      }
      if source == .reused, position < pinned { return sink }  // reused, and never evicted
      return painted[source] ?? ""
    }
  }
}
