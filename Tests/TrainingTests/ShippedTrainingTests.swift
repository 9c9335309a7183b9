import Foundation
import Testing
import TinyTransformer

@testable import Training

/// The shipped default model is reproducible: retraining the first steps of the default recipe
/// writes, bit for bit, the first lines of the training log committed beside the weights
/// (`Sources/TinyTransformer/Resources/default-model-log.txt`, written by `kvtrace train`).
/// The whole file is reproduced by `swift run -c release kvtrace train --out DIR`; its
/// `model.bin` is then byte for byte `default-model.bin`.
@Suite(.tags(.oracle)) struct ShippedTrainingTests {
  static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/TinyTransformer/Resources")

  /// The committed log's lines.
  static func shippedLog() throws -> [String] {
    let url = resources.appendingPathComponent("default-model-log.txt")
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  @Test func theFirstStepsOfTheRecipeReproduceTheShippedLog() throws {
    let recipe = TrainingRecipe.default(vocabularySize: Tokenizer.demo.vocabularySize)
    let log = try Self.shippedLog()
    #expect(log.count == recipe.steps)
    let corpus = Corpus(seed: recipe.seed, split: .training)
    // Two threads here, whatever the shipped run used: the bits do not depend on it.
    let trainer = try Trainer(recipe: recipe, threads: 2)
    for step in 0..<3 {
      let batch = corpus.batch(step: step, size: recipe.batchSize, length: recipe.sequenceLength)
      let line = TrainingLog.line(trainer.trainStep(batch))
      #expect(line == log[step], "step \(step)")
    }
  }

  @Test func theShippedLogEndsWhereTheProvenanceSays() throws {
    let log = try Self.shippedLog()
    let last = try #require(log.last.flatMap { TrainingLog.report(parsing: Substring($0)) })
    #expect(last.step == log.count - 1)
    #expect(last.loss.isFinite && last.loss < 3)
  }
}
