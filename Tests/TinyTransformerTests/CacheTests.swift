import KVTrace
import Testing

@testable import TinyTransformer

private let config = ModelConfig(
  layers: 3, heads: 4, kvHeads: 2, dim: 16, mlpDim: 24, contextLength: 10,
  vocabularySize: Tokenizer.demo.vocabularySize)

@Test(.tags(.unit)) func rowOffsetIsLayerMajorThenPosition() throws {
  let cache = try #require(KVCache(config: config).storage as? ContiguousRows)
  #expect(config.kvDim == 8)
  #expect(cache.rowOffset(layer: 0, position: 0) == 0)
  #expect(cache.rowOffset(layer: 0, position: 1) == 8)
  #expect(cache.rowOffset(layer: 1, position: 0) == 10 * 8)
  #expect(cache.rowOffset(layer: 2, position: 7) == (2 * 10 + 7) * 8)
  for layer in 0..<3 {
    for position in 0..<10 {
      #expect(
        cache.rowOffset(layer: layer, position: position) == (layer * 10 + position) * 8)
    }
  }
  // The last row ends exactly at the end of the buffers.
  #expect(cache.rowOffset(layer: 2, position: 9) + 8 == cache.keys.count)
  #expect(cache.values.count == cache.keys.count)
  #expect(cache.keys.allSatisfy { $0 == 0 })
}

@Test(.tags(.unit)) func markWrittenHoldsEvictAndRemoveAll() {
  let cache = KVCache(config: config)
  let rowBytes = 2 * config.kvDim * 4
  #expect(cache.length == 0)
  #expect(cache.bytesHeld == 0)
  #expect(!cache.holds(layer: 0, position: 0))
  #expect(cache.step(wroteLayer: 0, position: 0) == nil)
  for layer in 0..<3 {
    for position in 0..<4 { cache.markWritten(layer: layer, position: position, step: position) }
  }
  #expect(cache.length == 4)
  #expect(cache.bytesHeld == 12 * rowBytes)
  #expect(cache.bytesHeld == 4 * config.cacheBytesPerPosition)
  #expect(cache.holds(layer: 2, position: 3))
  #expect(!cache.holds(layer: 2, position: 4))
  #expect(cache.step(wroteLayer: 1, position: 2) == 2)
  // A position held in only some layers does not extend the length.
  cache.markWritten(layer: 0, position: 4, step: 9)
  cache.markWritten(layer: 1, position: 4, step: 9)
  #expect(cache.length == 4)
  #expect(cache.bytesHeld == 14 * rowBytes)
  cache.markWritten(layer: 2, position: 4, step: 9)
  #expect(cache.length == 5)
  // A gap stops the length even when later positions are held.
  cache.markWritten(layer: 0, position: 7, step: 1)
  #expect(cache.length == 5)
  cache.evict(1..<3)
  #expect(cache.length == 1)
  #expect(!cache.holds(layer: 1, position: 2))
  #expect(cache.holds(layer: 1, position: 3))
  #expect(cache.bytesHeld == (16 - 6) * rowBytes)
  cache.removeAll()
  #expect(cache.length == 0)
  #expect(cache.bytesHeld == 0)
  #expect(!cache.holds(layer: 0, position: 7))
}

@Test(.tags(.unit)) func forwardWritesEveryLayersRowAtThePosition() throws {
  let model = try TinyTransformer(config: config, seed: 2)
  let cache = KVCache(config: config)
  let scratch = Scratch(config: config)
  var report: AttentionReport? = AttentionReport(step: 4, detail: .summary)
  for (position, token) in [300, 301, 302].enumerated() {
    model.forward(
      token: token, position: position, step: 4, cache: cache, scratch: scratch, report: &report)
  }
  #expect(cache.length == 3)
  #expect((0..<3).allSatisfy { cache.step(wroteLayer: $0, position: 2) == 4 })
  #expect(!cache.holds(layer: 0, position: 3))
  #expect(report?.events.count == 3 * config.layers * config.heads)
  let rows = try #require(cache.storage as? ContiguousRows)
  let row = rows.rowOffset(layer: 2, position: 2)
  #expect((row..<(row + config.kvDim)).contains { rows.keys[$0] != 0 })
  #expect((row..<(row + config.kvDim)).contains { rows.values[$0] != 0 })
}

@Test(.tags(.unit)) func policiesChooseWhatToCompute() {
  let cache = KVCache(config: config)
  #expect(FullCache().positionsToCompute(sequenceLength: 5, cache: cache) == 0..<5)
  #expect(NoCache().positionsToCompute(sequenceLength: 5, cache: cache) == 0..<5)
  for layer in 0..<3 {
    for position in 0..<5 { cache.markWritten(layer: layer, position: position, step: 0) }
  }
  #expect(FullCache().positionsToCompute(sequenceLength: 6, cache: cache) == 5..<6)
  #expect(FullCache().positionsToCompute(sequenceLength: 3, cache: cache) == 3..<3)
  #expect(NoCache().positionsToCompute(sequenceLength: 6, cache: cache) == 0..<6)
  #expect(FullCache().retain(in: cache, sequenceLength: 6) == 0..<0)
  #expect(cache.length == 5)
  #expect(NoCache().retain(in: cache, sequenceLength: 6) == 0..<0)
  #expect(cache.length == 0 && cache.bytesHeld == 0)
}

