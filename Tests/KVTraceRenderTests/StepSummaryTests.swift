import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// The step summary names the query-head groups under GQA and MQA, once, at the prefill.
@Suite(.tags(.unit)) struct StepSummaryTests {
  static func config(heads: Int, kvHeads: Int) -> ModelConfig {
    ModelConfig(
      layers: 2, heads: heads, kvHeads: kvHeads, dim: 8 * heads, mlpDim: 16 * heads,
      contextLength: 64, vocabularySize: Tokenizer.demo.vocabularySize)
  }

  @Test func groupsAreNamedForGQAAndMQAOnly() {
    let style = RenderStyle()
    #expect(
      StepSummary.groups(Self.config(heads: 4, kvHeads: 2), style: style)
        == " Query heads 0–1 read KV head 0, 2–3 read KV head 1 (GQA: the cache holds 2 rows "
        + "per position per layer, not 4).")
    #expect(
      StepSummary.groups(Self.config(heads: 8, kvHeads: 1), style: RenderStyle(unicode: false))
        == " Query heads 0-7 read KV head 0 (MQA: the cache holds 1 row per position per layer, "
        + "not 8).")
    #expect(StepSummary.groups(Self.config(heads: 4, kvHeads: 4), style: style) == nil)
  }

  @Test func theGroupsAreSaidAtThePrefillOnly() throws {
    let config = Self.config(heads: 4, kvHeads: 2)
    let trace = try RunRendererGoldenTests.trace(config: config, steps: 2)
    let sentences = trace.steps.map {
      StepSummary.sentence($0, previous: nil, in: trace, style: RenderStyle())
    }
    #expect(sentences[0].contains("Query heads 0–1 read KV head 0, 2–3 read KV head 1"))
    #expect(sentences.dropFirst().allSatisfy { !$0.contains("Query heads") })
  }
}
