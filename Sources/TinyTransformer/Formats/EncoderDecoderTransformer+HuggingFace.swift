import Foundation
import KVTrace

extension EncoderDecoderTransformer {
  /// A T5 from a Hugging Face folder's files: `config.json` and `model.safetensors`
  /// (F32, F16 or BF16; half precision is widened to `Float` exactly).
  ///
  /// Every tensor the config implies is looked up by its Hugging Face name
  /// (`shared.weight`, `encoder.block.0.layer.0.SelfAttention.q.weight`, …,
  /// `lm_head.weight` when untied) and its shape checked before it is read; tensors
  /// the model does not need (`encoder.embed_tokens.weight`, a copy of `shared`)
  /// are ignored.
  ///
  /// - Parameters:
  ///   - config: The parsed `config.json`.
  ///   - weights: The whole `model.safetensors`.
  ///   - tokenizer: The folder's tokenizer; the model's vocabulary may be larger
  ///     (t5-small pads 32100 pieces to 32128 rows), never smaller.
  ///   - name: How a trace names the weights, e.g. the folder's name.
  ///   - seed: The seed of sampling.
  /// - Throws: ``HuggingFaceError`` naming `model.safetensors` or `config.json`.
  public init(
    huggingFace config: HuggingFaceConfig, weights: Data, tokenizer: Tokenizer, name: String,
    seed: UInt64
  ) throws(HuggingFaceError) {
    do {
      try config.model.validate()
      try Self.validate(config.model, config.t5, nil)
    } catch {
      throw HuggingFaceError("config.json", error.description)
    }
    guard tokenizer.vocabularySize <= config.model.vocabularySize else {
      throw HuggingFaceError(
        "config.json",
        "vocab_size \(config.model.vocabularySize) is smaller than the tokenizer's "
          + "\(tokenizer.vocabularySize) pieces; use the tokenizer that came with the model")
    }
    let file: SafetensorsFile
    let loaded: T5Weights
    do {
      file = try SafetensorsFile(weights)
      loaded = try T5Weights(config: config.model, t5: config.t5) {
        entry, floats throws(SafetensorsError) in
        try file.read(entry.name, shape: entry.shape, into: floats)
      }
    } catch {
      throw HuggingFaceError("model.safetensors", error.description)
    }
    self.init(
      config: config.model, t5: config.t5, tokenizer: tokenizer, seed: seed, weights: loaded,
      origin: WeightsOrigin(
        name: "\(name) (Hugging Face T5)", identity: "file model.safetensors",
        sha256: SHA256.hex(weights)))
  }
}
