import KVTrace

/// The verdict on two prompts decoded together with a shared prefix, against each
/// decoded alone with a full cache.
public struct SharedPrefixReport: Sendable {
  /// The run of both prompts over one pool of paged blocks.
  public var shared: Trace
  /// Each prompt decoded alone with ``FullCache``.
  public var alone: [Trace]
  /// For each sequence, the first step whose token differs from its solo run, or `nil`.
  public var firstDivergence: [Int?]
  /// The largest |Δlogit| between a sequence and its solo run, over both.
  public var maxLogitDifference: Float
  /// How many leading positions the two sequences share.
  public var sharedPositions: Int
  /// K/V rows the shared run computed, both sequences together.
  public var rowsComputed: Int
  /// K/V rows the two solo runs computed together.
  public var rowsComputedAlone: Int
  /// Every way the shared run broke the rules of sharing; empty when all is right.
  public var accountingProblems: [String]

  /// Same tokens and logits as decoding each prompt alone, and the sharing kept its rules.
  public var passed: Bool {
    firstDivergence.allSatisfy { $0 == nil } && maxLogitDifference <= OracleReport.tolerance
      && accountingProblems.isEmpty
  }
}

extension Oracle {
  /// Decodes two prompts together, sharing their common prefix, and each alone with
  /// a full cache, and compares: sharing must change the work, not the result.
  ///
  /// - Throws: ``DecodeError`` if a prompt cannot be decoded.
  public static func checkSharedPrefix(
    model: TinyTransformer, promptTokens first: [Int], secondPromptTokens second: [Int],
    promptTexts: (String, String)? = nil, steps: Int, blockSize: Int = 4,
    sampling: Sampling = .greedy, detail: TraceDetail = .summary
  ) throws(DecodeError) -> SharedPrefixReport {
    var sharedLog = TraceLog(detail: detail)
    let together = try model.generate(
      promptTokens: first, secondPromptTokens: second, promptTexts: promptTexts, steps: steps,
      blockSize: blockSize, sampling: sampling, collectLogits: true, recorder: &sharedLog)
    var alone: [Trace] = []
    var divergence: [Int?] = []
    var maxDifference: Float = 0
    for (index, prompt) in [first, second].enumerated() {
      var log = TraceLog(detail: detail)
      let text = promptTexts.map { index == 0 ? $0.0 : $0.1 }
      let solo = try model.generate(
        promptTokens: prompt, promptText: text, steps: steps, policy: FullCache(),
        sampling: sampling, collectLogits: true, recorder: &log)
      guard let trace = log.trace else { throw .emptyPrompt }
      alone.append(trace)
      divergence.append(firstDivergence(solo, together[index]))
      maxDifference = max(maxDifference, maxLogitDifference(solo, together[index]))
    }
    guard let trace = sharedLog.trace else { throw .emptyPrompt }
    func computed(_ t: Trace) -> Int {
      t.steps.reduce(0) { $0 + ($1.counters?.rowsComputed ?? 0) }
    }
    return SharedPrefixReport(
      shared: trace, alone: alone, firstDivergence: divergence,
      maxLogitDifference: maxDifference,
      sharedPositions: TinyTransformer.sharedPrefixLength(first, second),
      rowsComputed: computed(trace), rowsComputedAlone: alone.reduce(0) { $0 + computed($1) },
      accountingProblems: sharedPrefixAccountingProblems(trace))
  }

  /// The ways a two-prompt trace breaks the rules of prefix sharing.
  ///
  /// Sequence 0 computes its prompt at the prefill; sequence 1 computes only its
  /// positions after the shared prefix and reuses the prefix's rows, marked shared.
  /// Every later step computes one new row per layer and KV head in each sequence.
  /// Each sequence holds `ceil(n / B)` blocks; sequence 1's first `c / B` blocks are
  /// sequence 0's, held twice; the block where the prompts part is copied exactly
  /// when the prefix ends inside it. So the prefix's rows are computed exactly once.
  /// At every step the counters add up the rows events.
  public static func sharedPrefixAccountingProblems(_ trace: Trace) -> [String] {
    guard let second = trace.header.secondPrompt else { return ["the trace has one prompt"] }
    let kind = trace.header.policy.kind
    let rules = PolicyRules(kind)
    guard let blockSize = rules.blockSize else {
      return ["\(kind.name): two prompts share a prefix only in a paged cache"]
    }
    let config = trace.header.model
    let c = TinyTransformer.sharedPrefixLength(
      trace.header.promptTokens.map(\.id), second.tokens.map(\.id))
    var check = AccountingCheck(trace)
    var firstTable: [Int] = []
    var prefixComputed = 0
    for record in trace.steps {
      let expected = rules.expected(
        first: record.step == 0, length: record.began.sequenceLength,
        sharedPrefix: record.sequence == 1 ? c : 0)
      check.checkRows(record, .self, expected)
      check.checkCounters(record)
      prefixComputed += record.rows.reduce(0) { $0 + $1.fresh.filter { $0 < c }.count }
      guard let blocks = check.checkBlockTable(record, blockSize: blockSize) else { continue }
      if record.sequence == 0, record.step == 0 { firstTable = blocks.table }
      if record.sequence == 1, record.step == 0 {
        checkSharing(blocks, of: firstTable, prefix: c, label: check.label(record), &check)
      }
    }
    if prefixComputed != c * config.layers * config.kvHeads {
      check.report(
        "the shared prefix's rows were computed \(prefixComputed) times over layers and KV "
          + "heads, not once each (\(c * config.layers * config.kvHeads))")
    }
    return check.problems
  }

  /// Checks that the second sequence's first table holds the first one's whole prefix
  /// blocks, each referenced twice, and copied the block where the prompts part.
  private static func checkSharing(
    _ blocks: BlocksEvent, of firstTable: [Int], prefix c: Int, label: String,
    _ check: inout AccountingCheck
  ) {
    let b = blocks.blockSize
    let whole = c / b
    if Array(blocks.table.prefix(whole)) != Array(firstTable.prefix(whole))
      || blocks.references.prefix(whole).contains(where: { $0 != 2 })
    {
      check.report("\(label): the \(whole) whole prefix blocks are not shared twice")
    }
    let expectedCopy =
      c % b == 0 || whole >= firstTable.count
      ? nil
      : BlockCopy(from: firstTable[whole], to: blocks.table[whole], positions: (whole * b)..<c)
    if blocks.copy != expectedCopy {
      check.report(
        "\(label): copy \(String(describing: blocks.copy)), expected "
          + "\(String(describing: expectedCopy))")
    }
  }
}
