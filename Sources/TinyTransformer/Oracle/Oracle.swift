import KVTrace

/// The verdict of decoding the same prompt without a cache and with one.
public struct OracleReport: Sendable {
  /// The largest |Δlogit| the oracle accepts: float rounding, nothing more.
  public static let tolerance: Float = 1e-4

  /// The reference run (``NoCache`` unless another policy was asked for).
  public var reference: Trace
  /// The run with the cache under test.
  public var cached: Trace
  /// The first step at which the chosen tokens differ, or `nil` if they never do.
  public var firstDivergence: Int?
  /// The largest absolute difference between the two runs' logits, over all steps.
  public var maxLogitDifference: Float
  /// Every way a run's rows broke its policy's accounting; empty when all is right.
  public var accountingProblems: [String]

  /// Whether the tokens agree at every step.
  public var tokensMatch: Bool { firstDivergence == nil }
  /// Whether the cache passed: same tokens, logits within tolerance, rows as promised.
  public var passed: Bool {
    tokensMatch && maxLogitDifference <= Self.tolerance && accountingProblems.isEmpty
  }
  /// Whether either run's policy is approximate, so the two may rightly differ (M15).
  public var approximate: Bool { !reference.header.policy.exact || !cached.header.policy.exact }
  /// Whether the comparison is as it should be: an exact pair must pass; an
  /// approximate one may differ in tokens and logits, but must keep its accounting.
  public var asExpected: Bool { approximate ? accountingProblems.isEmpty : passed }
}

/// Checks that caching changes nothing but the work done.
///
/// With greedy decoding, a correct KV cache gives the same tokens as recomputing
/// everything, and logits equal up to float rounding. A difference is a bug: a
/// wrong position offset, a mask, an index. The oracle also checks each run's
/// row accounting against what its policy promises, using the events the model
/// emitted, so the trace is tested along with the tokens.
public enum Oracle {
  /// Decodes `prompt` with ``NoCache`` and with `policy`, and compares.
  ///
  /// - Parameters:
  ///   - model: The model to run twice.
  ///   - promptTokens: The prompt, already tokenized.
  ///   - promptText: The prompt's text for the trace headers.
  ///   - steps: Decode steps after the prefill.
  ///   - policy: The cache under test (``FullCache`` by default).
  ///   - reference: The cache it is compared against (``NoCache`` by default).
  ///   - sampling: How tokens are chosen (both runs draw the same seeded stream).
  ///   - detail: What the two traces record.
  /// - Throws: ``DecodeError`` if the prompt cannot be decoded.
  public static func check(
    model: TinyTransformer, promptTokens: [Int], promptText: String? = nil, steps: Int,
    policy: some CachePolicy = FullCache(), against reference: any CachePolicy = NoCache(),
    sampling: Sampling = .greedy, detail: TraceDetail = .summary
  ) throws(DecodeError) -> OracleReport {
    var referenceLog = TraceLog(detail: detail)
    var cachedLog = TraceLog(detail: detail)
    let reference = try model.generate(
      promptTokens: promptTokens, promptText: promptText, steps: steps, policy: reference,
      sampling: sampling, collectLogits: true, recorder: &referenceLog)
    let cached = try model.generate(
      promptTokens: promptTokens, promptText: promptText, steps: steps, policy: policy,
      sampling: sampling, collectLogits: true, recorder: &cachedLog)
    return try compare(reference, referenceLog, cached, cachedLog)
  }

  /// The report on two runs of the same input: the reference and the cache under test.
  static func compare(
    _ reference: Generation, _ referenceLog: TraceLog, _ cached: Generation,
    _ cachedLog: TraceLog
  ) throws(DecodeError) -> OracleReport {
    // Both logs began, so both traces exist.
    guard let referenceTrace = referenceLog.trace, let cachedTrace = cachedLog.trace else {
      throw .emptyPrompt
    }
    return OracleReport(
      reference: referenceTrace, cached: cachedTrace,
      firstDivergence: firstDivergence(reference, cached),
      maxLogitDifference: maxLogitDifference(reference, cached),
      accountingProblems: accountingProblems(referenceTrace) + accountingProblems(cachedTrace))
  }

