import KVTrace

/// Counts the floating-point operations of the encoder-decoder, a multiply-add as two.
///
/// Built on ``FLOPCount``: a decoder position costs what a decoder-only position
/// costs (projections, causal self-attention, MLP) plus its cross-attention
/// (the query and output projections, and reading every source row). Projecting
/// the cross-attention K/V costs `2 × dim × 2 × kvDim` per source row and layer,
/// paid once per step for all the step's positions, or not at all when the rows
/// are reused.
public enum EncoderDecoderFLOPs {
  /// The encoder pass over `sourceLength` tokens: every position reads every key.
  public static func encode(sourceLength: Int, config c: ModelConfig) -> Int {
    sourceLength * FLOPCount.position(sourceLength - 1, config: c)
  }

  /// One decoder position at `position`: self-attention over `position + 1`
  /// keys, cross-attention over `sourceLength` rows, the MLP.
  public static func decoderPosition(
    _ position: Int, sourceLength: Int, config c: ModelConfig
  ) -> Int {
    let crossProjections = 2 * c.dim * 2 * c.dim  // Wq' and Wo'
    let crossAttention = c.heads * 2 * 2 * c.headSize * sourceLength  // q·k and Σ w·v
    return FLOPCount.position(position, config: c) + c.layers * (crossProjections + crossAttention)
  }

  /// Projecting the cross-attention K/V of `positions` source positions from the
  /// encoder output, in every layer (all KV heads at once).
  public static func crossProjection(positions: Int, config c: ModelConfig) -> Int {
    c.layers * positions * 2 * c.dim * 2 * c.kvDim
  }

  /// A decoder step: its positions, the source positions whose cross-attention
  /// K/V it projected, the classifier.
  public static func decodeStep(
    positions: Range<Int>, crossPositions: Int, sourceLength: Int, config c: ModelConfig
  ) -> Int {
    positions.reduce(0) { $0 + decoderPosition($1, sourceLength: sourceLength, config: c) }
      + crossProjection(positions: crossPositions, config: c) + 2 * c.dim * c.vocabularySize
  }
}
