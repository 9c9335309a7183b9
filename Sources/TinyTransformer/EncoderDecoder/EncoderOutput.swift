/// What the encoder hands the decoder: one vector per source token.
///
/// This is an *input* of the decoder, not a cache. The encoder computes it once,
/// before the first decoder step, and nothing ever recomputes it: the source
/// does not change while the decoder writes. Every decoder step reads it, either
/// through cross-attention K/V projected from it once and kept (`--cross once`),
/// or by projecting those K/V from it again (`--cross recompute`). Even with
/// `--cache none` it is kept: dropping it would mean running the encoder again,
/// which no implementation does.
public struct EncoderOutput: Sendable, Equatable {
  /// The source tokens the encoder read.
  public let tokens: [Int]
  /// The final hidden states, `[tokens.count, dim]`, row `s` for source position `s`.
  public let states: [Float]
  /// The width of one state.
  public let dim: Int

  /// How many source positions the output has: the number of cross-attention
  /// rows per layer and KV head, at every decoder step.
  public var length: Int { tokens.count }

  /// The bytes the output takes: `length × dim × 4`.
  public var bytes: Int { states.count * MemoryLayout<Float>.size }
}
