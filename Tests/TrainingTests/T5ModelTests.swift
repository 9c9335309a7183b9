import KVTrace
import Testing
import TinyTransformer

@testable import Training

/// The whole encoder-decoder's gradient against finite differences in `Double`, the threaded
/// `Float` trainer against that reference, its reproducibility for any thread count, and
/// that it can learn.
@Suite(.tags(.unit)) struct T5ModelTests {
  /// Odd shapes of both generations: v1.0 (ReLU, tied, scaled output) with `d_kv × heads ≠
  /// d_model`, and v1.1 (gated GELU, untied `lm_head`) with three encoder layers.
  static let shapes = [
    T5TrainingConfig(
      vocabularySize: 11, dModel: 10, dKV: 3, heads: 3, dFF: 7, encoderLayers: 2,
      decoderLayers: 2, buckets: 6, maxDistance: 5),
    T5TrainingConfig(
      vocabularySize: 9, dModel: 6, dKV: 5, heads: 2, dFF: 5, encoderLayers: 3, decoderLayers: 1,
      buckets: 8, maxDistance: 7, feedForward: .gatedGELU, tiedEmbeddings: false),
  ]

  /// Pairs of random ids (at least the start token), sources of 3 to 7 ids, targets of 1 to 4.
  static func pairs(_ c: T5TrainingConfig, count: Int, seed: UInt64) -> [TokenPair] {
    var g = SplitMix64(seed: seed)
    func ids(_ n: Int) -> [Int] { (0..<n).map { _ in g.below(c.vocabularySize) } }
    return (0..<count).map { _ in
      let source = ids(3 + g.below(5))
      return TokenPair(source: source, target: ids(1 + g.below(4)))
    }
  }

  static func recipe(_ c: T5TrainingConfig, steps: Int = 10, batch: Int = 3) -> T5TrainingRecipe {
    T5TrainingRecipe(
      config: c, sourceLength: 8, targetLength: 5, steps: steps, batchSize: batch,
      learningRate: 1e-2, minimumLearningRate: 1e-3, warmupSteps: 2, weightDecay: 0.01,
      gradientClip: 1, seed: 7)
  }

  @Test(arguments: shapes)
  func wholeModelGradientMatchesFiniteDifferences(config c: T5TrainingConfig) {
    let layout = T5Layout(config: c)
    // Vector tensors away from their initial values, so their gradients are checked at a
    // generic point (norm scales near 1, biases random).
    let weights = T5Trainer.initialWeights(layout, seed: 3).enumerated().map { i, w in
      layout.isExempt(i) ? Double(w) + 0.3 * GradientCheck.random(1, seed: UInt64(i))[0] : Double(w)
    }
    let pairs = Self.pairs(c, count: 2, seed: 4)
    let (_, gradient) = T5BatchGradient.compute(weights, layout: layout, pairs: pairs)
    func loss(_ w: [Double]) -> Double {
      T5BatchGradient.compute(w, layout: layout, pairs: pairs).loss
    }
    // Up to twelve numbers spread over every tensor.
    let sample = layout.tensors.flatMap { t in
      let count = t.rows * t.columns
      return (0..<min(12, count)).map { t.offset + $0 * count / min(12, count) }
    }
    GradientCheck.expectMatches(gradient, loss, at: weights, indices: sample, "every tensor")
    for t in layout.tensors where t.name.hasSuffix("relative_attention_bias.weight") {
      let slice = gradient[t.offset..<(t.offset + t.rows * t.columns)]
      #expect(slice.contains { $0 != 0 }, "\(t.name) gets a gradient")
    }
  }

  @Test(arguments: shapes)
  func floatGradientMatchesDoubleReference(config c: T5TrainingConfig) throws {
    let trainer = try T5Trainer(recipe: Self.recipe(c), threads: 2)
    let pairs = Self.pairs(c, count: 3, seed: 5)
    let (loss, _, gradient) = trainer.evaluate(pairs, withGradient: true)
    let reference = T5BatchGradient.compute(
      trainer.parameters.map(Double.init), layout: trainer.layout, pairs: pairs)
    let largest = reference.gradient.map(abs).max() ?? 0
    let worst = zip(gradient, reference.gradient).map { abs(Double($0) - $1) }.max() ?? 0
    #expect(largest > 0.01)
    #expect(worst <= 1e-5 * largest, "worst \(worst), largest \(largest)")
    #expect(abs(Double(loss) - reference.loss) <= 1e-5 * reference.loss)
  }

  @Test func trainingGivesTheSameBitsForOneTwoAndThreeThreads() throws {
    let c = Self.shapes[0]
    var finals: [[Float]] = []
    var losses: [[Float]] = []
    for threads in 1...3 {
      let trainer = try T5Trainer(recipe: Self.recipe(c, batch: 5), threads: threads)
      losses.append(
        (0..<4).map { trainer.trainStep(Self.pairs(c, count: 5, seed: 60 + UInt64($0))).loss })
      finals.append(trainer.parameters)
    }
    #expect(finals[0].map(\.bitPattern) == finals[1].map(\.bitPattern))
    #expect(finals[0].map(\.bitPattern) == finals[2].map(\.bitPattern))
    #expect(losses[0] == losses[2])
    #expect(finals[0] != T5Trainer.initialWeights(T5Layout(config: c), seed: 7))
  }

  /// Four pairs learned by heart: the loss per label falls below 0.02, and greedy decoding
  /// writes each target.
  @Test(arguments: shapes)
  func overfitsAFewPairs(config c: T5TrainingConfig) throws {
    var recipe = Self.recipe(c, steps: 300, batch: 4)
    (recipe.learningRate, recipe.minimumLearningRate, recipe.weightDecay) = (1e-2, 1e-2, 0)
    let trainer = try T5Trainer(recipe: recipe, threads: 2)
    // Targets without the end token, so a greedy summary must write all of them.
    let pairs = Self.pairs(c, count: 4, seed: 8).map {
      TokenPair(source: $0.source, target: $0.target.map { $0 == Tokenizer.eosToken ? 1 : $0 })
    }
    let first = trainer.loss(on: pairs).loss
    for _ in 0..<recipe.steps { _ = trainer.trainStep(pairs) }
    let (loss, accuracy) = trainer.loss(on: pairs)
    #expect(first > 1)
    #expect(loss < 0.02, "loss \(loss) after \(recipe.steps) steps")
    #expect(accuracy == 1)
    for pair in pairs {
      #expect(trainer.greedySummary(of: pair.source, maxLength: 5) == pair.target)
    }
  }

  /// With the cross-attention's query weights zero every score is zero, the attention is
  /// uniform, and each head's share on the copied word is exactly 1 / source length.
  @Test func crossAttentionShareOfUniformAttentionIsOneOverTheSourceLength() throws {
    let c = Self.shapes[0]
    let trainer = try T5Trainer(recipe: Self.recipe(c), threads: 1)
    for tensor in trainer.layout.tensors where tensor.name.hasSuffix("EncDecAttention.q.weight") {
      for i in tensor.offset..<(tensor.offset + tensor.rows * tensor.columns) {
        trainer.parameters[i] = 0
      }
    }
    let pair = TokenPair(source: [5, 6, 7, 8, 9], target: [6, 4, 8])  // copies 6 and 8
    let shares = trainer.crossAttentionShare(on: [pair], layer: 1)
    #expect(shares == [Float](repeating: 0.2, count: c.heads))
  }

  @Test func badRecipesAreRefused() {
    var recipe = Self.recipe(Self.shapes[0])
    recipe.config.maxDistance = 2
    #expect(throws: TrainingError.self) { try T5Trainer(recipe: recipe, threads: 1) }
    #expect(throws: TrainingError.self) {
      try T5Trainer(recipe: Self.recipe(Self.shapes[0]), threads: 0)
    }
  }
}
