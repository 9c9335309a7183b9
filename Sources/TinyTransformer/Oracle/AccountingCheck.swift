import KVTrace

/// The oracle's one checking core: walks a trace's steps and collects every way its events
/// break a promise.
///
/// Each architecture's walk (decoder-only, two prompts with a shared prefix,
/// encoder-decoder) asks a ``PolicyRules`` what a step must hold and hands it here; the
/// checks themselves (rows against the rule, counters against the rows, int8's bytes and
/// rounding, the block table) are written once, in this file.
struct AccountingCheck {
  /// The trace under check.
  let trace: Trace
  /// Every problem found so far, in the order found.
  private(set) var problems: [String] = []
  /// Each sequence's block table after its latest step (paged caches).
  private var tables: [Int: [Int]] = [:]

  init(_ trace: Trace) { self.trace = trace }

  /// Records a problem.
  mutating func report(_ problem: String) { problems.append(problem) }

  /// `full step 3`, or `paged:4 sequence 1 step 0` for a two-prompt run.
  func label(_ record: StepRecord) -> String {
    let sequence = trace.header.secondPrompt == nil ? "" : " sequence \(record.sequence)"
    return "\(trace.header.policy.name)\(sequence) step \(record.step)"
  }

  /// Checks the rows of `kind` in every layer and KV head of `record` against `expected`;
  /// `nil` means the step must have no rows of that kind.
  mutating func checkRows(_ record: StepRecord, _ kind: AttentionKind, _ expected: ExpectedRows?) {
    let config = trace.header.model
    let kindLabel = trace.header.architecture == .decoder ? "" : " \(kind)"
    for layer in 0..<config.layers {
      for kvHead in 0..<config.kvHeads {
        let rows = record.rows(layer: layer, kvHead: kvHead, kind: kind)
        let at = "layer \(layer) KV head \(kvHead)\(kindLabel)"
        switch (rows, expected) {
        case (nil, nil): break
        case (.some, nil):
          report("\(label(record)) \(at): a \(record.began.phase) step has no \(kind) rows")
        case (nil, .some): report("\(label(record)): no rows for \(at)")
        case (.some(let rows), .some(let expected)):
          if let problem = expected.mismatch(rows, "\(label(record)) \(at)") { report(problem) }
        }
      }
    }
  }

  /// Checks that a step's counters add up its rows events, cross rows counted apart too.
  mutating func checkCounters(_ record: StepRecord) {
    guard let counters = record.counters else { return }
    func total(_ rows: [RowsEvent], _ part: KeyPath<RowsEvent, PositionSet>) -> Int {
      rows.reduce(0) { $0 + $1[keyPath: part].count }
    }
    let cross = record.rows.filter { $0.kind == .cross }
    let agree =
      counters.rowsComputed == total(record.rows, \.fresh)
      && counters.rowsReused == total(record.rows, \.reused)
      && counters.crossRowsComputed == total(cross, \.fresh)
      && counters.crossRowsReused == total(cross, \.reused)
    if !agree { report("\(label(record)): counters disagree with the rows events") }
  }

  /// An int8 step's extra promises: every fresh row has its scales and errors, each error
  /// within half its scale, and the cache holds exactly `(headSize + 4)` bytes per K and
  /// per V row it holds.
  mutating func checkQuantization(_ record: StepRecord) {
    let config = trace.header.model
    let rowsHeld = record.rows.reduce(0) { $0 + $1.fresh.count + $1.reused.count }
    let bytes = rowsHeld * 2 * (config.headSize + MemoryLayout<Float>.size)
    if let held = record.counters?.cacheBytes, held != bytes {
      report(
        "\(label(record)): the cache holds \(held) bytes, expected \(rowsHeld) rows "
          + "× 2 × (\(config.headSize) + 4) = \(bytes)")
    }
    for rows in record.rows {
      let at = "\(label(record)) layer \(rows.layer) KV head \(rows.kvHead)"
      let rounded = record.quantization.first { $0.layer == rows.layer && $0.kvHead == rows.kvHead }
      guard let rounded, rounded.positions == rows.fresh else {
        report("\(at): the fresh rows have no matching quantization event")
        continue
      }
      let pairs = zip(
        rounded.keyErrors + rounded.valueErrors, rounded.keyScales + rounded.valueScales)
      if pairs.contains(where: { error, scale in error > scale / 2 * 1.0001 }) {
        report("\(at): a rounding error is more than half its row's scale")
      }
    }
  }

  /// Checks a paged step's one blocks event: `ceil(n / B)` different blocks for its `n`
  /// positions. Returns the event, or `nil` when the step does not have exactly one.
  mutating func checkBlockTable(_ record: StepRecord, blockSize b: Int) -> BlocksEvent? {
    guard record.blocks.count == 1, let blocks = record.blocks.first else {
      report("\(label(record)): \(record.blocks.count) blocks events, not 1")
      return nil
    }
    let n = record.began.sequenceLength
    let expected = (n + b - 1) / b
    if blocks.table.count != expected || Set(blocks.table).count != blocks.table.count {
      report(
        "\(label(record)): table \(blocks.table) for \(n) positions; expected \(expected) "
          + "different blocks")
    }
    return blocks
  }

  /// Checks that a paged step appended exactly the blocks its new positions opened, moved
  /// no earlier entry, and holds the bytes of its whole blocks.
  mutating func checkBlockGrowth(_ record: StepRecord, _ blocks: BlocksEvent) {
    let config = trace.header.model
    let previous = tables[record.sequence] ?? []
    tables[record.sequence] = blocks.table
    if Array(blocks.table.prefix(previous.count)) != previous
      || blocks.allocated != Array(blocks.table.dropFirst(previous.count))
    {
      report(
        "\(label(record)): allocated \(blocks.allocated), table \(blocks.table) after "
          + "\(previous); a step appends exactly the blocks its new positions open")
    }
    let bytesPerBlock = blocks.blockSize * 2 * config.layers * config.kvDim * 4
    if blocks.blocksInUse != blocks.table.count
      || record.counters?.cacheBytes != blocks.blocksInUse * bytesPerBlock
    {
      report(
        "\(label(record)): \(blocks.blocksInUse) blocks in use and "
          + "\(record.counters?.cacheBytes ?? 0) bytes; expected \(blocks.table.count) blocks, "
          + "\(blocks.table.count * bytesPerBlock) bytes")
    }
  }

  /// Checks that no cross row of `record` lies beyond the source; returns how many cross
  /// rows the step computed.
  mutating func checkCrossRows(_ record: StepRecord, sourceLength: Int) -> Int {
    var computed = 0
    for rows in record.rows where rows.kind == .cross {
      computed += rows.fresh.count
      if !PositionSet(ranges: rows.fresh.ranges + rows.reused.ranges).allSatisfy({
        $0 < sourceLength
      }) {
        report(
          "\(label(record)) layer \(rows.layer) KV head \(rows.kvHead) cross: a cross row "
            + "beyond the source length \(sourceLength)")
      }
    }
    return computed
  }
}
