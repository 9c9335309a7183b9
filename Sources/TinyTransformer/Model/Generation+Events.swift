import KVTrace

extension TinyTransformer {
  /// The trace header for a run.
  func header(
    promptTokens: [Int], promptText: String, steps: Int, policy: CachePolicyInfo,
    sampling: Sampling, detail: TraceDetail
  ) -> TraceHeader {
    TraceHeader(
      model: config, weights: weightsSource, policy: policy, seed: seed,
      sampling: sampling, prompt: promptText,
      promptTokens: promptTokens.map { TraceToken(id: $0, text: tokenizer.piece(of: $0)) },
      decodeSteps: steps, detail: detail)
  }

  /// One rows event per (layer, KV head); see
  /// ``KVCache/rowsEvents(step:length:kind:computed:evicted:)``.
  func rowsEvents(
    step: Int, length: Int, cache: KVCache, computed: Range<Int> = 0..<0,
    evicted: PositionSet = PositionSet()
  ) -> [RowsEvent] {
    cache.rowsEvents(step: step, length: length, computed: computed, evicted: evicted)
  }

  /// The token event: the choice and the five most probable candidates.
  func tokenEvent(
    _ step: Int, _ position: Int, _ chosen: Int, _ probabilities: UnsafeMutablePointer<Float>
  ) -> TokenEvent {
    Sampler.tokenEvent(
      step: step, position: position, chosen: chosen,
      probabilities: UnsafeBufferPointer(start: probabilities, count: config.vocabularySize),
      tokenizer: tokenizer)
  }
}
