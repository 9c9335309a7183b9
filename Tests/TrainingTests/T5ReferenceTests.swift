import Foundation
import Testing
import TinyTransformer

@testable import Training

/// The trainer's T5 against Hugging Face `transformers`: the folder it writes loads there,
/// and the logits and loss of teacher-forced pairs match; the relative-position buckets are
/// `transformers`' own. The fixtures (Fixtures/T5Reference) were made by
/// `make_reference.py`, whose recorded output is `make_reference.out`.
@Suite(.tags(.oracle)) struct T5ReferenceTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/T5Reference")

  /// The two models of the fixtures: a v1.0 and a v1.1, each trained three steps.
  static let configs = [
    (
      "v1_0",
      T5TrainingConfig(
        vocabularySize: 13, dModel: 10, dKV: 3, heads: 3, dFF: 7, encoderLayers: 2,
        decoderLayers: 2, buckets: 8, maxDistance: 9)
    ),
    (
      "v1_1",
      T5TrainingConfig(
        vocabularySize: 9, dModel: 6, dKV: 5, heads: 2, dFF: 5, encoderLayers: 3,
        decoderLayers: 1, buckets: 6, maxDistance: 7, feedForward: .gatedGELU,
        tiedEmbeddings: false)
    ),
  ]

  struct Pairs: Decodable {
    struct Pair: Decodable {
      var source: [Int]
      var target: [Int]
    }
    var training: [Pair]
    var evaluation: [Pair]
  }

  struct Output: Decodable {
    var logits: [Double]
    var loss: Double
  }

  static func reference() throws -> [String: Any] {
    let data = try Data(contentsOf: folder.appendingPathComponent("reference.json"))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  /// The trainer of a fixture, trained as the fixture's was: three steps on its pairs.
  static func trained(_ name: String, _ c: T5TrainingConfig) throws -> (T5Trainer, Pairs) {
    let data = try Data(contentsOf: folder.appendingPathComponent(name + "/pairs.json"))
    let pairs = try JSONDecoder().decode(Pairs.self, from: data)
    let recipe = T5TrainingRecipe(
      config: c, sourceLength: 12, targetLength: 5, steps: 3, batchSize: 4, learningRate: 1e-2,
      minimumLearningRate: 1e-2, warmupSteps: 0, weightDecay: 0.01, gradientClip: 1, seed: 7)
    let trainer = try T5Trainer(recipe: recipe, threads: 1)
    let training = pairs.training.map { TokenPair(source: $0.source, target: $0.target) }
    for _ in 0..<3 { _ = trainer.trainStep(training) }
    return (trainer, pairs)
  }

  @Test(arguments: [0, 1])
  func theFolderIsTheOneTransformersLoadedAndItsLogitsMatch(index: Int) throws {
    let (name, c) = Self.configs[index]
    let (trainer, pairs) = try Self.trained(name, c)
    for (file, data) in trainer.huggingFaceFolder() {
      let committed = try Data(contentsOf: Self.folder.appendingPathComponent(name + "/" + file))
      #expect(data == committed, "\(name)/\(file) as written now and as committed")
    }
    let json = try JSONSerialization.data(withJSONObject: Self.reference()[name] ?? [])
    let outputs = try JSONDecoder().decode([Output].self, from: json)
    #expect(outputs.count == pairs.evaluation.count && !outputs.isEmpty)
    let weights = trainer.parameters.map(Double.init)
    for (pair, expected) in zip(pairs.evaluation, outputs) {
      let tokens = TokenPair(source: pair.source, target: pair.target)
      let (loss, _) = T5BatchGradient.compute(weights, layout: trainer.layout, pairs: [tokens])
      let logits = Self.logits(tokens, weights: weights, layout: trainer.layout)
      #expect(logits.count == expected.logits.count)
      let worst = zip(logits, expected.logits).map { abs($0 - $1) }.max() ?? .infinity
      #expect(worst <= 1e-4, "\(name): logits differ by up to \(worst)")
      #expect(abs(loss - expected.loss) <= 1e-4, "\(name): loss \(loss) vs \(expected.loss)")
    }
  }

  static func logits(_ pair: TokenPair, weights: [Double], layout: T5Layout) -> [Double] {
    let inputs = T5BatchGradient.decoderInputs(pair)
    let pass = T5Pass<Double>(
      config: layout.config, sourceRows: pair.source.count, targetRows: inputs.count)
    let transposed = T5Network.transpose(weights, layout: layout)
    return weights.withUnsafeBufferPointer { w in
      transposed.withUnsafeBufferPointer { t in
        let network = T5Network(layout: layout, weights: w.baseAddress!, transposed: t.baseAddress!)
        pass.forward(source: pair.source, decoderInputs: inputs, network: network)
        return Array(
          UnsafeBufferPointer(
            start: pass.logits, count: inputs.count * layout.config.vocabularySize))
      }
    }
  }

  @Test(arguments: [
    ("bidirectional_32_128", true, 32, 128), ("causal_32_128", false, 32, 128),
    ("bidirectional_8_9", true, 8, 9), ("causal_6_7", false, 6, 7),
  ])
  func bucketsAreTransformersBuckets(key: String, bidirectional: Bool, count: Int, distance: Int)
    throws
  {
    let tables = try Self.reference()["buckets"] as? [String: Any]
    let expected = tables?[key] as? [Int] ?? []
    let buckets = RelativePositionBuckets(
      bidirectional: bidirectional, buckets: count, maxDistance: distance)
    #expect(expected.count == 401)
    for (i, bucket) in expected.enumerated() {
      #expect(buckets.bucket(query: 200, key: i) == bucket, "\(key): offset \(i - 200)")
    }
  }
}
