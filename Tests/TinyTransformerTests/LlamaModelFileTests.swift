import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// The tiny Llama-family models of Fixtures/llama (make_fixtures.py) against the references
/// that wrote them: transformers for the safetensors folders and the F32 GGUF (the same
/// weights, Q/K permuted for adjacent-pair RoPE), a float64 numpy forward over gguf-py's
/// dequantized tensors for the quantized GGUF.
///
/// Tolerance: kvtrace computes in `Float` and sums in its own fixed order, the references
/// in another order (torch `float32`) or in `Double` (numpy), so each logit differs by a few
/// roundings of the sums that made it: logits here reach ±11, `Float`'s relative precision
/// is 6e-8, and about a thousand multiply-adds of two layers feed each one, so 1e-4 leaves a
/// margin of ten over what was measured (≤ 1e-5) while a wrong RoPE pairing, a missing bias
/// or a misread block moves logits by 0.1 or more. Greedy tokens must be equal.
@Suite(.tags(.unit)) struct LlamaModelFileTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/llama")
  static let tolerance: Float = 1e-4

  struct Reference: Decodable {
    struct Model: Decodable {
      var greedy: [Int]
      var logits: [[Float]]
    }
    var prompt: [Int]
    var steps: Int
    var models: [String: Model]
  }

  static func reference() throws -> Reference {
    try JSONDecoder().decode(
      Reference.self, from: Data(contentsOf: folder.appendingPathComponent("reference.json")))
  }

  /// A fixture folder loaded as `kvtrace --model` loads one.
  static func folderModel(_ name: String) throws -> TinyTransformer {
    let dir = folder.appendingPathComponent(name)
    func read(_ file: String) throws -> Data {
      try Data(contentsOf: dir.appendingPathComponent(file))
    }
    let config = try LlamaFolderConfig(json: try read("config.json"))
    let tokenizer = try Tokenizer(tokenizerJSON: try read("tokenizer.json"), tokenizerConfig: nil)
    var map: [String: String]? = nil
    var names = ["model.safetensors"]
    if let index = try? read("model.safetensors.index.json") {
      let object = try JSONSerialization.jsonObject(with: index) as? [String: Any]
      map = object?["weight_map"] as? [String: String]
      names = Set(map?.values.map { $0 } ?? []).sorted()
    }
    return try TinyTransformer(
      llamaFolder: config, shards: try names.map { ($0, try read($0)) }, weightMap: map,
      tokenizer: tokenizer, name: name, seed: 0)
  }

  static func ggufModel(_ name: String) throws -> TinyTransformer {
    try TinyTransformer(
      gguf: try Data(contentsOf: folder.appendingPathComponent(name)), name: name)
  }

  static func model(_ name: String) throws -> TinyTransformer {
    name.hasSuffix(".gguf") ? try ggufModel(name) : try folderModel(name)
  }

  @Test(arguments: [
    "llama_f32", "llama_bf16_sharded", "qwen2_f32", "llama_f32.gguf",
    "llama_quant.gguf",
  ])
  func logitsAndGreedyTokensMatchTheReference(_ name: String) throws {
    let reference = try Self.reference()
    let expected = try #require(reference.models[name])
    for threads in [1, 2] {
      var model = try Self.model(name)
      model.threads = threads
      var silent = NoRecorder()
      let run = try model.generate(
        promptTokens: reference.prompt, steps: reference.steps, collectLogits: true,
        recorder: &silent)
      #expect(run.tokens == expected.greedy, "\(name), \(threads) threads")
      #expect(run.logits.count == expected.logits.count)
      var worst: Float = 0
      for (got, want) in zip(run.logits, expected.logits) {
        #expect(got.count == want.count)
        for (a, b) in zip(got, want) { worst = max(worst, abs(a - b)) }
      }
      #expect(worst <= Self.tolerance, "\(name): largest logit difference \(worst)")
    }
  }

  @Test func theFilesSettingsAreRead() throws {
    let gguf = try Self.ggufModel("llama_quant.gguf")
    #expect(gguf.config.layers == 2 && gguf.config.heads == 4 && gguf.config.kvHeads == 2)
    #expect(gguf.config.contextLength == 128)
    #expect(gguf.rotary.pairing == .adjacent)
    // Q8_0: 2 layers × 4 attention matrices, the embedding, the classifier.
    #expect(gguf.storedFormats == "Q8_0 ×10, Q4_1 ×6")
    let qwen = try Self.folderModel("qwen2_f32")
    #expect(qwen.rotary.pairing == .halves)
    guard case .stored(let stored) = qwen.weights else { throw CancellationError() }
    #expect(stored.layers[0].biases != nil)
    #expect(stored.classifier == stored.tokenEmbedding)  // tied
  }

  /// A GGUF model's trace header carries the file's SHA-256 unless the caller says its
  /// trace is never written; the model is the same either way.
  @Test func aGGUFFilesDigestIsComputedOnlyWhenAsked() throws {
    let data = try Data(contentsOf: Self.folder.appendingPathComponent("llama_quant.gguf"))
    let hashed = try TinyTransformer(gguf: data, name: "q")
    let unhashed = try TinyTransformer(gguf: data, name: "q", digestsWeights: false)
    #expect(hashed.identity.weightsSHA256 == SHA256.hex(data))
    #expect(unhashed.identity.weightsSHA256 == nil)
    var off = NoRecorder()
    let a = try hashed.generate(
      promptTokens: [1, 2, 3], steps: 2, collectLogits: true, recorder: &off)
    let b = try unhashed.generate(
      promptTokens: [1, 2, 3], steps: 2, collectLogits: true, recorder: &off)
    #expect(a.logits.map { $0.map(\.bitPattern) } == b.logits.map { $0.map(\.bitPattern) })
  }

  @Test func quantizedWeightsAreReadAsStored() throws {
    let data = try Data(contentsOf: Self.folder.appendingPathComponent("llama_quant.gguf"))
    let model = try TinyTransformer(gguf: data, name: "q")
    // Per token: every layer's matrices as blocks plus the classifier, far below Float32's.
    let floats = model.parameterCount * MemoryLayout<Float>.size
    #expect(model.weightBytesPerToken < floats / 3)
  }

  @Test func unsupportedFilesAreNamedInOneLine() throws {
    let config = try Data(
      contentsOf: Self.folder.appendingPathComponent("llama_f32/config.json"))
    var text = String(decoding: config, as: UTF8.self)
    text = text.replacingOccurrences(
      of: "\"rope_type\": \"default\"", with: "\"rope_type\": \"llama3\"")
    #expect(throws: ModelFileError.self) { try LlamaFolderConfig(json: Data(text.utf8)) }
    do {
      _ = try LlamaFolderConfig(json: Data(text.utf8))
    } catch {
      #expect(error.description.contains("rope_scaling 'llama3' is not supported"))
      #expect(!error.description.contains("\n"))
    }
    let bert = String(decoding: config, as: UTF8.self).replacingOccurrences(
      of: "\"llama\"", with: "\"bert\"")
    #expect(throws: ModelFileError.self) { try LlamaFolderConfig(json: Data(bert.utf8)) }
    var gguf = try Data(contentsOf: Self.folder.appendingPathComponent("llama_quant.gguf"))
    gguf.removeLast(gguf.count / 2)  // truncated: a tensor past the end
    #expect(throws: ModelFileError.self) { try TinyTransformer(gguf: gguf, name: "cut.gguf") }
  }
}
