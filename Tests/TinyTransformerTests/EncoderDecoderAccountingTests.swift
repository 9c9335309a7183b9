import KVTrace
import Testing

@testable import TinyTransformer

/// The encoder-decoder accounting rules catch a trace that breaks them: each
/// test takes a correct trace, breaks one promise, and expects the oracle to say so.
@Suite(.tags(.unit)) struct EncoderDecoderAccountingTests {
  static func trace(mode: CrossAttentionMode = .once) throws -> Trace {
    let model = try EncoderDecoderTransformer(
      config: ModelConfig(
        layers: 2, heads: 2, kvHeads: 1, dim: 8, mlpDim: 8, contextLength: 16,
        vocabularySize: Tokenizer.demo.vocabularySize), seed: 1)
    var log = TraceLog(detail: .summary)
    _ = try model.generate(
      source: "summarize: the cat", steps: 4, crossAttention: mode, recorder: &log)
    return try #require(log.trace)
  }

  /// `trace` with `change` applied to every rows event it returns non-nil for.
  static func editingRows(_ trace: Trace, _ change: (RowsEvent) -> RowsEvent?) -> Trace {
    var copy = trace
    copy.events = trace.events.map { event in
      guard case .rows(let rows) = event, let changed = change(rows) else { return event }
      return .rows(changed)
    }
    return copy
  }

  @Test(arguments: CrossAttentionMode.allCases)
  func aCorrectTraceHasNoProblems(mode: CrossAttentionMode) throws {
    #expect(Oracle.accountingProblems(try Self.trace(mode: mode)).isEmpty)
  }

  @Test func crossRowsProjectedAgainUnderOnceAreCaught() throws {
    let trace = try Self.trace()
    let once = trace.sourceTokens.count * 2  // source positions × 2 layers × 1 KV head
    let broken = Self.editingRows(trace) { rows in
      guard rows.kind == .cross, rows.step == 3 else { return nil }
      var again = rows
      (again.fresh, again.reused) = (rows.reused, rows.fresh)
      return again
    }
    let problems = Oracle.accountingProblems(broken)
    #expect(problems.contains { $0.contains("step 3 layer 0 KV head 0 cross: fresh") })
    #expect(
      problems.contains {
        $0.contains("computed \(2 * once) cross rows in all; expected exactly \(once)")
      })
    #expect(problems.contains { $0.contains("counters disagree") })
  }

  @Test func crossRowsThatGrowAreCaught() throws {
    let trace = try Self.trace()
    let length = trace.sourceTokens.count
    let broken = Self.editingRows(trace) { rows in
      guard rows.kind == .cross, rows.step == 2 else { return nil }
      var grown = rows
      grown.reused.insert(rows.reused.count)  // one row past the source
      return grown
    }
    let problems = Oracle.accountingProblems(broken)
    #expect(problems.contains { $0.contains("a cross row beyond the source length \(length)") })
  }

  @Test func aSecondEncoderRunIsCaught() throws {
    let trace = try Self.trace()
    var broken = trace
    broken.events = trace.events.map { event in
      guard case .stepBegan(var began) = event, began.step == 2 else { return event }
      began.phase = .encode
      return .stepBegan(began)
    }
    let problems = Oracle.accountingProblems(broken)
    #expect(problems.contains("the encoder ran at steps [0, 2]; it must run once, at step 0"))
  }

  @Test func recomputedCrossRowsCountedAsReusedAreCaught() throws {
    let broken = Self.editingRows(try Self.trace(mode: .recompute)) { rows in
      guard rows.kind == .cross, rows.step == 4 else { return nil }
      var reused = rows
      (reused.fresh, reused.reused) = (PositionSet(), rows.fresh)
      return reused
    }
    #expect(!Oracle.accountingProblems(broken).isEmpty)
  }
}
