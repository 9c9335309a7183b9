import Foundation
import KVTrace

@testable import TinyTransformer

/// The tiny T5 folders `Fixtures/t5/make_fixtures.py` wrote with Hugging Face
/// `transformers`, and the outputs it recorded from PyTorch's T5.
enum T5Fixtures {
  /// `Fixtures/t5`.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/t5")
  /// The folders: both generations, in F32 and in half precision.
  static let folders = ["t5-v1_0", "t5-v1_1", "t5-v1_0-bf16", "t5-v1_1-f16"]

  /// One decode step as PyTorch computed it.
  struct Step {
    var token: Int
    var selfWeights: [[[Double]]]  // [layer][head][key]
    var crossWeights: [[[Double]]]  // [layer][head][source position]
    var logits: [Double]
  }

  /// What `reference.json` holds.
  struct Reference {
    var sourceIds: [Int]
    var encoderAttention: [[[[Double]]]]  // [layer][head][query][key]
    var steps: [Step]
    var greedy: [Int]
    var source: String
  }

  static func file(_ folder: String, _ name: String) throws -> Data {
    try Data(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name))
  }

  static func reference(_ folder: String) throws -> Reference {
    let json = try JSONSerialization.jsonObject(with: file(folder, "reference.json"))
    guard let r = json as? [String: Any], let ids = r["sourceIds"] as? [Int],
      let encoder = r["encoderAttention"] as? [[[[Double]]]], let greedy = r["greedy"] as? [Int],
      let steps = r["steps"] as? [[String: Any]],
      let source = r["source"] as? String
    else { throw HuggingFaceError("reference.json", "unexpected layout") }
    return Reference(
      sourceIds: ids, encoderAttention: encoder,
      steps: steps.map {
        Step(
          token: $0["token"] as? Int ?? -1, selfWeights: $0["self"] as? [[[Double]]] ?? [],
          crossWeights: $0["cross"] as? [[[Double]]] ?? [], logits: $0["logits"] as? [Double] ?? [])
      }, greedy: greedy, source: source)
  }

  /// The folder's tokenizer, from its `spiece.model`.
  static func tokenizer(_ folder: String) throws -> Tokenizer {
    try Tokenizer(sentencePieceModel: file(folder, "spiece.model"))
  }

  /// The folder's model, loaded as the CLI loads it.
  static func model(_ folder: String) throws -> EncoderDecoderTransformer {
    try EncoderDecoderTransformer(
      huggingFace: try HuggingFaceConfig(file(folder, "config.json")),
      weights: try file(folder, "model.safetensors"), tokenizer: try tokenizer(folder),
      name: folder, seed: 0)
  }
}
