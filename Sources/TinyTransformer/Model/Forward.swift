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
    weights w: DecoderTensors, report: inout AttentionReport?
  ) {
    let c = config
    let blocks = LayerBlocks(
      config: c, threads: threads, rotary: rotary, normEpsilon: normEpsilon, scratch: s)
    w.tokenEmbedding.dequantize(row: token, into: s.x)  // embedding row -> [dim]
    for (layer, tensors) in w.layers.enumerated() {
      let attention = tensors.attention
      blocks.norm(s.xb, s.x, attention.norm)  // [dim] -> [dim]
      let (key, value) = cache.slots(layer: layer, position: position)  // [kvDim] each
      blocks.project(s.xb, attention, q: s.q, key: key, value: value, position: position)
      if report?.detail.keepsVectors == true {  // the rows as computed, before any rounding
        report?.fresh.add(layer: layer, position: position, key: key, value: value, n: c.kvDim)
      }
      cache.markWritten(layer: layer, position: position, step: step)

      attend(layer: layer, position: position, cache: cache, scratch: s, report: &report)
      blocks.addOutput(wo: attention.wo, into: s.x)

      blocks.feedForward(s.x, tensors.feedForward)
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
      s.q, over: rows, config: config, scores: s.scores, out: s.xb, event: event, report: &report,
      threads: threads)
  }

  /// `logits = classifier · rmsnorm(x)` for the hidden state in `scratch.x`,
  /// written into `scratch.logits`.
  func computeLogits(scratch s: Scratch) {
    let c = config
    weights.withTensors { w in
      Kernels.rmsnorm(s.xb, s.x, w.finalNorm, n: c.dim, epsilon: normEpsilon)  // [dim]
      // [vocab, dim] · [dim] -> [vocab]; the token embedding when tied, read as stored
      Kernels.matmul(s.logits, s.xb, w.classifier, threads: threads)
    }
  }
}
