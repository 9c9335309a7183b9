import KVTrace
import Testing

@testable import TinyTransformer

/// Two prompts decoded together over one pool of paged blocks: their common prefix
/// is computed once and shared, the block where they part is copied, and each
/// sequence decodes exactly as its prompt alone.
@Suite struct SharedPrefixTests {
  static let pangram = "The quick brown fox jumps over the lazy dog."
  static let cat = "The quick brown fox jumps over a cat."

  static func pair(
    _ first: String = pangram, _ second: String = cat, steps: Int = 6, blockSize: Int = 4,
    seed: UInt64 = 0, config: ModelConfig? = nil
  ) throws -> SharedPrefixReport {
    let model = try TinyTransformer(
      config: config ?? .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: seed)
    return try Oracle.checkSharedPrefix(
      model: model, promptTokens: model.tokenizer.encode(first),
      secondPromptTokens: model.tokenizer.encode(second), promptTexts: (first, second),
      steps: steps, blockSize: blockSize)
  }

  @Test(.tags(.unit)) func theDemoPairSharesSixPositions() throws {
    let tokens = Tokenizer.demo.encode(Self.cat)
    #expect(tokens.count == 9)
    #expect(
      TinyTransformer.sharedPrefixLength(Tokenizer.demo.encode(Self.pangram), tokens) == 6)
    // The common prefix never includes a prompt's last token.
    #expect(TinyTransformer.sharedPrefixLength([1, 2, 3], [1, 2, 3]) == 2)
    #expect(TinyTransformer.sharedPrefixLength([1, 2, 3], [1, 2]) == 1)
    #expect(TinyTransformer.sharedPrefixLength([5], [1, 2]) == 0)
  }

  /// The oracle: each sequence's tokens and logits are those of its prompt alone.
  @Test(.tags(.oracle), arguments: [1, 2, 3, 4, 7, 64])
  func eachSequenceDecodesAsItsPromptAlone(_ blockSize: Int) throws {
    for (first, second) in [
      (Self.pangram, Self.cat), (Self.cat, Self.pangram), ("The quick brown fox", Self.pangram),
      ("Once upon a time", Self.pangram),
    ] {
      let report = try Self.pair(first, second, steps: 8, blockSize: blockSize)
      #expect(report.passed, "B \(blockSize): \(report.accountingProblems.prefix(2))")
      #expect(report.firstDivergence == [nil, nil])
      #expect(report.maxLogitDifference == 0)
    }
  }

  @Test(.tags(.oracle)) func exactOnAGroupedQueryShape() throws {
    let config = ModelConfig(
      layers: 3, heads: 8, kvHeads: 2, dim: 32, mlpDim: 64, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize)
    let report = try Self.pair(steps: 12, blockSize: 3, seed: 5, config: config)
    #expect(report.passed, "\(report.accountingProblems.prefix(2))")
  }

  @Test(.tags(.oracle)) func thePrefixIsComputedOnceAndTheWorkSavedIsItsRows() throws {
    let report = try Self.pair()
    let config = report.shared.header.model
    let perPosition = config.layers * config.kvHeads
    var prefixRows = 0
    for record in report.shared.steps {
      for rows in record.rows { prefixRows += rows.fresh.filter { $0 < 6 }.count }
    }
    #expect(prefixRows == 6 * perPosition)  // once: by sequence 0
    #expect(report.rowsComputedAlone - report.rowsComputed == 6 * perPosition)
    #expect(report.accountingProblems.isEmpty, "\(report.accountingProblems)")
  }

  @Test(.tags(.oracle)) func copyOnWriteHappensAtTheFirstDifferingBlock() throws {
    let report = try Self.pair(blockSize: 4)
    let steps = report.shared.steps
    let first = try #require(steps.first { $0.sequence == 0 }?.blocks.first)
    let second = try #require(steps.first { $0.sequence == 1 }?.blocks.first)
    #expect(first.table.count == 3)  // 10 positions in blocks of 4
    #expect(second.table.count == 3)  // 9 positions
    #expect(second.table[0] == first.table[0])  // positions 0-3: one block, held twice
    #expect(second.references == [2, 1, 1])
    // Positions 4-5 are common but share block 1 with 6-7, which differ: copied.
    #expect(second.copy == BlockCopy(from: first.table[1], to: second.table[1], positions: 4..<6))
    #expect(second.allocated == [second.table[1], second.table[2]])
    #expect(Set(second.table[1...]).isDisjoint(with: first.table))
    // A prefix that ends on a block boundary copies nothing.
    let aligned = try Self.pair(blockSize: 3)
    let third = try #require(aligned.shared.steps.first { $0.sequence == 1 }?.blocks.first)
    #expect(third.copy == nil)
    #expect(third.references.prefix(2) == [2, 2])
    // Later steps copy nothing.
    for record in report.shared.steps where record.step > 0 {
      #expect(record.blocks.first?.copy == nil)
    }
  }

  @Test(.tags(.oracle)) func sharedRowsAreMarkedInTheRowsEvents() throws {
    let report = try Self.pair()
    for record in report.shared.steps {
      for rows in record.rows {
        #expect(rows.shared == (record.sequence == 1 ? PositionSet(0..<6) : PositionSet()))
        #expect(rows.shared.allSatisfy { rows.reused.contains($0) })
      }
    }
  }

  @Test(.tags(.oracle)) func theOracleCatchesASecondComputationOfThePrefix() throws {
    var trace = try Self.pair(steps: 1).shared
    for index in trace.events.indices {
      guard case .rows(var rows) = trace.events[index], rows.sequence == 1, rows.step == 0 else {
        continue
      }
      rows.fresh = PositionSet(0..<9)
      rows.reused = PositionSet()
      rows.shared = PositionSet()
      trace.events[index] = .rows(rows)
    }
    let problems = Oracle.sharedPrefixAccountingProblems(trace)
    #expect(problems.contains { $0.contains("computed 96 times") }, "\(problems)")
  }

  @Test(.tags(.unit)) func theSharedTraceRoundTrips() throws {
    for detail in TraceDetail.allCases {
      let model = TinyTransformer.demo()
      var log = TraceLog(detail: detail)
      _ = try model.generate(
        promptTokens: model.tokenizer.encode(Self.pangram),
        secondPromptTokens: model.tokenizer.encode(Self.cat), steps: 3, recorder: &log)
      let trace = try #require(log.trace)
      for format in TraceFileFormat.allCases {
        let bytes = TraceEncoder.encode(trace, as: format)
        let decoded = try TraceDecoder.decode(bytes)
        #expect(decoded == trace)
        #expect(TraceEncoder.encode(decoded, as: format) == bytes)
      }
    }
  }
}
