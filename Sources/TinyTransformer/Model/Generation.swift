import KVTrace

/// The result of decoding: the tokens chosen and, if asked for, each step's logits.
public struct Generation: Sendable, Equatable {
  /// The prompt's tokens.
  public var promptTokens: [Int]
  /// The tokens chosen, one per step (the prefill chooses the first).
  public var tokens: [Int]
  /// The logits of the newest position at each step, when collected.
  public var logits: [[Float]]
}

extension TinyTransformer {
  /// Decodes `prompt` for `steps` decode steps after the prefill, reporting every
  /// computation to `recorder`.
  ///
  /// Step 0 (the *prefill*) runs the prompt's positions and chooses the first
  /// new token; each decode step then feeds the previous choice back at the next
  /// position. What each step computes is up to `policy`: with ``FullCache`` a
  /// decode step runs one position, with ``NoCache`` all of them.
  ///
  /// - Parameters:
  ///   - prompt: The text to continue.
  ///   - steps: How many decode steps follow the prefill.
  ///   - policy: What the cache keeps.
  ///   - sampling: Greedy (the default) or seeded sampling.
  ///   - collectLogits: Whether to return every step's logits (the oracle needs them).
  ///   - recorder: Receives the header and every event.
  /// - Returns: The prompt's tokens, the chosen tokens and (optionally) logits.
  /// - Throws: ``DecodeError`` for an empty prompt or one that does not fit.
  public func generate(
    prompt: String, steps: Int, policy: some CachePolicy = FullCache(),
    sampling: Sampling = .greedy, collectLogits: Bool = false,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation {
    let promptTokens = try tokenizer.encode(prompt, fitting: config.contextLength)
    return try generate(
      promptTokens: promptTokens, promptText: prompt, steps: steps, policy: policy,
      sampling: sampling, collectLogits: collectLogits, recorder: &recorder)
  }

  /// Decodes `prompt` without recording anything: the model builds no events at all.
  public func generate(
    prompt: String, steps: Int, policy: some CachePolicy = FullCache(),
    sampling: Sampling = .greedy, collectLogits: Bool = false
  ) throws(DecodeError) -> Generation {
    var recorder = NoRecorder()
    return try generate(
      prompt: prompt, steps: steps, policy: policy, sampling: sampling,
      collectLogits: collectLogits, recorder: &recorder)
  }

  /// Decodes already tokenized input; see ``generate(prompt:steps:policy:sampling:collectLogits:recorder:)``.
  public func generate(
    promptTokens: [Int], promptText: String? = nil, steps: Int,
    policy: some CachePolicy = FullCache(), sampling: Sampling = .greedy,
    collectLogits: Bool = false, recorder: inout some TraceRecorder
  ) throws(DecodeError) -> Generation {
    try config.check(tokens: promptTokens, steps: steps)
    // The cache holds this run's positions, not the whole context: llama2.c preallocates
    // seq_len rows, but a checkpoint's context can be far longer than a trace.
    var runShape = config
    runShape.contextLength = promptTokens.count + steps
    var runner = Runner(
      model: self, policy: policy, cache: policy.makeCache(config: runShape),
      scratch: Scratch(config: runShape))
    if recorder.isRecording {
      recorder.begin(
        header(
          promptTokens: promptTokens, promptText: promptText ?? tokenizer.decode(promptTokens),
          steps: steps, policy: policy.info, sampling: sampling, detail: recorder.detail))
    }
    var loop = decodingLoop(sampling: sampling, collectLogits: collectLogits)
    return try loop.run(prompt: promptTokens, steps: 0...steps, model: &runner, recorder: &recorder)
  }

  /// The shared loop, with this model's tokenizer and seeded sampler.
  func decodingLoop(sampling: Sampling, collectLogits: Bool) -> DecodingLoop {
    var sampler = Sampler(sampling: sampling, seed: seed)
    sampler.threads = threads  // the vocabulary's exponentials, shared
    return DecodingLoop(
      sampler: sampler, tokenizer: tokenizer, vocabularySize: config.vocabularySize,
      collectLogits: collectLogits)
  }

  /// The decoder-only side of the loop: each step runs what `policy` asks for.
  struct Runner<Policy: CachePolicy>: StepRunner {
    let model: TinyTransformer
    let policy: Policy
    let cache: KVCache
    let scratch: Scratch
    var sequence = 0

    func forward(step: Int, tokens: [Int], recorder: inout some TraceRecorder) {
      model.run(
        step: step, tokens: tokens, policy: policy, cache: cache, scratch: scratch,
        recorder: &recorder, sequence: sequence)
    }
  }

  /// Runs one step: the positions the policy asks for, then the logits of the newest
  /// (left in `scratch.logits`). The accounting beside it records what happened.
  func run(
    step: Int, tokens: [Int], policy: some CachePolicy, cache: KVCache, scratch: Scratch,
    recorder: inout some TraceRecorder, sequence: Int = 0
  ) {
    let length = tokens.count
    let positions = policy.positionsToCompute(sequenceLength: length, cache: cache)
    var account = StepAccounting(step: step, sequence: sequence, recorder: recorder)
    account.began(
      step == 0 ? .prefill : .decode, queries: positions, length: length, recorder: &recorder)
    account.flops = 2 * config.dim * config.vocabularySize  // the classifier, once
    var evicted = PositionSet()
    if runsInBatch(positions, policy: policy) {
      runBatch(
        step: step, tokens: tokens, positions: positions, policy: policy, cache: cache,
        scratch: scratch, account: &account, evicted: &evicted, recorder: &recorder)
    } else {
      for position in positions {
        for gone in policy.evict(before: position, in: cache) { evicted.insert(gone) }
        if account.recording {  // the keys this query reads: what the cache holds, and itself
          let keys = cache.heldCount(layer: 0, through: position) + 1
          account.flops += FLOPCount.position(
            position, keys: min(keys, position + 1), config: config)
        }
        forward(
          token: tokens[position], position: position, step: step, cache: cache,
          scratch: scratch, report: &account.report)
        account.flushAttention(to: &recorder)
      }
    }
    computeLogits(scratch: scratch)
    // Read the truth from the cache before the policy trims it.
    let rows =
      account.recording
      ? cache.rowsEvents(step: step, length: length, computed: positions, evicted: evicted) : []
    for gone in policy.retain(in: cache, sequenceLength: length) { evicted.insert(gone) }
    account.finish(
      rows: rows, evicted: evicted, cache: cache,
      flopsWithoutCache: FLOPCount.step(positions: 0..<length, config: config), recorder: &recorder)
  }
}
