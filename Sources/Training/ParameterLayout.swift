import KVTrace

/// Where each tensor of a decoder-only model sits in one flat buffer, in llama2.c's order.
///
/// Token embedding `[vocab, dim]`; per layer, stacked: attention norms `[dim]`, `Wq`
/// `[dim, dim]`, `Wk` and `Wv` `[kvDim, dim]`, `Wo` `[dim, dim]`, MLP norms `[dim]`, `W1`
/// `[mlpDim, dim]`, `W2` `[dim, mlpDim]`, `W3` `[mlpDim, dim]`; the final norm `[dim]`; the
/// classifier `[vocab, dim]`. The parameters, their gradients and Adam's moments all use this
/// one layout, so a checkpoint is the buffer's bytes after a header.
struct ParameterLayout: Sendable, Equatable {
  let config: ModelConfig
  let embedding: Int
  let attentionNorm: Int
  let wq: Int
  let wk: Int
  let wv: Int
  let wo: Int
  let mlpNorm: Int
  let w1: Int
  let w2: Int
  let w3: Int
  let finalNorm: Int
  let classifier: Int
  /// How many floats the buffer holds.
  let count: Int

  init(config c: ModelConfig) {
    config = c
    let (l, d, kv, m, v) = (c.layers, c.dim, c.kvDim, c.mlpDim, c.vocabularySize)
    embedding = 0
    attentionNorm = v * d
    wq = attentionNorm + l * d
    wk = wq + l * d * d
    wv = wk + l * kv * d
    wo = wv + l * kv * d
    mlpNorm = wo + l * d * d
    w1 = mlpNorm + l * d
    w2 = w1 + l * m * d
    w3 = w2 + l * d * m
    finalNorm = w3 + l * m * d
    classifier = finalNorm + d
    count = classifier + v * d
  }

  /// The tensors as (offset, rows, columns), in buffer order; a norm has one row.
  var tensors: [(offset: Int, rows: Int, columns: Int, isNorm: Bool)] {
    let c = config
    let (l, d, kv, m, v) = (c.layers, c.dim, c.kvDim, c.mlpDim, c.vocabularySize)
    return [
      (embedding, v, d, false), (attentionNorm, l, d, true), (wq, l * d, d, false),
      (wk, l * kv, d, false), (wv, l * kv, d, false), (wo, l * d, d, false),
      (mlpNorm, l, d, true), (w1, l * m, d, false), (w2, l * d, m, false),
      (w3, l * m, d, false), (finalNorm, 1, d, true), (classifier, v, d, false),
    ]
  }

  /// Whether the float at `index` belongs to a norm's gain (which weight decay spares).
  func isNorm(_ index: Int) -> Bool {
    (attentionNorm..<wq).contains(index) || (mlpNorm..<w1).contains(index)
      || (finalNorm..<classifier).contains(index)
  }
}
