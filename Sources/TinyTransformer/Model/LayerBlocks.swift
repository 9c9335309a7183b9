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
  /// The rotation table RoPE reads.
  let rotary: RotaryTable
  /// The working buffers.
  let scratch: Scratch

  /// One layer's attention tensors.
  struct AttentionTensors {
    let norm: UnsafePointer<Float>  // [dim]
    let wq: UnsafePointer<Float>  // [dim, dim]
    let wk: UnsafePointer<Float>  // [kvDim, dim]
    let wv: UnsafePointer<Float>  // [kvDim, dim]
    let wo: UnsafePointer<Float>  // [dim, dim]
  }

  /// One layer's SwiGLU feed-forward tensors.
  struct FeedForwardTensors {
    let norm: UnsafePointer<Float>  // [dim]
    let w1: UnsafePointer<Float>  // [mlpDim, dim] gate
    let w2: UnsafePointer<Float>  // [dim, mlpDim] down
    let w3: UnsafePointer<Float>  // [mlpDim, dim] up
  }

  /// `q = Wq·n`, `k = Wk·n`, `v = Wv·n` for the normalized input `n`, in one
  /// dispatch, then `q` and `k` rotated by `position` (RoPE) *before* the key is
  /// stored: a cached key already carries its position.
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
    let c = config
    Kernels.matmul(  // [dim] -> q [dim], k [kvDim], v [kvDim]
      n, n: c.dim, (q, t.wq, c.dim), (key, t.wk, c.kvDim), (value, t.wv, c.kvDim),
      threads: threads)
    guard let position else { return }
    Kernels.rope(q, count: c.dim, position: position, table: rotary)  // [dim]
    Kernels.rope(key, count: c.kvDim, position: position, table: rotary)  // rotate, then store
  }

  /// `q = Wq·n` alone, unrotated: cross-attention's queries (it has no positions).
  func projectQuery(
    _ n: UnsafePointer<Float>, wq: UnsafePointer<Float>, q: UnsafeMutablePointer<Float>
  ) {
    Kernels.matmul(q, n, wq, n: config.dim, d: config.dim, threads: threads)  // [dim] -> [dim]
  }

  /// `k = Wk·n`, `v = Wv·n` alone, unrotated, in one dispatch: cross-attention's
  /// rows, projected from the encoder output.
  func projectKeyValue(
    _ n: UnsafePointer<Float>, _ t: AttentionTensors, key: UnsafeMutablePointer<Float>,
    value: UnsafeMutablePointer<Float>
  ) {
    let c = config
    Kernels.matmul(  // [dim] -> k [kvDim], v [kvDim]
      n, n: c.dim, (key, t.wk, c.kvDim), (value, t.wv, c.kvDim), threads: threads)
  }

  /// `softmax(q·k / √headSize) · v` of every head of `q` over `rows`, into
  /// `scratch.xb` (`[heads, headSize]`); see ``Attention``.
  func attend(
    _ q: UnsafePointer<Float>, over rows: Attention.Rows, event: AttentionEvent,
    report: inout AttentionReport?
  ) {
    Attention.attend(
      q, over: rows, config: config, scores: scratch.scores, out: scratch.xb, event: event,
      report: &report)
  }

  /// `x += Wo · scratch.xb`: the heads' outputs projected back and added to the
  /// residual stream.
  func addOutput(wo: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>) {
    let (c, s) = (config, scratch)
    Kernels.matmul(s.xb2, s.xb, wo, n: c.dim, d: c.dim, threads: threads)  // [dim] -> [dim]
    Kernels.add(x, s.xb2, n: c.dim)  // residual
  }

  /// ``attend(_:over:event:report:)``, then ``addOutput(wo:into:)``.
  func attendAndAdd(
    _ q: UnsafePointer<Float>, over rows: Attention.Rows, wo: UnsafePointer<Float>,
    into x: UnsafeMutablePointer<Float>, event: AttentionEvent, report: inout AttentionReport?
  ) {
    attend(q, over: rows, event: event, report: &report)
    addOutput(wo: wo, into: x)
  }

  /// `x += W2 · (silu(W1·n) ⊙ W3·n)` with `n = rmsnorm(x)`: the SwiGLU MLP of one layer.
  func feedForward(_ x: UnsafeMutablePointer<Float>, _ t: FeedForwardTensors) {
    let (c, s) = (config, scratch)
    Kernels.rmsnorm(s.xb, x, t.norm, n: c.dim)  // [dim]
    Kernels.matmul(  // [dim] -> gate [mlpDim], up [mlpDim], in one dispatch
      s.xb, n: c.dim, (s.gate, t.w1, c.mlpDim), (s.up, t.w3, c.mlpDim), threads: threads)
    Kernels.swiglu(s.gate, s.up, n: c.mlpDim)  // [mlpDim]
    Kernels.matmul(s.xb2, s.gate, t.w2, n: c.mlpDim, d: c.dim, threads: threads)  // -> [dim]
    Kernels.add(x, s.xb2, n: c.dim)  // residual
  }
}
