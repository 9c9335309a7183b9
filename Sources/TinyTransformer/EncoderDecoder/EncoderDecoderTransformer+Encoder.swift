import KVTrace

extension EncoderDecoderTransformer {
  /// Runs the encoder over the source, once: the first half of the `summarize:` flow.
  ///
  /// Every source position passes through every encoder layer, all at once, and
  /// every position attends to every other, later ones included: the encoder is
  /// bidirectional, because the whole source is known before anything is
  /// written. Its K/V rows are computed and used inside this call and then
  /// dropped; what comes out is the encoder output, which the decoder reads at
  /// every step. Call it once per source; nothing needs it again.
  ///
  /// - Parameter sourceTokens: The source, e.g. `tokenizer.encode("summarize: …")`.
  /// - Returns: The encoder output, one state per source token.
  /// - Throws: ``DecodeError`` for an empty source, one longer than the context,
  ///   or a token outside the vocabulary.
  public func encode(_ sourceTokens: [Int]) throws(DecodeError) -> EncoderOutput {
    try config.check(tokens: sourceTokens, steps: 0)
    var report: AttentionReport? = nil
    return encode(sourceTokens, step: 0, report: &report).output
  }

  /// Checks that the encoder-decoder implements `policy`: ``NoCache`` or ``FullCache``.
  static func check(policy: some CachePolicy) throws(DecodeError) {
    guard Architecture.encoderDecoder.supports(policy.info.kind) else {
      throw .unsupportedPolicy(policy.info.name, architecture: .encoderDecoder)
    }
  }

  /// The encoder pass; also returns the cache its K/V rows were written to, so a
  /// trace can report them (all fresh, at `step`).
  func encode(_ tokens: [Int], step: Int, report: inout AttentionReport?) -> (
    output: EncoderOutput, rows: KVCache
  ) {
    let c = config
    let d = c.dim
    let count = tokens.count
    let rows = cache(positions: count)  // [layers, count, kvDim]: used here, then dropped
    let s = Scratch(config: c)
    let x = UnsafeMutablePointer<Float>.allocate(capacity: count * d)  // [count, dim]
    let q = UnsafeMutablePointer<Float>.allocate(capacity: count * d)  // [count, dim]
    defer {
      x.deallocate()
      q.deallocate()
    }
    for (p, token) in tokens.enumerated() {  // [vocab, dim][token] -> x[p]
      (x + p * d).initialize(from: weights.tokenEmbedding + token * d, count: d)
    }
    let blocks = blocks(s)
    for layer in 0..<c.layers {
      let block = Self.tensors(weights.encoderAttention.layer(layer, c))
      // Every position's K and V first: bidirectional attention reads all of them.
      for p in 0..<count {
        Kernels.rmsnorm(s.xb, x + p * d, block.norm, n: d)  // [dim]
        let (key, value) = rows.slots(layer: layer, position: p)  // [kvDim] each
        blocks.project(s.xb, block, q: q + p * d, key: key, value: value, position: p)
        rows.markWritten(layer: layer, position: p, step: step)
        if report?.detail.keepsVectors == true {
          report?.fresh.add(layer: layer, position: p, key: key, value: value, n: c.kvDim)
        }
      }
      let everyRow = rows.rows(layer: layer, through: count - 1)  // keys 0..<count
      for p in 0..<count {
        let event = AttentionEvent(
          step: step, layer: layer, head: 0, kvHead: 0, query: p, keys: PositionSet())
        blocks.attendAndAdd(
          q + p * d, over: everyRow, wo: block.wo, into: x + p * d, event: event,
          report: &report)
        blocks.feedForward(x + p * d, Self.tensors(weights.encoderMLP.layer(layer, c)))
      }
    }
    var states = [Float](repeating: 0, count: count * d)
    states.withUnsafeMutableBufferPointer { out in
      for p in 0..<count {  // the encoder output: rmsnorm with the encoder's final norm
        Kernels.rmsnorm(out.baseAddress! + p * d, x + p * d, weights.encoderFinalNorm, n: d)
      }
    }
    return (EncoderOutput(tokens: tokens, states: states, dim: d), rows)
  }
}
