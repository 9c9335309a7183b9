import KVTrace
import Testing

@testable import TinyTransformer

/// The one weight design: both architectures are lists of the same parts, laid out and
/// drawn by the same rules.
@Suite(.tags(.unit)) struct WeightDesignTests {
  static let config = ModelConfig(
    layers: 2, heads: 4, kvHeads: 2, dim: 16, mlpDim: 24, contextLength: 32,
    vocabularySize: Tokenizer.demo.vocabularySize)

  /// The bits of `count` floats from `pointer`.
  static func bits(_ pointer: UnsafePointer<Float>, _ count: Int) -> [UInt32] {
    (0..<count).map { pointer[$0].bitPattern }
  }

  @Test func theDecoderLayoutIsLlama2cOrder() {
    let c = Self.config
    let layout = WeightLayout(config: c, includesRotaryTables: true, sharesClassifier: false)
    let embedding = c.vocabularySize * c.dim
    let attention = c.layers * (c.dim + 2 * c.dim * c.dim + 2 * c.kvDim * c.dim)
    let feedForward = c.layers * (c.dim + 3 * c.mlpDim * c.dim)
    let rotary = 2 * c.contextLength * c.headSize / 2
    #expect(layout.offset(of: .attention) == embedding)
    #expect(layout.offset(of: .feedForward) == embedding + attention)
    #expect(layout.offset(of: .finalNorm) == embedding + attention + feedForward)
    #expect(layout.offset(of: .classifier) == embedding + attention + feedForward + c.dim + rotary)
    #expect(layout.floatCount == 2 * embedding + attention + feedForward + c.dim + rotary)
    #expect(layout.parameterCount == layout.floatCount - rotary)
    let shared = WeightLayout(config: c, includesRotaryTables: false, sharesClassifier: true)
    #expect(shared.offset(of: .classifier) == shared.offset(of: .tokenEmbedding))
    #expect(shared.floatCount == embedding + attention + feedForward + c.dim)
  }

  @Test func theEncoderDecoderHasThreeAttentionBlocksAndTwoFeedForwards() {
    let c = Self.config
    let layout = WeightLayout.encoderDecoder(c)
    let decoder = WeightLayout(config: c, includesRotaryTables: false, sharesClassifier: false)
    let attention = WeightLayout.Part.attention.count(c)
    let feedForward = WeightLayout.Part.feedForward.count(c)
    #expect(layout.parameterCount == decoder.parameterCount + 2 * attention + feedForward + c.dim)
    #expect(layout.offset(of: .attention, 2) - layout.offset(of: .attention, 1) == attention)
    #expect(layout.offset(of: .finalNorm, 1) == layout.offset(of: .feedForward, 1) + feedForward)
  }

  /// Both models draw from one table of rules in buffer order, and their layouts begin with
  /// the same parts (embedding, attention, feed-forward, a norm), so with the same seed the
  /// encoder's weights are the decoder-only model's, bit for bit.
  @Test func bothArchitecturesDrawTheSamePrefixBitForBit() throws {
    let c = Self.config
    let decoder = try TinyTransformer(config: c, seed: 21)
    let encoderDecoder = try EncoderDecoderTransformer(config: c, seed: 21)
    let e = encoderDecoder.weights
    decoder.weights.withTensors { d in
      let attention = WeightLayout.Part.attention.count(c)
      let feedForward = WeightLayout.Part.feedForward.count(c)
      #expect(
        Self.bits(d.tokenEmbedding, c.vocabularySize * c.dim)
          == Self.bits(e.tokenEmbedding, c.vocabularySize * c.dim))
      #expect(
        Self.bits(d.attentionNorm, attention) == Self.bits(e.encoderAttention.norm, attention))
      #expect(Self.bits(d.mlpNorm, feedForward) == Self.bits(e.encoderMLP.norm, feedForward))
      #expect(Self.bits(d.finalNorm, c.dim) == Self.bits(e.encoderFinalNorm, c.dim))
    }
  }

  @Test func theInitTableGivesOnesToNormsAndScalesByFanIn() {
    let c = Self.config
    for role in [WeightRole.layerNorm, .finalNorm] { #expect(role.randomFill(c) == .ones) }
    let fanIn = 1 / Float(c.dim).squareRoot()
    #expect(WeightRole.query.randomFill(c) == .uniform(scale: 2.5 * fanIn))
    #expect(WeightRole.key.randomFill(c) == .uniform(scale: 2.5 * fanIn))
    #expect(WeightRole.value.randomFill(c) == .uniform(scale: fanIn))
    #expect(WeightRole.down.randomFill(c) == .uniform(scale: 1 / Float(c.mlpDim).squareRoot()))
    #expect(WeightRole.classifier.randomFill(c) == .uniform(scale: 2 * fanIn))
  }

  @Test func layerBlocksStepByOneLayer() throws {
    let c = Self.config
    let model = try TinyTransformer(config: c, seed: 5)
    model.weights.withTensors { w in
      let second = w.attention.layer(1, c)
      #expect(second.wk == w.wk + c.kvDim * c.dim)
      #expect(second.wo == w.wo + c.dim * c.dim)
      #expect(w.feedForward.layer(1, c).w2 == w.w2 + c.dim * c.mlpDim)
    }
  }
}
