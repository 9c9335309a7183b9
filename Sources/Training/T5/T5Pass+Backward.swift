extension T5Pass {
  /// Runs the chain rule back through the activations of the last
  /// ``forward(source:decoderInputs:network:)`` (whose ``logits`` already hold the loss's
  /// gradient, see ``Ops/crossEntropy(_:targets:vocabulary:scale:)``), adding the gradient of
  /// every weight into `gradient` (the layout's order).
  ///
  /// The decoder goes first, last layer to first; every cross-attention adds the gradient of
  /// its keys and values into ``dEncoder``, the gradient of the encoder output, which then
  /// runs back through the encoder. Each stack's position-bias gradient is summed over its
  /// layers in ``dEncoderBias`` / ``dDecoderBias`` and only then scattered into the table.
  func backward(
    source: [Int], decoderInputs: [Int], network n: T5Network<T>,
    gradient: UnsafeMutablePointer<T>
  ) {
    let (c, o, s, t) = (config, n.layout, source.count, decoderInputs.count)
    backThroughClassifier(rows: t, network: n, gradient: gradient)
    dEncoder.update(repeating: 0, count: s * c.dModel)
    dDecoderBias.update(repeating: 0, count: c.heads * t * t)
    for l in (0..<c.decoderLayers).reversed() {
      let (a, w) = (decoder[l], o.decoder[l])
      backThroughFeedForward(a.feedForward, w, rows: t, network: n, gradient: gradient)
      backThroughAttention(
        a.crossAttention!, w.crossAttention!, norm: w.crossNorm, rows: t,
        keys: (encoderOutput, s), network: n, gradient: gradient)
      backThroughAttention(
        a.selfAttention, w.selfAttention, norm: w.selfNorm, rows: t, dBias: dDecoderBias,
        causal: true, network: n, gradient: gradient)
    }
    addEmbeddingGradient(decoderInputs, network: n, gradient: gradient)
    Ops.positionBiasBackward(
      dDecoderBias, dTable: gradient + o.decoderBias, buckets: decoderBuckets, heads: c.heads,
      queries: t, keys: t)
    dx.update(repeating: 0, count: s * c.dModel)
    Ops.rmsnormBackward(
      dEncoder, encoderResidual, n.weights + o.encoderFinalNorm, scales: encoderScales, dx: dx,
      dw: gradient + o.encoderFinalNorm, rows: s, n: c.dModel)
    dEncoderBias.update(repeating: 0, count: c.heads * s * s)
    for l in (0..<c.encoderLayers).reversed() {
      let (a, w) = (encoder[l], o.encoder[l])
      backThroughFeedForward(a.feedForward, w, rows: s, network: n, gradient: gradient)
      backThroughAttention(
        a.selfAttention, w.selfAttention, norm: w.selfNorm, rows: s, dBias: dEncoderBias,
        network: n, gradient: gradient)
    }
    addEmbeddingGradient(source, network: n, gradient: gradient)
    Ops.positionBiasBackward(
      dEncoderBias, dTable: gradient + o.encoderBias, buckets: encoderBuckets, heads: c.heads,
      queries: s, keys: s)
  }

  /// From the logits' gradient to `∂L/∂(decoder residual)`, in ``dx``.
  private func backThroughClassifier(
    rows t: Int, network n: T5Network<T>, gradient: UnsafeMutablePointer<T>
  ) {
    let (c, o) = (config, n.layout)
    let x = c.tiedEmbeddings ? scaledOutput : decoderOutput
    n.linearBackward(
      dx: dn, dy: logits, x: x, o.lmHead, c.vocabularySize, c.dModel, t, gradient: gradient)
    if c.tiedEmbeddings {
      let scale = 1 / T(c.dModel).squareRoot()
      for i in 0..<(t * c.dModel) { dn[i] *= scale }
    }
    dx.update(repeating: 0, count: t * c.dModel)
    Ops.rmsnormBackward(
      dn, decoderResidual, n.weights + o.decoderFinalNorm, scales: decoderScales, dx: dx,
      dw: gradient + o.decoderFinalNorm, rows: t, n: c.dModel)
  }

  /// From `∂L/∂next` (in ``dx``) to `∂L/∂input` (in ``dx``), through the feed-forward block
  /// and its residual.
  private func backThroughFeedForward(
    _ f: FeedForwardActivations, _ w: T5Layout.Block, rows: Int, network n: T5Network<T>,
    gradient: UnsafeMutablePointer<T>
  ) {
    let c = config
    n.linearBackward(
      dx: dHidden, dy: dx, x: f.hidden, w.wo, c.dModel, c.dFF, rows, gradient: gradient)
    if let wi1 = w.wi1 {
      Ops.gatedGELUBackward(
        dHidden, gate: f.gate, up: f.up, dGate: dGate, dUp: dUp, count: rows * c.dFF)
      n.linearBackward(
        dx: dn, dy: dUp, x: f.norm, wi1, c.dFF, c.dModel, rows, gradient: gradient)
    } else {
      Ops.reluBackward(dHidden, f.gate, dx: dGate, count: rows * c.dFF)
    }
    n.linearBackward(
      dx: dn, dy: dGate, x: f.norm, w.wi0, c.dFF, c.dModel, rows, gradient: gradient,
      accumulate: w.wi1 != nil)
    Ops.rmsnormBackward(
      dn, f.input, n.weights + w.feedForwardNorm, scales: f.scales, dx: dx,
      dw: gradient + w.feedForwardNorm, rows: rows, n: c.dModel)
  }

  /// From `∂L/∂next` (in ``dx``) to `∂L/∂input` (in ``dx``), through an attention block and
  /// its residual; a cross-attention (`keys`) adds its keys' and values' gradient into
  /// ``dEncoder``.
  private func backThroughAttention(
    _ a: AttentionActivations, _ w: T5Layout.Attention, norm: Int, rows: Int,
    dBias: UnsafeMutablePointer<T>? = nil, causal: Bool = false,
    keys: (memory: UnsafeMutablePointer<T>, rows: Int)? = nil, network n: T5Network<T>,
    gradient: UnsafeMutablePointer<T>
  ) {
    let c = config
    let keyRows = keys?.rows ?? rows
    n.linearBackward(
      dx: dAttended, dy: dx, x: a.attended, w.o, c.dModel, c.inner, rows, gradient: gradient)
    dq.update(repeating: 0, count: rows * c.inner)
    dk.update(repeating: 0, count: keyRows * c.inner)
    dv.update(repeating: 0, count: keyRows * c.inner)
    Ops.t5AttentionBackward(
      dOut: dAttended, q: a.q, k: a.k, v: a.v, probs: a.probs, dq: dq, dk: dk, dv: dv,
      dBias: dBias, scratch: dp, shape: shape(rows, keyRows, causal: causal))
    n.linearBackward(dx: dn, dy: dq, x: a.norm, w.q, c.inner, c.dModel, rows, gradient: gradient)
    let (memory, dMemory) = keys.map { ($0.memory, dEncoder) } ?? (a.norm, dn)
    n.linearBackward(
      dx: dMemory, dy: dk, x: memory, w.k, c.inner, c.dModel, keyRows, gradient: gradient,
      accumulate: true)
    n.linearBackward(
      dx: dMemory, dy: dv, x: memory, w.v, c.inner, c.dModel, keyRows, gradient: gradient,
      accumulate: true)
    Ops.rmsnormBackward(
      dn, a.input, n.weights + norm, scales: a.scales, dx: dx, dw: gradient + norm, rows: rows,
      n: c.dModel)
  }

  /// Adds each position's gradient into its token's row of `shared.weight`.
  private func addEmbeddingGradient(
    _ tokens: [Int], network n: T5Network<T>, gradient: UnsafeMutablePointer<T>
  ) {
    let d = config.dModel
    for (r, token) in tokens.enumerated() {
      let row = gradient + n.layout.shared + token * d
      for j in 0..<d { row[j] += dx[r * d + j] }
    }
  }
}
