import KVTrace

/// The verdict of decoding the same prompt without a cache and with one.
public struct OracleReport: Sendable {
  /// The largest |Δlogit| the oracle accepts: float rounding, nothing more.
  public static let tolerance: Float = 1e-4

  /// The reference run (``NoCache`` unless another policy was asked for).
  public var reference: Trace
  /// The run with the cache under test.
  public var cached: Trace
  /// The first step at which the chosen tokens differ, or `nil` if they never do.
  public var firstDivergence: Int?
  /// The largest absolute difference between the two runs' logits, over all steps.
  public var maxLogitDifference: Float
  /// Every way a run's rows broke its policy's accounting; empty when all is right.
  public var accountingProblems: [String]
  /// The reference run's tokens and logits, when the oracle decoded them.
  public var referenceRun: Generation? = nil
  /// The run under test's tokens and logits, when the oracle decoded them.
  public var cachedRun: Generation? = nil

  /// The largest |Δlogit| over the steps at which both runs read the same text: all of
  /// them when the tokens never part, else through the step where they part (its logits
  /// still came from the same text; the next step's do not).
  public var maxLogitDifferenceOnSameText: Float {
    guard let a = referenceRun?.logits, let b = cachedRun?.logits else {
      return maxLogitDifference
    }
    let steps = firstDivergence.map { $0 + 1 } ?? min(a.count, b.count)
    var largest: Float = 0
    for (x, y) in zip(a.prefix(steps), b.prefix(steps)) {
      for (u, v) in zip(x, y) { largest = max(largest, abs(u - v)) }
    }
    return largest
  }

  /// Whether the tokens agree at every step.
  public var tokensMatch: Bool { firstDivergence == nil }
  /// Whether the cache passed: same tokens, logits within tolerance, rows as promised.
  public var passed: Bool {
    tokensMatch && maxLogitDifference <= Self.tolerance && accountingProblems.isEmpty
  }
  /// Whether either run's policy is approximate, so the two may rightly differ (M15).
  public var approximate: Bool { !reference.header.policy.exact || !cached.header.policy.exact }
  /// Whether the comparison is as it should be: an exact pair must pass; an
  /// approximate one may differ in tokens and logits, but must keep its accounting.
  public var asExpected: Bool { approximate ? accountingProblems.isEmpty : passed }
}

/// Checks that caching changes nothing but the work done.
///
/// With greedy decoding, a correct KV cache gives the same tokens as recomputing
/// everything, and logits equal up to float rounding. A difference is a bug: a
/// wrong position offset, a mask, an index. The oracle also checks each run's
/// row accounting against what its policy promises, using the events the model
/// emitted, so the trace is tested along with the tokens.
public enum Oracle {
  /// Decodes `prompt` with ``NoCache`` and with `policy`, and compares.
  ///
  /// - Parameters:
  ///   - model: The model to run twice.
  ///   - promptTokens: The prompt, already tokenized.
  ///   - promptText: The prompt's text for the trace headers.
  ///   - steps: Decode steps after the prefill.
  ///   - policy: The cache under test (``FullCache`` by default).
  ///   - reference: The cache it is compared against (``NoCache`` by default).
  ///   - sampling: How tokens are chosen (both runs draw the same seeded stream).
  ///   - detail: What the two traces record.
  /// - Throws: ``DecodeError`` if the prompt cannot be decoded.
  public static func check(
    model: TinyTransformer, promptTokens: [Int], promptText: String? = nil, steps: Int,
    policy: some CachePolicy = FullCache(), against reference: any CachePolicy = NoCache(),
    sampling: Sampling = .greedy, detail: TraceDetail = .summary
  ) throws(DecodeError) -> OracleReport {
    try compareRuns(policy: policy, against: reference, detail: detail) {
      policy, log throws(DecodeError) in
      try model.generate(
        promptTokens: promptTokens, promptText: promptText, steps: steps, policy: policy,
        sampling: sampling, collectLogits: true, recorder: &log)
    }
  }

  /// Runs the same input with `reference` and with `policy`, and reports on the two runs:
  /// the runner every ``check(model:promptTokens:promptText:steps:policy:against:sampling:detail:)``
  /// shares.
  ///
  /// - Parameter run: Decodes the input with a policy, recording into a log.
  static func compareRuns(
    policy: any CachePolicy, against reference: any CachePolicy, detail: TraceDetail,
    _ run: (any CachePolicy, inout TraceLog) throws(DecodeError) -> Generation
  ) throws(DecodeError) -> OracleReport {
    var referenceLog = TraceLog(detail: detail)
    var cachedLog = TraceLog(detail: detail)
    let referenceRun = try run(reference, &referenceLog)
    let cachedRun = try run(policy, &cachedLog)
    // Both logs began, so both traces exist.
    guard let referenceTrace = referenceLog.trace, let cachedTrace = cachedLog.trace else {
      throw .emptyPrompt
    }
    return OracleReport(
      reference: referenceTrace, cached: cachedTrace,
      firstDivergence: firstDivergence(referenceRun, cachedRun),
      maxLogitDifference: maxLogitDifference(referenceRun, cachedRun),
      accountingProblems: accountingProblems(referenceTrace) + accountingProblems(cachedTrace),
      referenceRun: referenceRun, cachedRun: cachedRun)
  }

  /// The first step whose token differs between two runs of the same input, or `nil`.
  static func firstDivergence(_ a: Generation, _ b: Generation) -> Int? {
    zip(a.tokens, b.tokens).enumerated().first { $1.0 != $1.1 }?.offset
  }

  /// The largest |Δlogit| between two runs' collected logits, over every step.
  static func maxLogitDifference(_ a: Generation, _ b: Generation) -> Float {
    var largest: Float = 0
    for (x, y) in zip(a.logits, b.logits) {
      for (u, v) in zip(x, y) { largest = max(largest, abs(u - v)) }
    }
    return largest
  }
}
