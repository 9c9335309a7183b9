import KVTrace
import Testing

@testable import TinyTransformer

private let vocabulary = Tokenizer.demo.vocabularySize

/// One run of the sweep: a model shape, a prompt length, a step count and a seed.
struct SweepCase: Sendable, CustomTestStringConvertible {
  var layers: Int
  var heads: Int
  var kvHeads: Int
  var headSize: Int
  var context: Int
  var promptLength: Int
  var steps: Int
  var seed: UInt64

  var testDescription: String {
    "L\(layers) H\(heads) KV\(kvHeads) hs\(headSize) ctx\(context) "
      + "P\(promptLength) S\(steps) seed\(seed)"
  }

  var config: ModelConfig {
    ModelConfig(
      layers: layers, heads: heads, kvHeads: kvHeads, dim: heads * headSize, mlpDim: 8,
      contextLength: context, vocabularySize: vocabulary)
  }
}

/// Every (layers, heads, kvHeads) with kvHeads dividing heads, twice (once per head size),
/// with prompt lengths spread over 1...40 and every tenth run decoding to the end of the context.
private let sweep: [SweepCase] = {
  var cases: [SweepCase] = []
  var generator = SplitMix64(seed: 2024)
  for round in 0..<2 {
    for layers in 1...4 {
      for heads in 1...8 {
        for kvHeads in 1...heads where heads % kvHeads == 0 {
          let index = cases.count
          let context = index % 3 == 0 ? 64 : 48
          let promptLength = 1 + (index * 23) % 40
          let room = context - promptLength
          let steps =
            index % 10 == 3 ? room : Int(generator.next() % UInt64(min(room, 12) + 1))
          cases.append(
            SweepCase(
              layers: layers, heads: heads, kvHeads: kvHeads,
              headSize: (index + round) % 2 == 0 ? 4 : 8, context: context,
              promptLength: promptLength, steps: steps, seed: generator.next() % 1_000_000))
        }
      }
    }
  }
  return cases
}()

/// Prompt ids from the demo vocabulary: mostly word pieces, some bytes and specials.
private func promptTokens(count: Int, seed: UInt64) -> [Int] {
  var generator = SplitMix64(seed: seed ^ 0xA11C_E5ED)
  return (0..<count).map { _ in
    let draw = Int(generator.next() % 10)
    let range = draw == 0 ? 0..<Tokenizer.firstWordToken : Tokenizer.firstWordToken..<vocabulary
    return range.lowerBound + Int(generator.next() % UInt64(range.count))
  }
}

private func expectPassed(_ report: OracleReport, _ label: String) {
  #expect(report.passed, "\(label)")
  #expect(report.tokensMatch, "\(label): first divergence at \(report.firstDivergence ?? -1)")
  #expect(report.maxLogitDifference <= 1e-4, "\(label)")
  #expect(report.accountingProblems.isEmpty, "\(label): \(report.accountingProblems.prefix(3))")
}

@Test(.tags(.oracle)) func sweepCoversEveryShapeAndPromptLength() {
  var shapes = Set<[Int]>()
  for layers in 1...4 {
    for heads in 1...8 {
      for kvHeads in 1...heads where heads % kvHeads == 0 {
        shapes.insert([layers, heads, kvHeads])
      }
    }
  }
  #expect(shapes.count == 80)
  #expect(sweep.count == 160)
  #expect(Set(sweep.map { [$0.layers, $0.heads, $0.kvHeads] }) == shapes)
  #expect(Set(sweep.map { [$0.layers, $0.heads, $0.kvHeads, $0.headSize] }).count == 160)
  #expect(Set(sweep.map(\.promptLength)) == Set(1...40))
  #expect(sweep.filter { $0.promptLength + $0.steps == $0.context }.count >= 10)
  #expect(Set(sweep.map(\.headSize)) == [4, 8])
  #expect(Set(sweep.map(\.context)) == [48, 64])
  #expect(sweep.allSatisfy { $0.promptLength + $0.steps <= $0.context })
}

