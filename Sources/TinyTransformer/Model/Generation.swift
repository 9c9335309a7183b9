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
    let promptTokens = tokenizer.encode(prompt)
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
    try check(promptTokens: promptTokens, steps: steps)
    // The cache holds this run's positions, not the whole context: llama2.c preallocates
    // seq_len rows, but a checkpoint's context can be far longer than a trace.
    var runShape = config
    runShape.contextLength = promptTokens.count + steps
    let cache = policy.makeCache(config: runShape)
    let scratch = Scratch(config: config)
    var sampler = Sampler(sampling: sampling, seed: seed)
    var tokens = promptTokens
    var result = Generation(promptTokens: promptTokens, tokens: [], logits: [])
    result.tokens.reserveCapacity(steps + 1)
    tokens.reserveCapacity(promptTokens.count + steps + 1)
    if recorder.isRecording {
      recorder.begin(
        header(
          promptTokens: promptTokens, promptText: promptText ?? tokenizer.decode(promptTokens),
          steps: steps, policy: policy.info, sampling: sampling, detail: recorder.detail))
    }
    for step in 0...steps {
      run(
        step: step, tokens: tokens, policy: policy, cache: cache, scratch: scratch,
        recorder: &recorder)
      chooseNext(
        step: step, tokens: &tokens, result: &result, sampler: &sampler, scratch: scratch,
        collectLogits: collectLogits, recorder: &recorder)
    }
    return result
  }

  /// Chooses the next token from the logits a step left in `scratch.logits`, records
  /// it (with its sequence, when two prompts decode together), and feeds it back:
  /// appended to `tokens` for the next step, and to `result`.
  func chooseNext(
    step: Int, sequence: Int = 0, tokens: inout [Int], result: inout Generation,
    sampler: inout Sampler, scratch: Scratch, collectLogits: Bool,
    recorder: inout some TraceRecorder
  ) {
    let logits = UnsafeBufferPointer(start: scratch.logits, count: config.vocabularySize)
    if sampler.needsProbabilities || recorder.isRecording {
      sampler.probabilities(logits, into: scratch.probabilities)
    }
    let next = sampler.choose(logits: logits, probabilities: scratch.probabilities)
    if recorder.isRecording {
      var event = tokenEvent(step, tokens.count, next, scratch.probabilities)
      event.sequence = sequence
      recorder.record(.token(event))
    }
    result.tokens.append(next)
    if collectLogits { result.logits.append(Array(logits)) }
    tokens.append(next)
  }

  func check(promptTokens: [Int], steps: Int) throws(DecodeError) {
    guard !promptTokens.isEmpty else { throw .emptyPrompt }
    guard steps >= 0, promptTokens.count + steps <= config.contextLength else {
      throw .exceedsContext(
        promptTokens: promptTokens.count, steps: steps, contextLength: config.contextLength)
    }
    if let bad = promptTokens.first(where: { !(0..<config.vocabularySize).contains($0) }) {
      throw .tokenOutOfRange(token: bad, vocabularySize: config.vocabularySize)
    }
  }

  /// Runs one step: the positions the policy asks for, then the logits of the newest
  /// (left in `scratch.logits`).
  func run(
    step: Int, tokens: [Int], policy: some CachePolicy, cache: KVCache, scratch: Scratch,
    recorder: inout some TraceRecorder, sequence: Int = 0
  ) {
    let length = tokens.count
    let positions = policy.positionsToCompute(sequenceLength: length, cache: cache)
    let recording = recorder.isRecording
    if recording {
      let phase: Phase = step == 0 ? .prefill : .decode
      recorder.record(
        .stepBegan(
          StepBegan(
            step: step, phase: phase, queries: positions, sequenceLength: length,
            sequence: sequence)))
    }
    var report: AttentionReport? =
      recording ? AttentionReport(step: step, detail: recorder.detail) : nil
    var evicted = PositionSet()
    var flops = 2 * config.dim * config.vocabularySize  // the classifier, once
    for position in positions {
      for gone in policy.evict(before: position, in: cache) { evicted.insert(gone) }
      if recording {  // the keys this query will read: what the cache holds, itself included
        let keys = cache.heldCount(layer: 0, through: position) + 1
        flops += FLOPCount.position(position, keys: min(keys, position + 1), config: config)
      }
      forward(
        token: tokens[position], position: position, step: step, cache: cache, scratch: scratch,
        report: &report)
      if var pending = report {
        for var event in pending.events {
          event.sequence = sequence
          recorder.record(.attention(event))
        }
        pending.events.removeAll(keepingCapacity: true)
        report = pending
      }
    }
    computeLogits(scratch: scratch)
    // Read the truth from the cache before the policy trims it.
    let rows =
      recording
      ? rowsEvents(
        step: step, length: length, cache: cache, computed: positions, evicted: evicted) : []
    for gone in policy.retain(in: cache, sequenceLength: length) { evicted.insert(gone) }
    if recording {
      var computed = 0
      var reused = 0
      for var event in rows {
        event.evicted = evicted
        event.sequence = sequence
        computed += event.fresh.count
        reused += event.reused.count
        recorder.record(.rows(event))
        if let rounded = cache.quantizationEvent(  // int8: each fresh row's scales and errors
          step: step, layer: event.layer, kvHead: event.kvHead, positions: event.fresh)
        {
          recorder.record(.quantization(rounded))
        }
      }
      if let blocks = cache.takeBlocksEvent(step: step, sequence: sequence) {
        recorder.record(.blocks(blocks))
      }
      recorder.record(
        .counters(
          StepCounters(
            step: step, rowsComputed: computed, rowsReused: reused,
            flops: flops,
            flopsWithoutCache: FLOPCount.step(positions: 0..<length, config: config),
            cacheBytes: cache.bytesHeld, sequence: sequence)))
    }
  }
}
