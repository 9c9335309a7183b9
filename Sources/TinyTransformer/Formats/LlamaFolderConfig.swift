import Foundation
import KVTrace

/// A Hugging Face `config.json` of the Llama family: `model_type` `llama`, `qwen2` or
/// `mistral` (without a sliding window), read for the shape and the settings.
///
/// Read: `hidden_size`, `intermediate_size`, `num_hidden_layers`, `num_attention_heads`,
/// `num_key_value_heads` (default: the heads), `max_position_embeddings`, `vocab_size`,
/// `rms_norm_eps` (1e-6), `rope_theta` (10000), `tie_word_embeddings` (false), `head_dim`
/// (when given, it must be `hidden_size / num_attention_heads`). Refused with one line:
/// `rope_scaling` (Llama 3.1's `llama3` stretch of the long wavelengths, which kvtrace does
/// not implement), Llama's `attention_bias` (it biases `o_proj` too), a Mistral sliding
/// window.
public struct LlamaFolderConfig: Sendable, Equatable {
  /// The model types this reads.
  public static let modelTypes = ["llama", "qwen2", "mistral"]

  /// The shape.
  public var model: ModelConfig
  var settings: LlamaSettings

  /// Reads the bytes of `config.json`.
  ///
  /// - Throws: ``ModelFileError`` naming `config.json`: not a JSON object, another model
  ///   type, a missing or out-of-range field, something kvtrace does not implement.
  public init(json: Data) throws(ModelFileError) {
    guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
      throw ModelFileError(
        "config.json", "not a JSON object; use the config.json that came with the model")
    }
    try self.init(object)
  }

  /// Reads `config.json`; `fields` is its top-level object.
  init(_ fields: [String: Any]) throws(ModelFileError) {
    func fail(_ problem: String) -> ModelFileError { ModelFileError("config.json", problem) }
    func int(_ key: String, default fallback: Int? = nil) throws(ModelFileError) -> Int {
      if fields[key] == nil || fields[key] is NSNull, let fallback { return fallback }
      guard let n = fields[key] as? NSNumber, let v = Int(exactly: n.doubleValue), v > 0 else {
        throw fail("\(key) is missing or not a positive whole number")
      }
      return v
    }
    func number(_ key: String, default fallback: Double) throws(ModelFileError) -> Double {
      guard let raw = fields[key], !(raw is NSNull) else { return fallback }
      guard let n = raw as? NSNumber, n.doubleValue > 0 else {
        throw fail("\(key) is not positive")
      }
      return n.doubleValue
    }
    let type = fields["model_type"] as? String ?? "(none)"
    guard Self.modelTypes.contains(type) else {
      throw fail(
        "model type '\(TerminalText.escaped(type))' is not supported; kvtrace runs t5, "
          + Self.modelTypes.joined(separator: ", "))
    }
    // transformers 5 writes `rope_parameters` ({rope_theta, rope_type}), older versions
    // `rope_theta` and `rope_scaling`.
    let rope = fields["rope_parameters"] as? [String: Any] ?? [:]
    let scaling = fields["rope_scaling"] as? [String: Any] ?? rope
    let kind = scaling["rope_type"] ?? scaling["type"] ?? "default"
    if kind as? String != "default" {
      throw fail(
        "rope_scaling '\(TerminalText.escaped("\(kind)"))' is not supported; kvtrace "
          + "runs plain RoPE (Llama 2, SmolLM2, TinyLlama, Qwen2)")
    }
    try Self.refuseWhatIsNotImplemented(fields, type: type)
    let heads = try int("num_attention_heads")
    let dim = try int("hidden_size")
    model = ModelConfig(
      layers: try int("num_hidden_layers"), heads: heads,
      kvHeads: try int("num_key_value_heads", default: heads), dim: dim,
      mlpDim: try int("intermediate_size"),
      contextLength: TinyTransformer.runnableContext(try int("max_position_embeddings")),
      vocabularySize: try int("vocab_size"))
    do {
      try model.validate()
    } catch {
      throw fail("its shape cannot run: \(error.description)")
    }
    if let headDim = fields["head_dim"] as? Int, headDim != model.headSize {
      throw fail("head_dim \(headDim) differs from hidden_size / num_attention_heads")
    }
    let base = try number("rope_theta", default: 10000)
    settings = LlamaSettings(
      ropeBase: (rope["rope_theta"] as? NSNumber)?.doubleValue ?? base,
      pairing: .halves,
      normEpsilon: Float(try number("rms_norm_eps", default: 1e-6)), biases: type == "qwen2",
      tied: fields["tie_word_embeddings"] as? Bool ?? false)
  }

  /// Settings kvtrace does not implement, refused with one line each.
  private static func refuseWhatIsNotImplemented(_ fields: [String: Any], type: String)
    throws(ModelFileError)
  {
    func fail(_ problem: String) -> ModelFileError { ModelFileError("config.json", problem) }
    if fields["mlp_bias"] as? Bool == true {
      throw fail("mlp_bias is not supported; kvtrace's feed-forward has no biases")
    }
    if type == "llama", fields["attention_bias"] as? Bool == true {
      throw fail("attention_bias is not supported for llama (kvtrace reads Qwen2's q/k/v biases)")
    }
    if type == "mistral", let window = fields["sliding_window"], !(window is NSNull) {
      throw fail("mistral's sliding_window is not supported; kvtrace runs full attention")
    }
  }
}