  /// The first step whose token differs between two runs of the same input, or `nil`.
  static func firstDivergence(_ a: Generation, _ b: Generation) -> Int? {
    zip(a.tokens, b.tokens).enumerated().first { $1.0 != $1.1 }?.offset
  }

  /// The largest |Δlogit| between two runs' collected logits, over every step.
  static func maxLogitDifference(_ a: Generation, _ b: Generation) -> Float {
    var largest: Float = 0
    for (x, y) in zip(a.logits, b.logits) {
      for (u, v) in zip(x, y) { largest = max(largest, abs(u - v)) }
    }
    return largest
  }

  /// The ways a trace's rows differ from what its policy promises.
  ///
  /// `none`: at every step all `n` rows of the sequence are fresh in every layer
  /// and KV head. `full`: the prefill computes the prompt's rows; each decode step
  /// computes exactly one new row per layer and KV head and reuses all earlier ones;
  /// `int8` the same, plus its bytes (rows × 2 × (headSize + 4)) and a quantization
  /// entry, each error within half its scale, for every fresh row.
  /// A window (``SlidingWindow``): the prefill computes every prompt row and evicts
  /// all but the sinks and the last N; each decode step computes one row, reuses
  /// the rest of what it holds, and evicts the one row that slid out of the window.
  ///
  /// `paged:B` keeps its rows as `full` does, and its blocks as
  /// ``pagedAccountingProblems(_:blockSize:)`` says.
  ///
  /// An encoder-decoder trace is held to its own rules; see
  /// ``encoderDecoderAccountingProblems(_:)``.
  public static func accountingProblems(_ trace: Trace) -> [String] {
    guard trace.header.architecture == .decoder else {
      return encoderDecoderAccountingProblems(trace)
    }
    let config = trace.header.model
    let policy = trace.header.policy.name
    let window = (try? CachePolicies.parse(policy)) as? SlidingWindow
    var problems: [String] = []
    if let paged = (try? CachePolicies.parse(policy)) as? PagedCache {
      problems += pagedAccountingProblems(trace, blockSize: paged.blockSize)
    }
    for record in trace.steps {
      let n = record.began.sequenceLength
      guard
        let (expectedFresh, expectedReused, expectedEvicted) = expectedRows(
          policy, window, step: record.step, length: n)
      else { continue }
      var computed = 0
      var reused = 0
      for layer in 0..<config.layers {
        for kvHead in 0..<config.kvHeads {
          guard let rows = record.rows(layer: layer, kvHead: kvHead) else {
            problems.append(
              "\(policy) step \(record.step): no rows for layer \(layer) KV head \(kvHead)")
            continue
          }
          if rows.fresh != expectedFresh || rows.reused != expectedReused
            || rows.evicted != expectedEvicted
          {
            problems.append(
              "\(policy) step \(record.step) layer \(layer) KV head \(kvHead): fresh "
                + "\(Array(rows.fresh)) reused \(Array(rows.reused)) evicted "
                + "\(Array(rows.evicted)), expected fresh \(Array(expectedFresh)) reused "
                + "\(Array(expectedReused)) evicted \(Array(expectedEvicted))")
          }
          computed += rows.fresh.count
          reused += rows.reused.count
        }
      }
      if let counters = record.counters,
        counters.rowsComputed != computed || counters.rowsReused != reused
      {
        problems.append("\(policy) step \(record.step): counters disagree with the rows events")
      }
      if trace.header.policy.quantizesRows {
        problems += int8Problems(record, config: config, rowsHeld: computed + reused)
      }
    }
    return problems
  }

