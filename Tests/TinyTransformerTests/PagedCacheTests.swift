import KVTrace
import Testing

@testable import TinyTransformer

/// `paged:B`: rows in blocks from a pool, found through a block table. Exact, so the
/// oracle must see the same tokens and logits as a full cache; its blocks must be
/// exactly the ones the sequence needs, allocated exactly when a block is entered.
@Suite struct PagedCacheTests {
  static let pangram = "The quick brown fox jumps over the lazy dog."

  static func trace(
    _ policy: some CachePolicy, steps: Int = 12, config: ModelConfig? = nil
  ) throws -> Trace {
    let model = try TinyTransformer(
      config: config ?? .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
    var log = TraceLog(detail: .summary)
    _ = try model.generate(prompt: pangram, steps: steps, policy: policy, recorder: &log)
    return try #require(log.trace)
  }

  @Test(.tags(.unit), arguments: [1, 2, 3, 4, 7, 64])
  func holdsCeilLengthOverBBlocksAndAllocatesOnlyAtABoundary(_ b: Int) throws {
    let trace = try Self.trace(PagedCache(blockSize: b))
    let config = trace.header.model
    var table: [Int] = []
    for record in trace.steps {
      let n = record.began.sequenceLength
      let blocks = try #require(record.blocks.first)
      #expect(record.blocks.count == 1)
      #expect(blocks.blockSize == b)
      #expect(blocks.table.count == (n + b - 1) / b, "step \(record.step)")
      #expect(Set(blocks.table).count == blocks.table.count)  // no block twice
      #expect(Array(blocks.table.prefix(table.count)) == table)  // old blocks never move
      if record.step > 0 {
        let opensABlock = (n - 1) % b == 0  // the new position is the first of its block
        #expect(blocks.allocated.count == (opensABlock ? 1 : 0), "step \(record.step)")
        #expect(blocks.allocated == (opensABlock ? [blocks.table[(n - 1) / b]] : []))
      } else {
        #expect(blocks.allocated == blocks.table)  // the prefill allocates every block
      }
      #expect(blocks.blocksInUse == blocks.table.count)
      #expect(blocks.capacity == (10 + 12 + b - 1) / b)  // the run's positions, in blocks
      // Memory is whole blocks, empty slots included.
      let bytes = blocks.table.count * b * 2 * config.layers * config.kvDim * 4
      #expect(record.counters?.cacheBytes == bytes)
      #expect(blocks.unusedSlots(length: n) == blocks.table.count * b - n)
      #expect(blocks.unusedSlots(length: n) < b)
      table = blocks.table
    }
    #expect(Oracle.accountingProblems(trace).isEmpty, "\(Oracle.accountingProblems(trace))")
  }

  @Test(.tags(.unit)) func physicalBlocksAreNotTheLogicalOnes() throws {
    // The pool pops its free list from the end: logical block 0 gets the last block.
    let trace = try Self.trace(PagedCache(blockSize: 4), steps: 6)
    let last = try #require(trace.steps.last?.blocks.first)
    #expect(last.capacity == 4)
    #expect(last.table == [3, 2, 1, 0])
    let first = try #require(trace.steps.first?.blocks.first)
    #expect(first.allocated == [3, 2, 1])
  }

  @Test(.tags(.unit)) func rowsAreAFullCachesRows() throws {
    let paged = try Self.trace(PagedCache(blockSize: 3))
    let full = try Self.trace(FullCache())
    for (a, b) in zip(paged.steps, full.steps) {
      #expect(a.rows == b.rows)
      #expect(a.counters?.rowsComputed == b.counters?.rowsComputed)
      #expect(a.counters?.flops == b.counters?.flops)
      // A full cache holds exactly n rows; paging rounds up to whole blocks.
      let n = a.began.sequenceLength
      let perRow = 2 * paged.header.model.layers * paged.header.model.kvDim * 4
      #expect(b.counters?.cacheBytes == n * perRow)
      #expect(a.counters?.cacheBytes == (n + 2) / 3 * 3 * perRow)
    }
  }

  static let shapes: [ModelConfig] = [
    .demo(vocabularySize: Tokenizer.demo.vocabularySize),
    ModelConfig(
      layers: 3, heads: 8, kvHeads: 2, dim: 32, mlpDim: 64, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize),
    ModelConfig(
      layers: 1, heads: 2, kvHeads: 1, dim: 8, mlpDim: 16, contextLength: 40,
      vocabularySize: Tokenizer.demo.vocabularySize),
  ]

  /// The oracle: the same tokens and logits as a full cache and as no cache, for every
  /// block size and shape; a block table moves rows, it does not change them.
  @Test(.tags(.oracle), arguments: [1, 2, 3, 4, 7, 64], 0..<shapes.count)
  func decodesExactlyAsAFullCache(_ b: Int, _ shape: Int) throws {
    let model = try TinyTransformer(config: Self.shapes[shape], seed: UInt64(7 + shape))
    let prompt = model.tokenizer.encode(Self.pangram)
    for reference in [FullCache() as any CachePolicy, NoCache()] {
      let report = try Oracle.check(
        model: model, promptTokens: prompt, steps: 20, policy: PagedCache(blockSize: b),
        against: reference)
      #expect(report.passed, "paged:\(b) shape \(shape) against \(reference.info.name)")
      #expect(report.tokensMatch)
      #expect(report.maxLogitDifference == 0)  // the same arithmetic in the same order
      #expect(report.accountingProblems.isEmpty, "\(report.accountingProblems.prefix(2))")
    }
  }

  @Test(.tags(.unit)) func theOracleCatchesAWrongBlockTable() throws {
    var trace = try Self.trace(PagedCache(blockSize: 4), steps: 3)
    let index = try #require(
      trace.events.firstIndex {
        if case .blocks(let event) = $0 { event.step == 1 } else { false }
      })
    guard case .blocks(var event) = trace.events[index] else { return }
    event.allocated = [0]  // step 1 (position 10) needs no new block
    trace.events[index] = .blocks(event)
    #expect(Oracle.accountingProblems(trace).contains { $0.contains("paged:4 step 1") })
  }

  @Test(
    .tags(.unit),
    arguments: [
      ("paged:1", 1), ("paged:4", 4), ("paged:64", 64),
    ])
  func parsesABlockSize(_ name: String, _ size: Int) throws {
    let policy = try CachePolicies.parse(name)
    #expect((policy as? PagedCache)?.blockSize == size)
    #expect(policy.info.name == name)
    #expect(policy.info.exact)
  }

  @Test(
    .tags(.unit), arguments: ["paged:0", "paged:-2", "paged:", "paged:four", "paged:4,window:2"])
  func refusesABadBlockSize(_ name: String) {
    #expect(throws: CachePolicyError.self) { try CachePolicies.parse(name) }
  }

  @Test(.tags(.unit)) func badBlockSizeMessagesNameTheFix() {
    #expect(throws: CachePolicyError.badNumber("paged:0", part: "paged", value: "0")) {
      try CachePolicies.parse("paged:0")
    }
    let message = CachePolicyError.badNumber("paged:0", part: "paged", value: "0").description
    #expect(
      message
        == "in --cache paged:0, the block size must be a whole number of at least 1, got '0'; "
        + "for example --cache paged:4")
  }
}
