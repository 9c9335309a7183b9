import Foundation
import KVTrace
import Testing

/// The trace's encoder-decoder facts: the header's source and architecture, the
/// split counters, and the no-cache view of a decoder step with both caches.
@Suite(.tags(.unit)) struct EncoderSourceTests {
  static let config = ModelConfig(
    layers: 2, heads: 2, kvHeads: 1, dim: 8, mlpDim: 8, contextLength: 16, vocabularySize: 300)

  static func header(source: EncoderSource?) -> TraceHeader {
    TraceHeader(
      model: config, weights: "random, seed 1",
      policy: CachePolicyInfo(kind: .full, exact: true, summary: "keeps every row"), seed: 1,
      sampling: .greedy, prompt: "summarize: cats",
      promptTokens: [TraceToken(id: 3, text: "<start>")],
      decodeSteps: 2, detail: .summary, source: source)
  }

  static let source = EncoderSource(
    tokens: [TraceToken(id: 280, text: "summarize"), TraceToken(id: 62, text: ":")],
    crossAttention: .recompute)

  @Test func aHeaderWithoutASourceIsDecoderOnly() {
    let trace = Trace(header: Self.header(source: nil), events: [])
    #expect(trace.header.architecture == .decoder)
    #expect(trace.sourceTokens.isEmpty)
  }

  @Test func aHeaderWithASourceIsEncoderDecoder() {
    let trace = Trace(header: Self.header(source: Self.source), events: [])
    #expect(trace.header.architecture == .encoderDecoder)
    #expect(trace.sourceTokens.map(\.text) == ["summarize", ":"])
    #expect(trace.tokens.map(\.text) == ["<start>"])  // the decoder's rows, not the source's
    #expect(Architecture.encoderDecoder.rawValue == "encoder-decoder")
    #expect(CrossAttentionMode.allCases.map(\.rawValue) == ["once", "recompute"])
  }

  @Test func theHeaderRoundTripsThroughCodable() throws {
    for source in [nil, Self.source] {
      let header = Self.header(source: source)
      let data = try JSONEncoder().encode(header)
      #expect(try JSONDecoder().decode(TraceHeader.self, from: data) == header)
    }
  }

  @Test func countersDefaultToNoCrossRows() {
    let counters = StepCounters(
      step: 1, rowsComputed: 4, rowsReused: 8, flops: 1, flopsWithoutCache: 2, cacheBytes: 3)
    #expect(counters.crossRowsComputed == 0 && counters.crossRowsReused == 0)
  }
}
