import KVTrace

/// A small T5-style encoder-decoder transformer that reports every attention it
/// computes: the model of the classic `summarize:` example, with both caches.
///
/// **The flow.** The *encoder* reads the whole source at once and runs exactly
/// once; its output, one vector per source token, is the decoder's second input.
/// The *decoder* starts from ``decoderStartToken`` (T5's
/// `decoder_start_token_id`) and writes one token per step. Each decoder layer
/// attends twice: to the decoder's own earlier positions (*self-attention*,
/// causal, whose K/V cache grows by one row per step) and to the encoder output
/// (*cross-attention*, whose K/V are projections of the encoder output and so
/// number exactly the source length, at every step).
///
/// **Per encoder layer** (pre-norm, bidirectional):
/// `x += Wo · attention(RoPE(Wq·n), RoPE(Wk·n), Wv·n)` over *every* source
/// position, later ones included, with `n = rmsnorm(x)`; then the SwiGLU MLP.
/// The encoder output is `rmsnorm(x)` with the encoder's final norm.
///
/// **Per decoder layer** (pre-norm): causal self-attention as in the
/// decoder-only model; then `x += Wo' · attention(Wq'·n, Wk'·e, Wv'·e)` over the
/// encoder output `e`; then the SwiGLU MLP. After the last layer,
/// `logits = classifier · rmsnorm(x)`.
///
/// **Where this differs from T5**, and why it does not change the caching:
/// - *Positions.* T5 adds a learned relative-position bias (32 buckets) to the
///   self-attention scores. This model rotates queries and keys with RoPE
///   instead, like the decoder-only model: in both, a key carries its position
///   when it is stored, so a cached row is reused as is. Cross-attention has no
///   positions in T5 or here: the encoder output already carries them.
/// - *Norms.* T5 uses RMSNorm before each block (pre-norm) without a bias, as
///   here; here the norm weights start at 1 and are not learned.
/// - *MLP.* T5 v1.0 uses ReLU, v1.1 gated GELU; here the SwiGLU of the
///   decoder-only model.
/// - *Embeddings.* Shared by encoder and decoder inputs as in T5; the
///   classifier is a separate matrix (T5 v1.1 unties it too).
/// - *Depth.* `config.layers` encoder layers and as many decoder layers.
///
/// The weights are random (seeded), so the words are arbitrary; every row the
/// trace calls fresh was computed at that step, and every reused row was read
/// back from a cache.
public struct EncoderDecoderTransformer: Sendable {
  /// The shape: layers (of the encoder, and again of the decoder), heads, widths,
  /// and the context, which bounds both the source and the decoder's positions.
  public let config: ModelConfig
  /// The tokenizer for the source and the decoder's tokens.
  public let tokenizer: Tokenizer
  /// The seed the weights were drawn from, and of sampling.
  public let seed: UInt64
  /// How many threads the large matrix products use; results are identical for any count.
  public var threads: Int = 1
  let weights: EncoderDecoderWeights
  let rotary: RotaryTable

  /// The token the decoder starts from: T5's `decoder_start_token_id`.
  ///
  /// The decoder has no prompt of its own. Its first step reads this token at
  /// position 0, cross-attends to the encoder output, and predicts the first
  /// token of the output.
  public static let decoderStartToken = Tokenizer.startToken

  /// Builds an encoder and a decoder of `config`'s shape (each `config.layers` deep),
  /// their weights drawn from `SplitMix64(seed)` as ``TinyTransformer``'s are, by the
  /// same random-init table; `tokenizer` (the demo vocabulary by default) must have
  /// `config.vocabularySize` pieces, or ``ModelConfigError`` says what does not fit.
  public init(config: ModelConfig, seed: UInt64, tokenizer: Tokenizer = .demo)
    throws(ModelConfigError)
  {
    try config.validate(for: tokenizer)
    self.config = config
    self.tokenizer = tokenizer
    self.seed = seed
    weights = EncoderDecoderWeights(
      config: config, seed: seed, rareTokens: tokenizer.piecesNotBeginningAWord)
    rotary = RotaryTable(headSize: config.headSize, contextLength: config.contextLength)
  }

  /// The demo model: the decoder-only demo's shape, as an encoder-decoder.
  public static func demo(seed: UInt64 = 0) -> EncoderDecoderTransformer {
    // The demo shape is valid by construction, so this cannot throw.
    (try? EncoderDecoderTransformer(
      config: .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: seed))!
  }

  /// How many parameters the model has.
  public var parameterCount: Int { weights.parameterCount }
}
