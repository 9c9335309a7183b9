import KVTrace

/// One sequence's forward and backward pass through the whole model, with the activations
/// the backward pass needs.
///
/// The forward pass is inference's computation for every position of the sequence at once
/// (each position attends to itself and the ones before it, exactly what a full cache
/// gives): embedding, then per layer `rmsnorm → Wq, Wk, Wv → RoPE → attention → Wo → +`
/// and `rmsnorm → W1, W3 → SwiGLU → W2 → +`, then the final norm and the classifier. It keeps
/// every intermediate result; ``backward(tokens:network:gradient:)`` walks them in reverse.
/// One pass is reused for many sequences; it is not shared between threads.
final class SequencePass<T: TrainingScalar> {
  /// One layer's activations, `[rows, width]` each.
  struct Layer {
    var input, norm1, q, k, v, attended, middle, norm2, gate, up, hidden: UnsafeMutablePointer<T>
    var scales1, scales2: UnsafeMutablePointer<T>  // [rows]
    var probs: UnsafeMutablePointer<T>  // [heads, rows, rows]
  }

  let config: ModelConfig
  let rows: Int
  let table: RopeTable<T>
  private let arena: UnsafeMutablePointer<T>
  private(set) var layers: [Layer] = []
  /// The final residual, its norm and the norm's scales, the logits (then their gradient).
  var output, finalNorm, finalScales, logits: UnsafeMutablePointer<T>
  /// Gradient scratch, reused by every layer.
  var dx, dn, dq, dk, dv, dAttended, dHidden, dGate, dUp, dp: UnsafeMutablePointer<T>

  /// A pass for sequences of up to `rows` positions.
  init(config c: ModelConfig, rows: Int) {
    config = c
    self.rows = rows
    table = RopeTable(headSize: c.headSize, positions: rows)
    let (d, kv, m) = (rows * c.dim, rows * c.kvDim, rows * c.mlpDim)
    let perLayer = 6 * d + 2 * kv + 3 * m + 2 * rows + c.heads * rows * rows
    let total =
      c.layers * perLayer + 2 * d + rows + rows * c.vocabularySize
      + (5 * d + 2 * kv + 3 * m + rows)
    arena = .allocate(capacity: total)
    arena.initialize(repeating: 0, count: total)
    var next = arena
    func take(_ count: Int) -> UnsafeMutablePointer<T> {
      defer { next += count }
      return next
    }
    for _ in 0..<c.layers {
      layers.append(
        Layer(
          input: take(d), norm1: take(d), q: take(d), k: take(kv), v: take(kv), attended: take(d),
          middle: take(d), norm2: take(d), gate: take(m), up: take(m), hidden: take(m),
          scales1: take(rows), scales2: take(rows), probs: take(c.heads * rows * rows)))
    }
    (output, finalNorm, finalScales) = (take(d), take(d), take(rows))
    logits = take(rows * c.vocabularySize)
    (dx, dn, dq, dk, dv) = (take(d), take(d), take(d), take(kv), take(kv))
    (dAttended, dHidden, dGate, dUp, dp) = (take(d), take(m), take(m), take(m), take(rows))
  }

  deinit { arena.deallocate() }

  /// Runs `tokens` (`count ≤ rows`) forward, leaving the logits `[count, vocab]` in
  /// ``logits``.
  func forward(tokens: ArraySlice<Int>, network n: Network<T>) {
    let c = config
    let count = tokens.count
    for (r, token) in tokens.enumerated() {
      layers[0].input.advanced(by: r * c.dim).update(
        from: n.weights + n.layout.embedding + token * c.dim, count: c.dim)
    }
    for l in 0..<c.layers {
      let a = layers[l]
      let next = l + 1 < c.layers ? layers[l + 1].input : output
      attentionBlock(a, layer: l, count: count, network: n)
      mlpBlock(a, layer: l, count: count, into: next, network: n)
    }
    Ops.rmsnorm(
      finalNorm, output, n.weights + n.layout.finalNorm, scales: finalScales, rows: count,
      n: c.dim)
    n.linear(logits, finalNorm, n.layout.classifier, layer: 0, c.vocabularySize, c.dim, count)
  }

