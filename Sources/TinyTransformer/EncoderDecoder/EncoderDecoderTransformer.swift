import KVTrace

/// T5, the encoder-decoder of the classic `summarize:` example, reporting every
/// attention it computes, with both of its caches.
///
/// **The flow.** The *encoder* reads the whole source at once and runs exactly
/// once; its output, one vector per source token, is the decoder's second input.
/// The *decoder* starts from ``startToken`` (T5's `decoder_start_token_id`) and
/// writes one token per step. Each decoder layer attends twice: to the decoder's
/// own earlier positions (*self-attention*, causal, whose K/V cache grows by one
/// row per step) and to the encoder output (*cross-attention*, whose K/V are
/// projections of the encoder output and so number exactly the source length, at
/// every step).
///
/// **A T5 layer**, with `norm` T5's layer norm (an RMS norm: no mean, no bias, a
/// learned scale, `ε` from the config):
/// - encoder: `x += Wo · attention(n)` with `n = norm(x)`, every position reading
///   every source position; then `x += feedForward(norm(x))`;
/// - decoder: causal self-attention the same way; then
///   `x += Wo' · attention(Wq'·norm(x); Wk'·e, Wv'·e)` over the encoder output `e`;
///   then the feed-forward.
///
/// **T5's attention** differs from Llama's in two ways. Scores are *not* divided
/// by `√d_kv` (T5's initialization absorbs it). And positions enter as a learned
/// *relative position bias*, `bias[bucket(key − query), head]`, added to each
/// self-attention score: the first layer of each stack owns the table and every
/// layer of the stack reuses it; buckets are bidirectional in the encoder and
/// causal in the decoder (``T5Config/relativeBuckets``,
/// ``T5Config/relativeMaxDistance``). Cross-attention has no bias: the encoder
/// output already carries the source positions. The heads are `d_kv` wide, and
/// `heads × d_kv` need not equal `d_model` (``KVTrace/ModelConfig/headSize``).
///
/// **Why caching still works.** The bias depends only on the offset between a
/// query and a key, and it is added to the score, not stored in the key: a key
/// cached at step 3 is the same vector at step 9, so a cached row is reused as
/// is. The cross-attention rows depend only on the encoder output, which never
/// changes, so they can be projected once; the encoder runs once.
///
/// **Two generations** (``T5Config``): v1.0 (ReLU feed-forward, the classifier
/// tied to the input embedding, the decoder output scaled by `d_model^-½` before
/// it) and v1.1 / FLAN-T5 (gated GELU, an untied `lm_head`). The output logits are
/// `classifier · norm(x)` (× `d_model^-½` when tied).
public struct EncoderDecoderTransformer: Sendable {
  /// The shape: layers (of the encoder, and again of the decoder), heads, widths,
  /// and the context, which bounds both the source and the decoder's positions.
  public let config: ModelConfig
  /// What this T5 is beyond its shape: generation, buckets, ε, special tokens.
  public let t5: T5Config
  /// The tokenizer for the source and the decoder's tokens.
  public let tokenizer: Tokenizer
  /// The seed of sampling, and of the weights of a random model.
  public let seed: UInt64
  /// Where the weights came from, as a trace's header and identity name them.
  var origin: WeightsOrigin
  /// How many threads the large matrix products use; results are identical for any count.
  public var threads: Int = 1
  let weights: T5Weights

  /// The token the random demo's decoder starts from.
  ///
  /// The decoder has no prompt of its own. Its first step reads its start token at
  /// position 0, cross-attends to the encoder output, and predicts the first token
  /// of the output. A real T5 starts from its `decoder_start_token_id` (0, the pad
  /// token), kept in ``T5Config/decoderStartToken`` and read by ``startToken``.
  public static let decoderStartToken = Tokenizer.startToken

  /// The token this model's decoder starts from: T5's `decoder_start_token_id`.
  public var startToken: Int { t5.decoderStartToken }

  /// A random T5 v1.1 of `config`'s shape (gated GELU, untied classifier, 32
  /// buckets, max distance 128, ε 1e-6, each stack `config.layers` deep), its
  /// weights drawn from `SplitMix64(seed)` as ``T5Config`` and the weights' init
  /// describe; `tokenizer` (the demo vocabulary by default) must have
  /// `config.vocabularySize` pieces, or ``ModelConfigError`` says what does not fit.
  public init(config: ModelConfig, seed: UInt64, tokenizer: Tokenizer = .demo)
    throws(ModelConfigError)
  {
    let t5 = T5Config.version11(startToken: Self.decoderStartToken)
    try Self.validate(config, t5, tokenizer)
    self.init(
      config: config, t5: t5, tokenizer: tokenizer, seed: seed,
      weights: T5Weights(
        random: config, t5: t5, seed: seed, rareTokens: tokenizer.piecesNotBeginningAWord),
      origin: WeightsOrigin(name: "random, seed \(seed)", identity: "random seed \(seed)"))
  }

  /// A model of loaded or drawn weights; everything checked by the caller.
  init(
    config: ModelConfig, t5: T5Config, tokenizer: Tokenizer, seed: UInt64, weights: T5Weights,
    origin: WeightsOrigin
  ) {
    self.config = config
    self.t5 = t5
    self.tokenizer = tokenizer
    self.seed = seed
    self.weights = weights
    self.origin = origin
  }

  /// Checks the shape against the tokenizer and T5's settings.
  static func validate(_ config: ModelConfig, _ t5: T5Config, _ tokenizer: Tokenizer?)
    throws(ModelConfigError)
  {
    if let tokenizer { try config.validate(for: tokenizer) } else { try config.validate() }
    guard t5.relativeBuckets >= 4, t5.relativeBuckets <= 1024,
      t5.relativeMaxDistance > t5.relativeBuckets / 2, t5.relativeMaxDistance <= 1 << 20
    else {
      throw ModelConfigError(
        description: "relative attention needs at least 4 buckets (got \(t5.relativeBuckets)) "
          + "and a max distance above half of them (got \(t5.relativeMaxDistance)); T5 uses 32 and 128"
      )
    }
    guard (0..<config.vocabularySize).contains(t5.decoderStartToken) else {
      throw ModelConfigError(
        description: "decoder_start_token_id \(t5.decoderStartToken) is outside the vocabulary "
          + "of \(config.vocabularySize); T5 uses 0")
    }
  }

  /// The demo model: the decoder-only demo's shape, as a random T5 v1.1.
  public static func demo(seed: UInt64 = 0) -> EncoderDecoderTransformer {
    // The demo shape is valid by construction, so this cannot throw.
    (try? EncoderDecoderTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: seed))!
  }

  /// How many parameters the model has.
  public var parameterCount: Int { weights.parameterCount }

  /// Where weights came from: the header's `weights` text, the identity's, a file digest.
  struct WeightsOrigin: Sendable {
    var name: String
    var identity: String
    var sha256: String? = nil
  }

  /// The layer pieces, working in `scratch`.
  func blocks(_ scratch: Scratch) -> T5Blocks {
    T5Blocks(config: config, t5: t5, threads: threads, scratch: scratch)
  }

  /// A cache of `positions` rows per layer, for the encoder or the cross-attention.
  func cache(positions: Int) -> KVCache {
    var shape = config
    shape.contextLength = max(1, positions)
    return KVCache(config: shape)
  }
}
