import KVTrace

/// Counts the floating-point operations of the T5 encoder-decoder, a multiply-add as two.
///
/// The rule, per position and layer, with `inner = heads × headSize` (T5's
/// `heads × d_kv`, which need not be `dim`):
/// - self-attention: `2 × dim × (inner + 2 × kvDim)` for `Wq`, `Wk`, `Wv`, `2 × inner × dim`
///   for `Wo`, and `heads × 2 × 2 × headSize` per key read (`q·k` and `Σ w·v`); the
///   relative position bias is a table lookup, not counted;
/// - cross-attention (decoder only): `2 × dim × inner` for `Wq'` and as much for `Wo'`,
///   and the same per-key cost over every source row;
/// - feed-forward: `2 × dim × mlpDim` per matrix, two for ReLU (`wi`, `wo`), three for
///   gated GELU (`wi_0`, `wi_1`, `wo`).
///
/// Projecting the cross-attention K/V costs `2 × dim × 2 × kvDim` per source row and
/// layer, paid once per step for all the step's positions, or not at all when the rows
/// are reused. The classifier costs `2 × dim × vocabularySize` per step.
public enum EncoderDecoderFLOPs {
  /// One position's self-attention and feed-forward in every layer, reading `keys` keys.
  static func block(keys: Int, config c: ModelConfig, t5: T5Config) -> Int {
    let inner = c.attentionDim
    let projections = 2 * c.dim * (inner + 2 * c.kvDim) + 2 * inner * c.dim
    let attention = c.heads * 2 * 2 * c.headSize * keys
    let matrices = t5.feedForward == .relu ? 2 : 3
    return c.layers * (projections + attention + matrices * 2 * c.dim * c.mlpDim)
  }

  /// The encoder pass over `sourceLength` tokens: every position reads every key.
  public static func encode(sourceLength: Int, config c: ModelConfig, t5: T5Config) -> Int {
    sourceLength * block(keys: sourceLength, config: c, t5: t5)
  }

  /// One decoder position at `position`: self-attention over `position + 1`
  /// keys, cross-attention over `sourceLength` rows, the feed-forward.
  public static func decoderPosition(
    _ position: Int, sourceLength: Int, config c: ModelConfig, t5: T5Config
  ) -> Int {
    let crossProjections = 2 * 2 * c.dim * c.attentionDim  // Wq' and Wo'
    let crossAttention = c.heads * 2 * 2 * c.headSize * sourceLength  // q·k and Σ w·v
    return block(keys: position + 1, config: c, t5: t5)
      + c.layers * (crossProjections + crossAttention)
  }

  /// Projecting the cross-attention K/V of `positions` source positions from the
  /// encoder output, in every layer (all KV heads at once).
  public static func crossProjection(positions: Int, config c: ModelConfig) -> Int {
    c.layers * positions * 2 * c.dim * 2 * c.kvDim
  }

  /// A decoder step: its positions, the source positions whose cross-attention
  /// K/V it projected, the classifier.
  public static func decodeStep(
    positions: Range<Int>, crossPositions: Int, sourceLength: Int, config c: ModelConfig,
    t5: T5Config
  ) -> Int {
    positions.reduce(0) {
      $0 + decoderPosition($1, sourceLength: sourceLength, config: c, t5: t5)
    }
      + crossProjection(positions: crossPositions, config: c) + 2 * c.dim * c.vocabularySize
  }
}
