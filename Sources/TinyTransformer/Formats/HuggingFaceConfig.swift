import Foundation
import KVTrace

/// A Hugging Face `config.json`, read for what kvtrace needs: the architecture and
/// the shape.
///
/// Only `model_type` `t5` loads today: its `d_model`, `d_kv`, `d_ff`,
/// `num_layers` (and `num_decoder_layers`, which must equal it), `num_heads`,
/// `relative_attention_num_buckets`, `relative_attention_max_distance`
/// (default 128), `layer_norm_epsilon`, `feed_forward_proj` (`relu` or
/// `gated-gelu`), `tie_word_embeddings` (default true), `decoder_start_token_id`,
/// `eos_token_id` and `vocab_size`. Every number is range-checked before a model
/// is shaped from it.
public struct HuggingFaceConfig: Sendable, Equatable {
  /// The shape: layers, heads (with T5's `d_kv` as the head size), widths.
  public var model: ModelConfig
  /// The T5 settings.
  public var t5: T5Config

  /// The positions a T5 reads and writes at most: T5 has no position table, so this
  /// is the length it was trained at, 512.
  public static let t5ContextLength = 512

  /// Reads `config.json`.
  ///
  /// - Throws: ``HuggingFaceError`` naming `config.json` for JSON that is not an
  ///   object, a `model_type` other than `t5`, a missing or out-of-range field, an
  ///   unsupported `feed_forward_proj`, or decoder and encoder depths that differ.
  public init(_ data: Data) throws(HuggingFaceError) {
    let fields: [String: Any]
    do {
      guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw HuggingFaceError("config.json", "")
      }
      fields = object
    } catch {
      throw HuggingFaceError(
        "config.json", "not a JSON object; use the config.json that came with the model")
    }
    let reader = Reader(fields: fields)
    let type = try reader.string("model_type")
    guard type == "t5" else {
      throw HuggingFaceError(
        "config.json",
        "model type '\(TerminalText.escaped(type))' is not supported; kvtrace loads t5 folders "
          + "(t5-small, flan-t5-small)")
    }
    (model, t5) = try Self.t5(reader)
  }

  private static func t5(_ r: Reader) throws(HuggingFaceError) -> (ModelConfig, T5Config) {
    typealias L = ModelConfig.Limits
    let layers = try r.int("num_layers", L.layers)
    let decoderLayers = try r.int("num_decoder_layers", L.layers, default: layers)
    guard decoderLayers == layers else {
      throw HuggingFaceError(
        "config.json",
        "num_decoder_layers (\(decoderLayers)) differs from num_layers (\(layers)); kvtrace's "
          + "T5 has stacks of equal depth, as t5-small and flan-t5-small do")
    }
    let proj = try r.string("feed_forward_proj", default: "relu")
    guard let feedForward = T5Config.FeedForward(rawValue: proj) else {
      throw HuggingFaceError(
        "config.json",
        "feed_forward_proj '\(TerminalText.escaped(proj))' is not supported; kvtrace runs "
          + "'relu' (T5 v1.0) and 'gated-gelu' (T5 v1.1, FLAN-T5)")
    }
    let heads = try r.int("num_heads", L.heads)
    let model = ModelConfig(
      layers: layers, heads: heads, kvHeads: heads, dim: try r.int("d_model", L.dim),
      mlpDim: try r.int("d_ff", L.mlpDim), contextLength: t5ContextLength,
      vocabularySize: try r.int("vocab_size", L.vocabularySize),
      headSize: try r.int("d_kv", L.headSize))
    let t5 = T5Config(
      feedForward: feedForward, tiedEmbeddings: try r.bool("tie_word_embeddings", default: true),
      relativeBuckets: try r.int("relative_attention_num_buckets", 4...1024, default: 32),
      relativeMaxDistance: try r.int(
        "relative_attention_max_distance", 3...(1 << 20), default: 128),
      layerNormEpsilon: try r.float("layer_norm_epsilon", default: 1e-6),
      decoderStartToken: try r.int(
        "decoder_start_token_id", 0...(L.vocabularySize.upperBound - 1), default: 0),
      endToken: try r.int("eos_token_id", 0...(L.vocabularySize.upperBound - 1), default: 1))
    return (model, t5)
  }

  /// Typed, range-checked reads of the config's fields.
  private struct Reader {
    let fields: [String: Any]

    func fail(_ key: String, _ expected: String) -> HuggingFaceError {
      HuggingFaceError(
        "config.json",
        "\(key) is missing or not \(expected); use the config.json that came with the model")
    }

    func string(_ key: String, default fallback: String? = nil) throws(HuggingFaceError) -> String {
      if fields[key] == nil, let fallback { return fallback }
      guard let value = fields[key] as? String else { throw fail(key, "a string") }
      return value
    }

    func int(_ key: String, _ range: ClosedRange<Int>, default fallback: Int? = nil)
      throws(HuggingFaceError) -> Int
    {
      if fields[key] == nil || fields[key] is NSNull, let fallback { return fallback }
      guard let number = fields[key] as? NSNumber, let value = Int(exactly: number.doubleValue),
        range.contains(value)
      else { throw fail(key, "a whole number in \(range.lowerBound)...\(range.upperBound)") }
      return value
    }

    func float(_ key: String, default fallback: Float) throws(HuggingFaceError) -> Float {
      guard let raw = fields[key] else { return fallback }
      guard let number = raw as? NSNumber, number.doubleValue > 0, number.doubleValue < 1
      else { throw fail(key, "a number between 0 and 1") }
      return Float(number.doubleValue)
    }

    func bool(_ key: String, default fallback: Bool) throws(HuggingFaceError) -> Bool {
      guard let raw = fields[key] else { return fallback }
      guard let value = raw as? Bool else { throw fail(key, "true or false") }
      return value
    }
  }
}
