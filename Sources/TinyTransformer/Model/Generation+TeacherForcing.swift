import KVTrace

extension TinyTransformer {
  /// Decodes `promptTokens` under `policy` while feeding back `forcedTokens` instead of
  /// its own choices: *teacher forcing*.
  ///
  /// Two free-running decodes that part at some step read different texts from then on,
  /// so their later logits compare different contexts. Teacher forcing keeps the context
  /// the same: step `s` runs on the prompt followed by `forcedTokens[0..<s]`, usually the
  /// tokens an exact run (``NoCache`` or ``FullCache``) chose, so its logits differ from
  /// that run's only by what `policy` does to the arithmetic (a window's forgotten rows,
  /// int8's rounding).
  ///
  /// The run decodes `forcedTokens.count - 1` steps after the prefill (the last forced
  /// token is never fed: nothing follows it) and records nothing.
  ///
  /// - Parameters:
  ///   - promptTokens: The prompt, already tokenized.
  ///   - forcedTokens: The tokens to feed, one per step from the prefill's.
  ///   - policy: What the cache keeps.
  ///   - sampling: How the run's own choice at each step is made (fed back never; returned).
  /// - Returns: The prompt; in `tokens`, what the model itself would have chosen at each
  ///   step; in `logits`, every step's logits (always collected).
  /// - Throws: ``DecodeError`` for an empty prompt or one that does not fit.
  public func generate(
    promptTokens: [Int], feeding forcedTokens: [Int], policy: some CachePolicy,
    sampling: Sampling = .greedy
  ) throws(DecodeError) -> Generation {
    let steps = max(0, forcedTokens.count - 1)
    try config.check(tokens: promptTokens, steps: steps)
    var shape = config  // the cache holds this run's positions only
    shape.contextLength = promptTokens.count + steps
    let cache = policy.makeCache(config: shape)
    var runner = Runner(model: self, policy: policy, cache: cache, scratch: Scratch(config: shape))
    var loop = decodingLoop(sampling: sampling, collectLogits: true)
    loop.forcedTokens = forcedTokens
    var silent = NoRecorder()
    return try loop.run(prompt: promptTokens, steps: 0...steps, model: &runner, recorder: &silent)
  }
}
