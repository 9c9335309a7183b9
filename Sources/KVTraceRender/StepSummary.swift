import KVTrace

/// A step told in words and numbers: what was computed, what was reused, what it cost.
///
/// The first sentence is the lesson of the step. With a full cache a decode step
/// computes one new K/V row per layer and KV head and reuses every earlier row;
/// without one it recomputes rows that earlier steps had already computed.
public enum StepSummary {
  /// The summary lines of `record`.
  ///
  /// - Parameters:
  ///   - record: The step.
  ///   - previous: The step before it, if any (to tell new positions from old ones).
  ///   - trace: The trace, for the config and token texts.
  ///   - style: Glyphs and colors.
  ///   - focus: The layer and head whose attention is drawn, if any.
  ///   - roles: The trace's head roles (`HeadRoles`), measured once for the whole run;
  ///     with `focus`, a head that clearly plays a role is named ("an induction head").
  public static func lines(
    _ record: StepRecord, previous: StepRecord?, in trace: Trace, style: RenderStyle,
    focus: RenderFocus? = nil, roles: HeadRoles? = nil
  ) -> [String] {
    var lines = TextLayout.wrap(
      sentence(record, previous: previous, in: trace, style: style), width: style.width)
    if let focus, let roles,
      let role = role(record, focus: focus, roles: roles, in: trace, style: style)
    {
      lines += TextLayout.wrap(role, width: style.width, indent: "  ")
    }
    if let counters = record.counters {
      lines += TextLayout.wrap(
        cost(counters, record: record, in: trace, style: style), width: style.width,
        indent: "  ")
    }
    if let token = record.token {
      lines += choiceLines(token, width: style.width, style: style)
    }
    return lines
  }

  /// "step 3 (decode): computed 8 new K/V rows for 'jumps' (1 position × 2 layers ×
  /// 4 KV heads) and reused 96 from the cache; without a cache it would compute all 104."
  public static func sentence(
    _ record: StepRecord, previous: StepRecord?, in trace: Trace, style: RenderStyle
  ) -> String {
    guard trace.header.architecture == .decoder else {
      return EncoderDecoderSummary.sentence(record, in: trace, style: style)
    }
    let config = trace.header.model
    let n = record.began.sequenceLength
    let newPositions = n - (previous?.began.sequenceLength ?? 0)
    let computed = record.counters?.rowsComputed ?? record.rows.reduce(0) { $0 + $1.fresh.count }
    let reused = record.counters?.rowsReused ?? record.rows.reduce(0) { $0 + $1.reused.count }
    let perPosition = config.layers * config.kvHeads
    let positions = perPosition > 0 ? computed / perPosition : 0
    let x = style.glyphs.times
    let tokens = trace.tokens(sequence: record.sequence)
    let newest = n > 0 && n - 1 < tokens.count ? tokens[n - 1].text : ""
    let shape =
      "(\(count(positions, "position")) \(x) \(count(config.layers, "layer")) \(x) "
      + "\(count(config.kvHeads, "KV head")))"
    var text = "step \(record.step) (\(record.began.phase.rawValue)): "
    switch record.began.phase {
    case .decode where positions == newPositions:
      text +=
        "computed \(count(computed, "new K/V row")) for "
        + TextLayout.quoted(newest, unicode: style.unicode) + " \(shape) and reused \(reused) "
        + "from the cache; without a cache it would compute all \(n * perPosition)."
    case .decode:
      let recomputed = (positions - newPositions) * perPosition
      text +=
        "computed \(count(computed, "K/V row")) \(shape), \(recomputed) of them again "
        + "although an earlier step had computed them, because nothing was cached; "
        + "reused \(reused)."
    default:
      let shares = record.rows.contains { !$0.shared.isEmpty }
      text +=
        "computed \(count(computed, "K/V row")) \(shape): every prompt token "
        + (shares ? "after the shared prefix " : "") + "passes through every layer. "
        + (reused == 0 ? "The cache started empty." : "Reused \(reused) from the cache.")
    }
    if record.step == 0, let groups = groups(config, style: style) { text += groups }
    if let evicted = record.rows.first?.evicted, !evicted.isEmpty {
      let what =
        evicted.count == 1
        ? "position \(evicted.ranges[0].lowerBound)" : "\(count(evicted.count, "position"))"
      text +=
        " The \(trace.header.policy.name) policy evicted \(what) from every layer and KV head;"
        + " no later query can read \(evicted.count == 1 ? "it" : "them")."
    }
    if let rounded = Int8Summary.sentence(record) { text += rounded }
    text += SharedPrefixText.sentence(record, config: config, style: style)
    if let blocks = record.blocks.first { text += " " + blocksSentence(blocks, length: n) }
    if let attention = record.attention.last {
      text += " The newest query read \(count(attention.keys.count, "key"))."
    }
    return text
  }

