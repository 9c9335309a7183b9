/// Every tensor of a decoder-only model as the forward pass reads it, valid only inside
/// the call that handed it out (``DecoderWeights/withTensors(_:)``).
///
/// Matrices are ``WeightMatrix`` values, so the forward pass reads kvtrace's own `Float32`
/// weights, a Hugging Face folder's `bfloat16` and a GGUF file's quantized blocks through the
/// same few calls. Norms (and Qwen2's biases) are plain `Float`s: they are tiny, and a loader
/// widens them once.
struct DecoderTensors {
  /// One layer's tensors.
  struct Layer {
    let attention: LayerBlocks.AttentionTensors
    let feedForward: LayerBlocks.FeedForwardTensors
  }

  let tokenEmbedding: WeightMatrix  // [vocab, dim]; one row is widened per token
  let layers: [Layer]  // [layers]
  let finalNorm: UnsafePointer<Float>  // [dim]
  let classifier: WeightMatrix  // [vocab, dim], the token embedding when tied
}

/// A decoder-only model's weights: kvtrace's own flat `Float32` buffer (random, trained, or a
/// llama2.c file), or the tensors of a GGUF file or Hugging Face folder, as stored.
enum DecoderWeights: Sendable {
  /// One `Float32` buffer in llama2.c's order.
  case flat(Weights)
  /// A model file's tensors, read where they are.
  case stored(StoredWeights)

  /// Runs `body` with every tensor; the pointers must not escape `body`.
  func withTensors<Result>(_ body: (DecoderTensors) -> Result) -> Result {
    switch self {
    case .flat(let weights): weights.withDecoderTensors(body)
    case .stored(let weights): weights.withTensors(body)
    }
  }

  /// How many parameters the model has (a tied classifier counted once).
  var parameterCount: Int {
    switch self {
    case .flat(let weights): weights.parameterCount
    case .stored(let weights): weights.parameterCount
    }
  }

  /// The bytes of weights one decode step reads: every layer's matrices and norms, the
  /// final norm and the classifier as stored (one embedding row is negligible).
  var bytesPerToken: Int {
    switch self {
    case .flat(let weights):
      let c = weights.layout.config
      let embedding = weights.layout.sharesClassifier ? 0 : c.vocabularySize * c.dim
      return (weights.parameterCount - embedding) * MemoryLayout<Float>.size
    case .stored(let weights):
      return weights.bytesPerToken
    }
  }
}

extension Weights {
  /// Runs `body` with every tensor of this flat buffer as ``DecoderTensors``: `Float32`
  /// matrices at llama2.c's offsets.
  func withDecoderTensors<Result>(_ body: (DecoderTensors) -> Result) -> Result {
    let c = layout.config
    return withTensors { w in
      let layers = (0..<c.layers).map { l in
        let a = w.attention.layer(l, c)
        let f = w.feedForward.layer(l, c)
        return DecoderTensors.Layer(
          attention: LayerBlocks.AttentionTensors(
            norm: a.norm, wq: WeightMatrix(floats: a.wq, rows: c.dim, columns: c.dim),
            wk: WeightMatrix(floats: a.wk, rows: c.kvDim, columns: c.dim),
            wv: WeightMatrix(floats: a.wv, rows: c.kvDim, columns: c.dim),
            wo: WeightMatrix(floats: a.wo, rows: c.dim, columns: c.dim)),
          feedForward: LayerBlocks.FeedForwardTensors(
            norm: f.norm, w1: WeightMatrix(floats: f.w1, rows: c.mlpDim, columns: c.dim),
            w2: WeightMatrix(floats: f.w2, rows: c.dim, columns: c.mlpDim),
            w3: WeightMatrix(floats: f.w3, rows: c.mlpDim, columns: c.dim)))
      }
      return body(
        DecoderTensors(
          tokenEmbedding: WeightMatrix(
            floats: w.tokenEmbedding, rows: c.vocabularySize, columns: c.dim),
          layers: layers, finalNorm: w.finalNorm,
          classifier: WeightMatrix(floats: w.classifier, rows: c.vocabularySize, columns: c.dim)))
    }
  }
}
