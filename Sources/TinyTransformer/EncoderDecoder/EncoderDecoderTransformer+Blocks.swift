import KVTrace

/// The pieces every layer of the encoder-decoder is built from, one concept each.
extension EncoderDecoderTransformer {
  /// Projects the normalized input `n` of one position to its query, key and value.
  ///
  /// With a `position`, the query and the key are rotated by it (RoPE) *before*
  /// the key is stored: a cached key already carries its position. Cross-attention
  /// passes `nil` for its query: it has no positions.
  ///
  /// - Parameters:
  ///   - n: `[dim]`, the normalized hidden state.
  ///   - block: One layer's attention tensors.
  ///   - q: `[dim]` out, the queries of all heads; `nil` to skip.
  ///   - key: `[kvDim]` out, e.g. a slot in a cache; `nil` to skip.
  ///   - value: `[kvDim]` out; `nil` to skip.
  ///   - position: The position to rotate by, or `nil` for no rotation.
  func project(
    _ n: UnsafePointer<Float>, _ block: EncoderDecoderWeights.AttentionBlock,
    q: UnsafeMutablePointer<Float>?, key: UnsafeMutablePointer<Float>?,
    value: UnsafeMutablePointer<Float>?, position: Int?
  ) {
    let c = config
    if let q {
      Kernels.matmul(q, n, block.wq, n: c.dim, d: c.dim, threads: threads)  // [dim] -> [dim]
      if let position { Kernels.rope(q, count: c.dim, position: position, table: rotary) }
    }
    if let key {
      Kernels.matmul(key, n, block.wk, n: c.dim, d: c.kvDim, threads: threads)  // -> [kvDim]
      if let position { Kernels.rope(key, count: c.kvDim, position: position, table: rotary) }
    }
    if let value {
      Kernels.matmul(value, n, block.wv, n: c.dim, d: c.kvDim, threads: threads)  // -> [kvDim]
    }
  }

  /// Attends with the queries `q` over `rows`, projects the heads' outputs with
  /// `Wo` and adds the result to the residual stream `x`.
  func attendAndAdd(
    _ q: UnsafePointer<Float>, over rows: Attention.Rows,
    _ block: EncoderDecoderWeights.AttentionBlock, into x: UnsafeMutablePointer<Float>,
    scratch s: Scratch, event: AttentionEvent, report: inout AttentionReport?
  ) {
    let c = config
    Attention.attend(
      q, over: rows, config: c, scores: s.scores, out: s.xb, event: event, report: &report)
    Kernels.matmul(s.xb2, s.xb, block.wo, n: c.dim, d: c.dim, threads: threads)  // [dim] -> [dim]
    Kernels.add(x, s.xb2, n: c.dim)  // residual
  }

  /// `x += W2 · (silu(W1·n) ⊙ W3·n)` with `n = rmsnorm(x)`: the SwiGLU MLP of one layer.
  func feedForward(
    _ x: UnsafeMutablePointer<Float>, _ mlp: EncoderDecoderWeights.MLPBlock, scratch s: Scratch
  ) {
    let c = config
    let t = threads
    Kernels.rmsnorm(s.xb, x, mlp.norm, n: c.dim)  // [dim]
    Kernels.matmul(s.gate, s.xb, mlp.w1, n: c.dim, d: c.mlpDim, threads: t)  // -> [mlpDim]
    Kernels.matmul(s.up, s.xb, mlp.w3, n: c.dim, d: c.mlpDim, threads: t)  // -> [mlpDim]
    Kernels.swiglu(s.gate, s.up, n: c.mlpDim)  // [mlpDim]
    Kernels.matmul(s.xb2, s.gate, mlp.w2, n: c.mlpDim, d: c.dim, threads: t)  // -> [dim]
    Kernels.add(x, s.xb2, n: c.dim)  // residual
  }

  /// A cache of `positions` rows per layer, for the encoder or the cross-attention.
  func cache(positions: Int) -> KVCache {
    var shape = config
    shape.contextLength = max(1, positions)
    return KVCache(config: shape)
  }
}