  /// The least weight the role's key must get for the step summary to name the role.
  public static let minimumRoleWeight: Float = 0.25
  /// The least weight on an induction key for a step of an unnamed head to be told as a copy.
  public static let minimumCopyWeight: Float = 0.5

  /// "layer 1 head 2, an induction head: the query 'The' reads the row of 'quick', cached
  /// 10 steps ago." when the drawn head clearly plays a role (`HeadRoles.role(layer:head:)`)
  /// in this trace; `nil` otherwise, and always for a trace without weights.
  ///
  /// The key named is the one the role points at (the row before the query, the row after
  /// an earlier copy of its token, row 0) that the step's newest query weighs most, and only
  /// when it gets at least ``minimumRoleWeight``: a role is a habit, and a query that does not
  /// show it gets no phrase. How long ago its row
  /// was cached is the lesson of an induction head: the row it needs went into the cache
  /// when its token passed, and only a cache that still holds it lets the head read it.
  ///
  /// A head the trace does not name (its scores stay under the threshold over the whole
  /// run), or names for another habit this query does not show, still gets a phrase at a
  /// step where its newest query copies: when at least
  /// ``minimumCopyWeight`` of its attention lands on the token after an earlier copy of the
  /// query's own, "layer 1 head 2 copies here, as an induction head does: …". That is what
  /// a trained model does on a text it has seen before in its context, even when most of
  /// the run gives the head nothing to copy.
  public static func role(
    _ record: StepRecord, focus: RenderFocus, roles: HeadRoles, in trace: Trace,
    style: RenderStyle
  ) -> String? {
    let named = roles.role(layer: focus.layer, head: focus.head)
    if let named,
      let phrase = rolePhrase(
        named, named: true, record, focus: focus, roles: roles, in: trace, style: style)
    {
      return phrase
    }
    // A head named for another habit that copies at this step is told as a copy.
    guard named != .induction else { return nil }
    return rolePhrase(
      .induction, named: false, record, focus: focus, roles: roles, in: trace, style: style)
  }

  /// The phrase for `role` at this step: of a head the trace names for it (`named`), or of
  /// one that copies here.
  static func rolePhrase(
    _ role: HeadRole, named: Bool, _ record: StepRecord, focus: RenderFocus, roles: HeadRoles,
    in trace: Trace, style: RenderStyle
  ) -> String? {
    let tokens = trace.tokens(sequence: record.sequence)
    let ids = tokens.map(\.id)
    // The key the role points at (the row before, the row after an earlier copy, row 0),
    // the one of them with the most weight; no phrase when this query has none in reach.
    guard let attention = record.newestAttention(layer: focus.layer, head: focus.head),
      let weights = attention.weights, weights.count == attention.keys.count,
      let (top, weight) = zip(attention.keys, weights)
        .filter({ role.targets($0.0, query: attention.query, ids: ids) })
        .max(by: { $0.1 < $1.1 }),
      weight >= (named ? minimumRoleWeight : minimumCopyWeight)
    else { return nil }
    func text(_ position: Int) -> String {
      TextLayout.quoted(
        position < tokens.count ? tokens[position].text : "", unicode: style.unicode)
    }
    let source = record.source(of: top, layer: focus.layer, kvHead: attention.kvHead)
    let when: String
    switch (source, roles.firstStep(computing: top, sequence: record.sequence)) {
    case (.reused, 0?): when = ", cached at the prefill"
    case (.reused, let cached?) where cached < record.step:
      when = ", cached \(count(record.step - cached, "step")) ago"
    case (.reused, _): when = ", read from the cache"
    case (.fresh, _): when = ", computed at this step"
    default: when = ""
    }
    let back = attention.query - top
    let distance = back > 0 ? " (\(count(back, "position")) back)" : ""
    let head = "layer \(focus.layer) head \(focus.head)"
    let query = text(attention.query)
    let gives = "gives \(TextLayout.fixed(Double(weight), 2)) to the row of \(text(top))"
    guard named else {
      return "\(head) copies here, as an induction head does: the query \(query) \(gives), "
        + "the token after the earlier \(query)\(distance)\(when)."
    }
    return "\(head), \(role.headName): the query \(query) \(gives)\(distance)\(when)."
  }

