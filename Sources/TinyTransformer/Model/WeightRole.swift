import KVTrace

/// What one weight tensor is for: its shape, and how a random model draws it.
///
/// Every architecture is built from the same few tensors: embeddings, RMSNorm weights, the
/// four attention projections, the three SwiGLU matrices and a classifier. A tensor's role
/// fixes its element count for a shape, and ``randomFill(_:)`` is the one table of
/// random-init rules that the decoder-only model and the encoder-decoder both draw from.
enum WeightRole: Sendable, Equatable {
  /// The token embedding `[vocab, dim]`.
  case tokenEmbedding
  /// The RMSNorm weights before a block, one per layer: `[layers, dim]`.
  case layerNorm
  /// `Wq` `[layers, dim, dim]`: the queries of all heads.
  case query
  /// `Wk` `[layers, kvDim, dim]`: the keys of the KV heads.
  case key
  /// `Wv` `[layers, kvDim, dim]`: the values of the KV heads.
  case value
  /// `Wo` `[layers, dim, dim]`: the heads' outputs back to the residual stream.
  case output
  /// `W1` `[layers, mlpDim, dim]`: the SwiGLU gate.
  case gate
  /// `W2` `[layers, dim, mlpDim]`: the feed-forward's way down.
  case down
  /// `W3` `[layers, mlpDim, dim]`: the SwiGLU up-projection.
  case up
  /// The RMSNorm weights after the last layer `[dim]`.
  case finalNorm
  /// One of llama2.c's two unused RoPE tables `[contextLength, headSize / 2]`.
  case rotaryTable
  /// The classifier `[vocab, dim]`: logits from the final hidden state.
  case classifier

  /// How a random model fills a tensor.
  enum Fill: Equatable {
    /// Every element 1 (a norm that starts as the identity); draws nothing.
    case ones
    /// Uniform in `±scale`, one `SplitMix64` draw per element.
    case uniform(scale: Float)
  }

  /// The number of elements of this tensor for a model of shape `c`.
  func count(_ c: ModelConfig) -> Int {
    switch self {
    case .tokenEmbedding, .classifier: c.vocabularySize * c.dim
    case .layerNorm: c.layers * c.dim
    case .query, .output: c.layers * c.dim * c.dim
    case .key, .value: c.layers * c.kvDim * c.dim
    case .gate, .down, .up: c.layers * c.mlpDim * c.dim
    case .finalNorm: c.dim
    case .rotaryTable: c.contextLength * c.headSize / 2
    }
  }

  /// How a random model of shape `c` draws this tensor: the one table of init rules.
  ///
  /// Matrices are uniform in `±1/√fan-in`, so a projection keeps its input's scale. Queries
  /// and keys are drawn 2.5 times wider: sharper attention, so random heads show structure.
  /// The classifier is drawn twice as wide, so the sampled words vary. Norms start at one.
  /// (A random model stores no RoPE tables; were it to, they would be ones.)
  func randomFill(_ c: ModelConfig) -> Fill {
    let qkGain: Float = 2.5
    func fanIn(_ n: Int) -> Float { 1 / Float(n).squareRoot() }
    return switch self {
    case .tokenEmbedding: .uniform(scale: 1)
    case .layerNorm, .finalNorm, .rotaryTable: .ones
    case .query, .key: .uniform(scale: qkGain * fanIn(c.dim))
    case .value, .output, .gate, .up: .uniform(scale: fanIn(c.dim))
    case .down: .uniform(scale: fanIn(c.mlpDim))
    case .classifier: .uniform(scale: 2 * fanIn(c.dim))
    }
  }
}
