import KVTrace

extension SequencePass {
  /// Runs the chain rule back through the activations of the last ``forward(tokens:network:)``
  /// (whose ``logits`` already hold the loss's gradient, see ``Ops/crossEntropy``), adding
  /// the gradient of every weight into `gradient` (the parameters' layout).
  func backward(tokens: ArraySlice<Int>, network n: Network<T>, gradient: UnsafeMutablePointer<T>) {
    let (c, o, count) = (config, n.layout, tokens.count)
    n.linearBackward(
      dx: dn, dy: logits, x: finalNorm, o.classifier, layer: 0, c.vocabularySize, c.dim, count,
      gradient: gradient)
    dx.update(repeating: 0, count: count * c.dim)
    Ops.rmsnormBackward(
      dn, output, n.weights + o.finalNorm, scales: finalScales, dx: dx,
      dw: gradient + o.finalNorm, rows: count, n: c.dim)
    for l in (0..<c.layers).reversed() {
      mlpBackward(layers[l], layer: l, count: count, network: n, gradient: gradient)
      attentionBackward(layers[l], layer: l, count: count, network: n, gradient: gradient)
    }
    for (r, token) in tokens.enumerated() {
      let row = gradient + o.embedding + token * c.dim
      for j in 0..<c.dim { row[j] += dx[r * c.dim + j] }
    }
  }

  /// From `∂L/∂next` (in ``dx``) to `∂L/∂middle` (in ``dx``), through the MLP and its residual.
  private func mlpBackward(
    _ a: Layer, layer l: Int, count: Int, network n: Network<T>,
    gradient: UnsafeMutablePointer<T>
  ) {
    let (c, o) = (config, n.layout)
    n.linearBackward(
      dx: dHidden, dy: dx, x: a.hidden, o.w2, layer: l, c.dim, c.mlpDim, count,
      gradient: gradient)
    Ops.swigluBackward(
      dHidden, gate: a.gate, up: a.up, dGate: dGate, dUp: dUp, count: count * c.mlpDim)
    n.linearBackward(
      dx: dn, dy: dGate, x: a.norm2, o.w1, layer: l, c.mlpDim, c.dim, count, gradient: gradient)
    n.linearBackward(
      dx: dn, dy: dUp, x: a.norm2, o.w3, layer: l, c.mlpDim, c.dim, count, gradient: gradient,
      accumulate: true)
    Ops.rmsnormBackward(
      dn, a.middle, n.weights + o.mlpNorm + l * c.dim, scales: a.scales2, dx: dx,
      dw: gradient + o.mlpNorm + l * c.dim, rows: count, n: c.dim)
  }

  /// From `∂L/∂middle` (in ``dx``) to `∂L/∂input` (in ``dx``), through attention and its
  /// residual.
  private func attentionBackward(
    _ a: Layer, layer l: Int, count: Int, network n: Network<T>,
    gradient: UnsafeMutablePointer<T>
  ) {
    let (c, o) = (config, n.layout)
    n.linearBackward(
      dx: dAttended, dy: dx, x: a.attended, o.wo, layer: l, c.dim, c.dim, count,
      gradient: gradient)
    dq.update(repeating: 0, count: count * c.dim)
    dk.update(repeating: 0, count: count * c.kvDim)
    dv.update(repeating: 0, count: count * c.kvDim)
    Ops.attentionBackward(
      dOut: dAttended, q: a.q, k: a.k, v: a.v, probs: a.probs, dq: dq, dk: dk, dv: dv,
      scratch: dp, shape: .init(rows: count, config: c))
    Ops.ropeBackward(dq, rows: count, width: c.dim, table: table)
    Ops.ropeBackward(dk, rows: count, width: c.kvDim, table: table)
    n.linearBackward(
      dx: dn, dy: dq, x: a.norm1, o.wq, layer: l, c.dim, c.dim, count, gradient: gradient)
    n.linearBackward(
      dx: dn, dy: dk, x: a.norm1, o.wk, layer: l, c.kvDim, c.dim, count, gradient: gradient,
      accumulate: true)
    n.linearBackward(
      dx: dn, dy: dv, x: a.norm1, o.wv, layer: l, c.kvDim, c.dim, count, gradient: gradient,
      accumulate: true)
    Ops.rmsnormBackward(
      dn, a.input, n.weights + o.attentionNorm + l * c.dim, scales: a.scales1, dx: dx,
      dw: gradient + o.attentionNorm + l * c.dim, rows: count, n: c.dim)
  }
}

extension Network {
  /// The gradient of ``linear(_:_:_:layer:_:_:_:accumulate:)``: `dx (+)= dy · W` and
  /// `dW += dyᵀ · x`, with `dW` at the matrix's place in `gradient`.
  func linearBackward(
    dx: UnsafeMutablePointer<T>, dy: UnsafePointer<T>, x: UnsafePointer<T>, _ tensor: Int,
    layer: Int, _ out: Int, _ inner: Int, _ rows: Int, gradient: UnsafeMutablePointer<T>,
    accumulate: Bool = false
  ) {
    let offset = tensor + layer * out * inner
    Ops.linearBackward(
      dx: dx, dy: dy, x: x, weight: weights + offset, dWeight: gradient + offset, out: out,
      inner: inner, rows: rows, accumulate: accumulate)
  }
}
