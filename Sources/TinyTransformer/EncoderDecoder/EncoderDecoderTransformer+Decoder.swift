import KVTrace

extension EncoderDecoderTransformer {
  /// Prepares the decoder's caches for a source the encoder has read: Flax T5's
  /// `init_cache(batch_size, max_length, encoder_outputs)`, for one sequence.
  ///
  /// Nothing is computed yet: the self-attention cache is empty, and the
  /// cross-attention K/V are projected by the first ``decode(token:cache:)``.
  ///
  /// - Parameters:
  ///   - encoderOutput: What ``encode(_:)`` returned for the source.
  ///   - maxLength: The most decoder positions (and so steps) the cache will hold.
  ///   - policy: ``FullCache`` keeps rows between steps; ``NoCache`` recomputes
  ///     every row (self and cross) at every step.
  ///   - crossAttention: Keep the cross-attention K/V after the first step, or
  ///     project them again at every step.
  /// - Throws: ``DecodeError`` when `maxLength` is outside `1...contextLength`,
  ///   the encoder output is not this model's, or the policy is one the
  ///   encoder-decoder does not implement (``KVTrace/Architecture/supports(_:)``).
  public func makeDecoderCache(
    encoderOutput: EncoderOutput, maxLength: Int, policy: some CachePolicy = FullCache(),
    crossAttention: CrossAttentionMode = .once
  ) throws(DecodeError) -> DecoderCache {
    try Self.check(policy: policy)
    guard maxLength >= 1 else { throw .noDecoderSteps }
    guard maxLength <= config.contextLength else {
      throw .exceedsContext(promptTokens: 0, steps: maxLength, contextLength: config.contextLength)
    }
    guard encoderOutput.dim == config.dim, (1...config.contextLength).contains(encoderOutput.length)
    else {
      throw .encoderOutputMismatch(
        dim: encoderOutput.dim, length: encoderOutput.length, config: config)
    }
    return DecoderCache(
      encoderOutput: encoderOutput, policy: policy, crossAttention: crossAttention,
      selfRows: cache(positions: maxLength), crossRows: cache(positions: encoderOutput.length),
      scratch: Scratch(config: config))
  }

  /// Runs one decoder step: feeds `token` at the next position and returns the
  /// logits for the token after it, with the rows it computed and reused.
  ///
  /// Flax T5's `decode(decoder_input_ids, encoder_outputs, past_key_values=…)`
  /// for one token. The first call feeds ``startToken``; each later call
  /// feeds the token chosen from the previous logits. With a ``FullCache`` the
  /// step runs only the new position: one new self-attention row per layer and
  /// KV head, every earlier one read back. The encoder does not run again.
  ///
  /// - Throws: ``DecodeError`` for a token outside the vocabulary, or a full cache.
  public func decode(token: Int, cache: DecoderCache) throws(DecodeError) -> DecoderStep {
    var report: AttentionReport? = nil
    return try decode(token: token, cache: cache, report: &report)
  }

  /// One decoder step, appending the attention of its queries to `report`.
  func decode(token: Int, cache: DecoderCache, report: inout AttentionReport?)
    throws(DecodeError) -> DecoderStep
  {
    let c = config
    guard (0..<c.vocabularySize).contains(token) else {
      throw .tokenOutOfRange(token: token, vocabularySize: c.vocabularySize)
    }
    guard cache.tokens.count < cache.maxLength else {
      throw .decoderCacheFull(maxLength: cache.maxLength)
    }
    let step = cache.nextStep
    let length = cache.append(token) + 1
    let sourceLength = cache.encoderOutput.length
    let policy = cache.policy
    // Cross-attention K/V: projected from the encoder output only if the cache lacks them.
    let crossPositions = policy.positionsToCompute(
      sequenceLength: sourceLength, cache: cache.crossRows)
    var crossFresh = report?.detail.keepsVectors == true ? FreshRows() : nil
    projectCross(crossPositions, cache: cache, step: step, fresh: &crossFresh)
    let queries = policy.positionsToCompute(sequenceLength: length, cache: cache.selfRows)
    for position in queries {
      forward(
        token: cache.tokens[position], position: position, step: step, cache: cache,
        report: &report)
    }
    classify(cache.scratch)
    // Read the truth from the caches before the policy trims them.
    var selfRows = cache.selfRows.rowsEvents(step: step, length: length)
    var crossRows = cache.crossRows.rowsEvents(step: step, length: sourceLength, kind: .cross)
    if let crossFresh {  // vectors detail: the fresh rows as computed, self and cross
      report?.fresh.attach(to: &selfRows, headSize: c.headSize)
      crossFresh.attach(to: &crossRows, headSize: c.headSize)
    }
    let selfEvicted = PositionSet(policy.retain(in: cache.selfRows, sequenceLength: length))
    let crossEvicted: PositionSet
    if cache.crossAttention == .recompute {
      cache.crossRows.removeAll()  // kept for this step only; the next projects them again
      crossEvicted = PositionSet()
    } else {
      crossEvicted = PositionSet(policy.retain(in: cache.crossRows, sequenceLength: sourceLength))
    }
    for index in selfRows.indices { selfRows[index].evicted = selfEvicted }
    for index in crossRows.indices { crossRows[index].evicted = crossEvicted }
    cache.finishStep()
    return DecoderStep(
      step: step, position: length - 1, queries: queries,
      logits: Array(UnsafeBufferPointer(start: cache.scratch.logits, count: c.vocabularySize)),
      selfRows: selfRows, crossRows: crossRows,
      counters: counters(
        step: step, queries: queries, crossPositions: crossPositions.count, length: length,
        rows: (selfRows, crossRows), cache: cache))
  }

