import KVTrace

extension EncoderDecoderTransformer {
  /// Runs the whole `summarize:` flow on `source`, reporting every computation to
  /// `recorder`.
  ///
  /// Step 0 (*encode*) runs the encoder once over the source. Steps 1 to
  /// `steps` (*decode*) each feed one token to the decoder, the first being
  /// ``startToken``, and choose the next. What each decoder step
  /// computes is up to `policy` and `crossAttention`; the encoder never runs
  /// again, whatever they say.
  ///
  /// - Parameters:
  ///   - source: The text the encoder reads.
  ///   - steps: How many decoder steps (and so tokens) follow the encoder.
  ///   - policy: What the decoder's caches keep.
  ///   - crossAttention: Keep the cross-attention K/V after the first step, or not.
  ///   - sampling: Greedy (the default) or seeded sampling.
  ///   - collectLogits: Whether to return every step's logits (the oracle needs them).
  ///   - recorder: Receives the header and every event.
  /// - Returns: The decoder's prompt (the start token alone), the chosen tokens
  ///   and, optionally, the logits of each decoder step.
  /// - Throws: ``DecodeError`` for an empty or too long source, no steps, or a
  ///   policy the encoder-decoder does not implement (window, paged, int8).
  public func generate(
    source: String, steps: Int, policy: some CachePolicy = FullCache(),
    crossAttention: CrossAttentionMode = .once, sampling: Sampling = .greedy,
    collectLogits: Bool = false, recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation {
    try generate(
      sourceTokens: sourceTokens(source), sourceText: source,
      steps: steps, policy: policy,
      crossAttention: crossAttention, sampling: sampling, collectLogits: collectLogits,
      recorder: &recorder)
  }

  /// The source as the encoder reads it: the text's tokens, then T5's `</s>`
  /// (``T5Config/endToken``) when the model has one, as T5 was trained.
  public func sourceTokens(_ source: String) throws(DecodeError) -> [Int] {
    guard let end = t5.endToken else {
      return try tokenizer.encode(source, fitting: config.contextLength)
    }
    return try tokenizer.encode(source, fitting: config.contextLength - 1) + [end]
  }

  /// Runs the flow on already tokenized input; see
  /// ``generate(source:steps:policy:crossAttention:sampling:collectLogits:recorder:)``.
  public func generate(
    sourceTokens: [Int], sourceText: String? = nil, steps: Int,
    policy: some CachePolicy = FullCache(), crossAttention: CrossAttentionMode = .once,
    sampling: Sampling = .greedy, collectLogits: Bool = false,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation {
    try config.check(tokens: sourceTokens, steps: 0)
    guard steps >= 1 else { throw .noDecoderSteps }
    try Self.check(policy: policy)  // before the header: a refused policy records nothing
    if recorder.isRecording {
      recorder.begin(
        header(
          sourceTokens: sourceTokens, sourceText: sourceText ?? tokenizer.decode(sourceTokens),
          steps: steps, policy: policy.info, crossAttention: crossAttention, sampling: sampling,
          detail: recorder.detail))
    }
    let encoded = runEncoder(sourceTokens, recorder: &recorder)
    var runner = Runner(
      model: self,
      cache: try makeDecoderCache(
        encoderOutput: encoded, maxLength: steps, policy: policy, crossAttention: crossAttention))
    var loop = DecodingLoop(
      sampler: Sampler(sampling: sampling, seed: seed), tokenizer: tokenizer,
      vocabularySize: config.vocabularySize, collectLogits: collectLogits)
    return try loop.run(
      prompt: [startToken], steps: 1...steps, model: &runner, recorder: &recorder)
  }

  /// The encoder-decoder's side of the loop: each step feeds the newest token to
  /// the decoder, over the caches the encoder's output filled.
  struct Runner: StepRunner {
    let model: EncoderDecoderTransformer
    let cache: DecoderCache
    var scratch: Scratch { cache.scratch }

    func forward(step: Int, tokens: [Int], recorder: inout some TraceRecorder)
      throws(DecodeError)
    {
      var account = StepAccounting(step: step, recorder: recorder)
      let decoded = try model.decode(
        token: tokens[tokens.count - 1], cache: cache, report: &account.report)
      guard account.recording else { return }
      account.began(
        .decode, queries: decoded.queries, length: decoded.position + 1, recorder: &recorder)
      account.flushAttention(to: &recorder)
      for event in decoded.selfRows + decoded.crossRows { recorder.record(.rows(event)) }
      recorder.record(.counters(decoded.counters))
    }
  }

  /// Runs the flow without recording anything.
  public func generate(
    source: String, steps: Int, policy: some CachePolicy = FullCache(),
    crossAttention: CrossAttentionMode = .once, sampling: Sampling = .greedy,
    collectLogits: Bool = false
  ) throws(DecodeError) -> Generation {
    var recorder = NoRecorder()
    return try generate(
      source: source, steps: steps, policy: policy, crossAttention: crossAttention,
      sampling: sampling, collectLogits: collectLogits, recorder: &recorder)
  }

  /// Step 0: the encoder, once, with its events: every source position a query,
  /// every K/V row fresh and none cached (they serve the encoder's own attention
  /// and are dropped), the cache empty.
  private func runEncoder(_ tokens: [Int], recorder: inout some TraceRecorder) -> EncoderOutput {
    guard recorder.isRecording else {
      var none: AttentionReport? = nil
      return encode(tokens, step: 0, report: &none).output
    }
    let count = tokens.count
    var account = StepAccounting(step: 0, recorder: recorder)
    account.began(.encode, queries: 0..<count, length: count, recorder: &recorder)
    let (output, rows) = encode(tokens, step: 0, report: &account.report)
    account.flushAttention(to: &recorder)
    var computed = 0
    for var event in rows.rowsEvents(step: 0, length: count) {
      computed += event.fresh.count
      if recorder.detail.keepsVectors {
        account.report?.fresh.attach(to: &event, headSize: config.headSize)
      }
      recorder.record(.rows(event))
    }
    let flops = EncoderDecoderFLOPs.encode(sourceLength: count, config: config, t5: t5)
    recorder.record(
      .counters(
        StepCounters(
          step: 0, rowsComputed: computed, rowsReused: 0, flops: flops, flopsWithoutCache: flops,
          cacheBytes: 0)))
    return output
  }

  /// The trace header: the source in `source`, the start token as the decoder's prompt.
  func header(
    sourceTokens: [Int], sourceText: String, steps: Int, policy: CachePolicyInfo,
    crossAttention: CrossAttentionMode, sampling: Sampling, detail: TraceDetail
  ) -> TraceHeader {
    TraceHeader(
      config: config, weights: origin.name, seed: seed, tokenizer: tokenizer,
      run: (policy, sampling, detail), prompt: (sourceText, [startToken]),
      steps: steps,
      source: EncoderSource(
        tokens: tokenizer.traceTokens(sourceTokens), crossAttention: crossAttention),
      identity: TraceIdentity(
        weights: origin.identity, weightsSHA256: origin.sha256, tokenizer: tokenizer.identityName,
        tokenizerSHA256: tokenizer.fileSHA256))
  }
}
