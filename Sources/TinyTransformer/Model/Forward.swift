import KVTrace

/// What the forward pass needs to report attention: the step, and where to send events.
struct AttentionReport {
  var step: Int
  var detail: TraceDetail
  var events: [AttentionEvent] = []
  /// At `vectors` detail, the K and V rows computed this step, as computed.
  var fresh = FreshRows()
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
    let blocks = LayerBlocks(config: c, threads: threads, rotary: rotary, scratch: s)
    s.x.update(from: w.tokenEmbedding + token * c.dim, count: c.dim)  // embedding row -> [dim]
    for layer in 0..<c.layers {
      let attention = LayerBlocks.AttentionTensors(
        norm: w.attentionNorm + layer * c.dim, wq: w.wq + layer * c.dim * c.dim,
        wk: w.wk + layer * c.kvDim * c.dim, wv: w.wv + layer * c.kvDim * c.dim,
        wo: w.wo + layer * c.dim * c.dim)
      Kernels.rmsnorm(s.xb, s.x, attention.norm, n: c.dim)  // [dim] -> [dim]
      let (key, value) = cache.slots(layer: layer, position: position)  // [kvDim] each
      blocks.project(s.xb, attention, q: s.q, key: key, value: value, position: position)
      if report?.detail.keepsVectors == true {  // the rows as computed, before any rounding
        report?.fresh.add(layer: layer, position: position, key: key, value: value, n: c.kvDim)
      }
      cache.markWritten(layer: layer, position: position, step: step)

      attend(layer: layer, position: position, cache: cache, scratch: s, report: &report)
      blocks.addOutput(wo: attention.wo, into: s.x)

      blocks.feedForward(
        s.x,
        LayerBlocks.FeedForwardTensors(
          norm: w.mlpNorm + layer * c.dim, w1: w.w1 + layer * c.mlpDim * c.dim,
          w2: w.w2 + layer * c.dim * c.mlpDim, w3: w.w3 + layer * c.mlpDim * c.dim))
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