  /// Projects the cross-attention K/V of source `positions` from the encoder
  /// output into the cross cache, in every layer: `k = Wk'·e`, `v = Wv'·e`. No
  /// bias will be added to their scores: cross-attention has no positions (the
  /// encoder output carries them). At `vectors` detail, copies each row into
  /// `fresh` for the trace.
  private func projectCross(
    _ positions: Range<Int>, cache: DecoderCache, step: Int, fresh: inout FreshRows?
  ) {
    let c = config
    let rows = cache.crossRows
    let blocks = blocks(cache.scratch)
    cache.encoderOutput.states.withUnsafeBufferPointer { states in
      for layer in 0..<c.layers {
        for position in positions {
          let (key, value) = rows.slots(layer: layer, position: position)  // [kvDim] each
          blocks.projectKeyValue(  // [dim] -> [kvDim] twice
            states.baseAddress! + position * c.dim, weights.decoderCross[layer], key: key,
            value: value)
          rows.markWritten(layer: layer, position: position, step: step)
          fresh?.add(layer: layer, position: position, key: key, value: value, n: c.kvDim)
        }
      }
    }
  }

  /// Runs one decoder position through every decoder layer: causal
  /// self-attention with the decoder's position bias (writing its fresh K/V row
  /// into the self cache), then cross-attention over the cross cache, then the
  /// feed-forward. Leaves the final hidden state in the scratch's `x`.
  private func forward(
    token: Int, position: Int, step: Int, cache: DecoderCache, report: inout AttentionReport?
  ) {
    let c = config
    let s = cache.scratch
    let blocks = blocks(s)
    let bias = AlignedFloats.allocate(c.heads * (position + 1))
    defer { bias.deallocate() }
    // The bias of this query over keys 0...position: offsets alone, the same at every
    // layer (layer 0's table) and whatever the cache holds.
    blocks.positionBias(
      bias, table: weights.decoderBias, query: position, keys: position + 1, bidirectional: false)
    s.x.update(from: weights.shared + token * c.dim, count: c.dim)  // -> x [dim]
    for layer in 0..<c.layers {
      let own = weights.decoderSelf[layer]
      blocks.norm(s.xb, s.x, own.norm)  // [dim]
      let (key, value) = cache.selfRows.slots(layer: layer, position: position)  // [kvDim] each
      blocks.project(s.xb, own, q: s.q, key: key, value: value)
      cache.selfRows.markWritten(layer: layer, position: position, step: step)
      if report?.detail.keepsVectors == true {
        report?.fresh.add(layer: layer, position: position, key: key, value: value, n: c.kvDim)
      }
      blocks.attendAndAdd(
        s.q, over: cache.selfRows.rows(layer: layer, through: position), bias: bias,
        wo: own.wo, into: s.x,
        event: AttentionEvent(
          step: step, layer: layer, head: 0, kvHead: 0, query: position, keys: PositionSet()),
        report: &report)

      let cross = weights.decoderCross[layer]
      blocks.norm(s.xb, s.x, cross.norm)  // [dim]
      blocks.projectQuery(s.xb, cross, q: s.q)  // the query only; K/V come from the encoder
      blocks.attendAndAdd(
        s.q, over: cache.crossRows.rows(layer: layer, through: cache.encoderOutput.length - 1),
        bias: nil, wo: cross.wo, into: s.x,
        event: AttentionEvent(
          step: step, layer: layer, kind: .cross, head: 0, kvHead: 0, query: position,
          keys: PositionSet()),
        report: &report)

      blocks.feedForward(s.x, weights.decoderFeedForward[layer])
    }
  }

  /// `logits = classifier · norm(x)`, the norm the decoder's final one; with tied
  /// embeddings (T5 v1.0) the state is first scaled by `d_model^-½`, because the
  /// classifier is then the input embedding, whose rows are large.
  private func classify(_ s: Scratch) {
    let c = config
    blocks(s).norm(s.xb, s.x, weights.decoderFinalNorm)  // [dim]
    if t5.tiedEmbeddings {
      let scale = 1 / Float(c.dim).squareRoot()
      for i in 0..<c.dim { s.xb[i] *= scale }
    }
    Kernels.matmul(  // [vocab, dim] · [dim] -> [vocab]
      s.logits, s.xb, weights.classifier, n: c.dim, d: c.vocabularySize, threads: threads)
  }

  /// The step's counters: rows of both kinds, FLOPs with and without a cache, bytes held.
  private func counters(
    step: Int, queries: Range<Int>, crossPositions: Int, length: Int,
    rows: (own: [RowsEvent], cross: [RowsEvent]), cache: DecoderCache
  ) -> StepCounters {
    let sourceLength = cache.encoderOutput.length
    func sum(_ events: [RowsEvent], _ part: KeyPath<RowsEvent, PositionSet>) -> Int {
      events.reduce(0) { $0 + $1[keyPath: part].count }
    }
    let crossComputed = sum(rows.cross, \.fresh)
    let crossReused = sum(rows.cross, \.reused)
    return StepCounters(
      step: step, rowsComputed: sum(rows.own, \.fresh) + crossComputed,
      rowsReused: sum(rows.own, \.reused) + crossReused,
      flops: EncoderDecoderFLOPs.decodeStep(
        positions: queries, crossPositions: crossPositions, sourceLength: sourceLength,
        config: config, t5: t5),
      flopsWithoutCache: EncoderDecoderFLOPs.decodeStep(
        positions: 0..<length, crossPositions: sourceLength, sourceLength: sourceLength,
        config: config, t5: t5),
      cacheBytes: cache.bytesHeld, crossRowsComputed: crossComputed,
      crossRowsReused: crossReused)
  }
}
