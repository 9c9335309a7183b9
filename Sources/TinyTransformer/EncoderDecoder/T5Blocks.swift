import KVTrace

/// The pieces a T5 layer is built from: T5's layer norm, projections through
/// `heads × d_kv`, attention with the relative position bias and unscaled scores,
/// and the ReLU or gated-GELU feed-forward. Each is one concept over one layer's
/// tensors; the encoder and the decoder call them in their own order.
struct T5Blocks {
  /// The shape: widths, heads, KV heads.
  let config: ModelConfig
  /// The T5 settings: feed-forward, buckets, ε.
  let t5: T5Config
  /// How many threads the matrix products use.
  let threads: Int
  /// The working buffers.
  let scratch: Scratch

  /// T5's layer norm: `out = weight ⊙ x / √(mean(x²) + ε)`. An RMS norm: no mean
  /// is subtracted and there is no bias, only a learned scale.
  func norm(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>
  ) {
    Kernels.rmsnorm(out, x, weight, n: config.dim, epsilon: t5.layerNormEpsilon)  // [dim]
  }

  /// `q = Wq·n`, `k = Wk·n`, `v = Wv·n` in one dispatch, nothing rotated: T5's
  /// positions enter as a bias on the scores, not in the vectors.
  func project(
    _ n: UnsafePointer<Float>, _ a: T5Weights.AttentionBlock, q: UnsafeMutablePointer<Float>,
    key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>
  ) {
    let c = config
    Kernels.matmul(  // [dim] -> q [heads × headSize], k [kvDim], v [kvDim]
      n, n: c.dim, (q, a.wq, c.attentionDim), (key, a.wk, c.kvDim), (value, a.wv, c.kvDim),
      threads: threads)
  }

  /// `q = Wq·n` alone: cross-attention's query.
  func projectQuery(
    _ n: UnsafePointer<Float>, _ a: T5Weights.AttentionBlock, q: UnsafeMutablePointer<Float>
  ) {
    Kernels.matmul(q, n, a.wq, n: config.dim, d: config.attentionDim, threads: threads)
  }

  /// `k = Wk·e`, `v = Wv·e` alone: cross-attention's rows, from the encoder output.
  func projectKeyValue(
    _ e: UnsafePointer<Float>, _ a: T5Weights.AttentionBlock, key: UnsafeMutablePointer<Float>,
    value: UnsafeMutablePointer<Float>
  ) {
    let c = config
    Kernels.matmul(  // [dim] -> k [kvDim], v [kvDim]
      e, n: c.dim, (key, a.wk, c.kvDim), (value, a.wv, c.kvDim), threads: threads)
  }

  /// The relative position bias of one query over `keys` keys, `[heads, keys]`,
  /// into `out`: `out[h, j] = table[bucket(j − query), h]`.
  ///
  /// It is computed afresh for each query from two positions alone: the keys it
  /// is added to are the cached rows, untouched.
  func positionBias(
    _ out: UnsafeMutablePointer<Float>, table: UnsafePointer<Float>, query: Int, keys: Int,
    bidirectional: Bool
  ) {
    let heads = config.heads
    let buckets = RelativePositionBuckets(
      bidirectional: bidirectional, buckets: t5.relativeBuckets,
      maxDistance: t5.relativeMaxDistance)
    for j in 0..<keys {
      let bucket = buckets.bucket(query: query, key: j)
      for h in 0..<heads { out[h * keys + j] = table[bucket * heads + h] }  // [buckets, heads]
    }
  }

  /// `x += Wo · softmax(q·k + bias) · v` over `rows`: one attention block's
  /// output added to the residual stream. `bias` is `[heads, rows.count]`, or `nil`
  /// for cross-attention, which has no positions.
  func attendAndAdd(
    _ q: UnsafePointer<Float>, over rows: Attention.Rows, bias: UnsafePointer<Float>?,
    wo: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, event: AttentionEvent,
    report: inout AttentionReport?
  ) {
    let (c, s) = (config, scratch)
    Attention.attend(  // -> xb [heads × headSize]
      q, over: rows, config: c, scores: s.scores, out: s.xb, event: event, report: &report,
      scoring: .t5(bias: bias), threads: threads)
    Kernels.matmul(s.xb2, s.xb, wo, n: c.attentionDim, d: c.dim, threads: threads)  // -> [dim]
    Kernels.add(x, s.xb2, n: c.dim)  // residual
  }

  /// `x += wo · act(n)` with `n = norm(x)`: ReLU, `relu(wi·n)` (v1.0), or gated GELU,
  /// `gelu(wi_0·n) ⊙ (wi_1·n)` with GELU's tanh approximation (v1.1).
  func feedForward(_ x: UnsafeMutablePointer<Float>, _ f: T5Weights.FeedForwardBlock) {
    let (c, s) = (config, scratch)
    norm(s.xb, x, f.norm)  // [dim]
    if let wiLinear = f.wiLinear {
      Kernels.matmul(  // [dim] -> gate [mlpDim], up [mlpDim], in one dispatch
        s.xb, n: c.dim, (s.gate, f.wi, c.mlpDim), (s.up, wiLinear, c.mlpDim), threads: threads)
      for i in 0..<c.mlpDim { s.gate[i] = Self.gelu(s.gate[i]) * s.up[i] }  // [mlpDim]
    } else {
      Kernels.matmul(s.gate, s.xb, f.wi, n: c.dim, d: c.mlpDim, threads: threads)  // [mlpDim]
      for i in 0..<c.mlpDim { s.gate[i] = max(0, s.gate[i]) }  // relu
    }
    Kernels.matmul(s.xb2, s.gate, f.wo, n: c.mlpDim, d: c.dim, threads: threads)  // -> [dim]
    Kernels.add(x, s.xb2, n: c.dim)  // residual
  }

  /// GELU, tanh form (Hugging Face's `gelu_new`):
  /// `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`, with ``DeterministicMath``'s `exp`
  /// for the tanh.
  static func gelu(_ x: Float) -> Float {
    let u = 0.797_884_560_802_865_4 * (Double(x) + 0.044_715 * Double(x) * Double(x) * Double(x))
    let e = DeterministicMath.exp(-2 * abs(u))  // tanh|u| = (1 − e^−2|u|) / (1 + e^−2|u|)
    let tanh = (1 - e) / (1 + e) * (u < 0 ? -1 : 1)
    return Float(0.5 * Double(x) * (1 + tanh))
  }
}
