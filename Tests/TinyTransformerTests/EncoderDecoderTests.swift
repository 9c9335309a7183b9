import KVTrace
import Testing

@testable import TinyTransformer

private let vocabulary = Tokenizer.demo.vocabularySize
private let summarize = "summarize: My friends are cool but they eat too many carbs."

/// One shape, seed and source for the encoder-decoder oracle.
struct EncoderDecoderCase: Sendable, CustomTestStringConvertible {
  var layers: Int
  var heads: Int
  var kvHeads: Int
  var headSize: Int
  var source: String
  var steps: Int
  var seed: UInt64

  var testDescription: String {
    "L\(layers) H\(heads) KV\(kvHeads) hs\(headSize) S\(steps) seed\(seed) '\(source)'"
  }

  var config: ModelConfig {
    ModelConfig(
      layers: layers, heads: heads, kvHeads: kvHeads, dim: heads * headSize,
      mlpDim: 2 * heads * headSize, contextLength: 32, vocabularySize: vocabulary)
  }
}

private let cases: [EncoderDecoderCase] = [
  EncoderDecoderCase(
    layers: 2, heads: 4, kvHeads: 4, headSize: 8, source: summarize, steps: 6, seed: 0),
  EncoderDecoderCase(
    layers: 1, heads: 1, kvHeads: 1, headSize: 4, source: "a", steps: 1, seed: 7),
  EncoderDecoderCase(
    layers: 3, heads: 8, kvHeads: 2, headSize: 4, source: "translate: the fox", steps: 9,
    seed: 42),
  EncoderDecoderCase(
    layers: 4, heads: 4, kvHeads: 1, headSize: 8, source: summarize, steps: 32, seed: 2024),
  EncoderDecoderCase(
    layers: 2, heads: 6, kvHeads: 3, headSize: 6, source: "Once upon a time there was a cat.",
    steps: 12, seed: 99),
]

private func model(_ run: EncoderDecoderCase) throws -> EncoderDecoderTransformer {
  try EncoderDecoderTransformer(config: run.config, seed: run.seed)
}

@Test(.tags(.oracle), arguments: cases, CrossAttentionMode.allCases)
func oracleAgreesInBothCrossModes(_ run: EncoderDecoderCase, mode: CrossAttentionMode) throws {
  let model = try model(run)
  let tokens = model.tokenizer.encode(run.source)
  let report = try Oracle.check(
    model: model, sourceTokens: tokens, steps: run.steps, crossAttention: mode,
    detail: run.seed.isMultiple(of: 2) ? .full : .summary)
  #expect(report.passed, "\(report.accountingProblems.prefix(3))")
  #expect(report.tokensMatch)
  #expect(report.maxLogitDifference <= OracleReport.tolerance)
  #expect(report.accountingProblems.isEmpty, "\(report.accountingProblems.prefix(3))")
  #expect(report.cached.generatedTokens.count == run.steps)
  #expect(report.cached.header.source?.crossAttention == mode)
}

@Test(.tags(.unit), arguments: cases)
func projectingCrossRowsOnceOrAtEveryStepGivesTheSameLogits(_ run: EncoderDecoderCase) throws {
  let model = try model(run)
  let once = try model.generate(
    source: run.source, steps: run.steps, crossAttention: .once, collectLogits: true)
  let recompute = try model.generate(
    source: run.source, steps: run.steps, crossAttention: .recompute, collectLogits: true)
  #expect(once.tokens == recompute.tokens)
  #expect(once.logits == recompute.logits)  // the same rows, computed the same way: same bits
}

/// A trace's rows of one kind at one step, summed over layers and KV heads.
private func rows(_ record: StepRecord, _ kind: AttentionKind) -> (fresh: Int, reused: Int) {
  record.rows.filter { $0.kind == kind }.reduce((0, 0)) {
    ($0.0 + $1.fresh.count, $0.1 + $1.reused.count)
  }
}

private func trace(
  _ run: EncoderDecoderCase, policy: some CachePolicy, mode: CrossAttentionMode
) throws -> Trace {
  var log = TraceLog(detail: .summary)
  _ = try model(run).generate(
    source: run.source, steps: run.steps, policy: policy, crossAttention: mode, recorder: &log)
  return try #require(log.trace)
}

@Test(.tags(.unit), arguments: cases)
func crossRowsAreComputedOnceThenOnlyReused(_ run: EncoderDecoderCase) throws {
  let trace = try trace(run, policy: FullCache(), mode: .once)
  let length = trace.sourceTokens.count
  let perPosition = run.layers * run.kvHeads
  let steps = trace.steps
  #expect(steps.map(\.began.phase) == [.encode] + Array(repeating: .decode, count: run.steps))
  #expect(rows(steps[0], .self) == (length * perPosition, 0))  // the encoder's own rows
  #expect(rows(steps[0], .cross) == (0, 0))
  #expect(steps[0].counters?.cacheBytes == 0)  // the encoder's rows are not a cache
  for record in steps.dropFirst() {
    let first = record.step == 1
    #expect(
      rows(record, .cross) == (first ? length * perPosition : 0, first ? 0 : length * perPosition))
    #expect(rows(record, .self) == (perPosition, (record.step - 1) * perPosition))
    #expect(record.counters?.crossRowsComputed == (first ? length * perPosition : 0))
    for event in record.rows where event.kind == .cross {  // never more than the source
      #expect(
        PositionSet(ranges: event.fresh.ranges + event.reused.ranges) == PositionSet(0..<length))
    }
  }
  let total = steps.reduce(0) { $0 + ($1.counters?.crossRowsComputed ?? 0) }
  #expect(total == length * run.layers * run.kvHeads)
}

