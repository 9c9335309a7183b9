import KVTrace

/// The marks a cache grid can show and what each means: the one declaration the
/// run's legend and the walk-through's help both render, each in its own layout.
enum Legend {
  /// A mark of the grid (or of the block table, or of the heatmap).
  enum Mark: Equatable {
    case fresh, reused, notCached, shared, evicted, pinned, blockTable, shades
  }

  /// The marks a trace's grids use, in the order the walk-through's help lists
  /// them. The policy decides which: a window evicts, sinks pin, pages have a
  /// block table; a new policy does not compile until it says which it shows.
  static func marks(_ header: TraceHeader) -> [Mark] {
    var marks: [Mark] = [.fresh, .reused, .notCached]
    if header.sequenceCount > 1 { marks.append(.shared) }
    switch header.policy.kind {
    case .window(let sinks, _): marks += sinks > 0 ? [.evicted, .pinned] : [.evicted]
    case .paged: marks.append(.blockTable)
    case .none, .full, .int8: break
    }
    return marks + [.shades]
  }

  /// The mark as the grid draws it, painted.
  static func symbol(_ mark: Mark, style: RenderStyle) -> String {
    let g = style.glyphs
    return switch mark {
    case .fresh: Paint.fresh.apply(g.fresh, style.color)
    case .reused: Paint.reused.apply(g.reused, style.color)
    case .notCached: Paint.notCached.apply(g.notCached, style.color)
    case .shared: Paint.reused.apply(SharedPrefixText.mark(style), style.color)
    case .evicted: Paint.evicted.apply(g.evicted, style.color)
    case .pinned: Paint.pinned.apply(g.pinned, style.color)
    case .blockTable: "i \(g.arrow) #id"
    case .shades: g.shades.joined(separator: " ")
    }
  }

  /// The mark's name, the short form a packed legend line uses.
  static func name(_ mark: Mark) -> String {
    switch mark {
    case .fresh: "fresh"
    case .reused: "reused"
    case .notCached: "not cached"
    case .shared: "shared"
    case .evicted: "evicted at this step"
    case .pinned: "pinned sink"
    case .blockTable: ""
    case .shades: "attention"
    }
  }

  /// What the mark means, after its name.
  static func meaning(_ mark: Mark, style: RenderStyle) -> String? {
    switch mark {
    case .fresh: "K and V computed at this step"
    case .reused: "read back from the cache"
    case .notCached: nil
    case .shared: "sequence 0 computed it; sequence 1 only reads it"
    case .evicted: "no later query reads it"
    case .pinned: "an early row the policy never evicts"
    case .blockTable:
      " logical block i is pool block #id (" + Paint.fresh.apply("new", style.color)
        + ": allocated now)"
    case .shades: "a key's share of the largest value in its query's row"
    }
  }

  /// `■ fresh: K and V computed at this step`, or the short form `◆ pinned sink`.
  static func entry(_ mark: Mark, short: Bool = false, style: RenderStyle) -> String {
    let name = name(mark)
    let meaning = short ? nil : meaning(mark, style: style)
    let words = [name, meaning].compactMap { $0 }.filter { !$0.isEmpty }
    return symbol(mark, style: style) + " " + words.joined(separator: ": ")
  }
}
