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
  }

  static func file(_ folder: String, _ name: String) throws -> Data {
    try Data(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name))
  }

  static func reference(_ folder: String) throws -> Reference {
    let json = try JSONSerialization.jsonObject(with: file(folder, "reference.json"))
    guard let r = json as? [String: Any], let ids = r["sourceIds"] as? [Int],
      let encoder = r["encoderAttention"] as? [[[[Double]]]], let greedy = r["greedy"] as? [Int],
      let steps = r["steps"] as? [[String: Any]]
    else { throw HuggingFaceError("reference.json", "unexpected layout") }
    return Reference(
      sourceIds: ids, encoderAttention: encoder,
      steps: steps.map {
        Step(
          token: $0["token"] as? Int ?? -1, selfWeights: $0["self"] as? [[[Double]]] ?? [],
          crossWeights: $0["cross"] as? [[[Double]]] ?? [], logits: $0["logits"] as? [Double] ?? [])
      }, greedy: greedy)
  }

  /// A stand-in for the folder's tokenizer: `tokenizer.json`'s pieces in id order (the
  /// Unigram vocabulary, then the added `<extra_id_N>`), enough to label tokens. The
  /// tests feed the source ids `transformers` recorded, so no text is segmented here.
  static func tokenizer(_ folder: String) throws -> Tokenizer {
    let json = try JSONSerialization.jsonObject(with: file(folder, "tokenizer.json"))
    guard let t = json as? [String: Any], let model = t["model"] as? [String: Any],
      let vocab = model["vocab"] as? [[Any]], let added = t["added_tokens"] as? [[String: Any]]
    else { throw HuggingFaceError("tokenizer.json", "unexpected layout") }
    var pieces = vocab.map { Array(($0[0] as? String ?? "").utf8) }
    var scores = vocab.map { Float($0[1] as? Double ?? 0) }
    for token in added.sorted(by: { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) })
    where (token["id"] as? Int ?? 0) >= pieces.count {
      pieces.append(Array((token["content"] as? String ?? "").utf8))
      scores.append(0)
    }
    return Tokenizer(kind: .sentencePiece(SentencePieceVocabulary(pieces: pieces, scores: scores)))
  }

  /// The folder's model, loaded as the CLI loads it.
  static func model(_ folder: String) throws -> EncoderDecoderTransformer {
    try EncoderDecoderTransformer(
      huggingFace: try HuggingFaceConfig(file(folder, "config.json")),
      weights: try file(folder, "model.safetensors"), tokenizer: try tokenizer(folder),
      name: folder, seed: 0)
  }
}
