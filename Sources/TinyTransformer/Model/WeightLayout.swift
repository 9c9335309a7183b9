import KVTrace

/// Where each tensor of a model sits in one flat `Float32` buffer, in llama2.c's order.
///
/// llama2.c writes a model as its tensors back to back, every layer's copy of a tensor
/// together: token embedding `[vocab, dim]`; attention norms `[layers, dim]`; `Wq`
/// `[layers, dim, dim]`; `Wk` and `Wv` `[layers, kvDim, dim]`; `Wo` `[layers, dim, dim]`; MLP
/// norms `[layers, dim]`; `W1` `[layers, mlpDim, dim]`; `W2` `[layers, dim, mlpDim]`; `W3`
/// `[layers, mlpDim, dim]`; the final norm `[dim]`; then two RoPE tables
/// `[contextLength, headSize / 2]` that llama2.c no longer reads (it computes the angles);
/// and last the classifier `[vocab, dim]`, unless the model reuses the token embedding as
/// its classifier ("shared" or "tied" weights). kvtrace's random models use the same order
/// without the RoPE tables.
struct WeightLayout: Sendable, Equatable {
  /// The tensors, in file order.
  enum Tensor: Int, CaseIterable {
    case tokenEmbedding, attentionNorm, wq, wk, wv, wo, mlpNorm, w1, w2, w3, finalNorm
    case rotaryReal, rotaryImaginary, classifier
  }

  /// The model's shape.
  let config: ModelConfig
  /// Whether the classifier is the token embedding rather than a tensor of its own.
  let sharesClassifier: Bool
  /// The element offset of each tensor, indexed by `Tensor.rawValue`.
  private let offsets: [Int]
  /// How many `Float`s the buffer holds.
  let floatCount: Int

  /// The layout of a model of shape `config`.
  ///
  /// - Parameters:
  ///   - includesRotaryTables: Whether the unused RoPE tables are stored (llama2.c files).
  ///   - sharesClassifier: Whether the classifier is the token embedding.
  init(config: ModelConfig, includesRotaryTables: Bool, sharesClassifier: Bool) {
    self.config = config
    self.sharesClassifier = sharesClassifier
    var offsets: [Int] = []
    var offset = 0
    for tensor in Tensor.allCases {
      offsets.append(offset)
      let stored =
        switch tensor {
        case .rotaryReal, .rotaryImaginary: includesRotaryTables
        case .classifier: !sharesClassifier
        default: true
        }
      if stored { offset += Self.count(of: tensor, config) }
    }
    if sharesClassifier { offsets[Tensor.classifier.rawValue] = 0 }
    self.offsets = offsets
    floatCount = offset
  }

  /// The element offset of `tensor` in the buffer.
  func offset(of tensor: Tensor) -> Int { offsets[tensor.rawValue] }

  /// How many parameters the model uses: everything stored but the RoPE tables.
  var parameterCount: Int {
    floatCount - (offset(of: .rotaryImaginary) - offset(of: .rotaryReal)) * 2
  }

  /// The number of elements of `tensor` for a model of shape `c`.
  static func count(of tensor: Tensor, _ c: ModelConfig) -> Int {
    switch tensor {
    case .tokenEmbedding, .classifier: c.vocabularySize * c.dim
    case .attentionNorm, .mlpNorm: c.layers * c.dim
    case .wq, .wo: c.layers * c.dim * c.dim
    case .wk, .wv: c.layers * c.kvDim * c.dim
    case .w1, .w2, .w3: c.layers * c.mlpDim * c.dim
    case .finalNorm: c.dim
    case .rotaryReal, .rotaryImaginary: c.contextLength * c.headSize / 2
    }
  }
}
