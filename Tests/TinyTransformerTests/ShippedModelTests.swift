// The trained default model kvtrace ships as a package resource: it loads, it has the demo
// shape, its provenance describes its bytes, and every way its two files can be damaged is
// one line, never a crash.

import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// A provenance file as `default-model.json` holds it.
func provenanceJSON(
  placeholder: Bool = false, steps: String = "4000", validationLoss: String = "2.3141"
) -> Data {
  Data(
    """
    {"placeholder": \(placeholder), "recipe": "default", "steps": \(steps), "seed": 7,
     "validationLoss": \(validationLoss), "command": "swift run -c release kvtrace train",
     "sha256": "00", "bytes": 1}
    """.utf8)
}

/// The demo shape as a llama2.c fixture header: `shared` says where the classifier is.
func demoShape(dim: Int = 64, shared: Bool = false) -> FixtureShape {
  FixtureShape(
    dim: dim, hidden: 2 * dim, layers: 2, heads: 4, kvHeads: 4,
    vocab: Tokenizer.demo.vocabularySize, seq: 64, shared: shared)
}

@Suite(.tags(.unit)) struct ShippedModelTests {
  @Test func theShippedModelLoadsWithTheDemoShapeAndTokenizer() throws {
    let model = try TinyTransformer.trainedDefault()
    #expect(model.config == ModelConfig.demo(vocabularySize: Tokenizer.demo.vocabularySize))
    #expect(model.tokenizer == .demo)
    let files = try ShippedModel.files()
    let provenance = try JSONDecoder().decode(
      ShippedModelProvenance.self, from: files.provenance)
    #expect(model.weightsSource == provenance.weightsSource)
    let run = try model.generate(prompt: "The quick brown fox", steps: 6)
    #expect(run.tokens.count == 7)  // the prefill's token, then one per decode step
    #expect(run.tokens.allSatisfy { (0..<model.config.vocabularySize).contains($0) })
  }

  @Test func theProvenanceDescribesTheShippedBytes() throws {
    let files = try ShippedModel.files()
    let provenance = try JSONDecoder().decode(
      ShippedModelProvenance.self, from: files.provenance)
    #expect(provenance.bytes == files.checkpoint.count)
    #expect(provenance.sha256 == SHA256.hex(files.checkpoint))
    #expect(!provenance.command.isEmpty)
    if !provenance.placeholder {
      #expect(provenance.steps > 0)
      #expect(provenance.validationLoss != nil)
      #expect(provenance.weightsSource.hasPrefix("trained by kvtrace train (recipe "))
    }
  }

  @Test func theSeedOfTheTrainedModelSeedsSamplingOnly() throws {
    let (a, b) = (
      try TinyTransformer.trainedDefault(seed: 1), try TinyTransformer.trainedDefault(seed: 2)
    )
    let greedy = { (model: TinyTransformer) in
      try model.generate(prompt: "The dog", steps: 4, collectLogits: true)
    }
    #expect(try greedy(a) == greedy(b))
    #expect((a.seed, b.seed) == (1, 2))
  }

  @Test func theHeaderNamesTheTrainingOrThePlaceholder() throws {
    let trained = try JSONDecoder().decode(ShippedModelProvenance.self, from: provenanceJSON())
    #expect(
      trained.weightsSource
        == "trained by kvtrace train (recipe default, 4000 steps, validation loss 2.31)")
    let unmeasured = try JSONDecoder().decode(
      ShippedModelProvenance.self, from: provenanceJSON(validationLoss: "null"))
    #expect(unmeasured.weightsSource == "trained by kvtrace train (recipe default, 4000 steps)")
    let placeholder = try JSONDecoder().decode(
      ShippedModelProvenance.self, from: provenanceJSON(placeholder: true))
    #expect(placeholder.weightsSource.hasPrefix("random placeholder"))
  }

  /// The loader computes exactly what the checkpoint initializer computes from the same bytes.
  @Test func theLoaderBuildsTheCheckpointsModel() throws {
    let data = checkpointData(demoShape())
    let shipped = try TinyTransformer.trainedDefault(
      checkpoint: data, provenance: provenanceJSON(), seed: 0)
    let plain = try TinyTransformer(checkpoint: Checkpoint(data), tokenizer: .demo, name: "x")
    let prompt = "The quick brown fox"
    #expect(
      try shipped.generate(prompt: prompt, steps: 5, collectLogits: true)
        == plain.generate(prompt: prompt, steps: 5, collectLogits: true))
    #expect(shipped.weightsSource.hasPrefix("trained by kvtrace train"))
  }
}

