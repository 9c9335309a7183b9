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
    model.weights.flat.withTensors { w in
      let second = w.attention.layer(1, c)
      #expect(second.wk == w.wk + c.kvDim * c.dim)
      #expect(second.wo == w.wo + c.dim * c.dim)
      #expect(w.feedForward.layer(1, c).w2 == w.w2 + c.dim * c.mlpDim)
    }
  }
}
