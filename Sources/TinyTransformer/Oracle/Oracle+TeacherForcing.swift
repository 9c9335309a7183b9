import KVTrace

extension Oracle {
  /// Decodes `promptTokens` under `policy` fed the tokens of `exact`, and compares the
  /// two runs' logits step by step: the teacher-forced comparison `kvtrace compare`
  /// reports for an approximate policy.
  ///
  /// Free-running runs of an approximate policy part at some step and then continue
  /// different texts; teacher forcing keeps every step's context the same, so each
  /// step's figures measure what the policy does to the arithmetic and nothing else.
  ///
  /// - Parameters:
  ///   - model: The model both runs use.
  ///   - promptTokens: The prompt, already tokenized.
  ///   - exact: The exact run (its tokens are fed; its logits are the reference).
  ///   - policy: The cache under test.
  ///   - sampling: As the exact run sampled.
  /// - Returns: One `TeacherForcedStep` (module KVTrace) per step of `exact`.
  /// - Throws: ``DecodeError`` if the prompt cannot be decoded.
  public static func teacherForced(
    model: TinyTransformer, promptTokens: [Int], exact: Generation, policy: some CachePolicy,
    sampling: Sampling = .greedy
  ) throws(DecodeError) -> [TeacherForcedStep] {
    let forced = try model.generate(
      promptTokens: promptTokens, feeding: exact.tokens, policy: policy, sampling: sampling)
    return compareLogits(exact: exact.logits, approximate: forced.logits).map { figures in
      var labelled = figures
      labelled.exactTopText = model.tokenizer.piece(of: figures.exactTop)
      labelled.approximateTopText = model.tokenizer.piece(of: figures.approximateTop)
      return labelled
    }
  }

  /// The figures of every step of two runs that read the same text at every step.
  ///
  /// - Parameters:
  ///   - exact: The exact run's logits, `[steps][vocabulary]`.
  ///   - approximate: The approximate run's, the same shape (extra steps are ignored).
  public static func compareLogits(exact: [[Float]], approximate: [[Float]])
    -> [TeacherForcedStep]
  {
    zip(exact, approximate).enumerated().map { step, pair in
      let (p, q) = pair
      var largest: Float = 0
      for (u, v) in zip(p, q) { largest = max(largest, abs(u - v)) }
      return TeacherForcedStep(
        step: step, maxLogitDifference: largest, klDivergence: klDivergence(p, q),
        exactTop: top(p), approximateTop: top(q))
    }
  }

  /// KL(softmax(p) ‖ softmax(q)) in nats, computed in `Double` from log-softmaxes with
  /// ``DeterministicMath`` (the same bits everywhere).
  static func klDivergence(_ p: [Float], _ q: [Float]) -> Double {
    let logP = logSoftmax(p)
    let logQ = logSoftmax(q)
    var sum = 0.0
    for (a, b) in zip(logP, logQ) { sum += DeterministicMath.exp(a) * (a - b) }
    return max(0, sum)  // never below 0 but for rounding
  }

  /// `x − max − log Σ exp(x − max)`, each in `Double`.
  static func logSoftmax(_ logits: [Float]) -> [Double] {
    let largest = Double(logits.max() ?? 0)
    var total = 0.0
    for x in logits { total += DeterministicMath.exp(Double(x) - largest) }
    let normalizer = largest + DeterministicMath.log(total)
    return logits.map { Double($0) - normalizer }
  }

  /// The index of the largest logit, the first on a tie.
  static func top(_ logits: [Float]) -> Int {
    var best = 0
    for (index, value) in logits.enumerated() where value > logits[best] { best = index }
    return best
  }
}
