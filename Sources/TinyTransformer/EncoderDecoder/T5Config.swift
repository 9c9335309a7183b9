/// What a T5 is beyond its shape: the parts of Hugging Face's `config.json` that
/// ``KVTrace/ModelConfig`` (layers, heads, widths) does not say.
///
/// Two generations share one forward pass and differ in three places:
///
/// | | T5 v1.0 (`t5-small`) | T5 v1.1, FLAN-T5 (`flan-t5-small`) |
/// |---|---|---|
/// | feed-forward | `wo · relu(wi · n)` | `wo · (gelu(wi_0 · n) ⊙ wi_1 · n)`, GELU's tanh form |
/// | classifier | the input embedding (`shared`), tied | its own `lm_head` |
/// | before the classifier | the state × `d_model^-0.5` | nothing |
///
/// The scaling belongs to the tying: the embedding's rows are large (initialized
/// with standard deviation 1), so the tied classifier reads a shrunken state.
public struct T5Config: Sendable, Equatable {
  /// The feed-forward block of every layer.
  public enum FeedForward: String, Sendable, CaseIterable {
    /// T5 v1.0: `wo · relu(wi · n)`.
    case relu
    /// T5 v1.1 and FLAN-T5: `wo · (gelu_tanh(wi_0 · n) ⊙ wi_1 · n)`.
    case gatedGELU = "gated-gelu"
  }

  /// ReLU (v1.0) or gated GELU (v1.1).
  public var feedForward: FeedForward
  /// Whether the classifier is the input embedding (v1.0) or its own matrix (v1.1).
  public var tiedEmbeddings: Bool
  /// How many relative-position buckets each stack's bias table has (T5: 32).
  public var relativeBuckets: Int
  /// The offset from which every larger one shares the last bucket (T5: 128).
  public var relativeMaxDistance: Int
  /// The `ε` of every layer norm (T5: 1e-6).
  public var layerNormEpsilon: Float
  /// The token the decoder starts from (`decoder_start_token_id`; T5: 0, the pad token).
  public var decoderStartToken: Int
  /// The token that ends an output (`eos_token_id`; T5: 1, `</s>`), if any.
  public var endToken: Int?

  /// Creates the T5 part of a configuration.
  public init(
    feedForward: FeedForward, tiedEmbeddings: Bool, relativeBuckets: Int = 32,
    relativeMaxDistance: Int = 128, layerNormEpsilon: Float = 1e-6, decoderStartToken: Int,
    endToken: Int? = nil
  ) {
    self.feedForward = feedForward
    self.tiedEmbeddings = tiedEmbeddings
    self.relativeBuckets = relativeBuckets
    self.relativeMaxDistance = relativeMaxDistance
    self.layerNormEpsilon = layerNormEpsilon
    self.decoderStartToken = decoderStartToken
    self.endToken = endToken
  }

  /// The random demo's settings: T5 v1.1 (gated GELU, untied), T5's buckets and
  /// norm, starting from `startToken`.
  public static func version11(startToken: Int) -> T5Config {
    T5Config(feedForward: .gatedGELU, tiedEmbeddings: false, decoderStartToken: startToken)
  }
}
