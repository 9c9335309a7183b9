extension T5Pass {
  /// `next = input + o · attention(q·n, k·m, v·m)` with `n = norm(input)` and `m = n`
  /// (self-attention) or `m` the encoder output (cross-attention, `keys`).
  func attend(
    _ a: AttentionActivations, _ w: T5Layout.Attention, norm: Int, rows: Int,
    bias: UnsafePointer<T>? = nil, causal: Bool = false,
    keys: (memory: UnsafeMutablePointer<T>, rows: Int)? = nil,
    into next: UnsafeMutablePointer<T>, network n: T5Network<T>
  ) {
    let c = config
    Ops.rmsnorm(
      a.norm, a.input, n.weights + norm, scales: a.scales, rows: rows, n: c.dModel,
      epsilon: T5TrainingConfig.normEpsilon)
    let (memory, keyRows) =
      keys.map { (UnsafePointer($0.memory), $0.rows) } ?? (UnsafePointer(a.norm), rows)
    n.linear(a.q, a.norm, w.q, c.inner, c.dModel, rows)
    n.linear(a.k, memory, w.k, c.inner, c.dModel, keyRows)
    n.linear(a.v, memory, w.v, c.inner, c.dModel, keyRows)
    Ops.t5Attention(
      q: a.q, k: a.k, v: a.v, bias: bias, probs: a.probs, out: a.attended,
      shape: shape(rows, keyRows, causal: causal))
    next.update(from: a.input, count: rows * c.dModel)
    n.linear(next, a.attended, w.o, c.dModel, c.inner, rows, accumulate: true)
  }

  /// `next = input + wo · act(wi · n)` with `n = norm(input)`; `act` is ReLU, or for the
  /// gated GELU `gelu(wi_0 · n) ⊙ wi_1 · n`.
  func feedForward(
    _ f: FeedForwardActivations, _ w: T5Layout.Block, rows: Int,
    into next: UnsafeMutablePointer<T>, network n: T5Network<T>
  ) {
    let c = config
    Ops.rmsnorm(
      f.norm, f.input, n.weights + w.feedForwardNorm, scales: f.scales, rows: rows, n: c.dModel,
      epsilon: T5TrainingConfig.normEpsilon)
    n.linear(f.gate, f.norm, w.wi0, c.dFF, c.dModel, rows)
    if let wi1 = w.wi1 {
      n.linear(f.up, f.norm, wi1, c.dFF, c.dModel, rows)
      Ops.gatedGELU(f.hidden, gate: f.gate, up: f.up, count: rows * c.dFF)
    } else {
      Ops.relu(f.hidden, f.gate, count: rows * c.dFF)
    }
    next.update(from: f.input, count: rows * c.dModel)
    n.linear(next, f.hidden, w.wo, c.dModel, c.dFF, rows, accumulate: true)
  }

  func shape(_ queries: Int, _ keys: Int, causal: Bool) -> Ops.T5AttentionShape {
    Ops.T5AttentionShape(
      queries: queries, keys: keys, heads: config.heads, headSize: config.dKV, causal: causal)
  }
}
