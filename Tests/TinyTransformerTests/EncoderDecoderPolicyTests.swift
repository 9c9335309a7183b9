import KVTrace
import Testing

@testable import TinyTransformer

/// The library, not only the command line, refuses the policies the encoder-decoder
/// does not implement: it used to run them as `full` under the requested name.
@Suite(.tags(.unit)) struct EncoderDecoderPolicyTests {
  static let refused: [any CachePolicy] = [
    SlidingWindow(window: 4), SlidingWindow(sinks: 2, window: 4), PagedCache(blockSize: 4),
    Int8Cache(),
  ]

  @Test func eachArchitectureStatesItsPolicies() {
    let kinds: [CachePolicyKind] = [
      .none, .full, .window(sinks: 0, window: 4), .window(sinks: 2, window: 4),
      .paged(blockSize: 4), .int8,
    ]
    #expect(Architecture.decoder.supported(among: kinds) == kinds)
    #expect(Architecture.encoderDecoder.supported(among: kinds) == [.none, .full])
  }

  @Test(arguments: 0..<4) func generateRefusesAndRecordsNothing(index: Int) {
    let policy = Self.refused[index]
    let model = EncoderDecoderTransformer.demo(seed: 1)
    var log = TraceLog(detail: .summary)
    let expected = DecodeError.unsupportedPolicy(policy.info.name, architecture: .encoderDecoder)
    #expect(throws: expected) {
      try model.generate(source: "summarize: the cat sat", steps: 2, policy: policy, recorder: &log)
    }
    #expect(throws: expected) {
      try model.generate(source: "summarize: the cat sat", steps: 2, policy: policy)
    }
    #expect(log.header == nil && log.events.isEmpty)
    #expect(expected.description.hasSuffix("use one of: none, full"))
  }

  @Test(arguments: 0..<4) func theStepByStepCacheRefusesToo(index: Int) throws {
    let policy = Self.refused[index]
    let model = EncoderDecoderTransformer.demo(seed: 1)
    let encoded = try model.encode(model.tokenizer.encode("summarize: the cat sat"))
    #expect(throws: DecodeError.unsupportedPolicy(policy.info.name, architecture: .encoderDecoder))
    {
      try model.makeDecoderCache(encoderOutput: encoded, maxLength: 3, policy: policy)
    }
  }

  @Test func theExactPoliciesStillRun() throws {
    let model = EncoderDecoderTransformer.demo(seed: 1)
    for policy in [NoCache() as any CachePolicy, FullCache()] {
      var log = TraceLog(detail: .summary)
      let result = try model.generate(
        source: "summarize: the cat sat", steps: 3, policy: policy, recorder: &log)
      #expect(result.tokens.count == 3)
      #expect(log.header?.policy == policy.info)
    }
  }
}
