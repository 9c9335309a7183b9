import KVTrace

/// The weights of one attention block, stacked over the layers: its norm and `Wq`, `Wk`,
/// `Wv`, `Wo`.
///
/// The decoder-only model has one such block per layer; the encoder-decoder has three (the
/// encoder's self-attention, the decoder's self-attention, its cross-attention). Each
/// tensor holds every layer's copy back to back, as llama2.c stores them: `wq` of layer `l`
/// starts `l × dim × dim` floats in; ``layer(_:_:)`` moves the pointers there.
struct AttentionWeights {
  let norm: UnsafePointer<Float>  // [layers, dim]
  let wq: UnsafePointer<Float>  // [layers, dim, dim]
  let wk: UnsafePointer<Float>  // [layers, kvDim, dim]
  let wv: UnsafePointer<Float>  // [layers, kvDim, dim]
  let wo: UnsafePointer<Float>  // [layers, dim, dim]

  /// The block's tensors, in storage order.
  static let roles: [WeightRole] = [.layerNorm, .query, .key, .value, .output]

  /// The block whose tensors start at `base`, back to back in the order of ``roles``.
  init(at base: UnsafePointer<Float>, _ c: ModelConfig) {
    norm = base
    wq = norm + WeightRole.layerNorm.count(c)
    wk = wq + WeightRole.query.count(c)
    wv = wk + WeightRole.key.count(c)
    wo = wv + WeightRole.value.count(c)
  }

  private init(
    norm: UnsafePointer<Float>, wq: UnsafePointer<Float>, wk: UnsafePointer<Float>,
    wv: UnsafePointer<Float>, wo: UnsafePointer<Float>
  ) {
    (self.norm, self.wq, self.wk, self.wv, self.wo) = (norm, wq, wk, wv, wo)
  }

  /// The tensors of layer `l` alone.
  func layer(_ l: Int, _ c: ModelConfig) -> AttentionWeights {
    AttentionWeights(
      norm: norm + l * c.dim, wq: wq + l * c.dim * c.dim, wk: wk + l * c.kvDim * c.dim,
      wv: wv + l * c.kvDim * c.dim, wo: wo + l * c.dim * c.dim)
  }
}

/// The weights of one SwiGLU feed-forward block, stacked over the layers: its norm and
/// `W1` (gate), `W2` (down), `W3` (up).
///
/// The block computes `x += W2 · (silu(W1·n) ⊙ W3·n)` with `n = rmsnorm(x)`. Every stack
/// of layers (the decoder-only model's, the encoder's, the encoder-decoder's decoder's) has
/// one.
struct FeedForwardWeights {
  let norm: UnsafePointer<Float>  // [layers, dim]
  let w1: UnsafePointer<Float>  // [layers, mlpDim, dim]  (gate)
  let w2: UnsafePointer<Float>  // [layers, dim, mlpDim]  (down)
  let w3: UnsafePointer<Float>  // [layers, mlpDim, dim]  (up)

  /// The block's tensors, in storage order.
  static let roles: [WeightRole] = [.layerNorm, .gate, .down, .up]

  /// The block whose tensors start at `base`, back to back in the order of ``roles``.
  init(at base: UnsafePointer<Float>, _ c: ModelConfig) {
    norm = base
    w1 = norm + WeightRole.layerNorm.count(c)
    w2 = w1 + WeightRole.gate.count(c)
    w3 = w2 + WeightRole.down.count(c)
  }

  private init(
    norm: UnsafePointer<Float>, w1: UnsafePointer<Float>, w2: UnsafePointer<Float>,
    w3: UnsafePointer<Float>
  ) {
    (self.norm, self.w1, self.w2, self.w3) = (norm, w1, w2, w3)
  }

  /// The tensors of layer `l` alone.
  func layer(_ l: Int, _ c: ModelConfig) -> FeedForwardWeights {
    FeedForwardWeights(
      norm: norm + l * c.dim, w1: w1 + l * c.mlpDim * c.dim, w2: w2 + l * c.dim * c.mlpDim,
      w3: w3 + l * c.mlpDim * c.dim)
  }
}
