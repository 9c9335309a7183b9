import KVTrace
import Testing
import TinyTransformer

@testable import Training

/// The whole model's gradient against finite differences in `Double`, and the trainer's fast
/// `Float` computation against that `Double` reference.
@Suite(.tags(.unit)) struct ModelGradientTests {
  /// Awkward shapes: grouped-query attention with odd MLP widths, and three heads.
  static let shapes = [
    ModelConfig(
      layers: 2, heads: 4, kvHeads: 2, dim: 24, mlpDim: 13, contextLength: 8, vocabularySize: 11),
    ModelConfig(
      layers: 1, heads: 3, kvHeads: 3, dim: 12, mlpDim: 7, contextLength: 6, vocabularySize: 9),
  ]

  static func batch(_ c: ModelConfig, sequences: Int, length: Int, seed: UInt64) -> [[Int]] {
    var generator = SplitMix64(seed: seed)
    return (0..<sequences).map { _ in
      (0..<length).map { _ in Int(generator.next() % UInt64(c.vocabularySize)) }
    }
  }

  static func recipe(_ c: ModelConfig, batch: Int = 2, length: Int = 5) -> TrainingRecipe {
    TrainingRecipe(
      config: c, steps: 10, batchSize: batch, sequenceLength: length, learningRate: 1e-2,
      minimumLearningRate: 1e-3, warmupSteps: 2, weightDecay: 0.01, gradientClip: 1, seed: 7)
  }

  @Test(arguments: shapes)
  func wholeModelGradientMatchesFiniteDifferences(config c: ModelConfig) {
    let layout = ParameterLayout(config: c)
    // Norm gains away from one, so their gradients are checked at a generic point.
    let weights = Trainer.initialWeights(layout, seed: 3).enumerated().map { i, w in
      layout.isNorm(i) ? 1 + 0.3 * Double(GradientCheck.random(1, seed: UInt64(i))[0]) : Double(w)
    }
    let batch = Self.batch(c, sequences: 2, length: 6, seed: 4)
    let (_, gradient) = BatchGradient.compute(weights, layout: layout, batch: batch)
    func loss(_ w: [Double]) -> Double {
      BatchGradient.compute(w, layout: layout, batch: batch).loss
    }
    // Fifteen weights spread over every tensor (all of them would take minutes in a debug build).
    let sample = layout.tensors.flatMap { t in
      let count = t.rows * t.columns
      return (0..<15).map { t.offset + $0 * count / 15 + ($0 * 7) % max(1, count / 15) }
    }
    GradientCheck.expectMatches(gradient, loss, at: weights, indices: sample, "every tensor")
    #expect(gradient.contains { $0 != 0 })
  }

  @Test(arguments: shapes)
  func floatGradientMatchesDoubleReference(config c: ModelConfig) throws {
    let trainer = try Trainer(recipe: Self.recipe(c), threads: 2)
    let batch = Self.batch(c, sequences: 3, length: 6, seed: 5)
    let (loss, _, gradient) = trainer.evaluate(batch, withGradient: true)
    let reference = BatchGradient.compute(
      trainer.parameters.map(Double.init), layout: trainer.layout, batch: batch)
    let largest = reference.gradient.map(abs).max() ?? 0
    let worst = zip(gradient, reference.gradient).map { abs(Double($0) - $1) }.max() ?? 0
    #expect(largest > 0.01)
    #expect(worst <= 1e-5 * largest, "worst \(worst), largest \(largest)")
    #expect(abs(Double(loss) - reference.loss) <= 1e-5 * reference.loss)
  }

  @Test func fastProductEqualsPlainLoopsBitForBit() {
    for (m, k, n) in [(1, 1, 1), (5, 7, 13), (4, 64, 16), (9, 3, 8), (6, 17, 1000)] {
      let a = GradientCheck.random(m * k, seed: 20).map(Float.init)
      let b = GradientCheck.random(k * n, seed: 21).map(Float.init)
      let start = GradientCheck.random(m * n, seed: 22).map(Float.init)
      for (transposed, accumulate) in [(false, false), (true, true)] {
        let (rowStride, innerStride) = transposed ? (1, m) : (k, 1)
        var fast = start
        var plain = start
        MatrixKernels.product(
          &fast, a, rowStride: rowStride, innerStride: innerStride, b, m: m, k: k, n: n,
          accumulate: accumulate)
        MatrixKernels.plainProduct(
          &plain, a, rowStride: rowStride, innerStride: innerStride, b, m: m, k: k, n: n,
          accumulate: accumulate)
        #expect(fast.map(\.bitPattern) == plain.map(\.bitPattern), "\(m)×\(k)×\(n)")
      }
    }
  }
}
