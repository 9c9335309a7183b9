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

  /// One rows event per (layer, KV head), read from the cache's own record of
  /// which step wrote each row: written at this step → fresh; earlier → reused.
  ///
  /// A row a window computed and then evicted within the same step (an early
  /// prompt position, during a long prefill) was computed all the same: it is
  /// fresh *and* evicted, so the rows computed still count every prompt token (M6).
  func rowsEvents(
    step: Int, length: Int, cache: KVCache, computed: Range<Int> = 0..<0,
    evicted: PositionSet = PositionSet()
  ) -> [RowsEvent] {
    var events: [RowsEvent] = []
    for layer in 0..<config.layers {
      var fresh = PositionSet()
      for position in evicted where computed.contains(position) {
        fresh.insert(position)
      }
      var reused = PositionSet()
      for position in 0..<length {
        guard let written = cache.step(wroteLayer: layer, position: position) else { continue }
        if written == step { fresh.insert(position) } else { reused.insert(position) }
      }
      for kvHead in 0..<config.kvHeads {
        events.append(
          RowsEvent(step: step, layer: layer, kvHead: kvHead, fresh: fresh, reused: reused))
      }
    }
    return events
  }

  /// The token event: the choice and the five most probable candidates.
  func tokenEvent(
    _ step: Int, _ position: Int, _ chosen: Int, _ probabilities: UnsafeMutablePointer<Float>
  ) -> TokenEvent {
    let all = UnsafeBufferPointer(start: probabilities, count: config.vocabularySize)
    func candidate(_ token: Int) -> TokenCandidate {
      TokenCandidate(
        token: token, text: tokenizer.piece(of: token), probability: all[token])
    }
    return TokenEvent(
      step: step, position: position, chosen: candidate(chosen),
      candidates: Sampler.top(5, of: all).map(candidate))
  }
}
