import KVTrace

/// What the forward pass needs to report attention: the step, and where to send events.
struct AttentionReport {
  var step: Int
  var detail: TraceDetail
  var events: [AttentionEvent] = []
}

extension TinyTransformer {
  /// Runs one position through every layer, writing its fresh K/V rows into the cache.
  ///
  /// This is llama2.c's `forward` for one token: for each layer, normalize,
  /// project q, k, v, rotate q and k by `position`, store k and v at
  /// `cache[layer][position]`, attend over the rows `0...position` read back
  /// from the cache, project the result and add it to the residual stream; then
  /// the SwiGLU MLP. Leaves the final hidden state in `scratch.x`.
  func forward(
    token: Int, position: Int, step: Int, cache: KVCache, scratch s: Scratch,
    report: inout AttentionReport?
  ) {
    weights.withTensors { w in
      forward(
        token: token, position: position, step: step, cache: cache, scratch: s, weights: w,
        report: &report)
    }
  }

  private func forward(
    token: Int, position: Int, step: Int, cache: KVCache, scratch s: Scratch,
    weights w: Weights.Tensors, report: inout AttentionReport?
  ) {
    let c = config
    let kvDim = c.kvDim
    s.x.update(from: w.tokenEmbedding + token * c.dim, count: c.dim)  // embedding row -> [dim]
    let t = threads
    for layer in 0..<c.layers {
      let wq = w.wq + layer * c.dim * c.dim  // [dim, dim]
      let wk = w.wk + layer * kvDim * c.dim  // [kvDim, dim]
      let wv = w.wv + layer * kvDim * c.dim  // [kvDim, dim]
      let wo = w.wo + layer * c.dim * c.dim  // [dim, dim]
      let w1 = w.w1 + layer * c.mlpDim * c.dim  // [mlpDim, dim]
      let w2 = w.w2 + layer * c.dim * c.mlpDim  // [dim, mlpDim]
      let w3 = w.w3 + layer * c.mlpDim * c.dim  // [mlpDim, dim]
      Kernels.rmsnorm(s.xb, s.x, w.attentionNorm + layer * c.dim, n: c.dim)  // [dim] -> [dim]
      let (key, value) = cache.slots(layer: layer, position: position)  // [kvDim] each
      Kernels.matmul(  // [dim] -> q [dim], k [kvDim], v [kvDim], in one dispatch
        s.xb, n: c.dim, (s.q, wq, c.dim), (key, wk, kvDim), (value, wv, kvDim), threads: t)
      Kernels.rope(s.q, count: c.dim, position: position, table: rotary)  // [dim]
      Kernels.rope(key, count: kvDim, position: position, table: rotary)  // rotate, then store
      cache.markWritten(layer: layer, position: position, step: step)

      attend(layer: layer, position: position, cache: cache, scratch: s, report: &report)

      Kernels.matmul(s.xb2, s.xb, wo, n: c.dim, d: c.dim, threads: t)  // [dim] -> [dim]
      Kernels.add(s.x, s.xb2, n: c.dim)  // residual
      Kernels.rmsnorm(s.xb, s.x, w.mlpNorm + layer * c.dim, n: c.dim)  // [dim]
      Kernels.matmul(  // [dim] -> gate [mlpDim], up [mlpDim], in one dispatch
        s.xb, n: c.dim, (s.gate, w1, c.mlpDim), (s.up, w3, c.mlpDim), threads: t)
      Kernels.swiglu(s.gate, s.up, n: c.mlpDim)  // [mlpDim]
      Kernels.matmul(s.xb2, s.gate, w2, n: c.mlpDim, d: c.dim, threads: t)  // [mlpDim] -> [dim]
      Kernels.add(s.x, s.xb2, n: c.dim)  // residual
    }
  }

  /// Multi-head causal attention of the query at `position` over the cached rows.
  ///
  /// The query reads exactly the rows the cache holds among `0...position` (the
  /// newest written just now): every one of them under an exact policy, only the
  /// sinks and the window under ``SlidingWindow`` (which is why a window is
  /// approximate); see ``Attention/attend(_:over:config:scores:out:event:report:)``.
  /// Writes the heads' outputs, side by side, into `scratch.xb` (`[heads, headSize]`).
  func attend(
    layer: Int, position: Int, cache: KVCache, scratch s: Scratch, report: inout AttentionReport?
  ) {
    let rows = cache.rows(layer: layer, through: position)  // [held, kvDim] keys and values
    let event = AttentionEvent(
      step: report?.step ?? 0, layer: layer, head: 0, kvHead: 0, query: position,
      keys: PositionSet())
    Attention.attend(
      s.q, over: rows, config: config, scores: s.scores, out: s.xb, event: event, report: &report)
  }

  /// `logits = classifier · rmsnorm(x)` for the hidden state in `scratch.x`,
  /// written into `scratch.logits`.
  func computeLogits(scratch s: Scratch) {
    let c = config
    weights.withTensors { w in
      Kernels.rmsnorm(s.xb, s.x, w.finalNorm, n: c.dim)  // [dim]
      let classifier = w.classifier  // [vocab, dim], the token embedding when shared
      Kernels.matmul(s.logits, s.xb, classifier, n: c.dim, d: c.vocabularySize, threads: threads)
    }
  }
}
