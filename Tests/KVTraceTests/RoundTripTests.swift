import KVTrace
import Testing
import TinyTransformer

/// decode(encode(trace)) == trace, and encode(decode(bytes)) == bytes.
@Suite(.tags(.unit)) struct RoundTripTests {
  static let cases: [(String, @Sendable () throws -> Trace)] = [
    ("demo full", { try Demo.full.get() }),
    ("demo summary", { try Demo.summary.get() }),
    ("no cache", { try Demo.trace(steps: 2, policy: NoCache()) }),
    ("window", { try Demo.trace(steps: 3, policy: SlidingWindow(window: 4)) }),
    ("sinks", { try Demo.trace(steps: 3, policy: SlidingWindow(sinks: 2, window: 4)) }),
    ("int8", { try Demo.trace(steps: 3, policy: Int8Cache()) }),
    ("paged", { try Demo.trace(steps: 4, policy: PagedCache(blockSize: 4)) }),
    (
      "paged, summary",
      { try Demo.trace(steps: 9, policy: PagedCache(blockSize: 3), detail: .summary) }
    ),
    (
      "grouped-query, sampled",
      {
        try Demo.trace(
          steps: 3,
          config: ModelConfig(
            layers: 3, heads: 8, kvHeads: 2, dim: 32, mlpDim: 64, contextLength: 64,
            vocabularySize: Tokenizer.demo.vocabularySize),
          sampling: Sampling(temperature: 0.8, topK: 20), seed: 7)
      }
    ),
    (
      "escapes in the prompt", { try Demo.trace(prompt: "Say \"hi\"\\\n\tthen 🦊 é\u{1}", steps: 1) }
    ),
  ]

  @Test(arguments: 0..<cases.count, TraceFileFormat.allCases)
  func valuesAndBytesRoundTrip(_ index: Int, _ format: TraceFileFormat) throws {
    let trace = try Self.cases[index].1()
    let bytes = TraceEncoder.encode(trace, as: format)
    let decoded = try TraceDecoder.decode(bytes)
    #expect(decoded == trace, "\(Self.cases[index].0)")
    #expect(TraceEncoder.encode(decoded, as: format) == bytes)
  }
}
