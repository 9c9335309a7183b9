import KVTrace

/// Where each tensor of a model sits in one flat `Float32` buffer.
///
/// A model's weights are a list of *parts* stored back to back: the token embedding, an
/// attention block and a feed-forward block (each holding its tensors for every layer), a
/// final norm, the classifier. Every architecture is such a list:
///
/// - **Decoder-only, llama2.c's order**: token embedding `[vocab, dim]`; attention norms
///   `[layers, dim]`; `Wq` `[layers, dim, dim]`; `Wk` and `Wv` `[layers, kvDim, dim]`; `Wo`
///   `[layers, dim, dim]`; MLP norms `[layers, dim]`; `W1` `[layers, mlpDim, dim]`; `W2`
///   `[layers, dim, mlpDim]`; `W3` `[layers, mlpDim, dim]`; the final norm `[dim]`; then two
///   RoPE tables `[contextLength, headSize / 2]` that llama2.c no longer reads (it computes
///   the angles); and last the classifier `[vocab, dim]`, unless the model reuses the token
///   embedding as its classifier ("shared" or "tied" weights). kvtrace's random models use
///   the same order without the RoPE tables.
/// - **Encoder-decoder**: the token embedding (shared by both inputs, as in T5); the
///   encoder's attention and feed-forward blocks and its final norm; the decoder's
///   self-attention, cross-attention and feed-forward blocks; the final norm; the classifier.
///
/// A new architecture is a new list of parts; a new kind of block (T5's ReLU feed-forward,
/// say) is a new part with its own roles.
struct WeightLayout: Sendable, Equatable {
  /// One stored piece of a model: a single tensor, or a block of per-layer tensors.
  enum Part: Sendable, Equatable {
    case tokenEmbedding, attention, feedForward, finalNorm, rotaryTables, classifier

    /// The tensors of the part, in storage order.
    var roles: [WeightRole] {
      switch self {
      case .tokenEmbedding: [.tokenEmbedding]
      case .attention: AttentionWeights.roles
      case .feedForward: FeedForwardWeights.roles
      case .finalNorm: [.finalNorm]
      case .rotaryTables: [.rotaryTable, .rotaryTable]
      case .classifier: [.classifier]
      }
    }

    /// How many floats the part holds for a model of shape `c`.
    func count(_ c: ModelConfig) -> Int { roles.reduce(0) { $0 + $1.count(c) } }
  }

  /// The model's shape.
  let config: ModelConfig
  /// The stored parts, in buffer order.
  let parts: [Part]
  /// Whether the classifier is the token embedding rather than a tensor of its own.
  let sharesClassifier: Bool
  /// The element offset of each stored part.
  private let starts: [Int]
  /// How many `Float`s the buffer holds.
  let floatCount: Int

  /// A layout of `parts`, stored back to back in that order.
  init(config: ModelConfig, parts: [Part], sharesClassifier: Bool) {
    self.config = config
    self.parts = parts
    self.sharesClassifier = sharesClassifier
    var starts: [Int] = []
    var offset = 0
    for part in parts {
      starts.append(offset)
      offset += part.count(config)
    }
    self.starts = starts
    floatCount = offset
  }

  /// The layout of a decoder-only model of shape `config`, in llama2.c's order.
  ///
  /// - Parameters:
  ///   - includesRotaryTables: Whether the unused RoPE tables are stored (llama2.c files).
  ///   - sharesClassifier: Whether the classifier is the token embedding.
  init(config: ModelConfig, includesRotaryTables: Bool, sharesClassifier: Bool) {
    let parts: [Part] =
      [.tokenEmbedding, .attention, .feedForward, .finalNorm]
      + (includesRotaryTables ? [.rotaryTables] : []) + (sharesClassifier ? [] : [.classifier])
    self.init(config: config, parts: parts, sharesClassifier: sharesClassifier)
  }

  /// The element offset of the `occurrence`-th (from 0) stored `part`.
  ///
  /// A shared classifier is the token embedding, so its offset is the embedding's.
  func offset(of part: Part, _ occurrence: Int = 0) -> Int {
    let wanted = part == .classifier && sharesClassifier ? .tokenEmbedding : part
    var seen = 0
    for (index, stored) in parts.enumerated() where stored == wanted {
      if seen == occurrence { return starts[index] }
      seen += 1
    }
    preconditionFailure("the layout stores no \(wanted) #\(occurrence)")
  }

  /// How many parameters the model uses: everything stored but the RoPE tables.
  var parameterCount: Int {
    floatCount - (parts.contains(.rotaryTables) ? Part.rotaryTables.count(config) : 0)
  }
}