@Test(.tags(.oracle), arguments: sweep)
func oracleAgreesAcrossTheSweep(_ run: SweepCase) throws {
  let model = try TinyTransformer(config: run.config, seed: run.seed)
  let tokens = promptTokens(count: run.promptLength, seed: run.seed)
  let report = try Oracle.check(model: model, promptTokens: tokens, steps: run.steps)
  expectPassed(report, run.testDescription)
  #expect(report.cached.generatedTokens.count == run.steps + 1)
  #expect(report.reference.tokens == report.cached.tokens)
  #expect(report.reference.steps.count == run.steps + 1)
}

@Test(.tags(.oracle), arguments: 0..<12)
func oracleAgreesOnTheDemoShapeForManySeeds(seed: UInt64) throws {
  let model = TinyTransformer.demo(seed: seed * 7919)
  let prompt = ["The quick brown fox", "Once upon a time", "a", "The cat sat on the mat."][
    Int(seed % 4)]
  let tokens = model.tokenizer.encode(prompt)
  let report = try Oracle.check(
    model: model, promptTokens: tokens, promptText: prompt, steps: 6 + Int(seed % 3),
    detail: seed.isMultiple(of: 2) ? .full : .summary)
  expectPassed(report, "demo seed \(seed * 7919)")
  #expect(report.cached.header.prompt == prompt)
  #expect(report.reference.header.policy.name == "none")
  #expect(report.cached.header.policy.name == "full")
}

@Test(
  .tags(.oracle),
  arguments: [Sampling(temperature: 0.8, topK: 5), Sampling(temperature: 1.3, topK: 0)])
func oracleAgreesWhenSampling(_ sampling: Sampling) throws {
  for seed in [UInt64(1), 17, 99] {
    let model = try TinyTransformer(
      config: ModelConfig(
        layers: 2, heads: 4, kvHeads: 2, dim: 16, mlpDim: 16, contextLength: 40,
        vocabularySize: vocabulary), seed: seed)
    let tokens = promptTokens(count: 5, seed: seed)
    let report = try Oracle.check(model: model, promptTokens: tokens, steps: 30, sampling: sampling)
    expectPassed(report, "sampling seed \(seed)")
    #expect(report.cached.header.sampling == sampling)
    // Same seeded stream: running it again draws the same tokens.
    let again = try Oracle.check(model: model, promptTokens: tokens, steps: 30, sampling: sampling)
    #expect(again.cached.tokens == report.cached.tokens)
  }
}

// MARK: - The oracle catches broken runs

/// A "full" cache that forgets to run the prompt: attention reads rows never written.
private struct SkipsThePrompt: CachePolicy {
  var info: CachePolicyInfo { FullCache().info }
  func positionsToCompute(sequenceLength: Int, cache: KVCache) -> Range<Int> {
    (sequenceLength - 1)..<sequenceLength
  }
  func retain(in cache: KVCache, sequenceLength: Int) -> Range<Int> { 0..<0 }
}

@Test(.tags(.oracle)) func aBrokenCacheFailsTheOracle() throws {
  let model = TinyTransformer.demo(seed: 3)
  let tokens = model.tokenizer.encode("The quick brown fox jumps over the lazy dog.")
  let report = try Oracle.check(
    model: model, promptTokens: tokens, steps: 5, policy: SkipsThePrompt())
  #expect(!report.passed)
  #expect(report.maxLogitDifference > OracleReport.tolerance)
  #expect(report.accountingProblems.contains { $0.hasPrefix("full step 0 layer 0 KV head 0") })
  #expect(Oracle.accountingProblems(report.reference).isEmpty)
}