  /// " Query heads 0–1 read KV head 0, 2–3 read KV head 1 (GQA: the cache holds 2
  /// rows per position per layer, not 4)." when fewer KV heads than heads; said once,
  /// at the prefill, since the grouping never changes.
  static func groups(_ config: ModelConfig, style: RenderStyle) -> String? {
    guard config.kvHeads < config.heads, config.kvHeads > 0 else { return nil }
    let size = config.queriesPerKVHead
    let dash = style.unicode ? "–" : "-"
    let reads = (0..<config.kvHeads).map { kv in
      let heads = size == 1 ? "\(kv * size)" : "\(kv * size)\(dash)\(kv * size + size - 1)"
      return "\(heads) read\(size == 1 ? "s" : "") KV head \(kv)"
    }
    let kind = config.kvHeads == 1 ? "MQA" : "GQA"
    return " Query \(size == 1 ? "head" : "heads") " + reads.joined(separator: ", ")
      + " (\(kind): the cache holds \(count(config.kvHeads, "row")) per position per layer, "
      + "not \(config.heads))."
  }

  /// "The cache holds 3 blocks of 4 positions (3 of the pool's 4); this step allocated
  /// #1; 2 slots of the last block are unused."
  static func blocksSentence(_ blocks: BlocksEvent, length n: Int) -> String {
    let ids = blocks.allocated.map { "#\($0)" }
    let allocated =
      switch ids.count {
      case 0:
        "this step allocated none (position \(n - 1) fit in block \((n - 1) / blocks.blockSize))"
      case 1: "this step allocated \(ids[0])"
      default: "this step allocated \(ids.dropLast().joined(separator: ", ")) and \(ids.last ?? "")"
      }
    let unused = blocks.unusedSlots(length: n)
    let held = blocks.references.filter { $0 > 1 }.count
    let sharing =
      (held == 0
        ? "" : ", \(held == 1 ? "1 of them" : "\(held) of them") held by both sequences")
      + (blocks.copy.map {
        "; block #\($0.from) was copied into #\($0.to) (positions \($0.positions.lowerBound)-"
          + "\($0.positions.upperBound - 1)), copy on write where the prompts part"
      } ?? "")
    return "The cache holds \(count(blocks.table.count, "block")) of \(blocks.blockSize) "
      + "\(blocks.blockSize == 1 ? "position" : "positions") (\(blocks.blocksInUse) of the pool's \(blocks.capacity))\(sharing); \(allocated); "
      + (unused == 0
        ? "the last block is full."
        : "\(count(unused, "slot")) of the last block \(unused == 1 ? "is" : "are") unused.")
  }

  static func count(_ n: Int, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
  }

  /// "FLOPs 104.6 k; without a cache 528.3 k (5.05× more) · cache holds 5.5 KiB"
  static func cost(
    _ c: StepCounters, record: StepRecord, in trace: Trace, style: RenderStyle
  ) -> String {
    var text = "work: \(TextLayout.metric(c.flops)) FLOPs, "
    if c.flopsWithoutCache > c.flops, c.flops > 0 {
      let ratio = TextLayout.fixed(Double(c.flopsWithoutCache) / Double(c.flops), 2)
      text += "\(ratio)\(style.glyphs.times) fewer than without a cache "
      text += "(\(TextLayout.metric(c.flopsWithoutCache))); "
    } else {
      text += "as many as without a cache; "
    }
    return switch trace.header.policy.kind {
    case .int8:
      text + "cache " + Int8Summary.held(c.cacheBytes, config: trace.header.model, style: style)
    case .none, .full, .window, .paged: text + "cache \(TextLayout.bytes(c.cacheBytes))"
    }
  }

  /// "next token 'sit' (p 0.04); runners-up 'game' 0.03, …"
  /// ``choice(_:style:)`` wrapped to `width`: a line breaks between runners-up,
  /// never inside one, so a line cut short never ends in a token without its
  /// probability.
  static func choiceLines(_ token: TokenEvent, width: Int, style: RenderStyle) -> [String] {
    // A control character: no label holds one (labels name them), and it takes one column
    // as the space it stands for does.
    let glue: Character = "\u{1F}"
    return TextLayout.wrap(choice(token, style: style, glue: glue), width: width, indent: "  ")
      .map { String(decoding: $0.utf8.map { $0 == 0x1F ? UInt8(ascii: " ") : $0 }, as: UTF8.self) }
  }

  static func choice(_ token: TokenEvent, style: RenderStyle, glue: Character = " ") -> String {
    let chosen = TextLayout.quoted(token.chosen.text, unicode: style.unicode)
    var text = "next: \(chosen) at position \(token.position) (p "
    text += TextLayout.fixed(Double(token.chosen.probability), 2) + ")"
    let others = token.candidates.filter { $0.token != token.chosen.token }.prefix(3)
    if !others.isEmpty {
      text += "; runners-up" + String(glue)
      text += others.map {
        TextLayout.quoted($0.text, unicode: style.unicode) + String(glue)
          + TextLayout.fixed(Double($0.probability), 2)
      }.joined(separator: ", ")
    }
    return text
  }
}
