import KVTrace

extension TraceHeader {
  /// The header of a run of either architecture: the model, its weights, the
  /// policy, the sampling and the decoder's prompt (the prompt itself, or the
  /// encoder-decoder's start token, with the source beside it).
  ///
  /// - Parameters:
  ///   - config: The model's shape.
  ///   - weights: Where the weights came from, as the trace names it.
  ///   - seed: The seed of the weights and of sampling.
  ///   - tokenizer: Labels the prompt's tokens.
  ///   - run: The policy, the sampling and the detail.
  ///   - prompt: The prompt's text and tokens (the source's text for an encoder-decoder).
  ///   - steps: How many decode steps the run makes.
  ///   - source: The encoder's source, for an encoder-decoder.
  ///   - identity: The weights' and tokenizer's identity.
  init(
    config: ModelConfig, weights: String, seed: UInt64, tokenizer: Tokenizer,
    run: (policy: CachePolicyInfo, sampling: Sampling, detail: TraceDetail),
    prompt: (text: String, tokens: [Int]), steps: Int, source: EncoderSource? = nil,
    identity: TraceIdentity
  ) {
    self.init(
      model: config, weights: weights, policy: run.policy, seed: seed, sampling: run.sampling,
      prompt: prompt.text, promptTokens: tokenizer.traceTokens(prompt.tokens),
      decodeSteps: steps, detail: run.detail, source: source, identity: identity)
  }
}

extension Tokenizer {
  /// What a trace header calls this tokenizer: `llama2.c tokenizer.bin` or `demo vocabulary`.
  var identityName: String {
    switch kind {
    case .words: "demo vocabulary"
    case .sentencePiece: "llama2.c tokenizer.bin"
    case .unigram(let unigram): unigram.identityName
    case .bytePair(let bytePair): bytePair.identityName
    }
  }

  /// The tokens `ids` with their texts, as a trace records them.
  func traceTokens(_ ids: [Int]) -> [TraceToken] {
    ids.map { TraceToken(id: $0, text: piece(of: $0)) }
  }
}

extension TinyTransformer {
  /// The trace header for a run.
  func header(
    promptTokens: [Int], promptText: String, steps: Int, policy: CachePolicyInfo,
    sampling: Sampling, detail: TraceDetail
  ) -> TraceHeader {
    TraceHeader(
      config: config, weights: weightsSource, seed: seed, tokenizer: tokenizer,
      run: (policy, sampling, detail), prompt: (promptText, promptTokens), steps: steps,
      identity: identity)
  }
}