@Test(.tags(.unit)) func policiesAreFoundByName() throws {
  #expect(
    CachePolicies.all.map(\.name) == [
      "none", "full", "window:N", "sinks:S,window:N", "paged:B", "int8",
    ])
  let none = try #require(CachePolicies.named("none"))
  let full = try #require(CachePolicies.named("full"))
  #expect(none.info.name == "none" && none.info.exact)
  #expect(full.info.name == "full" && full.info.exact)
  #expect(CachePolicies.named("window:4")?.info.exact == false)
  #expect(CachePolicies.named("window:N") == nil)
  #expect(CachePolicies.named("") == nil)
  #expect(CachePolicies.named("Full") == nil)
}

private func run(
  _ policy: some CachePolicy, prompt: String = "The quick brown fox", steps: Int = 5
) throws -> (trace: Trace, promptCount: Int) {
  let model = try TinyTransformer(config: config, seed: 8)
  var log = TraceLog(detail: .summary)
  let result = try model.generate(prompt: prompt, steps: steps, policy: policy, recorder: &log)
  return (try #require(log.trace), result.promptTokens.count)
}

@Test(.tags(.unit), arguments: [1, 4, 6])
func fullCacheHoldsEveryPositionFedSoFar(steps: Int) throws {
  let (trace, p) = try run(FullCache(), steps: steps)
  let counters = trace.steps.compactMap(\.counters)
  try #require(counters.count == steps + 1)
  // Step s has fed the prompt and s chosen tokens; the last choice is never fed back.
  for (step, counter) in counters.enumerated() {
    #expect(counter.cacheBytes == (p + step) * config.cacheBytesPerPosition, "step \(step)")
  }
  #expect(counters.last?.cacheBytes == (p + steps) * config.cacheBytesPerPosition)
  #expect(trace.generatedTokens.count == steps + 1)
}

@Test(.tags(.unit)) func noCacheHoldsNothingAfterAnyStep() throws {
  let (trace, p) = try run(NoCache())
  let counters = trace.steps.compactMap(\.counters)
  #expect(counters.count == 6)
  #expect(counters.allSatisfy { $0.cacheBytes == 0 })
  #expect(counters.allSatisfy { $0.flops == $0.flopsWithoutCache })
  for (step, counter) in counters.enumerated() {
    #expect(counter.rowsComputed == config.layers * config.kvHeads * (p + step))
    #expect(counter.rowsReused == 0)
  }
  for record in trace.steps {
    #expect(record.began.queries == 0..<record.began.sequenceLength)
    #expect(record.rows.count == config.layers * config.kvHeads)
    #expect(record.rows.allSatisfy { $0.reused.isEmpty && $0.evicted.isEmpty })
    #expect(record.rows.allSatisfy { $0.fresh == PositionSet(0..<record.began.sequenceLength) })
  }
}

@Test(.tags(.unit)) func fullCacheDecodeStepsComputeOneRowPerLayerAndKVHead() throws {
  let (trace, p) = try run(FullCache())
  let groups = config.layers * config.kvHeads
  for record in trace.steps {
    let counter = try #require(record.counters)
    let n = record.began.sequenceLength
    #expect(n == p + record.step)
    #expect(counter.flopsWithoutCache == FLOPCount.step(positions: 0..<n, config: config))
    #expect(counter.flops == FLOPCount.step(positions: record.began.queries, config: config))
    if record.step == 0 {
      #expect(record.began.phase == .prefill && record.began.queries == 0..<p)
      #expect(counter.flops == counter.flopsWithoutCache)
      #expect(counter.rowsComputed == groups * p && counter.rowsReused == 0)
    } else {
      #expect(record.began.phase == .decode && record.began.queries == (n - 1)..<n)
      #expect(counter.flops < counter.flopsWithoutCache)
      #expect(counter.rowsComputed == groups)
      #expect(counter.rowsReused == groups * (n - 1))
      #expect(record.source(of: n - 1, layer: 2, kvHead: 1) == .fresh)
      #expect(record.source(of: 0, layer: 0, kvHead: 0) == .reused)
    }
  }
}

@Test(.tags(.unit)) func flopCountFollowsItsFormula() {
  let c = config
  let perLayer = 2 * c.dim * (2 * c.dim + 2 * c.kvDim) + 3 * 2 * c.dim * c.mlpDim
  for position in [0, 1, 7] {
    let attention = c.heads * 4 * c.headSize * (position + 1)
    #expect(FLOPCount.position(position, config: c) == c.layers * (perLayer + attention))
  }
  let classifier = 2 * c.dim * c.vocabularySize
  #expect(FLOPCount.step(positions: 3..<3, config: c) == classifier)
  #expect(
    FLOPCount.step(positions: 0..<3, config: c)
      == (0..<3).reduce(classifier) { $0 + FLOPCount.position($1, config: c) })
  // Attention makes later positions cost more, so a decode step is not constant.
  #expect(FLOPCount.position(8, config: c) > FLOPCount.position(2, config: c))
}

@Test(.tags(.unit)) func rowsRememberTheirStepWithoutARecorder() throws {
  let model = try TinyTransformer(config: config, seed: 2)
  let cache = KVCache(config: config)
  let scratch = Scratch(config: config)
  var report: AttentionReport? = nil  // nothing recorded: the cache still knows the step
  model.forward(token: 300, position: 0, step: 7, cache: cache, scratch: scratch, report: &report)
  #expect((0..<config.layers).allSatisfy { cache.step(wroteLayer: $0, position: 0) == 7 })
}
