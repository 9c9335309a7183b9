import KVTrace
import Testing
import TinyTransformer

/// Sliding windows and attention sinks: what they hold, what they evict, and that
/// they are approximate (they may change the tokens) while keeping their accounting.
@Suite struct WindowPolicyTests {
  static let pangram = "The quick brown fox jumps over the lazy dog."

  static func trace(_ policy: some CachePolicy, steps: Int = 12) throws -> Trace {
    let model = try TinyTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
    var log = TraceLog(detail: .full)
    _ = try model.generate(prompt: pangram, steps: steps, policy: policy, recorder: &log)
    return try #require(log.trace)
  }

  /// The rows a layer and KV head hold after the step: computed or reused, not evicted.
  static func held(_ rows: RowsEvent) -> Set<Int> {
    Set(rows.fresh).union(rows.reused).subtracting(rows.evicted)
  }

  @Test(.tags(.unit)) func windowHoldsAtMostNRowsAndEvictsOnePerStepOnceFull() throws {
    let trace = try Self.trace(SlidingWindow(window: 4))
    let config = trace.header.model
    for record in trace.steps {
      #expect(record.rows.count == config.layers * config.kvHeads)
      for rows in record.rows {
        let held = Self.held(rows)
        #expect(held.count == 4, "step \(record.step)")
        #expect(held == Set((record.began.sequenceLength - 4)..<record.began.sequenceLength))
        if record.step > 0 {
          #expect(rows.evicted == PositionSet([record.began.sequenceLength - 5]))
          #expect(rows.fresh == PositionSet([record.began.sequenceLength - 1]))
        } else {
          #expect(rows.evicted == PositionSet(0..<6))  // 10 prompt tokens, 4 kept
          #expect(rows.fresh == PositionSet(0..<10))  // every prompt token was computed (M6)
        }
      }
      let bytesPerRow = 2 * config.kvDim * MemoryLayout<Float>.size
      #expect(record.counters?.cacheBytes == 4 * config.layers * bytesPerRow)
    }
  }

  @Test(.tags(.unit)) func queriesReadOnlyTheHeldRows() throws {
    let trace = try Self.trace(SlidingWindow(sinks: 2, window: 4))
    for record in trace.steps {
      let n = record.began.sequenceLength
      let last = try #require(record.newestAttention(layer: 1, head: 3))
      #expect(last.keys == PositionSet(ranges: [0..<2, (n - 4)..<n]))
      let weights = try #require(last.weights)
      #expect(weights.count == 6)
      #expect(abs(weights.reduce(0, +) - 1) < 1e-5)
    }
  }

  @Test(.tags(.unit)) func sinksAreNeverEvicted() throws {
    let trace = try Self.trace(SlidingWindow(sinks: 2, window: 4))
    for record in trace.steps {
      for rows in record.rows {
        #expect(!rows.evicted.contains(0) && !rows.evicted.contains(1))
        #expect(Self.held(rows).isSuperset(of: [0, 1]))
        #expect(Self.held(rows).count == 6)
      }
    }
    #expect(trace.header.policy.pinnedPositions == 2)
    #expect(trace.steps[3].source(of: 0, layer: 0, kvHead: 0) == .reused)
    #expect(trace.steps[3].source(of: 8, layer: 0, kvHead: 0) == .evicted)
    #expect(trace.steps[3].source(of: 7, layer: 0, kvHead: 0) == .notCached)
  }

  @Test(.tags(.oracle)) func windowsKeepTheirAccountingButDifferFromFull() throws {
    let model = try TinyTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
    let tokens = model.tokenizer.encode(Self.pangram)
    // The window alone parts from full at the first decode step's token; the sinks hold it one
    // step longer.
    for (policy, divergence) in [
      (SlidingWindow(window: 4), 1), (SlidingWindow(sinks: 2, window: 4), 2),
    ] {
      let report = try Oracle.check(
        model: model, promptTokens: tokens, steps: 20, policy: policy, against: FullCache())
      #expect(report.accountingProblems.isEmpty, "\(report.accountingProblems)")
      #expect(report.approximate)
      #expect(report.asExpected)
      #expect(!report.passed)  // the window forgets rows the query would have read
      #expect(report.firstDivergence == divergence)
      #expect(report.maxLogitDifference > 1)
    }
  }

  @Test(.tags(.oracle)) func aWindowAsLongAsTheSequenceIsExactInEffect() throws {
    let model = try TinyTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
    let tokens = model.tokenizer.encode(Self.pangram)
    let report = try Oracle.check(
      model: model, promptTokens: tokens, steps: 6, policy: SlidingWindow(window: 16))
    #expect(report.tokensMatch)
    #expect(report.maxLogitDifference <= OracleReport.tolerance)
    #expect(report.accountingProblems.isEmpty)
  }

  @Test(.tags(.unit)) func theOracleCatchesAWindowThatBreaksItsAccounting() throws {
    var trace = try Self.trace(SlidingWindow(window: 4), steps: 2)
    for index in trace.events.indices {
      if case .rows(var rows) = trace.events[index], rows.step == 1 {
        rows.evicted = PositionSet()
        trace.events[index] = .rows(rows)
      }
    }
    #expect(!Oracle.accountingProblems(trace).isEmpty)
  }

  @Test(.tags(.unit)) func namesParseAndBadOnesSayWhy() throws {
    #expect(try CachePolicies.parse("window:4") as? SlidingWindow == SlidingWindow(window: 4))
    #expect(
      try CachePolicies.parse("sinks:2,window:8") as? SlidingWindow
        == SlidingWindow(sinks: 2, window: 8))
    #expect(CachePolicies.named("window:4")?.info.name == "window:4")
    #expect(CachePolicies.named("sinks:2,window:8")?.info.exact == false)
    for bad in [
      "window", "window:0", "window:x", "sinks:2", "window:4,sinks:2", "sinks:-1,window:4",
    ] {
      #expect(throws: CachePolicyError.self) { try CachePolicies.parse(bad) }
    }
    #expect(throws: CachePolicyError.badNumber("window:0", part: "window", value: "0")) {
      try CachePolicies.parse("window:0")
    }
  }
}