@Test(.tags(.unit), arguments: cases)
func recomputeProjectsTheCrossRowsAtEveryStepAndNeverGrowsThem(_ run: EncoderDecoderCase) throws {
  let trace = try trace(run, policy: FullCache(), mode: .recompute)
  let length = trace.sourceTokens.count
  let perPosition = run.layers * run.kvHeads
  for record in trace.steps.dropFirst() {
    #expect(rows(record, .cross) == (length * perPosition, 0))
    #expect(rows(record, .self) == (perPosition, (record.step - 1) * perPosition))
    // Held after the step: the self rows only; the cross rows were dropped.
    #expect(record.counters?.cacheBytes == record.step * 2 * perPosition * run.headSize * 4)
  }
}

@Test(.tags(.unit), arguments: CrossAttentionMode.allCases)
func withoutACacheEverythingButTheEncoderIsRecomputed(mode: CrossAttentionMode) throws {
  let run = cases[2]
  let trace = try trace(run, policy: NoCache(), mode: mode)
  let length = trace.sourceTokens.count
  let perPosition = run.layers * run.kvHeads
  #expect(trace.steps.filter { $0.began.phase == .encode }.map(\.step) == [0])
  for record in trace.steps.dropFirst() {
    #expect(record.began.queries == 0..<record.step)
    #expect(rows(record, .self) == (record.step * perPosition, 0))
    #expect(rows(record, .cross) == (length * perPosition, 0))
    #expect(record.counters?.cacheBytes == 0)
    #expect(record.counters?.flops == record.counters?.flopsWithoutCache)
  }
}

@Test(.tags(.unit)) func theStepByStepAPIIsTheGenerationLoop() throws {
  let model = EncoderDecoderTransformer.demo(seed: 5)
  let source = model.tokenizer.encode(summarize)
  let generated = try model.generate(source: summarize, steps: 5, collectLogits: true)
  let encoded = try model.encode(source)
  #expect(encoded.length == source.count && encoded.states.count == source.count * model.config.dim)
  let cache = try model.makeDecoderCache(encoderOutput: encoded, maxLength: 5)
  var token = EncoderDecoderTransformer.decoderStartToken
  for index in 0..<5 {
    let step = try model.decode(token: token, cache: cache)
    #expect(step.step == index + 1 && step.position == index && step.queries == index..<(index + 1))
    #expect(step.logits == generated.logits[index])
    #expect(step.selfRowsComputed == 8 && step.selfRowsReused == 8 * index)
    #expect(step.crossRowsComputed == (index == 0 ? 8 * source.count : 0))
    #expect(step.crossRowsReused == (index == 0 ? 0 : 8 * source.count))
    token = step.logits.withUnsafeBufferPointer { Sampler.top(1, of: $0)[0] }
    #expect(token == generated.tokens[index])
  }
  #expect(cache.tokens.count == 5)
  #expect(throws: DecodeError.decoderCacheFull(maxLength: 5)) {
    try model.decode(token: token, cache: cache)
  }
}

@Test(.tags(.unit)) func badInputsThrowErrorsThatNameTheFix() throws {
  let model = EncoderDecoderTransformer.demo()
  #expect(throws: DecodeError.noDecoderSteps) { try model.generate(source: "a", steps: 0) }
  #expect(throws: DecodeError.emptyPrompt) { try model.generate(source: "", steps: 2) }
  #expect(throws: DecodeError.tokenOutOfRange(token: vocabulary, vocabularySize: vocabulary)) {
    try model.encode([vocabulary])
  }
  let encoded = try model.encode([5, 6])
  #expect(throws: DecodeError.exceedsContext(promptTokens: 0, steps: 65, contextLength: 64)) {
    try model.makeDecoderCache(encoderOutput: encoded, maxLength: 65)
  }
  let other = try EncoderDecoderTransformer(
    config: ModelConfig(
      layers: 1, heads: 2, kvHeads: 2, dim: 8, mlpDim: 8, contextLength: 8,
      vocabularySize: vocabulary), seed: 0)
  #expect(throws: DecodeError.self) {
    try other.makeDecoderCache(encoderOutput: encoded, maxLength: 2)
  }
  let cache = try model.makeDecoderCache(encoderOutput: encoded, maxLength: 2)
  #expect(throws: DecodeError.tokenOutOfRange(token: -1, vocabularySize: vocabulary)) {
    try model.decode(token: -1, cache: cache)
  }
  for error in [DecodeError.noDecoderSteps, .decoderCacheFull(maxLength: 3)] {
    #expect(error.description.contains("; "), "\(error)")  // the problem, then the fix
  }
  #expect(
    DecodeError.exceedsContext(promptTokens: 0, steps: 65, contextLength: 64).description
      == "65 decoder steps need 65 positions but the context holds 64; use --steps 64 or fewer")
}

@Test(.tags(.unit)) func theSameSeedGivesTheSameTraceAndAnotherSeedAnother() throws {
  func run(_ seed: UInt64) throws -> Trace {
    var log = TraceLog(detail: .full)
    _ = try EncoderDecoderTransformer.demo(seed: seed).generate(
      source: summarize, steps: 4, recorder: &log)
    return try #require(log.trace)
  }
  #expect(try run(3) == run(3))
  #expect(try run(3).events != run(4).events)
}