/// Two damaged files and the error the loader must give for them.
struct DamagedShippedModel: Sendable, CustomTestStringConvertible {
  var name: String
  var checkpoint: @Sendable () throws -> Data
  var provenance: Data
  var expected: ShippedModelError

  var testDescription: String { name }
}

let demoVocabulary = Tokenizer.demo.vocabularySize
let damagedShippedModels: [DamagedShippedModel] = [
  DamagedShippedModel(
    name: "a checkpoint of three bytes", checkpoint: { Data([1, 2, 3]) },
    provenance: provenanceJSON(), expected: .damagedCheckpoint(.truncatedHeader(byteCount: 3))),
  DamagedShippedModel(
    name: "provenance that is not JSON", checkpoint: { checkpointData(demoShape()) },
    provenance: Data("{\"steps\": ".utf8), expected: .damagedProvenance("not valid JSON")),
  DamagedShippedModel(
    name: "provenance without steps", checkpoint: { checkpointData(demoShape()) },
    provenance: Data(#"{"placeholder": false, "recipe": "default"}"#.utf8),
    expected: .damagedProvenance("no field steps")),
  DamagedShippedModel(
    name: "provenance whose steps are text", checkpoint: { checkpointData(demoShape()) },
    provenance: provenanceJSON(steps: "\"many\""),
    expected: .damagedProvenance("field steps has the wrong type")),
  DamagedShippedModel(
    name: "a checkpoint of another width", checkpoint: { checkpointData(demoShape(dim: 32)) },
    provenance: provenanceJSON(),
    expected: .wrongShape(
      found: ModelConfig(
        layers: 2, heads: 4, kvHeads: 4, dim: 32, mlpDim: 64, contextLength: 64,
        vocabularySize: demoVocabulary),
      expected: .demo(vocabularySize: demoVocabulary))),
  DamagedShippedModel(
    name: "a shared classifier", checkpoint: { checkpointData(demoShape(shared: true)) },
    provenance: provenanceJSON(),
    expected: .wrongShape(
      found: .demo(vocabularySize: demoVocabulary),
      expected: .demo(vocabularySize: demoVocabulary))),
]

@Test(.tags(.unit), arguments: damagedShippedModels)
func aDamagedShippedModelIsOneLine(_ damaged: DamagedShippedModel) throws {
  let checkpoint = try damaged.checkpoint()
  #expect(throws: damaged.expected) {
    _ = try TinyTransformer.trainedDefault(
      checkpoint: checkpoint, provenance: damaged.provenance, seed: 0)
  }
  let line = damaged.expected.description
  #expect(line.hasPrefix("the trained default model cannot be loaded: "))
  #expect(!line.contains("\n"))
}

@Test(.tags(.unit)) func aMissingBundleNamesItAndTheFix() {
  let line = ShippedModelError.bundleMissing(searched: "/opt/bin").description
  #expect(
    line
      == "the trained default model cannot be loaded: its resources ("
      + ShippedModel.bundleName + ") are not beside the program in /opt/bin; copy that "
      + "directory from the build folder next to the program, or rebuild kvtrace (swift build) "
      + "so that SwiftPM copies its resources")
}

@Test(.tags(.unit)) func theShippedCheckpointCutShortIsOneLine() throws {
  let files = try ShippedModel.files()
  let shape =
    "dim 64, hidden_dim 128, n_layers 2, n_heads 4, n_kv_heads 4, "
    + "vocab_size -\(demoVocabulary), seq_len 64"
  let count = files.checkpoint.count
  #expect(
    throws: ShippedModelError.damagedCheckpoint(
      .sizeMismatch(expected: count, actual: count - 4, shape: shape))
  ) {
    _ = try TinyTransformer.trainedDefault(
      checkpoint: files.checkpoint.dropLast(4), provenance: files.provenance, seed: 0)
  }
}
