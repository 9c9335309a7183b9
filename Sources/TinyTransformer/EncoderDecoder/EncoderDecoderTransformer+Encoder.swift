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
  ///
  /// Per layer: `x += Wo · attention(n)` with `n = norm(x)`, every position reading
  /// every source position with the encoder's bidirectional position bias; then
  /// `x += feedForward(norm(x))`. The output is `norm(x)` with the final norm.
  func encode(_ tokens: [Int], step: Int, report: inout AttentionReport?) -> (
    output: EncoderOutput, rows: KVCache
  ) {
    let c = config
    let (d, wide, count) = (c.dim, c.attentionDim, tokens.count)
    let rows = cache(positions: count)  // [layers, count, kvDim]: used here, then dropped
    let s = Scratch(config: c)
    let x = AlignedFloats.allocate(count * d)  // [count, dim]
    // [count, heads × headSize]
    let q = AlignedFloats.allocate(count * wide)
    let bias = AlignedFloats.allocate(c.heads * count)  // [heads, count]
    defer {
      x.deallocate()
      q.deallocate()
      bias.deallocate()
    }
    for (p, token) in tokens.enumerated() {  // [vocab, dim][token] -> x[p]
      (x + p * d).initialize(from: weights.shared + token * d, count: d)
    }
    let blocks = blocks(s)
    for layer in 0..<c.layers {
      let block = weights.encoderSelf[layer]
      // Every position's K and V first: bidirectional attention reads all of them.
      for p in 0..<count {
        blocks.norm(s.xb, x + p * d, block.norm)  // [dim]
        let (key, value) = rows.slots(layer: layer, position: p)  // [kvDim] each
        blocks.project(s.xb, block, q: q + p * wide, key: key, value: value)
        rows.markWritten(layer: layer, position: p, step: step)
        if report?.detail.keepsVectors == true {
          report?.fresh.add(layer: layer, position: p, key: key, value: value, n: c.kvDim)
        }
      }
      let everyRow = rows.rows(layer: layer, through: count - 1)  // keys 0..<count
      for p in 0..<count {  // layer 0's bias table, shared by every layer of the stack
        blocks.positionBias(
          bias, table: weights.encoderBias, query: p, keys: count, bidirectional: true)
        blocks.attendAndAdd(
          q + p * wide, over: everyRow, bias: bias, wo: block.wo, into: x + p * d,
          event: AttentionEvent(
            step: step, layer: layer, head: 0, kvHead: 0, query: p, keys: PositionSet()),
          report: &report)
      }
      for p in 0..<count { blocks.feedForward(x + p * d, weights.encoderFeedForward[layer]) }
    }
    var states = [Float](repeating: 0, count: count * d)
    states.withUnsafeMutableBufferPointer { out in
      for p in 0..<count {  // the encoder output: the encoder's final norm
        blocks.norm(out.baseAddress! + p * d, x + p * d, weights.encoderFinalNorm)
      }
    }
    return (EncoderOutput(tokens: tokens, states: states, dim: d), rows)
  }
}
