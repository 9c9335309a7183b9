import KVTrace

extension Oracle {
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
  /// At every step the counters add up the rows events.
  ///
  /// `paged:B` keeps its rows as `full` does, and its blocks as
  /// ``pagedAccountingProblems(_:blockSize:)`` says.
  ///
  /// An encoder-decoder trace is held to its own rules; see
  /// ``encoderDecoderAccountingProblems(_:)``. A trace of two prompts is held to the rules
  /// of prefix sharing; see ``sharedPrefixAccountingProblems(_:)``.
  public static func accountingProblems(_ trace: Trace) -> [String] {
    guard trace.header.architecture == .decoder else {
      return encoderDecoderAccountingProblems(trace)
    }
    guard trace.header.secondPrompt == nil else { return sharedPrefixAccountingProblems(trace) }
    let kind = trace.header.policy.kind
    let rules = PolicyRules(kind)
    var check = AccountingCheck(trace)
    for record in trace.steps {
      let expected = rules.expected(first: record.step == 0, length: record.began.sequenceLength)
      check.checkRows(record, .self, expected)
      check.checkCounters(record)
      if rules.quantizes { check.checkQuantization(record) }
      if let blockSize = rules.blockSize,
        let blocks = check.checkBlockTable(record, blockSize: blockSize)
      {
        check.checkBlockGrowth(record, blocks)
      }
    }
    return check.problems
  }

  /// The ways a paged trace's blocks differ from what `paged:B` promises.
  ///
  /// After every step the sequence of `n` positions holds exactly `ceil(n / B)`
  /// blocks, each a different physical block; a step allocates exactly the blocks
  /// its new positions opened (one when the newest position is the first of its
  /// block, none otherwise), appended to the table; the earlier entries never move;
  /// and the cache's bytes are the whole blocks it holds.
  public static func pagedAccountingProblems(_ trace: Trace, blockSize b: Int) -> [String] {
    var check = AccountingCheck(trace)
    for record in trace.steps {
      if let blocks = check.checkBlockTable(record, blockSize: b) {
        check.checkBlockGrowth(record, blocks)
      }
    }
    return check.problems
  }
}