private func handTrace(policy: String, fresh: PositionSet, reused: PositionSet, computed: Int)
  throws -> Trace
{
  let config = ModelConfig(
    layers: 1, heads: 2, kvHeads: 1, dim: 8, mlpDim: 8, contextLength: 8, vocabularySize: 10)
  let info = try CachePolicyInfo(name: policy, exact: true, summary: "")
  let header = TraceHeader(
    model: config, weights: "hand-made", policy: info, seed: 0, sampling: .greedy, prompt: "ab",
    promptTokens: [TraceToken(id: 1, text: "a"), TraceToken(id: 2, text: "b")], decodeSteps: 1,
    detail: .summary)
  let events: [TraceEvent] = [
    .stepBegan(StepBegan(step: 0, phase: .prefill, queries: 0..<2, sequenceLength: 2)),
    .rows(RowsEvent(step: 0, layer: 0, kvHead: 0, fresh: PositionSet(0..<2), reused: .init())),
    .counters(
      StepCounters(
        step: 0, rowsComputed: 2, rowsReused: 0, flops: 1, flopsWithoutCache: 1, cacheBytes: 0)),
    .stepBegan(StepBegan(step: 1, phase: .decode, queries: 2..<3, sequenceLength: 3)),
    .rows(RowsEvent(step: 1, layer: 0, kvHead: 0, fresh: fresh, reused: reused)),
    .counters(
      StepCounters(
        step: 1, rowsComputed: computed, rowsReused: reused.count, flops: 1, flopsWithoutCache: 2,
        cacheBytes: 0)),
  ]
  return Trace(header: header, events: events)
}

@Test(.tags(.oracle)) func accountingAcceptsAnHonestHandMadeTrace() throws {
  let honest = try handTrace(
    policy: "full", fresh: PositionSet([2]), reused: PositionSet(0..<2), computed: 1)
  #expect(Oracle.accountingProblems(honest).isEmpty)
}

@Test(.tags(.oracle)) func accountingCatchesWrongFreshRows() throws {
  // A full cache must compute only the new row 2 at step 1; this trace claims all three.
  let wrong = try handTrace(
    policy: "full", fresh: PositionSet(0..<3), reused: PositionSet(), computed: 3)
  let problems = Oracle.accountingProblems(wrong)
  #expect(problems.count == 1)
  #expect(problems.first?.contains("full step 1 layer 0 KV head 0") == true)
  // Recomputing every row is exactly what "none" promises; reusing rows is not.
  let none = try handTrace(
    policy: "none", fresh: PositionSet(0..<3), reused: PositionSet(), computed: 3)
  #expect(Oracle.accountingProblems(none).isEmpty)
  let reusing = try handTrace(
    policy: "none", fresh: PositionSet([2]), reused: PositionSet(0..<2), computed: 1)
  #expect(Oracle.accountingProblems(reusing).count == 1)
}

@Test(.tags(.oracle)) func accountingCatchesCountersAndMissingRows() throws {
  let lying = try handTrace(
    policy: "full", fresh: PositionSet([2]), reused: PositionSet(0..<2), computed: 4)
  #expect(
    Oracle.accountingProblems(lying) == ["full step 1: counters disagree with the rows events"])
  var missing = try handTrace(
    policy: "full", fresh: PositionSet([2]), reused: PositionSet(0..<2), computed: 1)
  missing.events.remove(at: 4)
  #expect(
    Oracle.accountingProblems(missing).contains { $0.contains("no rows for layer 0 KV head 0") })
}

@Test(.tags(.oracle)) func reportPassesOnlyWhenEverythingAgrees() throws {
  let model = TinyTransformer.demo(seed: 4)
  var report = try Oracle.check(model: model, promptTokens: [300, 301, 302], steps: 3)
  #expect(report.passed)
  report.maxLogitDifference = 2e-4
  #expect(!report.passed && report.tokensMatch)
  report.maxLogitDifference = 0
  report.firstDivergence = 2
  #expect(!report.passed && !report.tokensMatch)
  report.firstDivergence = nil
  report.accountingProblems = ["x"]
  #expect(!report.passed)
}
