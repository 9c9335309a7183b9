/// The shape of a T5 encoder-decoder the trainer builds, in Hugging Face's terms.
///
/// The fields are those of a T5 `config.json` (`d_model`, `d_kv`, `num_heads`, `d_ff`,
/// `num_layers`, `num_decoder_layers`, `relative_attention_num_buckets`,
/// `relative_attention_max_distance`, `feed_forward_proj`, `tie_word_embeddings`), so a
/// trained model is written as a folder any T5 reader loads. Both generations are covered:
/// T5 v1.0 (`relu` feed-forward, tied embeddings with the decoder output scaled by
/// `d_model^-0.5`) and v1.1 / FLAN-T5 (`gated-gelu`, untied `lm_head`).
public struct T5TrainingConfig: Sendable, Equatable, Codable {
  /// The feed-forward block of every layer.
  public enum FeedForward: String, Sendable, Equatable, Codable {
    /// T5 v1.0: `wo · relu(wi · x)`.
    case relu
    /// T5 v1.1: `wo · (gelu(wi_0 · x) ⊙ wi_1 · x)`, GELU with the tanh approximation.
    case gatedGELU = "gated-gelu"
  }

  /// Distinct tokens (`vocab_size`).
  public var vocabularySize: Int
  /// The width of the residual stream (`d_model`).
  public var dModel: Int
  /// The width of one head's queries, keys and values (`d_kv`).
  public var dKV: Int
  /// Attention heads per layer (`num_heads`).
  public var heads: Int
  /// The feed-forward block's hidden width (`d_ff`).
  public var dFF: Int
  /// Encoder layers (`num_layers`).
  public var encoderLayers: Int
  /// Decoder layers (`num_decoder_layers`).
  public var decoderLayers: Int
  /// Relative-position buckets (`relative_attention_num_buckets`).
  public var buckets: Int
  /// Offsets from which on every distance shares the last bucket
  /// (`relative_attention_max_distance`).
  public var maxDistance: Int
  /// The feed-forward kind (`feed_forward_proj`).
  public var feedForward: FeedForward
  /// Whether the classifier is the token embedding (`tie_word_embeddings`, v1.0).
  public var tiedEmbeddings: Bool

  /// Creates a configuration; ``T5Trainer`` checks it.
  public init(
    vocabularySize: Int, dModel: Int, dKV: Int, heads: Int, dFF: Int, encoderLayers: Int,
    decoderLayers: Int, buckets: Int = 32, maxDistance: Int = 128,
    feedForward: FeedForward = .relu, tiedEmbeddings: Bool = true
  ) {
    (self.vocabularySize, self.dModel, self.dKV, self.heads, self.dFF) =
      (vocabularySize, dModel, dKV, heads, dFF)
    (self.encoderLayers, self.decoderLayers, self.buckets, self.maxDistance) =
      (encoderLayers, decoderLayers, buckets, maxDistance)
    (self.feedForward, self.tiedEmbeddings) = (feedForward, tiedEmbeddings)
  }

  /// The width of all heads together (`num_heads × d_kv`), the rows of `q`, `k`, `v`.
  public var inner: Int { heads * dKV }

  /// T5 layer norm's ε (Hugging Face's `layer_norm_epsilon`).
  public static let normEpsilon = 1e-6

  /// The first problem with the configuration, if any.
  func problem() -> String? {
    let checks: [(Bool, String)] = [
      ((1...1_000_000).contains(vocabularySize), "the vocabulary size must be in 1...1000000"),
      ((1...8192).contains(dModel), "d_model must be in 1...8192"),
      ((1...1024).contains(dKV), "d_kv must be in 1...1024"),
      ((1...64).contains(heads), "the head count must be in 1...64"),
      ((1...32768).contains(dFF), "d_ff must be in 1...32768"),
      ((1...64).contains(encoderLayers), "the encoder layers must be in 1...64"),
      ((1...64).contains(decoderLayers), "the decoder layers must be in 1...64"),
      ((4...1024).contains(buckets), "the bucket count must be in 4...1024"),
      (
        (buckets / 2 + 1...100_000).contains(maxDistance),
        "the maximum distance must be in \(buckets / 2 + 1)...100000 (above half the buckets)"
      ),
    ]
    return checks.first { !$0.0 }?.1
  }
}