  /// `middle = input + Wo · attention(RoPE(Wq·n), RoPE(Wk·n), Wv·n)` with `n = rmsnorm(input)`.
  private func attentionBlock(_ a: Layer, layer l: Int, count: Int, network n: Network<T>) {
    let (c, o) = (config, n.layout)
    Ops.rmsnorm(
      a.norm1, a.input, n.weights + o.attentionNorm + l * c.dim, scales: a.scales1, rows: count,
      n: c.dim)
    n.linear(a.q, a.norm1, o.wq, layer: l, c.dim, c.dim, count)
    n.linear(a.k, a.norm1, o.wk, layer: l, c.kvDim, c.dim, count)
    n.linear(a.v, a.norm1, o.wv, layer: l, c.kvDim, c.dim, count)
    Ops.rope(a.q, rows: count, width: c.dim, table: table)
    Ops.rope(a.k, rows: count, width: c.kvDim, table: table)
    Ops.attention(
      q: a.q, k: a.k, v: a.v, probs: a.probs, out: a.attended,
      shape: .init(rows: count, config: c))
    a.middle.update(from: a.input, count: count * c.dim)
    n.linear(a.middle, a.attended, o.wo, layer: l, c.dim, c.dim, count, accumulate: true)
  }

  /// `next = middle + W2 · swiglu(W1·n, W3·n)` with `n = rmsnorm(middle)`.
  private func mlpBlock(
    _ a: Layer, layer l: Int, count: Int, into next: UnsafeMutablePointer<T>,
    network n: Network<T>
  ) {
    let (c, o) = (config, n.layout)
    Ops.rmsnorm(
      a.norm2, a.middle, n.weights + o.mlpNorm + l * c.dim, scales: a.scales2, rows: count,
      n: c.dim)
    n.linear(a.gate, a.norm2, o.w1, layer: l, c.mlpDim, c.dim, count)
    n.linear(a.up, a.norm2, o.w3, layer: l, c.mlpDim, c.dim, count)
    Ops.swiglu(a.hidden, gate: a.gate, up: a.up, count: count * c.mlpDim)
    next.update(from: a.middle, count: count * c.dim)
    n.linear(next, a.hidden, o.w2, layer: l, c.dim, c.mlpDim, count, accumulate: true)
  }
}

/// The weights one pass reads: the parameters, and every matrix transposed (`[in, out]`),
/// which is what the forward products want (see ``MatrixKernels``).
struct Network<T: TrainingScalar> {
  let layout: ParameterLayout
  let weights: UnsafePointer<T>
  let transposed: UnsafePointer<T>

  /// `y (+)= x · Wᵀ` for the matrix `W` (`[out, in]`) of `layer` in the tensor at `tensor`,
  /// over `rows` rows.
  func linear(
    _ y: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ tensor: Int, layer: Int, _ out: Int,
    _ inner: Int, _ rows: Int, accumulate: Bool = false
  ) {
    Ops.linear(
      y, x, transposed: transposed + tensor + layer * out * inner, out: out, inner: inner,
      rows: rows,
      accumulate: accumulate)
  }

  /// The transposes of every matrix of `weights`, in the same layout (norms copied).
  static func transpose(_ weights: [T], layout: ParameterLayout) -> [T] {
    var result = weights
    let c = layout.config
    for tensor in layout.tensors where !tensor.isNorm && tensor.offset != layout.embedding {
      let stack = tensor.offset == layout.classifier ? 1 : c.layers
      let (rows, columns) = (tensor.rows / stack, tensor.columns)
      for s in 0..<stack {
        let base = tensor.offset + s * rows * columns
        for i in 0..<rows {
          for j in 0..<columns { result[base + j * rows + i] = weights[base + i * columns + j] }
        }
      }
    }
    return result
  }
}
