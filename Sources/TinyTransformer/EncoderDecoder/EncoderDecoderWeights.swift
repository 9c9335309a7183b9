import KVTrace

/// Every parameter of the encoder-decoder model: the decoder-only model's weight design
/// with more blocks.
///
/// The same ``Weights`` hold them, laid out by ``WeightLayout/encoderDecoder(_:)`` and drawn
/// from `SplitMix64(seed)` by the same table of init rules, tensor by tensor in this order:
/// the token embedding (shared by the encoder's and the decoder's input, as in T5); the
/// encoder's self-attention and feed-forward blocks and its final norm; the decoder's
/// self-attention, cross-attention and feed-forward blocks; the final norm and the
/// classifier. Every block is stacked over the layers: `wq` of layer `l` starts
/// `l × dim × dim` floats in.
///
/// A random model owns its floats, so the pointers below stay valid as long as this
/// object lives.
final class EncoderDecoderWeights: @unchecked Sendable {
  // @unchecked: the buffer is written once in init and only read afterwards.

  /// One attention block (norm and projections), stacked over layers.
  typealias AttentionBlock = AttentionWeights
  /// One SwiGLU feed-forward block, stacked over layers.
  typealias MLPBlock = FeedForwardWeights

  let config: ModelConfig
  /// The buffer the pointers below point into.
  private let weights: Weights

  let tokenEmbedding: UnsafePointer<Float>  // [vocab, dim]
  let encoderAttention: AttentionBlock
  let encoderMLP: MLPBlock
  let encoderFinalNorm: UnsafePointer<Float>  // [dim]
  let selfAttention: AttentionBlock
  let crossAttention: AttentionBlock
  let decoderMLP: MLPBlock
  let finalNorm: UnsafePointer<Float>  // [dim]
  let classifier: UnsafePointer<Float>  // [vocab, dim]

  /// Draws every weight from `SplitMix64(seed)`, as ``Weights/init(random:seed:rareTokens:)``
  /// does for the decoder-only model: the same scales, and the same prior on word starts in
  /// the classifier rows of `rareTokens`, so the random decoder writes words rather than
  /// bytes.
  init(config c: ModelConfig, seed: UInt64, rareTokens: Set<Int>) {
    config = c
    let layout = WeightLayout.encoderDecoder(c)
    weights = Weights(random: layout, seed: seed, rareTokens: rareTokens)
    // Random weights are owned by their buffer, so they have a stable address.
    let floats = weights.buffer.stableFloats!
    tokenEmbedding = floats + layout.offset(of: .tokenEmbedding)
    encoderAttention = AttentionBlock(at: floats + layout.offset(of: .attention, 0), c)
    encoderMLP = MLPBlock(at: floats + layout.offset(of: .feedForward, 0), c)
    encoderFinalNorm = floats + layout.offset(of: .finalNorm, 0)
    selfAttention = AttentionBlock(at: floats + layout.offset(of: .attention, 1), c)
    crossAttention = AttentionBlock(at: floats + layout.offset(of: .attention, 2), c)
    decoderMLP = MLPBlock(at: floats + layout.offset(of: .feedForward, 1), c)
    finalNorm = floats + layout.offset(of: .finalNorm, 1)
    classifier = floats + layout.offset(of: .classifier)
  }

  /// How many parameters the model has.
  var parameterCount: Int { weights.parameterCount }
}
