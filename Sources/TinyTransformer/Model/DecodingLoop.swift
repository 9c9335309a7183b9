import KVTrace

/// One architecture's side of the decoding loop: run the model over the tokens so
/// far, leaving the logits of the newest position in its scratch.
///
/// The decoder-only model runs the positions its cache policy asks for (the whole
/// prompt at the prefill, one position after); the encoder-decoder feeds the
/// newest token to its decoder. Either records its own step's events; the loop
/// records the tokens.
protocol StepRunner {
  /// Where the step leaves its logits and the sampler its probabilities.
  var scratch: Scratch { get }
  /// Runs `step` over `tokens` (the prompt, then every token chosen so far).
  mutating func forward(step: Int, tokens: [Int], recorder: inout some TraceRecorder)
    throws(DecodeError)
}

/// The generation loop both architectures share, llama2.c's `generate`: run the
/// model, read the logits, sample, feed the token back.
struct DecodingLoop {
  /// Greedy or seeded sampling, with its own stream.
  var sampler: Sampler
  /// Labels the candidates of each token event.
  let tokenizer: Tokenizer
  /// How many logits a step leaves.
  let vocabularySize: Int
  /// Whether the result keeps every step's logits (the oracle needs them).
  let collectLogits: Bool
  /// Tokens fed back in place of the loop's own choices, one per step from the first
  /// (teacher forcing); past its end the loop feeds its own choices. Empty: free running.
  var forcedTokens: [Int] = []

  /// Decodes from `prompt` for the steps `steps`: at each, `model` runs, then one
  /// token is chosen and fed back.
  mutating func run(
    prompt: [Int], steps: ClosedRange<Int>, model: inout some StepRunner,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation {
    var tokens = prompt
    tokens.reserveCapacity(prompt.count + steps.count)
    var result = Generation(promptTokens: prompt, tokens: [], logits: [])
    result.tokens.reserveCapacity(steps.count)
    for step in steps {
      try model.forward(step: step, tokens: tokens, recorder: &recorder)  // -> logits [vocab]
      let next = try choose(
        step: step, position: tokens.count, scratch: model.scratch, recorder: &recorder)
      result.tokens.append(next)
      if collectLogits { result.logits.append(model.scratch.logitsArray(vocabularySize)) }
      let fed = result.tokens.count - 1  // this step's index among the steps run
      tokens.append(fed < forcedTokens.count ? forcedTokens[fed] : next)  // fed back next step
    }
    return result
  }

  /// Chooses the token at `position` from the logits in `scratch` and records it
  /// (with its sequence, when two prompts decode together).
  ///
  /// A logit that is not a finite number stops the run here, before anything is sampled or
  /// recorded: softmax would turn it into NaN probabilities, and a trace holding them is no
  /// trace `replay` reads. Weights that are each finite can still overflow to infinity in a
  /// matrix product, so this is checked on every step, not once at load.
  ///
  /// - Throws: ``DecodeError/nonFiniteLogit(step:position:)``.
  mutating func choose(
    step: Int, sequence: Int = 0, position: Int, scratch: Scratch,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Int {
    let logits = UnsafeBufferPointer(start: scratch.logits, count: vocabularySize)
    guard Self.allFinite(logits) else { throw .nonFiniteLogit(step: step, position: position) }
    if sampler.needsProbabilities || recorder.isRecording {
      sampler.probabilities(logits, into: scratch.probabilities)
      // The probabilities too: a small temperature can scale a finite logit to infinity.
      let chances = UnsafeBufferPointer(start: scratch.probabilities, count: vocabularySize)
      guard Self.allFinite(chances) else { throw .nonFiniteLogit(step: step, position: position) }
    }
    let next = sampler.choose(logits: logits, probabilities: scratch.probabilities)
    if recorder.isRecording {
      var event = Sampler.tokenEvent(
        step: step, position: position, chosen: next,
        probabilities: UnsafeBufferPointer(start: scratch.probabilities, count: logits.count),
        tokenizer: tokenizer)
      event.sequence = sequence
      if recorder.detail.keepsVectors {
        Sampler.addLogits(logits, keeping: recorder.logitsKept, to: &event)
      }
      recorder.record(.token(event))
    }
    return next
  }
}

extension DecodingLoop {
  /// Whether every value is a finite number: one pass that allocates nothing
  /// (``Kernels/allFinite(_:count:)``), over the whole vocabulary at each step.
  static func allFinite(_ values: UnsafeBufferPointer<Float>) -> Bool {
    guard let base = values.baseAddress else { return true }
    return Kernels.allFinite(UnsafeRawPointer(base), count: values.count)
  }
}

extension Scratch {
  /// A copy of the logits, `[vocabularySize]`.
  func logitsArray(_ vocabularySize: Int) -> [Float] {
    Array(UnsafeBufferPointer(start: logits, count: vocabularySize))
  }
}
