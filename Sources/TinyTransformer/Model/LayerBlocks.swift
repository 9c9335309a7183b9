import KVTrace

/// The pieces every transformer layer here is built from, shared by the
/// decoder-only model and both stacks of the encoder-decoder: normalize, project,
/// attend, add; normalize, feed forward, add.
///
/// Each is one concept over raw tensors of one layer (`[rows, columns]`, row-major),
/// so either architecture's weights plug in. What a new model family changes is one
/// piece here: T5's ReLU or gated-GELU feed-forward replaces ``feedForward(_:_:)``'s
/// SwiGLU; its relative position bias and unscaled scores go where attention turns
/// a query and a key into a score (``Attention``), its missing RoPE into the
/// projection's `position: nil`.
struct LayerBlocks {
  /// The shape: widths, heads, KV heads.
  let config: ModelConfig
  /// How many threads the matrix products use.
  let threads: Int
  /// RoPE's angles and pairing.
  let rotary: RotaryTable
  /// The ε of every RMSNorm (1e-5 for Llama 2 and llama2.c; a model file says).
  var normEpsilon: Float = 1e-5
  /// The working buffers.
  let scratch: Scratch

  /// One layer's attention tensors.
  struct AttentionTensors {
    let norm: UnsafePointer<Float>  // [dim]
    let wq: WeightMatrix  // [dim, dim]
    let wk: WeightMatrix  // [kvDim, dim]
    let wv: WeightMatrix  // [kvDim, dim]
    let wo: WeightMatrix  // [dim, dim]
    /// Qwen2's biases of q, k and v (`[dim]`, `[kvDim]`, `[kvDim]`); Llama has none.
    var biases: (q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>)? = nil
  }

  /// One layer's SwiGLU feed-forward tensors.
  struct FeedForwardTensors {
    let norm: UnsafePointer<Float>  // [dim]
    let w1: WeightMatrix  // [mlpDim, dim] gate
    let w2: WeightMatrix  // [dim, mlpDim] down
    let w3: WeightMatrix  // [mlpDim, dim] up
  }

  /// `n = rmsnorm(x) ⊙ weight`, with the model's ε.
  func norm(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>
  ) {
    Kernels.rmsnorm(out, x, weight, n: config.dim, epsilon: normEpsilon)  // [dim] -> [dim]
  }

  /// `q = Wq·n`, `k = Wk·n`, `v = Wv·n` for the normalized input `n`, in one
  /// dispatch (plus the biases, for Qwen2), then `q` and `k` rotated by `position`
  /// (RoPE) *before* the key is stored: a cached key already carries its position.
  ///
  /// - Parameters:
  ///   - n: `[dim]`, the normalized hidden state.
  ///   - t: The layer's attention tensors.
  ///   - q: `[dim]` out, the queries of all heads.
  ///   - key: `[kvDim]` out, a slot in a cache.
  ///   - value: `[kvDim]` out, a slot in a cache.
  ///   - position: The position to rotate by, or `nil` for no rotation.
  func project(
    _ n: UnsafePointer<Float>, _ t: AttentionTensors, q: UnsafeMutablePointer<Float>,
    key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>, position: Int?
  ) {
    Kernels.matmul(n, (q, t.wq), (key, t.wk), (value, t.wv), threads: threads)  // -> q, k, v
    finishProjection(q: q, key: key, value: value, t, position)
  }

  /// What follows the products of ``project(_:_:q:key:value:position:)``: the biases
  /// (Qwen2), then RoPE on `q` and `key` by `position` (none for `nil`).
  ///
  /// The angles are `angles` when the caller computed them (a batched prefill does, once
  /// per position for every layer), else the scratch's, computed for `position` once and
  /// reused by the layers after the first.
  func finishProjection(
    q: UnsafeMutablePointer<Float>, key: UnsafeMutablePointer<Float>,
    value: UnsafeMutablePointer<Float>, _ t: AttentionTensors, _ position: Int?,
    angles: RotaryTable.Angles? = nil
  ) {
    let (c, s) = (config, scratch)
    if let biases = t.biases {  // Qwen2: + b_q, b_k, b_v
      Kernels.add(q, biases.q, n: c.dim)
      Kernels.add(key, biases.k, n: c.kvDim)
      Kernels.add(value, biases.v, n: c.kvDim)
    }
    guard let position else { return }
    let (sines, cosines) = angles ?? s.angles(at: position, rotary)  // [headSize / 2] each
    Kernels.rope(q, count: c.dim, sines: sines, cosines: cosines, table: rotary)
    Kernels.rope(key, count: c.kvDim, sines: sines, cosines: cosines, table: rotary)
  }

  /// `softmax(q·k / √headSize) · v` of every head of `q` over `rows`, into
  /// `scratch.xb` (`[heads, headSize]`); see ``Attention``.
  func attend(
    _ q: UnsafePointer<Float>, over rows: Attention.Rows, event: AttentionEvent,
    report: inout AttentionReport?
  ) {
    Attention.attend(
      q, over: rows, config: config, scores: scratch.scores, out: scratch.xb, event: event,
      report: &report, threads: threads)
  }

  /// `x += Wo · scratch.xb`: the heads' outputs projected back and added to the
  /// residual stream.
  func addOutput(wo: WeightMatrix, into x: UnsafeMutablePointer<Float>) {
    let (c, s) = (config, scratch)
    Kernels.matmul(s.xb2, s.xb, wo, threads: threads)  // [dim] -> [dim]
    Kernels.add(x, s.xb2, n: c.dim)  // residual
  }

  /// `x += W2 · (silu(W1·n) ⊙ W3·n)` with `n = rmsnorm(x)`: the SwiGLU MLP of one layer.
  func feedForward(_ x: UnsafeMutablePointer<Float>, _ t: FeedForwardTensors) {
    let (c, s) = (config, scratch)
    norm(s.xb, x, t.norm)  // [dim]
    Kernels.matmul(s.xb, (s.gate, t.w1), (s.up, t.w3), threads: threads)  // -> [mlpDim] twice
    Kernels.swiglu(s.gate, s.up, n: c.mlpDim)  // [mlpDim]
    Kernels.matmul(s.xb2, s.gate, t.w2, threads: threads)  // [mlpDim] -> [dim]
    Kernels.add(x, s.xb2, n: c.dim)  // residual
  }
}