  /// An int8 step's extra promises: every fresh row has its scales and errors, each
  /// error within half its scale, and the cache holds exactly `(headSize + 4)` bytes
  /// per K and per V row.
  private static func int8Problems(_ record: StepRecord, config: ModelConfig, rowsHeld: Int)
    -> [String]
  {
    var problems: [String] = []
    let bytes = rowsHeld * 2 * (config.headSize + MemoryLayout<Float>.size)
    if let held = record.counters?.cacheBytes, held != bytes {
      problems.append(
        "int8 step \(record.step): the cache holds \(held) bytes, expected \(rowsHeld) rows "
          + "× 2 × (\(config.headSize) + 4) = \(bytes)")
    }
    for rows in record.rows {
      let rounded = record.quantization.first { $0.layer == rows.layer && $0.kvHead == rows.kvHead }
      guard let rounded, rounded.positions == rows.fresh else {
        problems.append(
          "int8 step \(record.step) layer \(rows.layer) KV head \(rows.kvHead): the fresh rows "
            + "have no matching quantization event")
        continue
      }
      let pairs = zip(
        rounded.keyErrors + rounded.valueErrors, rounded.keyScales + rounded.valueScales)
      if pairs.contains(where: { error, scale in error > scale / 2 * 1.0001 }) {
        problems.append(
          "int8 step \(record.step) layer \(rows.layer) KV head \(rows.kvHead): a rounding error "
            + "is more than half its row's scale")
      }
    }
    return problems
  }

  /// The fresh, reused and evicted rows `policy` promises at `step` for a sequence of
  /// `n` positions, or `nil` for a policy the oracle has no rule for.
  private static func expectedRows(
    _ policy: String, _ window: SlidingWindow?, step: Int, length n: Int
  ) -> (PositionSet, PositionSet, PositionSet)? {
    let all = PositionSet(0..<n)
    let newest = PositionSet((n - 1)..<n)
    switch policy {
    case "none": return (all, PositionSet(), PositionSet())
    case "full" where step == 0, "int8" where step == 0: return (all, PositionSet(), PositionSet())
    case "full", "int8": return (newest, PositionSet(0..<(n - 1)), PositionSet())
    case _ where policy.hasPrefix("paged:"):  // every row kept, as by full
      return expectedRows("full", nil, step: step, length: n)
    default: break
    }
    guard let window else { return nil }
    let held = window.held(length: n)
    if step == 0 {
      return (all, PositionSet(), PositionSet(all.filter { !held.contains($0) }))
    }
    let before = window.held(length: n - 1)
    return (
      newest, PositionSet(held.filter { $0 != n - 1 }),
      PositionSet(before.filter { !held.contains($0) })
    )
  }

  /// The ways a paged trace's blocks differ from what `paged:B` promises.
  ///
  /// After every step the sequence of `n` positions holds exactly `ceil(n / B)`
  /// blocks, each a different physical block; a step allocates exactly the blocks
  /// its new positions opened (one when the newest position is the first of its
  /// block, none otherwise), appended to the table; the earlier entries never move;
  /// and the cache's bytes are the whole blocks it holds.
  public static func pagedAccountingProblems(_ trace: Trace, blockSize b: Int) -> [String] {
    let config = trace.header.model
    let name = trace.header.policy.name
    var problems: [String] = []
    var previous: [Int] = []
    for record in trace.steps {
      let n = record.began.sequenceLength
      guard record.blocks.count == 1, let blocks = record.blocks.first else {
        problems.append("\(name) step \(record.step): \(record.blocks.count) blocks events, not 1")
        continue
      }
      let expected = (n + b - 1) / b
      if blocks.table.count != expected || Set(blocks.table).count != blocks.table.count {
        problems.append(
          "\(name) step \(record.step): table \(blocks.table) for \(n) positions; expected "
            + "\(expected) different blocks")
      }
      if Array(blocks.table.prefix(previous.count)) != previous
        || blocks.allocated != Array(blocks.table.dropFirst(previous.count))
      {
        problems.append(
          "\(name) step \(record.step): allocated \(blocks.allocated), table \(blocks.table) after "
            + "\(previous); a step appends exactly the blocks its new positions open")
      }
      let bytes = blocks.blocksInUse * b * 2 * config.layers * config.kvDim * 4
      if blocks.blocksInUse != blocks.table.count || record.counters?.cacheBytes != bytes {
        problems.append(
          "\(name) step \(record.step): \(blocks.blocksInUse) blocks in use and "
            + "\(record.counters?.cacheBytes ?? 0) bytes; expected \(blocks.table.count) blocks, "
            + "\(blocks.table.count * b * 2 * config.layers * config.kvDim * 4) bytes")
      }
      previous = blocks.table
    }
    return problems
  }
}
