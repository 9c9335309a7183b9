import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// kvtrace's T5 against Hugging Face `transformers`' PyTorch T5 on the tiny folders in
/// `Fixtures/t5`: per decode step, every self- and cross-attention weight and every logit
/// within 1e-4, cached and uncached, both cross-attention modes; the greedy tokens
/// identical; the encoder's attention too.
@Suite(.tags(.oracle)) struct T5ReferenceTests {
  static let tolerance = 1e-4

  static func worst(_ a: [Float], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
  }

  @Test(arguments: T5Fixtures.folders)
  func everyStepMatchesTransformers(folder: String) throws {
    let model = try T5Fixtures.model(folder)
    let reference = try T5Fixtures.reference(folder)
    let steps = reference.steps.count
    for mode in CrossAttentionMode.allCases {
      for policy in [FullCache() as any CachePolicy, NoCache()] {
        var log = TraceLog(detail: .full)
        let run = try model.generate(
          sourceTokens: reference.sourceIds, steps: steps, policy: policy, crossAttention: mode,
          collectLogits: true, recorder: &log)
        let trace = try #require(log.trace)
        let label = "\(folder) \(mode) \(policy.info.name)"
        #expect(run.promptTokens == [0], "\(label): decoding starts from decoder_start_token_id")
        #expect(run.tokens == reference.greedy, "\(label): greedy tokens")
        var worst = 0.0
        for (index, step) in reference.steps.enumerated() {
          worst = max(worst, Self.worst(run.logits[index], step.logits))
          for case .attention(let event) in trace.events
          where event.step == index + 1 && event.query == index {
            let expected = event.kind == .cross ? step.crossWeights : step.selfWeights
            worst = max(worst, Self.worst(event.weights ?? [], expected[event.layer][event.head]))
          }
        }
        for case .attention(let event) in trace.events where event.step == 0 {
          let expected = reference.encoderAttention[event.layer][event.head][event.query]
          worst = max(worst, Self.worst(event.weights ?? [], expected))
        }
        #expect(worst <= Self.tolerance, "\(label): worst difference \(worst)")
      }
    }
  }

  /// The folder's tokenizer spells the source as `sentencepiece` did, and the model appends `</s>`.
  @Test func theSourceIsTokenizedAsTransformersDid() throws {
    let reference = try T5Fixtures.reference("t5-v1_1")
    #expect(try T5Fixtures.model("t5-v1_1").sourceTokens(reference.source) == reference.sourceIds)
  }

  /// A trace records the head size only when it is not `dim / heads` (v1.1's 3 × 4 in a
  /// stream of 16), and reads it back: the JSON round trip keeps the whole trace.
  @Test(arguments: [("t5-v1_0", false), ("t5-v1_1", true)])
  func anExplicitHeadSizeRoundTrips(folder: String, explicit: Bool) throws {
    let model = try T5Fixtures.model(folder)
    #expect((model.config.explicitHeadSize != nil) == explicit)
    var log = TraceLog(detail: .full)
    _ = try model.generate(source: "summarize: the cat", steps: 2, recorder: &log)
    let trace = try #require(log.trace)
    let json = TraceEncoder.encode(trace, as: .json)
    #expect(String(decoding: json, as: UTF8.self).contains("\"headSize\"") == explicit)
    #expect(try TraceDecoder.decode(json) == trace)
  }

  /// The encoder runs once; under `once` every cross row after the first step is reused.
  @Test(arguments: ["t5-v1_0", "t5-v1_1"])
  func theCountersShowOneEncoderRunAndReusedCrossRows(folder: String) throws {
    let model = try T5Fixtures.model(folder)
    let source = try T5Fixtures.reference(folder).sourceIds
    var log = TraceLog(detail: .summary)
    _ = try model.generate(sourceTokens: source, steps: 4, recorder: &log)
    let trace = try #require(log.trace)
    var encoderRuns = 0
    for case .stepBegan(let began) in trace.events where began.phase == .encode {
      encoderRuns += 1
    }
    #expect(encoderRuns == 1)
    let rows = model.config.layers * model.config.kvHeads * source.count
    for case .counters(let counters) in trace.events where counters.step >= 1 {
      #expect(counters.crossRowsComputed == (counters.step == 1 ? rows : 0))
      #expect(counters.crossRowsReused == (counters.step == 1 ? 0 : rows))
    }
    #expect(Oracle.accountingProblems(trace).isEmpty)
  }

  /// T5's bucket function against the table `transformers` computed (`buckets.json`),
  /// for every offset −300…300, both directions, 32 buckets reaching 128.
  @Test func bucketsMatchTransformers() throws {
    let json = try JSONSerialization.jsonObject(
      with: Data(contentsOf: T5Fixtures.root.appendingPathComponent("buckets.json")))
    let table = try #require(json as? [String: [Int]])
    let offsets = try #require(table["offsets"])
    for (name, bidirectional) in [("encoder", true), ("decoder", false)] {
      let buckets = RelativePositionBuckets(
        bidirectional: bidirectional, buckets: 32, maxDistance: 128)
      let mine = offsets.map { buckets.bucket(query: 0, key: $0) }
      #expect(mine == table[name], "\(name)")
    }
  }
}
