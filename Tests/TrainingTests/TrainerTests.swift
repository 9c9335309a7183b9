import Foundation
import KVTrace
import Testing
import TinyTransformer

@testable import Training

/// Fixed random sequences: the same batch at every step, so a model can learn it by heart.
struct FixedData: TrainingData {
  let vocabularySize: Int
  let seed: UInt64

  func batch(step: Int, size: Int, length: Int) -> [[Int]] {
    var generator = SplitMix64(seed: seed)
    return (0..<size).map { _ in
      (0...length).map { _ in Int(generator.next() % UInt64(vocabularySize)) }
    }
  }
}

@Suite(.tags(.unit)) struct TrainerTests {
  static let small = ModelConfig(
    layers: 2, heads: 4, kvHeads: 2, dim: 16, mlpDim: 24, contextLength: 16, vocabularySize: 20)

  static func recipe(_ c: ModelConfig = small, steps: Int = 200) -> TrainingRecipe {
    TrainingRecipe(
      config: c, steps: steps, batchSize: 4, sequenceLength: 12, learningRate: 1e-2,
      minimumLearningRate: 1e-3, warmupSteps: 10, weightDecay: 0.01, gradientClip: 1, seed: 11)
  }

  @Test func lossOnATinyFixedBatchFallsNearZero() throws {
    let recipe = Self.recipe(steps: 300)
    let trainer = try Trainer(recipe: recipe, threads: 2)
    let data = FixedData(vocabularySize: 20, seed: 3)
    // Distinct first tokens, so every target is determined by the tokens before it.
    let batch = data.batch(step: 0, size: 4, length: 12).enumerated().map { [$0] + $1.dropFirst() }
    let first = trainer.trainStep(batch)
    for _ in 1..<recipe.steps { _ = trainer.trainStep(batch) }
    let (loss, accuracy) = trainer.loss(on: batch)
    #expect(first.loss > 2.5)  // about ln 20 = 3.0 at the start
    #expect(loss < 0.02, "loss \(loss)")
    #expect(accuracy == 1)
    #expect(trainer.step == recipe.steps)
  }

  @Test func anyThreadCountGivesTheSameBits() throws {
    let data = FixedData(vocabularySize: 20, seed: 4)
    var runs: [(Data, [String])] = []
    for threads in [1, 2, 3] {
      let trainer = try Trainer(recipe: Self.recipe(steps: 5), threads: threads)
      var log: [String] = []
      for step in 0..<5 {
        log.append(TrainingLog.line(trainer.trainStep(data.batch(step: step, size: 4, length: 12))))
      }
      runs.append((trainer.checkpointData(), log))
    }
    #expect(runs[0].0 == runs[1].0 && runs[0].0 == runs[2].0)
    #expect(runs[0].1 == runs[1].1 && runs[0].1 == runs[2].1)
    let fresh = try Trainer(recipe: Self.recipe(steps: 5), threads: 1)
    #expect(fresh.checkpointData() != runs[0].0)  // the steps did change the weights
  }

  /// The trainer's logits are what inference computes from its checkpoint: trained weights
  /// mean the same thing at inference.
  @Test func trainerLogitsEqualInferenceLogits() throws {
    let vocabulary = Tokenizer.demo.vocabularySize
    var config = ModelConfig.demo(vocabularySize: vocabulary)
    config.kvHeads = 2  // grouped-query attention too
    var recipe = Self.recipe(config, steps: 3)
    recipe.sequenceLength = 9
    let trainer = try Trainer(recipe: recipe, threads: 2)
    let data = FixedData(vocabularySize: vocabulary, seed: 5)
    for step in 0..<3 { _ = trainer.trainStep(data.batch(step: step, size: 4, length: 9)) }
    let model = try TinyTransformer(
      checkpoint: Checkpoint(trainer.checkpointData()), tokenizer: .demo, name: "trained")
    let tokens = data.batch(step: 0, size: 1, length: 9)[0]
    let pass = SequencePass<Float>(config: config, rows: 9)
    let transposed = Network.transpose(trainer.parameters, layout: trainer.layout)
    trainer.parameters.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        pass.forward(
          tokens: tokens[0..<9],
          network: Network(
            layout: trainer.layout, weights: w.baseAddress!, transposed: t.baseAddress!))
      }
    }
    var worst: Float = 0
    for position in 0..<9 {
      var recorder = NoRecorder()
      let generation = try model.generate(
        promptTokens: Array(tokens[0...position]), steps: 0, collectLogits: true,
        recorder: &recorder)
      let inference = generation.logits[0]
      for j in 0..<vocabulary {
        worst = max(worst, abs(inference[j] - pass.logits[position * vocabulary + j]))
      }
    }
    #expect(worst < 1e-5, "largest logit difference \(worst)")
  }

  @Test func aCheckpointResumesWithTheSameWeights() throws {
    let data = FixedData(vocabularySize: 20, seed: 6)
    let trainer = try Trainer(recipe: Self.recipe(steps: 4), threads: 1)
    for step in 0..<4 { _ = trainer.trainStep(data.batch(step: step, size: 4, length: 12)) }
    let resumed = try Trainer(
      recipe: Self.recipe(steps: 4), threads: 2, resumingFrom: trainer.checkpointData())
    #expect(resumed.parameters == trainer.parameters)
    #expect(resumed.step == 0)
    var other = Self.recipe()
    other.config.dim = 32
    #expect(throws: TrainingError.self) {
      try Trainer(recipe: other, threads: 1, resumingFrom: trainer.checkpointData())
    }
    #expect(throws: TrainingError.self) {
      try Trainer(recipe: Self.recipe(), threads: 1, resumingFrom: Data([1, 2, 3]))
    }
  }

  @Test func aBadRecipeIsRefusedWithItsFix() {
    var recipe = Self.recipe()
    recipe.sequenceLength = 17
    #expect(throws: TrainingError.self) { try Trainer(recipe: recipe, threads: 1) }
    #expect(throws: TrainingError.self) { try Trainer(recipe: Self.recipe(), threads: 0) }
  }

  @Test func theScheduleWarmsUpThenDecaysToTheMinimum() {
    let recipe = Self.recipe(steps: 111)
    #expect(abs(recipe.learningRate(atStep: 0) - 1e-3) < 1e-9)
    #expect(recipe.learningRate(atStep: 9) == 1e-2)
    #expect(recipe.learningRate(atStep: 10) == 1e-2)
    #expect(recipe.learningRate(atStep: 110) == 1e-3)
    #expect(abs(recipe.learningRate(atStep: 60) - 5.5e-3) < 1e-6)  // halfway down the cosine
    #expect(recipe.learningRate(atStep: 30) > recipe.learningRate(atStep: 31))
  }

  @Test func aLogLineCarriesTheExactBits() {
    let report = TrainingStepReport(
      step: 12, loss: 5.123_456, learningRate: 3e-4, gradientNorm: 0.5)
    let line = TrainingLog.line(report)
    #expect(line.hasPrefix("step 12 loss 5.1235 lr 0.000300 norm 0.5000 bits "))
    #expect(TrainingLog.report(parsing: line[...]) == report)
    #expect(TrainingLog.report(parsing: "step 1 loss 2") == nil)
  }
}
