import Foundation
import Testing
import TinyTransformer

@testable import Training

/// The shipped T5 (`default-t5.safetensors`) is reproducible: retraining the first steps of
/// the summarizer recipe writes, bit for bit, the first lines of the training log committed
/// beside it (`Sources/TinyTransformer/Resources/default-t5-log.txt`, written by
/// `kvtrace train --arch encoder-decoder`). The whole run is reproduced by
/// `swift run -c release kvtrace train --arch encoder-decoder --out DIR`.
@Suite(.tags(.oracle)) struct ShippedT5TrainingTests {
  static let resources = ShippedTrainingTests.resources

  /// The committed log's lines.
  static func shippedLog() throws -> [String] {
    let url = resources.appendingPathComponent("default-t5-log.txt")
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  @Test func theFirstStepsOfTheSummarizerReproduceTheShippedLog() throws {
    let tokenizer = Tokenizer.summaries
    let recipe = T5TrainingRecipe.summarizer(vocabularySize: tokenizer.vocabularySize)
    let log = try Self.shippedLog()
    #expect(log.count == recipe.steps)
    let corpus = SummaryCorpus(seed: recipe.seed, split: .training)
    let trainer = try T5Trainer(recipe: recipe, threads: 2)
    for step in 0..<3 {
      let pairs = corpus.pairs(step: step, size: recipe.batchSize).map {
        SummaryCorpus.tokens(of: $0, tokenizer: tokenizer)
      }
      let line = TrainingLog.line(trainer.trainStep(pairs))
      #expect(line == log[step], "step \(step)")
    }
  }

  @Test func theShippedLogEndsTrained() throws {
    let log = try Self.shippedLog()
    let last = try #require(log.last.flatMap { TrainingLog.report(parsing: Substring($0)) })
    #expect(last.step == log.count - 1)
    #expect(last.loss.isFinite && last.loss < 0.01)
  }
}
