import KVTrace

extension EncoderDecoderTransformer {
  /// Runs the whole `summarize:` flow on `source`, reporting every computation to
  /// `recorder`.
  ///
  /// Step 0 (*encode*) runs the encoder once over the source. Steps 1 to
  /// `steps` (*decode*) each feed one token to the decoder, the first being
  /// ``decoderStartToken``, and choose the next. What each decoder step
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
      sourceTokens: tokenizer.encode(source), sourceText: source, steps: steps, policy: policy,
      crossAttention: crossAttention, sampling: sampling, collectLogits: collectLogits,
      recorder: &recorder)
  }

  /// Runs the flow on already tokenized input; see
  /// ``generate(source:steps:policy:crossAttention:sampling:collectLogits:recorder:)``.
  public func generate(
    sourceTokens: [Int], sourceText: String? = nil, steps: Int,
    policy: some CachePolicy = FullCache(), crossAttention: CrossAttentionMode = .once,
    sampling: Sampling = .greedy, collectLogits: Bool = false,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation {
    try check(source: sourceTokens)
    guard steps >= 1 else { throw .noDecoderSteps }
    try Self.check(policy: policy)  // before the header: a refused policy records nothing
    let recording = recorder.isRecording
    if recording {
      recorder.begin(
        header(
          sourceTokens: sourceTokens, sourceText: sourceText ?? tokenizer.decode(sourceTokens),
          steps: steps, policy: policy.info, crossAttention: crossAttention, sampling: sampling,
          detail: recorder.detail))
    }
    let encoded = runEncoder(sourceTokens, recorder: &recorder)
    let cache = try makeDecoderCache(
      encoderOutput: encoded, maxLength: steps, policy: policy, crossAttention: crossAttention)
    var sampler = Sampler(sampling: sampling, seed: seed)
    var token = Self.decoderStartToken
    var result = Generation(promptTokens: [token], tokens: [], logits: [])
    let probabilities = cache.scratch.probabilities
    for _ in 0..<steps {
      var report = recording ? AttentionReport(step: cache.nextStep, detail: recorder.detail) : nil
      let decoded = try decode(token: token, cache: cache, report: &report)
      if recording { record(decoded, attention: report?.events ?? [], to: &recorder) }
      let next = decoded.logits.withUnsafeBufferPointer { logits in
        if sampler.needsProbabilities || recording {
          sampler.probabilities(logits, into: probabilities)
        }
        return sampler.choose(logits: logits, probabilities: probabilities)
      }
      if recording {
        recorder.record(
          .token(
            Sampler.tokenEvent(
              step: decoded.step, position: decoded.position + 1, chosen: next,
              probabilities: UnsafeBufferPointer(
                start: probabilities, count: config.vocabularySize),
              tokenizer: tokenizer)))
      }
      result.tokens.append(next)
      if collectLogits { result.logits.append(decoded.logits) }
      token = next
    }
    return result
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
    recorder.record(
      .stepBegan(StepBegan(step: 0, phase: .encode, queries: 0..<count, sequenceLength: count)))
    var report: AttentionReport? = AttentionReport(step: 0, detail: recorder.detail)
    let (output, rows) = encode(tokens, step: 0, report: &report)
    for event in report?.events ?? [] { recorder.record(.attention(event)) }
    var computed = 0
    for event in rows.rowsEvents(step: 0, length: count) {
      computed += event.fresh.count
      recorder.record(.rows(event))
    }
    let flops = EncoderDecoderFLOPs.encode(sourceLength: count, config: config)
    recorder.record(
      .counters(
        StepCounters(
          step: 0, rowsComputed: computed, rowsReused: 0, flops: flops, flopsWithoutCache: flops,
          cacheBytes: 0)))
    return output
  }

  /// A decoder step's events, in the order of a decoder-only step.
  private func record(
    _ step: DecoderStep, attention: [AttentionEvent], to recorder: inout some TraceRecorder
  ) {
    recorder.record(
      .stepBegan(
        StepBegan(
          step: step.step, phase: .decode, queries: step.queries,
          sequenceLength: step.position + 1)))
    for event in attention { recorder.record(.attention(event)) }
    for event in step.selfRows + step.crossRows { recorder.record(.rows(event)) }
    recorder.record(.counters(step.counters))
  }

  /// The trace header: the source in `source`, the start token as the decoder's prompt.
  func header(
    sourceTokens: [Int], sourceText: String, steps: Int, policy: CachePolicyInfo,
    crossAttention: CrossAttentionMode, sampling: Sampling, detail: TraceDetail
  ) -> TraceHeader {
    func token(_ id: Int) -> TraceToken { TraceToken(id: id, text: tokenizer.piece(of: id)) }
    return TraceHeader(
      model: config, weights: "random, seed \(seed)", policy: policy, seed: seed,
      sampling: sampling, prompt: sourceText, promptTokens: [token(Self.decoderStartToken)],
      decodeSteps: steps, detail: detail,
      source: EncoderSource(tokens: sourceTokens.map(token), crossAttention: crossAttention))
  }
}
